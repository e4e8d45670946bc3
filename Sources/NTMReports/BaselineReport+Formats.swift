import Foundation
import NTMCatalogue

/// `ntm baseline` in every format: baseline.md and baseline-communes.csv, a page with charts, a workbook and
/// a notebook.
extension BaselineReport {
    public func files(formats: [ReportFormat]) throws -> [(name: String, content: OutputFolder.Content)] {
        var out: [(name: String, content: OutputFolder.Content)] = []
        // The Markdown is the md file, the page's tables and the notebook's text: made once, and only for them.
        let md = formats.contains { [ReportFormat.md, .html, .ipynb].contains($0) } ? markdown() : ""
        if formats.contains(.md) { out.append(("baseline.md", .text(md))) }
        if formats.contains(.csv) { out.append(("baseline-communes.csv", .text(communesCSV()))) }
        if formats.contains(.html) { out.append(("baseline.html", .bytes(htmlBytes(markdown: md)))) }
        if formats.contains(.xlsx) { out.append(("baseline.xlsx", .data(try workbook().data()))) }
        if formats.contains(.ipynb) {
            var cells = Notebook.markdownCells(md)
            cells.append(.markdown("## \(labels[.loadData])\n\n\(labels[.loadDataNote])"))
            cells.append(Notebook.loadCSV(["baseline-communes.csv"]))
            out.append(("baseline.ipynb", .text(try Notebook(cells: cells, lang: labels.lang).json())))
        }
        return out
    }

    /// Communes at or above each tier (and below standard) in each district.
    func tierCounts(_ members: [Commune]) -> [Double] {
        [Double(members.filter { $0.tier >= .standard }.count), Double(members.filter { $0.tier >= .advanced }.count),
         Double(members.filter { $0.tier >= .model }.count), Double(members.filter { $0.tier == .below }.count)]
    }

    public func html(markdown md: String? = nil) -> String { String(decoding: htmlBytes(markdown: md), as: UTF8.self) }

    /// `html(markdown:)` as UTF-8 bytes, the criteria map written straight into the page.
    func htmlBytes(markdown md: String? = nil) -> [UInt8] {
        let L = labels, ds = dataset, e = HTMLPage.escape
        let tiers: [(Tier, String)] = [(.standard, SVGChart.blue), (.advanced, SVGChart.green), (.model, SVGChart.orange), (.below, SVGChart.vermillion)]
        var lead = "<p class=\"note\">\(e(L[.dataset])): <code>\(e(ds.name))</code> · \(e(L[.baseYear])): \(ds.baseYear)</p>\n<div class=\"cards\">"
        let all = tierCounts(ds.communes)
        for (i, (tier, _)) in tiers.enumerated() {
            lead += "<div class=\"card\"><div class=\"k\">\(e(L.tier(tier)))</div><div class=\"v\">\(L.number(all[i]))</div></div>"
        }
        lead += "<div class=\"card\"><div class=\"k\">\(e(L[.averageCriteria]))</div><div class=\"v\">\(L.number(ds.averageCriteria(catalogue: catalogue), decimals: 3))</div></div></div>"

        let rows = zip(ds.districts, communesOfDistricts()).map { d, members in
            SVGChart.BarRow(label: L.district(d), values: tierCounts(members.map { ds.communes[$0] }))
        }
        let bars = SVGChart.bars(title: L[.tiersByDistrict], rows: rows, series: tiers.map { SVGChart.Legend(L.tier($0.0), $0.1) }) { L.number($0) }
        let grader = standardGrader()
        let map: (inout HTMLBytes) -> Void = { o in
            HTMLPage.criteriaByDistrict(into: &o, dataset: ds, catalogue: catalogue, labels: L, title: L[.criteriaMetMap], rule: L[.criteriaMetRule],
                                        categories: [SVGChart.Legend(L[.met], SVGChart.green), SVGChart.Legend(L[.notMet], SVGChart.vermillion)]) { c, j in
                grader.meets(c, criterion: j) ? 0 : 1
            }
        }
        let text = md ?? markdown()
        let body = text.range(of: "\n## ").map { String(text[$0.lowerBound...]) } ?? text
        let sections: [HTMLPage.Section] = [
            .init(id: "tiers", heading: L[.tiersByDistrict], html: "<figure>\(bars)<figcaption>\(e(L[.tierNote]))</figcaption></figure>"),
            .init(id: "criteria", heading: "\(L[.criteriaMetMap]) – \(ds.baseYear)",
                  size: HTMLPage.criteriaByDistrictSize(dataset: ds, catalogue: catalogue), writer: map),
            .init(id: "tables", heading: L[.tables], html: HTMLPage.markdown(body, headingOffset: 1)),
        ]
        return HTMLPage(lang: L.lang, title: "\(L[.baselineTitle]): \(ds.province), \(ds.baseYear)", lead: lead, sections: sections,
                        footer: "\(e(L[.madeBy])) ntm · \(e(L[.selfContained]))").renderBytes()
    }

    /// Tiers by district and each commune's criteria, in long layout.
    public func workbook() -> Workbook {
        let L = labels, ds = dataset
        var tiers = Workbook.Sheet(name: L[.sheetTiers], header: [L[.measure], L[.district], L[.communes]])
        let byDistrict = communesOfDistricts().map { tierCounts($0.map { ds.communes[$0] }) }, all = tierCounts(ds.communes)
        for (i, tier) in [Tier.standard, .advanced, .model, .below].enumerated() {
            for (d, counts) in zip(ds.districts, byDistrict) { tiers.add([.text(L.tier(tier)), .text(d.name), .number(counts[i], .integer)]) }
            tiers.add([.text(L.tier(tier)), .text(L[.total]), .number(all[i], .integer)])
        }
        var communes = Workbook.Sheet(name: L[.sheetCommunes], header: [L[.measure], L[.district], L[.commune], L[.communeCode], L[.tierLabel], L[.value]])
        var criteria = Workbook.Sheet(name: L[.sheetCriteria], header: [L[.criterion], L[.district], L[.commune], L[.communeCode], L[.status]])
        let met = criteriaMetByCommune().map(Set.init)
        for (k, m) in [L[.criteriaMetCount], L[.households], L[.hamlets]].enumerated() {
            for (c, cm) in ds.communes.enumerated() {
                let v = [Double(met[c].count), Double(cm.households), Double(cm.hamlets)][k]
                communes.add([.text(m), .text(cm.district), .text(cm.name), .text(cm.code), .text(L.tier(cm.tier)), .number(v, .integer)])
            }
        }
        for crit in catalogue.criteria {
            for (c, cm) in ds.communes.enumerated() {
                criteria.add([.text("\(crit.number). \(crit.name(L.lang))"), .text(cm.district), .text(cm.name), .text(cm.code),
                              .text(met[c].contains(crit.number) ? L[.met] : L[.notMet])])
            }
        }
        return Workbook(sheets: [tiers, communes, criteria])
    }
}
