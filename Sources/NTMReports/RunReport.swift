import Foundation
import NTMCatalogue
import NTMEngine

/// `ntm run`: what a projection says, as files a planner can read (summary.md) and load (CSV).
public struct RunReport {
    public let result: ProjectionResult
    public let labels: Labels
    public let version: String

    public init(result: ProjectionResult, lang: Language, version: String) {
        self.result = result
        labels = Labels(lang)
        self.version = version
    }

    var model: Model { result.model }

    public func files() -> [(name: String, content: String)] {
        [("summary.md", summary()), ("tiers.csv", tiersCSV()), ("communes.csv", communesCSV()),
         ("funding.csv", fundingCSV()), ("districts.csv", districtsCSV())]
    }

    static func n(_ v: Double, _ d: Int = 4) -> String { formatNumber(v, decimals: d) }

    public func tiersCSV() -> String {
        var w = CSVWriter(header: ["year", "stat", "standard", "advanced", "model", "below", "avg_criteria"])
        for (yi, year) in result.years.enumerated() {
            let s = (0..<5).map { result.summary(year: yi, field: $0) }
            for (stat, pick) in [("mean", { (x: ProjectionResult.Summary) in x.mean }), ("p10", { $0.p10 }), ("p50", { $0.p50 }), ("p90", { $0.p90 })] {
                w.row([String(year), stat] + s.map { Self.n(pick($0)) })
            }
        }
        return w.text
    }

    public func communesCSV() -> String { String(decoding: communesCSVBytes(), as: UTF8.self) }

    /// `communesCSV` as UTF-8 bytes, written straight into one buffer: a national run has 8,177 communes a year,
    /// and a row of Strings each (what `CSVWriter` takes) cost more than the numbers. Each commune's code, name
    /// and district are escaped once for all years; the year and the numbers never need quotes.
    func communesCSVBytes() -> [UInt8] {
        let header = CSVWriter(header: ["year", "gso_code", "commune", "district", "p_standard", "p_advanced", "p_model", "expected_criteria"]).text
        let names = model.dataset.communes.map { m in [m.code, m.name, m.district].map(CSVWriter.escape).joined(separator: ",") }
        var out = ByteBuffer(capacity: header.utf8.count + result.years.count * names.count * 64)
        out.append(header)
        for (yi, year) in result.years.enumerated() {
            let y = String(year)
            for (c, name) in names.enumerated() {
                let v = result.communes[yi][c]
                out.append(y); out.append(byte: UInt8(ascii: ",")); out.append(name)
                for f in 0..<4 { out.append(byte: UInt8(ascii: ",")); out.append(Self.n(v[f])) }
                out.append(byte: UInt8(ascii: "\n"))
            }
        }
        return out.take()
    }

    public func fundingCSV() -> String {
        var w = CSVWriter(header: ["year", "source", "available", "needed", "allocated", "gap"])
        for (yi, year) in model.years.enumerated() {
            for (s, id) in model.sourceIDs.enumerated() {
                let f = result.funding[yi][s]
                w.row([String(year), id, Self.n(f[0], 1), Self.n(f[1], 1), Self.n(f[2], 1), Self.n(f[3], 1)])
            }
        }
        return w.text
    }

    public func districtsCSV() -> String {
        var w = CSVWriter(header: ["year", "district", "p_recognised"])
        for (yi, year) in result.years.enumerated() {
            for (i, d) in model.dataset.districts.enumerated() { w.row([String(year), d.name, Self.n(result.districts[yi][i])]) }
        }
        return w.text
    }

    func pct(_ p: Double) -> String { labels.number(100 * p, decimals: 0) + " %" }

    public func summary() -> String {
        let L = labels
        let sc = model.scenario
        var s = "# \(L[.projectionTitle]): \(sc.name)\n\n"
        if !sc.description.isEmpty { s += "\(sc.description)\n\n" }
        s += "## \(L[.whatRan])\n\n"
        let rows: [(String, String)] = [
            (L[.scenario], "`\(sc.file)`" + (sc.chain.count > 1 ? " (\(L[.extends]) \(sc.chain.dropFirst().map { "`\(($0 as NSString).lastPathComponent)`" }.joined(separator: ", ")))" : "")),
            (L[.dataset], "`\(model.dataset.name)` (\(model.dataset.province), \(L[.baseYearLower]) \(model.baseYear), \(L.number(Double(model.C))) \(L[.communesLower]))"),
            (L[.catalogue], model.catalogue.name(L.lang) + (sc.overrides.isEmpty ? "" : " (" + L.fill(.parametersOverridden, String(sc.overrides.count)) + ")")),
            (L[.drawsSeed], "\(L.number(Double(sc.draws))), \(sc.seed)"),
            (L[.allocationPolicy], L.policy(sc.policy)),
            (L[.version], "ntm \(version)"),
        ]
        var t = MarkdownTable([L[.item], L[.value]])
        for r in rows { t.add([r.0, r.1]) }
        s += t.text + "\n"
        // Tier counts.
        s += "## \(L[.tiersByYear])\n\n"
        let tierNames = [L.tier(.standard), L.tier(.advanced), L.tier(.model), L.tier(.below), L[.averageCriteria]]
        var tt = MarkdownTable([L[.year]] + tierNames, rightAligned: Set(1...5))
        for (yi, year) in result.years.enumerated() {
            var row = [String(year)]
            for f in 0..<5 {
                let x = result.summary(year: yi, field: f)
                let d = f == 4 ? 3 : 1
                row.append(yi == 0 ? L.number(x.mean, decimals: d) : "\(L.number(x.mean, decimals: d)) (\(L.number(x.p10, decimals: d))–\(L.number(x.p90, decimals: d)))")
            }
            tt.add(row)
        }
        s += tt.text + "\n"
        s += L.fill(.tiersNestBaseYear, String(model.baseYear)) + "\n\n"
        // Targets.
        if !sc.targets.isEmpty {
            s += "## \(L[.againstTargets])\n\n"
            var tg = MarkdownTable([L[.year], L[.tier], L[.targetAdded], L[.forecastAdded], L[.probabilityMet]], rightAligned: [2, 3, 4])
            for year in sc.targets.keys.sorted() {
                guard let yi = result.years.firstIndex(of: year), yi > 0 else { continue }
                for (f, tier) in [(0, Tier.standard), (1, .advanced), (2, .model)] {
                    guard let want = sc.targets[year]?[tier] else { continue }
                    let added = result.perDraw[yi].indices.map { result.perDraw[yi][$0][f] - result.perDraw[yi - 1][$0][f] }.sorted()
                    let p = Double(added.filter { $0 >= Double(want) }.count) / Double(added.count)
                    let mean = added.reduce(0, +) / Double(added.count)
                    // The band with one decimal, as the tier table and the workbook give it (72,9 standard is +2,9).
                    tg.add([String(year), L.tier(tier), "+\(want)",
                            "+\(L.number(mean, decimals: 1)) (\(L.number(ProjectionResult.quantile(added, 0.1), decimals: 1))–\(L.number(ProjectionResult.quantile(added, 0.9), decimals: 1)))", pct(p)])
                }
            }
            s += tg.text + "\n"
            if let src = sc.targetSource { s += "\(L[.source]): \(src)\n\n" }
        }
        // Districts.
        s += "## \(L[.districtsRecognised])\n\n"
        var dt = MarkdownTable([L[.district]] + result.years.map(String.init), rightAligned: Set(1...result.years.count))
        for (i, d) in model.dataset.districts.enumerated() {
            dt.add([L.district(d)] + result.years.indices.map { pct(result.districts[$0][i]) })
        }
        s += dt.text + "\n"
        // Funding.
        s += "## \(L[.fundingTitle])\n\n"
        var ft = MarkdownTable([L[.year], L[.fundingSource], L[.available], L[.needed], L[.allocated], L[.gap]], rightAligned: [2, 3, 4, 5])
        for (yi, year) in model.years.enumerated() {
            var tot = [0.0, 0, 0, 0]
            for (si, src) in model.catalogue.sources.enumerated() {
                let f = result.funding[yi][si]
                for i in 0..<4 { tot[i] += f[i] }
                ft.add([String(year), src.name(L.lang)] + f.map { L.number($0) })
            }
            ft.add([String(year), "**\(L[.total])**"] + tot.map { "**\(L.number($0))**" })
        }
        s += ft.text + "\n"
        s += L[.fundingNote] + "\n\n"
        // Communes most likely to change tier.
        let last = result.years.count - 1
        s += "## " + L.fill(.moversTitle, String(result.years[last])) + "\n\n"
        var movers: [(c: Int, tier: Tier, p: Double)] = []
        for (c, m) in model.dataset.communes.enumerated() where m.tier < .model {
            let next = Tier(rawValue: m.tier.rawValue + 1)!
            movers.append((c, next, result.communes[last][c][next.rawValue - 1]))
        }
        movers.sort { ($0.p, -$0.c) > ($1.p, -$1.c) }
        var mt = MarkdownTable([L[.commune], L[.district], L[.now], L[.movesTo], L[.probability], L[.expectedCriteria]], rightAligned: [4, 5])
        for mv in movers.prefix(15) {
            let m = model.dataset.communes[mv.c]
            mt.add([m.name, m.district, L.tier(m.tier), L.tier(mv.tier), pct(mv.p), L.number(result.communes[last][mv.c][3], decimals: 1)])
        }
        s += mt.text + "\n"
        s += L[.assumptionsNote] + "\n"
        return s
    }
}
