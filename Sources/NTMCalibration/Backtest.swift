import Foundation
import NTMCatalogue
import NTMEngine

/// Forecast error of a projection against observed outcomes: counts against the P10–P90 bands, the Brier
/// score and a reliability table of commune-level probabilities, and the rank of each commune actually
/// recognised in the forecast's ranking.
public struct Backtest: Sendable {
    /// An observed count (or the average number of criteria) beside the forecast's band.
    public struct BandCheck: Sendable {
        public var year: Int
        /// `standard`, `advanced`, `model` or `average_criteria`.
        public var key: String
        public var observed: Double
        public var mean: Double, p10: Double, p50: Double, p90: Double
        public var inside: Bool
        public var source: String
    }

    /// How a commune's outcome is known.
    public enum Evidence: String, Sendable {
        /// Named in the observed file (or implied by a name at a higher or lower tier, as tiers nest).
        case named
        /// Follows from the observed count: the named communes already make up the count, or the count leaves
        /// exactly the unnamed ones.
        case deduced
    }

    /// One commune's forecast probability of being at or above `tier` at the end of `year`, and what happened.
    public struct Outcome: Sendable {
        public var year: Int
        public var tier: Tier
        public var commune: Int
        public var code: String
        public var name: String
        public var probability: Double
        public var reached: Bool
        public var evidence: Evidence
    }

    /// The scores of one year and tier, over the communes below that tier in the base year whose outcome is known.
    public struct TierScore: Sendable {
        public var year: Int
        public var tier: Tier
        public var atRisk: Int
        public var known: Int
        public var reached: Int
        public var expected: Double
        public var brier: Double?
    }

    public struct ReliabilityBin: Sendable, Equatable {
        public var lower: Double, upper: Double
        public var count: Int
        public var meanForecast: Double?
        public var observedFrequency: Double?
        public init(lower: Double, upper: Double, count: Int, meanForecast: Double?, observedFrequency: Double?) {
            self.lower = lower; self.upper = upper; self.count = count
            self.meanForecast = meanForecast; self.observedFrequency = observedFrequency
        }
    }

    public struct Rank: Sendable {
        public var year: Int
        public var tier: Tier
        public var name: String
        public var probability: Double
        /// 1 for the commune the forecast thought most likely (ties share the best rank).
        public var rank: Int
        /// The worst rank of the communes tied with it (`rank` when none is): a commune given 0 % with 76 others
        /// ranks 4 and lastRank 80, and the report says "4–80", not a flattering 4.
        public var lastRank: Int
        public var of: Int
        public var evidence: Evidence
    }

    public struct DistrictOutcome: Sendable {
        public var year: Int
        public var name: String
        public var probability: Double
        public var recognised: Bool
    }

    public var scenario: String
    public var observedName: String
    public var baseYear: Int
    public var bands: [BandCheck]
    public var outcomes: [Outcome]
    public var scores: [TierScore]
    public var brier: Double?
    public var reliability: [ReliabilityBin]
    public var ranks: [Rank]
    public var districts: [DistrictOutcome]
    public var districtBrier: Double?
    /// Sources of the observed figures, for the report's notes.
    public var sources: [String]

    // MARK: Metrics (pure functions, tested on hand-made cases)

    /// Mean squared difference between probabilities and outcomes (0 perfect; 0.25 for always saying 50 %).
    public static func brier(_ p: [Double], _ o: [Bool]) -> Double? {
        guard !p.isEmpty, p.count == o.count else { return nil }
        return zip(p, o).reduce(0) { $0 + ($1.0 - ($1.1 ? 1 : 0)) * ($1.0 - ($1.1 ? 1 : 0)) } / Double(p.count)
    }

    /// Probabilities in `bins` equal bins of [0, 1] (the last includes 1): how many, the mean forecast and the
    /// share that happened.
    public static func reliability(_ p: [Double], _ o: [Bool], bins: Int = 5) -> [ReliabilityBin] {
        (0..<bins).map { b in
            let lo = Double(b) / Double(bins), hi = Double(b + 1) / Double(bins)
            let idx = p.indices.filter { p[$0] >= lo && (p[$0] < hi || (b == bins - 1 && p[$0] <= hi)) }
            guard !idx.isEmpty else { return ReliabilityBin(lower: lo, upper: hi, count: 0, meanForecast: nil, observedFrequency: nil) }
            return ReliabilityBin(lower: lo, upper: hi, count: idx.count,
                                  meanForecast: idx.reduce(0) { $0 + p[$1] } / Double(idx.count),
                                  observedFrequency: Double(idx.filter { o[$0] }.count) / Double(idx.count))
        }
    }

    /// Rank of item `i` when `p` is sorted from most to least likely: 1 + the number strictly more likely.
    public static func rank(of i: Int, in p: [Double]) -> Int { 1 + p.filter { $0 > p[i] }.count }

    /// The worst rank item `i` shares with the items tied with it: the number at least as likely.
    public static func lastRank(of i: Int, in p: [Double]) -> Int { p.filter { $0 >= p[i] }.count }

    /// Whether `observed` lies in the band [p10, p90].
    public static func inside(_ observed: Double, p10: Double, p90: Double) -> Bool { observed >= p10 - 1e-9 && observed <= p90 + 1e-9 }

    /// Outcomes of the communes at risk (indices) given those named as reaching the tier and those named as not,
    /// and the number that reached it (if known): when the named ones already make the count, the others did
    /// not; when the count leaves exactly the unnamed ones, they did. Returns commune → (reached, evidence).
    public static func deduce(atRisk: [Int], yes: Set<Int>, no: Set<Int>, newCount: Int?) -> [Int: (Bool, Evidence)] {
        var out: [Int: (Bool, Evidence)] = [:]
        for c in atRisk where yes.contains(c) { out[c] = (true, .named) }
        for c in atRisk where no.contains(c) && !yes.contains(c) { out[c] = (false, .named) }
        let unknown = atRisk.filter { out[$0] == nil }
        if let n = newCount, !unknown.isEmpty {
            let named = atRisk.filter { yes.contains($0) }.count
            if named == n { for c in unknown { out[c] = (false, .deduced) } }
            else if named + unknown.count == n { for c in unknown { out[c] = (true, .deduced) } }
        }
        return out
    }

    // MARK: Building

    public init(result: ProjectionResult, observed: ObservedOutcomes) throws {
        let ds = result.model.dataset
        scenario = result.model.scenario.name
        observedName = observed.name
        baseYear = result.years[0]
        var bands: [BandCheck] = [], outcomes: [Outcome] = [], scores: [TierScore] = [], ranks: [Rank] = []
        var districts: [DistrictOutcome] = []
        var sources: [String] = []
        let baseTier = ds.communes.map(\.tier)
        let code = Dictionary(uniqueKeysWithValues: ds.communes.enumerated().map { ($1.code, $0) })
        for y in observed.years {
            guard let yi = result.years.firstIndex(of: y.year), yi > 0 else {
                let loc = y.tiers.values.first?.location ?? Location(file: observed.file, line: 0, key: "years.\(y.year)")
                throw InputError(file: observed.file, line: loc.line, key: "years.\(y.year)",
                                 "year \(y.year) is not projected by \(result.model.scenario.name) (\(result.years[1]) to \(result.years.last!))")
            }
            for (f, tier) in [(0, Tier.standard), (1, .advanced), (2, .model)] {
                guard let o = y.tiers[tier] else { continue }
                let s = result.summary(year: yi, field: f)
                bands.append(BandCheck(year: y.year, key: tier.id, observed: o.value, mean: s.mean, p10: s.p10, p50: s.p50, p90: s.p90,
                                       inside: Self.inside(o.value, p10: s.p10, p90: s.p90), source: o.source))
                sources.append(o.source)
            }
            if let o = y.averageCriteria {
                let s = result.summary(year: yi, field: 4)
                let half = 0.5 * pow(10, -Double(o.decimals))
                bands.append(BandCheck(year: y.year, key: "average_criteria", observed: o.value, mean: s.mean, p10: s.p10, p50: s.p50, p90: s.p90,
                                       inside: Self.inside(o.value, p10: s.p10 - half, p90: s.p90 + half), source: o.source))
                sources.append(o.source)
            }
            // Communes: named outcomes up to this year, nesting across tiers.
            for (ti, tier) in Tier.graded.enumerated() {
                var yes = Set<Int>(), no = Set<Int>()
                for earlier in observed.years where earlier.year <= y.year {
                    for (t, names) in earlier.communes where t >= tier {
                        for n in names.recognised { if let c = code[n.code] { yes.insert(c) } }
                    }
                }
                for (t, names) in y.communes where t <= tier {
                    for n in names.notRecognised { if let c = code[n.code] { no.insert(c) } }
                }
                // In tier order: a dictionary's order changes from run to run.
                for (_, names) in y.communes.sorted(by: { $0.key < $1.key }) { sources.append(names.source) }
                let atRisk = ds.communes.indices.filter { baseTier[$0] < tier }
                let baseCount = ds.communes.indices.count - atRisk.count
                let newCount = y.tiers[tier].map { Int($0.value) - baseCount }
                let known = Self.deduce(atRisk: atRisk, yes: yes, no: no, newCount: newCount)
                let p = atRisk.map { result.communes[yi][$0][ti] }
                var ps: [Double] = [], os: [Bool] = []
                for (i, c) in atRisk.enumerated() {
                    guard let (reached, how) = known[c] else { continue }
                    outcomes.append(Outcome(year: y.year, tier: tier, commune: c, code: ds.communes[c].code, name: ds.communes[c].name,
                                            probability: p[i], reached: reached, evidence: how))
                    ps.append(p[i]); os.append(reached)
                    if reached {
                        ranks.append(Rank(year: y.year, tier: tier, name: ds.communes[c].name, probability: p[i],
                                          rank: Self.rank(of: i, in: p), lastRank: Self.lastRank(of: i, in: p), of: atRisk.count,
                                          evidence: how))
                    }
                }
                scores.append(TierScore(year: y.year, tier: tier, atRisk: atRisk.count, known: ps.count, reached: os.filter { $0 }.count,
                                        expected: p.reduce(0, +), brier: Self.brier(ps, os)))
            }
            if let d = y.districts {
                sources.append(d.source)
                for (list, recognised) in [(d.recognised, true), (d.notRecognised, false)] {
                    for n in list {
                        guard let di = ds.districts.firstIndex(where: { $0.code == n.code }) else { continue }
                        districts.append(DistrictOutcome(year: y.year, name: ds.districts[di].name,
                                                         probability: result.districts[yi][di], recognised: recognised))
                    }
                }
            }
        }
        self.bands = bands
        self.outcomes = outcomes
        self.scores = scores
        self.ranks = ranks.sorted { ($0.year, $0.tier, $0.rank) < ($1.year, $1.tier, $1.rank) }
        self.districts = districts
        brier = Self.brier(outcomes.map(\.probability), outcomes.map(\.reached))
        reliability = Self.reliability(outcomes.map(\.probability), outcomes.map(\.reached))
        districtBrier = Self.brier(districts.map(\.probability), districts.map(\.recognised))
        var seen = Set<String>()
        self.sources = sources.filter { seen.insert($0).inserted }
    }
}
