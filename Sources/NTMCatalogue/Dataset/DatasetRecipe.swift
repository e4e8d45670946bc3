import Foundation

/// A province figure the dataset must reproduce, as stated in `dataset.yaml`.
public enum FigureKind: Sendable {
    /// Weighted mean equal to `value` at `decimals`.
    case mean(Double, decimals: Int)
    /// `count` units (households or hamlets) meet the indicator: the value is their share in percent.
    case count(Int, of: Aggregate)
    /// Exactly `count` communes have `value`; the others `others`, or are imputed below it.
    case communesAt(count: Int, value: Double, others: Double?)
    /// Integer values per commune adding up to `total`, each at most the value of `atMost`.
    case total(Int, atMost: String?)
}

public struct ProvinceFigure: Sendable {
    public var kind: FigureKind
    public var source: String
    public var line: Int
}

public struct Typical: Sendable {
    public var mean: Double
    public var spread: Double
    public var source: String
}

public struct GapRule: Sendable {
    public var min: Int
    public var max: Int
    /// Criterion number → the indicator that carries the gap.
    public var indicators: [(criterion: Int, indicator: String)]
    public var source: String
}

public struct NamedTier: Sendable {
    public var commune: String
    public var tier: Tier
    public var since: Int?
    public var source: String
    public var line: Int
}

public struct AppendixRow: Sendable {
    public var number: Int
    public var commune: String
    public var district: String
    public var count: Int
    public var met: [Int]
    public var planCount: Int
    public var plan: [Int]
    public var cumulative: Int
    public var line: Int
}

public struct ReferenceFigure: Sendable {
    public var vi: String
    public var en: String
    public var value: Double
    public var source: String
}

/// The facts of a province at a base year and the recipe that imputes commune values from them
/// (`dataset.yaml` in a dataset folder).
public struct DatasetRecipe: Sendable {
    public var file: String
    public var name: String
    public var province: String
    public var baseYear: Int
    public var communesFile: String
    public var appendixFile: String
    /// Where the table of communes below standard comes from: "seed Phụ lục II" for the report's own table,
    /// or an `assumption: …` when the table was put together for a year the report does not cover.
    public var appendixSource: String = "seed Phụ lục II"
    public var seed: UInt64
    public var totals: [String: (value: Double, decimals: Int?, source: String, line: Int)]
    public var namedTiers: [NamedTier]
    public var otherStandardSource: String
    public var figures: [String: ProvinceFigure]
    public var references: [ReferenceFigure]
    public var typical: [String: Typical]
    public var spread: [String: Double]
    public var belowGaps: GapRule
    public var advancedGaps: GapRule
    public var modelGaps: GapRule
    public var hamletBounds: (min: Int, max: Int, spread: Double)
    public var householdSpread: Double
    /// The seed communes' sizes are drawn with (`sizes.seed`; default the imputation seed): another year's dataset of
    /// the same communes gives its seed, so both years have the same communes.
    public var sizesSeed: UInt64? = nil
    /// How far past a threshold a commune that meets it is placed, in years of the indicator's noise (one
    /// standard deviation each): 0 (the default) allows a value exactly at the threshold.
    public var clearance: Double = 0

    public func total(_ key: String) -> Double? { totals[key]?.value }

    public static func load(path: String, displayName: String? = nil) throws -> DatasetRecipe {
        try parse(YAMLNode.load(path: path, displayName: displayName))
    }

    static func sourced(_ n: YAMLNode) throws -> (Double, String) {
        let m = try n.mapping(allowed: ["value", "source"])
        return (try m.required("value").double(), try m.required("source").source())
    }

    public static func parse(_ root: YAMLNode) throws -> DatasetRecipe {
        let top = try root.mapping(allowed: ["dataset", "totals", "tiers", "province_figures", "reference_figures",
                                             "typical", "spread", "gaps", "sizes", "clearance"])
        let meta = try top.required("dataset").mapping(allowed: ["name", "province", "base_year", "communes_file",
                                                                 "appendix_ii_file", "appendix_ii_source", "imputation_seed"])
        var totals: [String: (value: Double, decimals: Int?, source: String, line: Int)] = [:]
        for (key, node) in try top.required("totals").openMapping() {
            let allowed = ["communes", "hamlets", "households", "standard", "advanced", "model", "average_criteria"]
            guard allowed.contains(key) else {
                throw node.error("unknown total\(closestMatch(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? "")")
            }
            let m = try node.mapping(allowed: ["value", "decimals", "source"])
            totals[key] = (try m.required("value").double(in: 0...1e9), try m.optional("decimals")?.int(in: 0...6),
                           try m.required("source").source(), node.line)
        }
        for key in ["communes", "hamlets", "households", "standard", "advanced", "model", "average_criteria"] where totals[key] == nil {
            throw try top.required("totals").error("missing total '\(key)'")
        }
        // Named tiers.
        let tm = try top.required("tiers").mapping(allowed: ["model", "advanced", "standard", "other_standard_source"])
        var named: [NamedTier] = []
        for tier in [Tier.model, .advanced, .standard] {
            guard let list = tm[tier.id] else { continue }
            for n in try list.sequence() {
                let m = try n.mapping(allowed: ["commune", "since", "source"])
                named.append(NamedTier(commune: try m.required("commune").nonEmptyString(), tier: tier,
                                       since: try m.optional("since")?.int(in: 1990...2100),
                                       source: try m.required("source").source(), line: n.line))
            }
        }
        // Province figures.
        var figures: [String: ProvinceFigure] = [:]
        for (id, node) in try top.required("province_figures").openMapping() {
            let m = try node.mapping(allowed: ["mean", "decimals", "count", "of", "communes_at", "total", "at_most", "source"])
            let source = try m.required("source").source()
            let kind: FigureKind
            if let mean = m["mean"] {
                kind = .mean(try mean.double(), decimals: try m.required("decimals").int(in: 0...6))
            } else if let count = m["count"] {
                let of = try m.required("of").oneOf(Aggregate.self)
                guard of == .households || of == .hamlets else { throw try m.required("of").error("'of' must be households or hamlets") }
                kind = .count(try count.int(in: 0...100_000_000), of: of)
            } else if let ca = m["communes_at"] {
                let cm = try ca.mapping(allowed: ["count", "value", "others"])
                kind = .communesAt(count: try cm.required("count").int(in: 0...1_000_000), value: try cm.required("value").double(),
                                   others: try cm.optional("others")?.double())
            } else if let t = m["total"] {
                kind = .total(try t.int(in: 0...100_000_000), atMost: try m.optional("at_most")?.nonEmptyString())
            } else {
                throw node.error("give one of mean (with decimals), count (with of), communes_at or total")
            }
            figures[id] = ProvinceFigure(kind: kind, source: source, line: node.line)
        }
        var references: [ReferenceFigure] = []
        if let rl = top["reference_figures"] {
            for n in try rl.sequence() {
                let m = try n.mapping(allowed: ["vi", "en", "value", "source"])
                references.append(ReferenceFigure(vi: try m.required("vi").nonEmptyString(), en: try m.required("en").nonEmptyString(),
                                                  value: try m.required("value").double(), source: try m.required("source").source()))
            }
        }
        var typical: [String: Typical] = [:]
        if let tn = top["typical"] {
            for (id, node) in try tn.openMapping() {
                let m = try node.mapping(allowed: ["mean", "spread", "source"])
                typical[id] = Typical(mean: try m.required("mean").double(), spread: try m.required("spread").double(in: 0...1),
                                      source: try m.required("source").source())
            }
        }
        var spread: [String: Double] = [:]
        if let sn = top["spread"] {
            for (id, node) in try sn.openMapping() { spread[id] = try sourced(node).0 }
        }
        let gm = try top.required("gaps").mapping(allowed: ["below_standard", "advanced", "model"])
        func gapRule(_ n: YAMLNode, ranged: Bool) throws -> GapRule {
            let m = try n.mapping(allowed: ranged ? ["source", "min", "max", "indicators"] : ["source", "indicators"])
            var list: [(Int, String)] = []
            for (k, v) in try m.required("indicators").openMapping() {
                guard let c = Int(k) else { throw v.error("'\(k)' is not a criterion number") }
                list.append((c, try v.nonEmptyString()))
            }
            let lo = ranged ? try m.required("min").int(in: 0...19) : 0
            let hi = ranged ? try m.required("max").int(in: lo...19) : 0
            return GapRule(min: lo, max: hi, indicators: list.map { (criterion: $0.0, indicator: $0.1) },
                           source: try m.required("source").source())
        }
        let sm = try top.required("sizes").mapping(allowed: ["hamlets", "households_per_hamlet_spread", "seed"])
        let hm = try sm.required("hamlets").mapping(allowed: ["min", "max", "spread", "source"])
        _ = try hm.required("source").source()
        var recipe = DatasetRecipe(
            file: root.file, name: try meta.required("name").nonEmptyString(), province: try meta.required("province").nonEmptyString(),
            baseYear: try meta.required("base_year").int(in: 1990...2100), communesFile: try meta.required("communes_file").nonEmptyString(),
            appendixFile: try meta.required("appendix_ii_file").nonEmptyString(),
            seed: UInt64(try meta.required("imputation_seed").int(in: 0...Int.max)),
            totals: totals, namedTiers: named,
            otherStandardSource: try tm.required("other_standard_source").source(),
            figures: figures, references: references, typical: typical, spread: spread,
            belowGaps: try gapRule(gm.required("below_standard"), ranged: false),
            advancedGaps: try gapRule(gm.required("advanced"), ranged: true),
            modelGaps: try gapRule(gm.required("model"), ranged: true),
            hamletBounds: (try hm.required("min").int(in: 1...1000), try hm.required("max").int(in: 1...1000), try hm.required("spread").double(in: 0...1)),
            householdSpread: try sourced(sm.required("households_per_hamlet_spread")).0)
        if let a = meta["appendix_ii_source"] { recipe.appendixSource = try a.source() }
        if let sd = sm["seed"] {
            let m = try sd.mapping(allowed: ["value", "source"])
            recipe.sizesSeed = UInt64(try m.required("value").int(in: 0...Int.max))
            _ = try m.required("source").source()
        }
        if let c = top["clearance"] {
            let m = try c.mapping(allowed: ["value", "source"])
            recipe.clearance = try m.required("value").double(in: 0...10)
            _ = try m.required("source").source()
        }
        return recipe
    }
}

extension AppendixRow {
    /// Reads the Appendix II table as printed in the report (tab-separated, two header lines).
    public static func parseTable(path: String, displayName: String) throws -> [AppendixRow] {
        let text = try readTextFile(path, displayName: displayName)
        var rows: [AppendixRow] = []
        for (i, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = i + 1
            let f = raw.components(separatedBy: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let n = Int(f[0]) else { continue } // comments and header lines
            guard f.count >= 8 else { throw InputError(file: displayName, line: line, key: "", "expected 8 tab-separated columns, found \(f.count)") }
            func ints(_ s: String, _ key: String) throws -> [Int] {
                try s.split(separator: ",").map {
                    guard let v = Int($0.trimmingCharacters(in: .whitespaces)), (1...19).contains(v) else {
                        throw InputError(file: displayName, line: line, key: key, "'\(s)' is not a list of criterion numbers 1–19")
                    }
                    return v
                }
            }
            func int(_ s: String, _ key: String) throws -> Int {
                guard let v = Int(s) else { throw InputError(file: displayName, line: line, key: key, "'\(s)' is not a number") }
                return v
            }
            let row = AppendixRow(number: n, commune: f[1], district: f[2], count: try int(f[3], "Số tiêu chí đạt"),
                                  met: try ints(f[4], "Tên tiêu chí đạt"), planCount: try int(f[5], "Số TC"),
                                  plan: try ints(f[6], "Tên tiêu chí phấn đấu đạt"), cumulative: try int(f[7], "Lũy kế"), line: line)
            if row.met.count != row.count {
                throw InputError(file: displayName, line: line, key: "Số tiêu chí đạt", "says \(row.count) criteria but lists \(row.met.count)")
            }
            if row.cumulative != row.count + row.planCount || row.plan.count != row.planCount {
                throw InputError(file: displayName, line: line, key: "Lũy kế", "\(row.count) + \(row.planCount) does not make \(row.cumulative)")
            }
            rows.append(row)
        }
        return rows
    }
}
