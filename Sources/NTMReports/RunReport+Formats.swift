import Foundation
import NTMCatalogue
import NTMEngine

/// `ntm run` in every format: the summary and CSV tables, a page with charts, a workbook and a notebook.
extension RunReport {
    public static let csvNames = ["tiers.csv", "communes.csv", "funding.csv", "districts.csv"]

    /// Whether files in `formats` read the communes' mean indicator values (`ProjectionResult.indicators`): the
    /// page's commune × criterion map and the workbook's criteria sheet do. A run for the others can leave them
    /// out (`Model.keepIndicatorMeans`).
    public static func readsIndicatorMeans(_ formats: [ReportFormat]) -> Bool {
        formats.contains(.html) || formats.contains(.xlsx)
    }

    /// The report's files in the formats asked for (see `ReportFormat`). They are made side by side on all
    /// cores; the page's commune × criterion map, the largest part by far, is made on its own, apart from the
    /// rest of the page, and written to the file between the page's other parts (never copied into one buffer).
    public func files(formats: [ReportFormat]) throws -> [(name: String, content: OutputFolder.Content)] {
        enum Made {
            case file(String, OutputFolder.Content)
            case criteriaMap([UInt8])
            case page(HTMLPage)
        }
        let md = summary()
        let html = formats.contains(.html), csv = formats.contains(.csv)
        // The longest first.
        var jobs: [() throws -> Made] = []
        if html { jobs.append { .criteriaMap(criteriaMapBytes()) } }
        if csv { jobs.append { .file("communes.csv", .bytes(communesCSVBytes())) } }
        if html { jobs.append { .page(htmlPage(summary: md)) } }
        if formats.contains(.xlsx) { jobs.append { .file("report.xlsx", .data(try workbook().data())) } }
        if formats.contains(.ipynb) { jobs.append { .file("report.ipynb", .text(try notebook(summary: md).json())) } }
        if csv {
            jobs.append { .file("tiers.csv", .text(tiersCSV())) }
            jobs.append { .file("funding.csv", .text(fundingCSV())) }
            jobs.append { .file("districts.csv", .text(districtsCSV())) }
        }
        var made: [String: OutputFolder.Content] = [:], criteria: [UInt8]?, page: HTMLPage?
        for m in try concurrently(jobs) {
            switch m {
            case .file(let name, let content): made[name] = content
            case .criteriaMap(let b): criteria = b
            case .page(let p): page = p
            }
        }
        if var page {
            if let criteria, let i = page.sections.firstIndex(where: { $0.id == Self.criteriaSection }) {
                page.sections[i].body = .bytes(criteria)
            }
            made["report.html"] = .parts(page.renderParts())
        }
        var out: [(name: String, content: OutputFolder.Content)] = []
        if formats.contains(.md) { out.append(("summary.md", .text(md))) }
        for name in (csv ? Self.csvNames : []) + ["report.html", "report.xlsx", "report.ipynb"] {
            if let content = made[name] { out.append((name, content)) }
        }
        return out
    }

    // MARK: HTML

    func pctText(_ p: Double) -> String { labels.number(100 * p, decimals: 0) + " %" }

    /// The page: key figures for the last year, the charts, then the summary's tables.
    public func html(summary md: String? = nil) -> String { String(decoding: htmlBytes(summary: md), as: UTF8.self) }

    /// `html(summary:)` as UTF-8 bytes (25 MB at national scale, so not made a String on the way to the file).
    func htmlBytes(summary md: String? = nil) -> [UInt8] { htmlPage(summary: md).renderBytes() }

    static let criteriaSection = "criteria"

    /// The commune × criterion map for the last year, the page's largest section, on its own.
    func criteriaMapBytes() -> [UInt8] {
        var o = HTMLBytes(capacity: HTMLPage.criteriaByDistrictSize(dataset: model.dataset, catalogue: model.catalogue))
        criteriaMap(into: &o, year: result.years.count - 1)
        return o.take()
    }

    /// The page, its commune × criterion map written in place when the page is rendered.
    func htmlPage(summary md: String? = nil) -> HTMLPage {
        let L = labels, sc = model.scenario
        let last = result.years.count - 1, horizon = result.years[last]
        let e = HTMLPage.escape
        // Lead: description and the last year's headline figures.
        var lead = sc.description.isEmpty ? "" : "<p>\(e(sc.description))</p>\n"
        lead += "<p class=\"note\">\(e(L[.scenario])): <code>\(e(sc.file))</code> · \(e(L[.dataset])): \(e(model.dataset.province)), "
            + "\(e(L[.baseYear].lowercased())) \(model.baseYear) · \(e(L[.draws])): \(L.number(Double(sc.draws))) · \(e(L[.seed])): \(sc.seed)</p>\n"
        lead += "<p><strong>\(e(L[.forecastFor])) \(horizon)</strong> <span class=\"note\">(\(e(L[.bandNote])))</span></p>\n<div class=\"cards\">"
        for (f, name) in [(0, L.tier(.standard)), (1, L.tier(.advanced)), (2, L.tier(.model)), (4, L[.averageCriteria])] {
            let x = result.summary(year: last, field: f), d = f == 4 ? 2 : 1
            lead += "<div class=\"card\"><div class=\"k\">\(e(name))</div><div class=\"v\">\(L.number(x.mean, decimals: d))</div>"
                + "<div class=\"b\">(\(L.number(x.p10, decimals: d))–\(L.number(x.p90, decimals: d)))</div></div>"
        }
        lead += "</div>"

        var sections: [HTMLPage.Section] = []
        sections.append(.init(id: "tiers", heading: L[.tiersChart], html: tiersFigure()))
        sections.append(.init(id: "funding", heading: L[.fundingChart], html: fundingFigures()))
        sections.append(.init(id: Self.criteriaSection, heading: "\(L[.criteriaMap]) – \(horizon)",
                              size: HTMLPage.criteriaByDistrictSize(dataset: model.dataset, catalogue: model.catalogue)) { criteriaMap(into: &$0, year: last) })
        sections.append(.init(id: "districts", heading: L[.districtsChart], html: districtsFigure()))
        // The summary's sections, below the page's own title.
        let text = md ?? summary()
        let body = text.range(of: "\n## ").map { String(text[$0.lowerBound...]) } ?? text
        sections.append(.init(id: "tables", heading: L[.tables], html: HTMLPage.markdown(body, headingOffset: 1)))

        let footer = "\(e(L[.madeBy])) ntm \(e(version)) · <code>\(e(sc.file))</code> · \(e(L[.selfContained]))"
        return HTMLPage(lang: L.lang, title: "\(L[.projection]): \(sc.name)", lead: lead, sections: sections, footer: footer)
    }

    func tiersFigure() -> String {
        let L = labels
        let series = [(0, Tier.standard, SVGChart.blue), (1, .advanced, SVGChart.green), (2, .model, SVGChart.orange)].map { f, tier, colour in
            let s = result.years.indices.map { result.summary(year: $0, field: f) }
            return SVGChart.BandSeries(name: L.tier(tier), colour: colour, mean: s.map(\.mean), low: s.map(\.p10), high: s.map(\.p90))
        }
        let svg = SVGChart.bands(title: L[.tiersChart], x: result.years.map(String.init), yLabel: L[.communes], series: series) {
            L.number($0, decimals: 1)
        }
        return "<figure>\(svg)<figcaption>\(HTMLPage.escape(L[.tiersChartNote]))</figcaption></figure>"
    }

    func fundingFigures() -> String {
        let L = labels, sources = model.catalogue.sources
        let top = result.funding.flatMap { $0.flatMap { [$0[0], $0[1]] } }.max() ?? 1
        let legend = [SVGChart.Legend(L[.available], SVGChart.sky), SVGChart.Legend(L[.needed], SVGChart.vermillion)]
        var s = ""
        for (yi, year) in model.years.enumerated() {
            let rows = sources.indices.map { SVGChart.BarRow(label: sources[$0].name(L.lang), values: [result.funding[yi][$0][0], result.funding[yi][$0][1]]) }
            let svg = SVGChart.bars(title: "\(L[.fundingChart]) – \(year) (\(L[.millionVND]))", rows: rows, series: legend, maximum: top) { L.number($0) }
            s += "<h3>\(year)</h3><figure>\(svg)</figure>\n"
        }
        return s + "<p class=\"note\">\(HTMLPage.escape(L[.fundingChartNote]))</p>"
    }

    func criteriaMap(into o: inout HTMLBytes, year yi: Int) {
        let L = labels
        let grid = CriterionOutlook.grid(result, year: yi)
        let cats = [SVGChart.Legend(L[.met], SVGChart.green), SVGChart.Legend(L[.likely], SVGChart.yellow),
                    SVGChart.Legend(L[.unlikely], SVGChart.vermillion)]
        HTMLPage.criteriaByDistrict(into: &o, dataset: model.dataset, catalogue: model.catalogue, labels: L, title: L[.criteriaMap],
                                    rule: L[.criteriaMapRule], categories: cats) { grid[$0][$1].rawValue }
    }

    func districtsFigure() -> String {
        let L = labels, ds = model.dataset
        let colours = [SVGChart.blue, SVGChart.orange, SVGChart.green, SVGChart.purple, SVGChart.sky, SVGChart.vermillion]
        let years = Array(result.years.indices.dropFirst())
        let legend = years.enumerated().map { SVGChart.Legend(String(result.years[$0.element]), colours[$0.offset % colours.count]) }
        let rows = ds.districts.indices.map { i in
            SVGChart.BarRow(label: L.district(ds.districts[i]), values: years.map { result.districts[$0][i] })
        }
        let svg = SVGChart.bars(title: L[.districtsChart], rows: rows, series: legend, maximum: 1) { pctText($0) }
        return "<figure>\(svg)<figcaption>\(HTMLPage.escape(L[.districtsChartNote]))</figcaption></figure>"
    }

    // MARK: workbook

    /// The tables in long layout, the measure first: filter a sheet by its first column to get one series.
    public func workbook() -> Workbook {
        let L = labels, ds = model.dataset, cat = model.catalogue
        typealias C = Workbook.Cell
        func year(_ y: Int) -> C { .number(Double(y), .year) }
        let stats: [(String, (ProjectionResult.Summary) -> Double)] = [(L[.mean], { $0.mean }), ("P10", { $0.p10 }), ("P50", { $0.p50 }), ("P90", { $0.p90 })]

        var tiers = Workbook.Sheet(name: L[.sheetTiers], header: [L[.measure], L[.year], L[.statistic], L[.communes]])
        let measures = [L.tier(.standard), L.tier(.advanced), L.tier(.model), L.tier(.below), L[.averageCriteria]]
        for (f, m) in measures.enumerated() {
            for (yi, y) in result.years.enumerated() {
                let s = result.summary(year: yi, field: f)
                for (stat, pick) in stats { tiers.add([.text(m), year(y), .text(stat), .number(pick(s), f == 4 ? .threeDecimals : .oneDecimal)]) }
            }
        }

        var funding = Workbook.Sheet(name: L[.sheetFunding], header: [L[.measure], L[.year], L[.fundingSource], "\(L[.value]) (\(L[.millionVND]))"])
        for (k, m) in [L[.available], L[.needed], L[.allocated], L[.gap]].enumerated() {
            for (yi, y) in model.years.enumerated() {
                for (si, src) in cat.sources.enumerated() { funding.add([.text(m), year(y), .text(src.name(L.lang)), .number(result.funding[yi][si][k], .integer)]) }
            }
        }

        var communes = Workbook.Sheet(name: L[.sheetCommunes], header: [L[.measure], L[.year], L[.district], L[.commune], L[.communeCode], L[.value]])
        for (k, m) in [L[.pStandard], L[.pAdvanced], L[.pModel], L[.expectedCriteria]].enumerated() {
            for (yi, y) in result.years.enumerated() {
                for (c, cm) in ds.communes.enumerated() {
                    communes.add([.text(m), year(y), .text(cm.district), .text(cm.name), .text(cm.code), .number(result.communes[yi][c][k], k == 3 ? .oneDecimal : .share)])
                }
            }
        }

        var districts = Workbook.Sheet(name: L[.sheetDistricts], header: [L[.measure], L[.year], L[.district], L[.value]])
        for (yi, y) in result.years.enumerated() {
            for (i, d) in ds.districts.enumerated() { districts.add([.text(L[.pRecognised]), year(y), .text(d.name), .number(result.districts[yi][i], .share)]) }
        }

        let last = result.years.count - 1
        let grid = CriterionOutlook.grid(result, year: last)
        let status = [L[.met], L[.likely], L[.unlikely]]
        var criteria = Workbook.Sheet(name: L[.sheetCriteria], header: [L[.criterion], L[.year], L[.district], L[.commune], L[.communeCode], L[.status]])
        for (j, crit) in cat.criteria.enumerated() {
            for (c, cm) in ds.communes.enumerated() {
                criteria.add([.text("\(crit.number). \(crit.name(L.lang))"), year(result.years[last]), .text(cm.district), .text(cm.name),
                              .text(cm.code), .text(status[grid[c][j].rawValue])])
            }
        }

        var sheets = [tiers, funding, communes, districts, criteria]
        let sc = model.scenario
        if !sc.targets.isEmpty {
            var targets = Workbook.Sheet(name: L[.sheetTargets], header: [L[.measure], L[.year], L[.statistic], L[.value]])
            for y in sc.targets.keys.sorted() {
                guard let yi = result.years.firstIndex(of: y), yi > 0 else { continue }
                for (f, tier) in [(0, Tier.standard), (1, .advanced), (2, .model)] {
                    guard let want = sc.targets[y]?[tier] else { continue }
                    let added = result.perDraw[yi].indices.map { result.perDraw[yi][$0][f] - result.perDraw[yi - 1][$0][f] }.sorted()
                    let p = Double(added.filter { $0 >= Double(want) }.count) / Double(max(added.count, 1))
                    let m = L.tier(tier)
                    targets.add([.text(m), year(y), .text(L[.target]), .number(Double(want), .integer)])
                    targets.add([.text(m), year(y), .text("\(L[.forecastAdded]) – \(L[.mean])"), .number(added.reduce(0, +) / Double(max(added.count, 1)), .oneDecimal)])
                    targets.add([.text(m), year(y), .text("\(L[.forecastAdded]) – P10"), .number(ProjectionResult.quantile(added, 0.1), .oneDecimal)])
                    targets.add([.text(m), year(y), .text("\(L[.forecastAdded]) – P90"), .number(ProjectionResult.quantile(added, 0.9), .oneDecimal)])
                    targets.add([.text(m), year(y), .text(L[.probabilityMet]), .number(p, .share)])
                }
            }
            sheets.append(targets)
        }

        var run = Workbook.Sheet(name: L[.sheetRun], header: [L[.item], L[.value]])
        run.add([.text(L[.scenario]), .text(sc.name)])
        run.add([.text(L[.scenario]), .text(sc.file)])
        if !sc.description.isEmpty { run.add([.text(L[.scenario]), .text(sc.description)]) }
        run.add([.text(L[.dataset]), .text("\(ds.name) (\(ds.province))")])
        run.add([.text(L[.baseYear]), year(model.baseYear)])
        run.add([.text(L[.horizon]), year(result.years[last])])
        run.add([.text(L[.catalogue]), .text(cat.name(L.lang))])
        run.add([.text(L[.draws]), .number(Double(sc.draws), .integer)])
        run.add([.text(L[.seed]), .text(String(sc.seed))])
        run.add([.text(L[.policy]), .text(L.policy(sc.policy))])
        run.add([.text(L[.version]), .text("ntm \(version)")])
        run.add([.text(L[.note]), .text(L[.workbookNote])])
        sheets.append(run)
        return Workbook(sheets: sheets)
    }

    // MARK: notebook

    /// The summary as Markdown cells, then cells that load the CSV tables beside the notebook with pandas.
    public func notebook(summary md: String? = nil) -> Notebook {
        let L = labels
        var cells = Notebook.markdownCells(md ?? summary())
        cells.append(.markdown("## \(L[.loadData])\n\n\(L[.loadDataNote])"))
        cells.append(Notebook.loadCSV(Self.csvNames))
        cells.append(.code("tiers[tiers[\"stat\"] == \"mean\"].set_index(\"year\")"))
        cells.append(.code("funding.pivot_table(index=\"source\", columns=\"year\", values=[\"available\", \"needed\", \"gap\"])"))
        return Notebook(cells: cells, lang: L.lang)
    }
}
