import Foundation
import NTMCatalogue

/// What happened, year by year, as a report or a public source gives it: communes at each tier, the average
/// number of criteria, province indicator values, and which communes and districts were (or were known not to
/// be) recognised in the year. Read from YAML; every figure carries its source.
///
/// ```yaml
/// observed: {name: soc-trang-2023, description: "…"}
/// years:
///   2023:
///     tiers:                       # communes at or above each tier at the end of the year
///       standard: {value: 70, source: "…"}
///     average_criteria: {value: 18.63, decimals: 2, source: "…"}
///     indicators:                  # province values, as the catalogue aggregates them
///       poverty_rate: {value: 2.67, decimals: 2, source: "…"}
///     communes:                    # recognised in the year, by tier; names are matched through the aliases
///       model: {recognised: ["An Thạnh 1"], not_recognised: [], source: "…"}
///     districts: {recognised: [], not_recognised: ["Cù Lao Dung"], source: "…"}
/// ```
public struct ObservedOutcomes: Sendable {
    public struct Figure: Sendable {
        public var value: Double
        public var decimals: Int
        public var scale: Double?
        public var source: String
        public var location: Location
    }
    public struct Names: Sendable {
        /// Commune (or district) codes, with the names as written.
        public var recognised: [(code: String, name: String)]
        public var notRecognised: [(code: String, name: String)]
        public var source: String
    }
    public struct Year: Sendable {
        public var year: Int
        public var tiers: [Tier: Figure] = [:]
        public var averageCriteria: Figure?
        public var indicators: [(id: String, figure: Figure)] = []
        public var communes: [Tier: Names] = [:]
        public var districts: Names?
    }

    public var name: String
    public var description: String
    public var file: String
    public var years: [Year]

    static let tierKeys = ["standard", "advanced", "model"]

    /// Reads and checks an observed file against the catalogue's indicators and the dataset's communes and
    /// districts (names through the dataset's aliases). Any problem is one error naming file, line and key.
    public static func load(path: String, catalogue: Catalogue, dataset: Dataset) throws -> ObservedOutcomes {
        let root = try YAMLNode.load(path: path, displayName: path)
        let top = try root.mapping(allowed: ["observed", "years"])
        let meta = try top.required("observed").mapping(allowed: ["name", "description"])
        var years: [Year] = []
        func figure(_ n: YAMLNode, range: ClosedRange<Double>) throws -> Figure {
            let m = try n.mapping(allowed: ["value", "decimals", "scale", "source"])
            let v = try m.required("value").double(in: range)
            let scale = try m.optional("scale")?.double(in: 1e-9...1e9)
            return Figure(value: v, decimals: try m.optional("decimals")?.int(in: 0...6) ?? 0, scale: scale,
                          source: try m.required("source").source(), location: n.location)
        }
        func names(_ n: YAMLNode, district: Bool) throws -> Names {
            let m = try n.mapping(allowed: ["recognised", "not_recognised", "source"])
            func list(_ key: String) throws -> [(code: String, name: String)] {
                guard let l = m[key] else { return [] }
                var seen: [String: String] = [:]
                return try l.sequence().map { item in
                    let s = try item.nonEmptyString()
                    let r = district ? dataset.names.district(s) : dataset.names.commune(s)
                    switch r {
                    case .success(let code):
                        if let first = seen[code] { throw item.error("'\(s)' is listed twice (first as '\(first)')") }
                        seen[code] = s
                        return (code, s)
                    case .failure(let f): throw item.error("\(district ? "district" : "commune") \(f.description)")
                    }
                }
            }
            let yes = try list("recognised"), no = try list("not_recognised")
            if let both = yes.first(where: { y in no.contains { $0.code == y.code } }) {
                throw n.error("'\(both.name)' is listed as both recognised and not recognised")
            }
            return Names(recognised: yes, notRecognised: no, source: try m.required("source").source())
        }
        let communes = Double(dataset.communeCount)
        for (key, node) in try top.required("years").openMapping() {
            guard let y = Int(key), (1990...2100).contains(y) else { throw node.error("'\(key)' is not a year") }
            if y <= dataset.baseYear { throw node.error("year \(y) is not after the dataset's base year \(dataset.baseYear)") }
            let m = try node.mapping(allowed: ["tiers", "average_criteria", "indicators", "communes", "districts"])
            var year = Year(year: y)
            if let t = m["tiers"] {
                for (tk, tv) in try t.mapping(allowed: tierKeys).entries {
                    let f = try figure(tv, range: 0...communes)
                    if f.value != f.value.rounded() { throw tv.error("a count of communes must be a whole number") }
                    year.tiers[Tier(id: tk)!] = f
                }
                let counts = Tier.graded.compactMap { tier in year.tiers[tier].map { (tier, $0) } }
                for (a, b) in zip(counts, counts.dropFirst()) where b.1.value > a.1.value {
                    throw t.error("\(Int(b.1.value)) communes at \(b.0.id) but only \(Int(a.1.value)) at \(a.0.id): tiers nest")
                }
            }
            if let a = m["average_criteria"] { year.averageCriteria = try figure(a, range: 0...Double(catalogue.criteria.count)) }
            if let i = m["indicators"] {
                for (id, v) in try i.openMapping() {
                    guard let ind = catalogue.indicator(id) else {
                        let hint = closestMatch(to: id, in: catalogue.indicators.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                        throw v.error("unknown indicator\(hint)")
                    }
                    year.indicators.append((id, try figure(v, range: ind.aggregate == .sum ? 0...1e12 : ind.range)))
                }
            }
            if let c = m["communes"] {
                var nodes: [Tier: YAMLNode] = [:]
                for (tk, tv) in try c.mapping(allowed: tierKeys).entries {
                    year.communes[Tier(id: tk)!] = try names(tv, district: false)
                    nodes[Tier(id: tk)!] = tv
                }
                // Tiers nest: a commune recognised at a tier in the year was not refused a lower one that year.
                for high in Tier.graded { for low in Tier.graded where low < high {
                    guard let up = year.communes[high], let down = year.communes[low], let node = nodes[high] else { continue }
                    if let c = up.recognised.first(where: { r in down.notRecognised.contains { $0.code == r.code } }) {
                        throw node.error("'\(c.name)' is recognised at \(high.id) but listed as not recognised at \(low.id): tiers nest")
                    }
                }}
            }
            if let d = m["districts"] { year.districts = try names(d, district: true) }
            years.append(year)
        }
        if years.isEmpty { throw try top.required("years").error("no year given") }
        years.sort { $0.year < $1.year }
        return ObservedOutcomes(name: try meta.required("name").nonEmptyString(),
                                description: try meta.optional("description")?.string() ?? "", file: path, years: years)
    }

    /// The calibration targets of one year: tier counts, the average and the indicators.
    public func targets(year: Int) -> [CalibrationTarget] {
        guard let y = years.first(where: { $0.year == year }) else { return [] }
        var out: [CalibrationTarget] = []
        for tier in Tier.graded {
            guard let f = y.tiers[tier] else { continue }
            out.append(CalibrationTarget(id: "tier.\(tier.id)", kind: .tier(tier), observed: f.value, scale: f.scale ?? 0.5,
                                         rounding: 0.5, source: f.source))
        }
        if let f = y.averageCriteria {
            let r = 0.5 * pow(10, -Double(f.decimals))
            out.append(CalibrationTarget(id: "average_criteria", kind: .averageCriteria, observed: f.value, scale: f.scale ?? 2 * r,
                                         rounding: r, source: f.source))
        }
        for (id, f) in y.indicators {
            let r = 0.5 * pow(10, -Double(f.decimals))
            out.append(CalibrationTarget(id: id, kind: .indicator(id), observed: f.value,
                                         scale: f.scale ?? max(2 * r, 0.01 * abs(f.value)), rounding: r, source: f.source))
        }
        return out
    }
}
