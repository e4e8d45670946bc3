import Foundation
import NTMCatalogue

/// `ntm allocate` in every format: allocation.md, the CSVs, a page with charts, a workbook and a notebook.
extension AllocationReport {
    public func files(formats: [ReportFormat]) throws -> [(name: String, content: OutputFolder.Content)] {
        var out: [(name: String, content: OutputFolder.Content)] = []
        let md = markdown()
        if formats.contains(.md) { out.append(("allocation.md", .text(md))) }
        if formats.contains(.csv) {
            out += files().filter { $0.name.hasSuffix(".csv") }.map { ($0.name, OutputFolder.Content.text($0.content)) }
        }
        if formats.contains(.html) { out.append(("allocation.html", .text(html(markdown: md)))) }
        if formats.contains(.xlsx) { out.append(("allocation.xlsx", .data(try workbook().data()))) }
        if formats.contains(.ipynb) {
            var cells = Notebook.markdownCells(md)
            cells.append(.markdown("## \(labels[.loadData])\n\n\(labels[.loadDataNote])"))
            cells.append(Notebook.loadCSV(["allocation.csv"] + rows.map { "plan-\($0.policy).csv" }))
            out.append(("allocation.ipynb", .text(try Notebook(cells: cells, lang: labels.lang).json())))
        }
        return out
    }

    /// The objective of each policy (communes the Monte Carlo engine expects on its paths) and the communes each reaches by the horizon
    /// (Monte Carlo means), as bars; then the tables.
    public func html(markdown md: String? = nil) -> String {
        let L = labels, e = HTMLPage.escape
        let years = study.model.years, last = years.count
        let objectives = rows.map { SVGChart.BarRow(label: L.policyName($0.policy), values: [objective($0)]) }
        let chart1 = SVGChart.bars(title: L[.objectiveEV], rows: objectives, series: [SVGChart.Legend(L[.objectiveEV], SVGChart.blue)]) { L.number($0, decimals: 1) }
        let reached = rows.map { r in
            SVGChart.BarRow(label: L.policyName(r.policy), values: (0..<3).map { r.result.summary(year: last, field: $0).mean })
        }
        let chart2 = SVGChart.bars(title: "\(years.last!)", rows: reached,
                                   series: [SVGChart.Legend(L.tier(.standard), SVGChart.blue), SVGChart.Legend(L.tier(.advanced), SVGChart.green),
                                            SVGChart.Legend(L.tier(.model), SVGChart.orange)]) { L.number($0, decimals: 1) }
        let text = md ?? markdown()
        let body = text.range(of: "\n\n").map { String(text[$0.upperBound...]) } ?? text
        let sections: [HTMLPage.Section] = [
            .init(id: "objective", heading: L[.objectiveEV], html: "<figure>\(chart1)<figcaption>\(e(L[.allocationIntro]))</figcaption></figure>"),
            .init(id: "reached", heading: "\(L.tier(.standard)), \(L.tier(.advanced)), \(L.tier(.model)) – \(years.last!)", html: "<figure>\(chart2)</figure>"),
            .init(id: "tables", heading: L[.tables], html: HTMLPage.markdown(body, headingOffset: 1)),
        ]
        return HTMLPage(lang: L.lang, title: "\(L[.allocationTitle]): \(study.model.scenario.name)", lead: "", sections: sections,
                        footer: "\(e(L[.madeBy])) ntm · \(e(L[.selfContained]))").render()
    }

    /// Policies and plans in long layout: the measure (or year) first, so filters work.
    public func workbook() -> Workbook {
        let L = labels
        let years = study.model.years
        var policies = Workbook.Sheet(name: L[.sheetPolicies], header: [L[.measure], L[.policy], L[.value]])
        for r in rows { policies.add([.text(L[.objectiveEV]), .text(L.policy(r.policy)), .number(objective(r), .oneDecimal)]) }
        for (yi, y) in years.enumerated() {
            for (f, tier) in [(0, Tier.standard), (1, .advanced), (2, .model)] {
                for r in rows { policies.add([.text("\(L.tier(tier)) \(y)"), .text(L.policy(r.policy)), .number(r.result.summary(year: yi + 1, field: f).mean, .oneDecimal)]) }
            }
        }
        for r in rows {
            policies.add([.text(L[.spent]), .text(L.policy(r.policy)), .number(spent(r), .integer)])
            policies.add([.text(L[.unspent]), .text(L.policy(r.policy)), .number(max(0, money - spent(r)), .integer)])
            policies.add([.text(L[.gapToOptimum]), .text(L.policy(r.policy)), .number(max(0, best - objective(r)), .integer)])
        }
        var plans = Workbook.Sheet(name: L[.sheetPlans], header: [L[.year], L[.policy], L[.commune], L[.communeCode], L[.criterion], L[.indicator], L[.fundingSource], L[.value]])
        let inds = study.model.catalogue.indicators
        for r in rows {
            for a in study.amounts(r.plan) {
                let c = study.model.dataset.communes[a.commune]
                plans.add([.number(Double(a.year), .year), .text(L.policy(r.policy)), .text(c.name), .text(c.code), .number(Double(inds[a.indicator].criterion), .year),
                           .text(inds[a.indicator].name(L.lang)), .text(study.model.catalogue.sources[a.source].name(L.lang)), .number(a.amount, .integer)])
            }
        }
        guard let lc = leastCost else { return Workbook(sheets: [policies, plans]) }
        // The least money that reaches the target, by year and source, as least-cost.csv has it.
        var least = Workbook.Sheet(name: L[.sheetLeastCost], header: [L[.year], L[.fundingSource], L[.availableAfterUpkeep], L[.needed], L[.extraNeeded]])
        for (t, y) in years.enumerated() {
            for (s, src) in study.model.catalogue.sources.enumerated() {
                least.add([.number(Double(y), .year), .text(src.name(L.lang)), .number(study.problem.available[s][t], .integer),
                           .number(lc.result.money[s][t], .integer), .number(lc.result.extra[s][t], .integer)])
            }
        }
        return Workbook(sheets: [policies, plans, least])
    }
}
