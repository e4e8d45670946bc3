import NTMCatalogue
import NTMEngine

/// `ntm compare`: headline figures of several scenarios by year, with paired differences from the first.
public struct CompareReport {
    public let results: [ProjectionResult]
    public let labels: Labels

    public init(results: [ProjectionResult], lang: Language) throws {
        guard let first = results.first else { throw InputError(file: "", line: 0, key: "", "nothing to compare") }
        for r in results.dropFirst() {
            if r.years != first.years || r.model.dataset.communes.map(\.code) != first.model.dataset.communes.map(\.code) {
                throw InputError(file: r.model.scenario.file, line: 0, key: "horizon",
                                 "can only be compared with \(first.model.scenario.file) on the same dataset and years")
            }
        }
        self.results = results
        labels = Labels(lang)
    }

    static let compared = [0, 1, 2, 4] // standard, advanced, model, average criteria

    /// Per draw difference from the reference, summarised.
    func difference(_ r: ProjectionResult, year yi: Int, field f: Int) -> ProjectionResult.Summary {
        let ref = results[0]
        let d = r.perDraw[yi].indices.map { r.perDraw[yi][$0][f] - ref.perDraw[yi][$0][f] }.sorted()
        return .init(mean: d.reduce(0, +) / Double(d.count), p10: ProjectionResult.quantile(d, 0.1),
                     p50: ProjectionResult.quantile(d, 0.5), p90: ProjectionResult.quantile(d, 0.9))
    }

    public func csv() -> String {
        var w = CSVWriter(header: ["year", "scenario", "measure", "mean", "p10", "p90", "diff_mean", "diff_p10", "diff_p90"])
        for (yi, year) in results[0].years.enumerated() {
            for r in results {
                for f in Self.compared {
                    let s = r.summary(year: yi, field: f), d = difference(r, year: yi, field: f)
                    w.row([String(year), r.model.scenario.name, ProjectionResult.fields[f]] + [s.mean, s.p10, s.p90, d.mean, d.p10, d.p90].map { formatNumber($0) })
                }
            }
        }
        return w.text
    }

    public func markdown() -> String {
        let L = labels
        let names = [L.tier(.standard), L.tier(.advanced), L.tier(.model), "", L[.averageCriteria]]
        var s = "# " + L.fill(.compareTitle, results[0].model.scenario.name) + "\n\n"
        for (yi, year) in results[0].years.enumerated() where yi > 0 {
            s += "## \(year)\n\n"
            var t = MarkdownTable([L[.scenario]] + Self.compared.map { names[$0] }, rightAligned: Set(1...Self.compared.count))
            for (i, r) in results.enumerated() {
                var row = [r.model.scenario.name]
                for f in Self.compared {
                    let m = r.summary(year: yi, field: f).mean, dec = f == 4 ? 2 : 1
                    if i == 0 { row.append(L.number(m, decimals: dec)); continue }
                    let d = difference(r, year: yi, field: f)
                    let sign = d.mean >= 0 ? "+" : ""
                    row.append("\(L.number(m, decimals: dec)) (\(sign)\(L.number(d.mean, decimals: dec)); \(L.number(d.p10, decimals: dec))…\(L.number(d.p90, decimals: dec)))")
                }
                t.add(row)
            }
            s += t.text + "\n"
        }
        s += L[.compareNote] + "\n"
        return s
    }
}
