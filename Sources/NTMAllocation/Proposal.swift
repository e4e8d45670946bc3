import Foundation
import NTMCatalogue
import NTMEngine

/// The draft a province files each year, from an allocation plan: which communes are to reach standard,
/// advanced and model in each year and which criteria each is to reach (the layout of Appendix II of the
/// province's report), the money by source (Appendix III), the districts proposed for recognition, and the
/// scenario's targets met or short, with the least extra money that would close a shortfall.
///
/// Two runs of the engine answer different questions. The plan's *intent* (which tier and which criteria a
/// commune is to reach) comes from the expected-value model: the engine with no noise, recognition certain,
/// each commune on its path (`AllocationStudy.expectedValue`). How *sure* it is comes from the Monte Carlo
/// engine under the same plan (`AllocationStudy.evaluate`): a row's probability is the share of draws in which
/// the commune is at or above its proposed tier at the end of the year.
public struct Proposal: Sendable {
    public let study: AllocationStudy
    public let plan: PackageProblem.Plan
    /// The policy that made the plan (`optimal` or a rule's name).
    public let policy: String
    /// The years drafted (projected years of the scenario).
    public let years: [Int]
    /// Probability at which a target counts as met.
    public let confidence: Double
    /// The plan in the Monte Carlo engine.
    public let evaluation: ProjectionResult
    /// The plan in the expected-value model.
    public let expected: ProjectionResult

    /// One commune in one year, in the layout of Appendix II: the criteria it meets at the start of the year,
    /// those it is to reach during it, and the total at the end. Criteria are counted at the thresholds of
    /// `aim` (and of every tier below it), in force in each year.
    public struct Row: Sendable {
        public var commune: Int
        /// The tier at the start of the year (the end of the one before, as the plan expects it).
        public var start: Tier
        /// The tier the commune works towards: the one above `start` (model when `start` is model: the plan
        /// funds it again, to meet a threshold that rises in the year or for the draws in which it is not model
        /// yet; see `again`).
        public var aim: Tier
        /// At model already in the plan, and funded again (never `proposed`).
        public var again: Bool { start == .model }
        /// Whether the plan expects it to reach `aim` by the end of the year.
        public var proposed: Bool
        /// Criteria met at the start of the year, and to be reached during it (not met at the start).
        public var met: [Int]
        public var planned: [Int]
        /// Criteria met at the start but expected to be lost by the end (a threshold that rises).
        public var lost: [Int]
        /// Criteria met at the start at the year before's thresholds, short of this year's (a threshold that
        /// rises), and met again by the end: part of the money goes to them (they stay in `met` and `cumulative`).
        public var raised: [Int]
        /// Criteria met at the end of the year: `met` + `planned` − `lost`.
        public var cumulative: [Int]
        /// Share of Monte Carlo draws in which the commune is at or above `aim` at the end of the year.
        public var probability: Double
        /// Mean criteria met at standard thresholds at the end of the year, across draws.
        public var expectedCriteria: Double
        /// The plan's money for this commune this year, by source (million VND; upkeep excluded).
        public var cost: [Double]
        public var totalCost: Double { cost.reduce(0, +) }
        /// The mean money the commune received in the Monte Carlo engine this year, as a share of `totalCost`
        /// (nil when the plan gives it nothing). Below 1 when, in some draws, the money ran out before its turn.
        public var fundedShare: Double?
        /// The plan's money for this commune this year by criterion (the criterion's number), largest first: where
        /// the package goes, which may include criteria met at the start (in some draws an indicator falls back
        /// below its threshold, or the year's threshold rises).
        public var costByCriterion: [(criterion: Int, amount: Double)]
    }

    /// rows[year index]: the communes below standard (in the report's order), then those working towards
    /// advanced and model that the plan lifts or funds.
    public let rows: [[Row]]

    /// A target of the scenario (communes added in the year at a tier) against the plan.
    public struct TargetCheck: Sendable {
        public var year: Int
        public var tier: Tier
        public var target: Int
        /// Communes added in the expected-value model.
        public var proposed: Int
        /// Mean communes added across draws, and the share of draws that add at least `target`.
        public var mean: Double
        public var probability: Double
        public var met: Bool
    }
    public let targets: [TargetCheck]
    /// By year and tier: the draft target, the most communes added in the year that the plan reaches in at least
    /// `confidence` of the draws (not the communes it funds: not every package succeeds within the year, and a
    /// commune funded the year before may reach its tier in this one).
    public let draftTargets: [Int: [Tier: Int]]
    /// By year with targets: the share of draws that reach every target of the year at once.
    public let targetProbability: [Int: Double]

    /// A district not yet recognised (nor proposed in an earlier year of the plan), at the end of a year.
    public struct DistrictLine: Sendable {
        public var district: Int
        public var year: Int
        /// Every commune at least standard at the end of the year in the expected-value model.
        public var proposed: Bool
        /// Its communes still below standard at the end of the year (expected-value model).
        public var communesBelow: [Int]
        /// District criteria (Decision 320) the dataset says it does not yet meet.
        public var criteriaMissing: [Int]
        /// Share of draws in which it is recognised by the end of the year.
        public var probability: Double
    }
    public let districts: [DistrictLine]

    /// Money by source and year (million VND): what the scenario has, upkeep paid first, and the plan's
    /// packages. available[s][t], over the scenario's projected years.
    public let available: [[Double]]
    public let upkeep: [[Double]]
    public let packages: [[Double]]
    public func planned(_ s: Int, _ t: Int) -> Double { upkeep[s][t] + packages[s][t] }

    /// For a year whose targets the plan does not meet with `confidence`: the least-cost plan that reaches the
    /// targets added up since the base year, its probability, and the extra money it needs by source.
    public struct Shortfall: Sendable {
        public var year: Int
        public var target: [Tier: Int]
        public var result: PackageProblem.LeastCost
        public var probability: Double
        public var aimed: [Tier: Int]
        /// Set when the search stopped after this many raises of the aim, short of the probability (nil: it
        /// reached the probability, or no plan could expect more).
        public var raisesSpent: Int?
    }
    public var shortfalls: [Shortfall] = []

    /// Drafts the proposal for `years`; with `closeShortfalls`, also finds the least money for every year whose
    /// targets fall short.
    public init(study: AllocationStudy, plan: PackageProblem.Plan, policy: String, years: [Int], confidence: Double,
                threads: Int, closeShortfalls: Bool = true, timeLimitSeconds: Double = 30) throws {
        let model = study.model
        for y in years where !model.years.contains(y) {
            throw InputError(file: "--years", line: 0, key: "--years",
                             "\(y) is not a projected year of the scenario (\(model.years.map(String.init).joined(separator: ", ")))")
        }
        self.study = study
        self.plan = plan
        self.policy = policy
        self.years = years
        self.confidence = confidence
        let evaluation = study.evaluate(plan, threads: threads, recordPaid: true)
        let expected = try study.expectedValue(plan)
        self.evaluation = evaluation
        self.expected = expected
        let C = model.C, S = model.S, T = model.years.count
        let cat = model.catalogue, ds = model.dataset

        // Money by year, commune and source.
        var money = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: S), count: C), count: T)
        var packages = [[Double]](repeating: [Double](repeating: 0, count: T), count: S)
        // And by criterion (the catalogue's number of each indicator's criterion), for saying where it goes.
        var byCriterion = [[[Int: Double]]](repeating: [[Int: Double]](repeating: [:], count: C), count: T)
        let inds = model.catalogue.indicators
        for a in study.amounts(plan) {
            let t = model.years.firstIndex(of: a.year)!
            money[t][a.commune][a.source] += a.amount
            packages[a.source][t] += a.amount
            byCriterion[t][a.commune][inds[a.indicator].criterion, default: 0] += a.amount
        }
        self.packages = packages
        available = (0..<S).map { s in (0..<T).map { model.budget[$0][s] } }
        upkeep = study.upkeep

        // Tiers and criteria in the expected-value model; result index 0 is the base year.
        func tier(_ c: Int, _ ri: Int) -> Tier {
            let p = expected.communes[ri][c]
            return p[2] > 0.5 ? .model : p[1] > 0.5 ? .advanced : p[0] > 0.5 ? .standard : .below
        }
        /// The criteria commune c meets at `aim` (and every tier below) in result year `ri`, at the thresholds in
        /// force in result year `thresholds` (by default `ri`'s own).
        func criteria(_ c: Int, at aim: Tier, _ ri: Int, thresholds: Int? = nil) -> [Int] {
            let year = expected.years[thresholds ?? ri]
            return cat.criteria.filter { crit in
                crit.indicators.allSatisfy { ind in
                    guard let v = expected.indicator(ind.id, commune: c, year: ri) else { return false }
                    return Tier.graded.filter { $0 <= aim }.allSatisfy {
                        ri == 0 ? ind.meets(v, tier: $0, year: year) : Self.engineMeets(ind, v, tier: $0, year: year)
                    }
                }
            }.map(\.number)
        }
        // What the Monte Carlo engine paid a commune in a year (mean over draws; investment, not upkeep).
        func received(_ t: Int, _ c: Int) -> Double {
            let K = model.K
            return evaluation.paid[t][(c * K)..<((c + 1) * K)].reduce(0, +)
        }
        // The communes below standard in the report's order, then the rest in the dataset's.
        let listed = ds.appendixRows().compactMap(\.commune)
        let order = listed + ds.communes.indices.filter { !listed.contains($0) }
        var rows: [[Row]] = []
        for t in 0..<T {
            var below: [Row] = [], above: [Row] = []
            for c in order {
                let start = tier(c, t), cost = money[t][c]
                // A commune the plan has at model already is never proposed, so it is listed only when the plan still
                // funds it: to meet a threshold that rises, or for the draws in which it is not model yet (its cost is
                // the mean over the draws, as every package's).
                let aim = start.next ?? .model
                let proposed = start != .model && tier(c, t + 1) >= aim
                guard start == .below || proposed || cost.reduce(0, +) > 0 else { continue }
                let met = criteria(c, at: aim, t), end = criteria(c, at: aim, t + 1)
                // Met at the start at the year before's thresholds, short of this year's, and met at the end.
                let underNew = criteria(c, at: aim, t, thresholds: t + 1)
                let row = Row(commune: c, start: start, aim: aim, proposed: proposed, met: met,
                              planned: end.filter { !met.contains($0) }, lost: met.filter { !end.contains($0) },
                              raised: met.filter { !underNew.contains($0) && end.contains($0) }, cumulative: end,
                              probability: evaluation.communes[t + 1][c][aim.rawValue - 1],
                              expectedCriteria: evaluation.communes[t + 1][c][3], cost: cost,
                              fundedShare: cost.reduce(0, +) > 0 ? received(t, c) / cost.reduce(0, +) : nil,
                              costByCriterion: byCriterion[t][c].sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }.map { ($0.key, $0.value) })
                if start == .below { below.append(row) } else { above.append(row) }
            }
            rows.append(below + above.sorted { ($0.aim, $0.commune) < ($1.aim, $1.commune) })
        }
        self.rows = rows

        // The scenario's targets: communes added in the year at each tier.
        // Per draw, whether it adds at least `n` communes at `tier` in the year.
        var checks: [TargetCheck] = [], joint: [Int: Double] = [:]
        for y in years {
            guard let target = model.scenario.targets[y]?.filter({ $0.key != .below }), !target.isEmpty else { continue }
            let t = model.years.firstIndex(of: y)!
            let draws = Array(zip(evaluation.perDraw[t + 1], evaluation.perDraw[t]))
            func reaches(_ tierT: Tier, _ n: Int) -> [Bool] {
                draws.map { end, start in end[tierT.rawValue - 1] - start[tierT.rawValue - 1] >= Double(n) - 1e-9 }
            }
            for (tierT, n) in target.sorted(by: { $0.key < $1.key }) {
                let count = { (ri: Int) in (0..<C).filter { tier($0, ri) >= tierT }.count }
                let f = tierT.rawValue - 1
                let mean = draws.reduce(0.0) { $0 + $1.0[f] - $1.1[f] } / Double(max(1, draws.count))
                let p = Double(reaches(tierT, n).filter { $0 }.count) / Double(max(1, draws.count))
                checks.append(TargetCheck(year: y, tier: tierT, target: n, proposed: count(t + 1) - count(t),
                                          mean: mean, probability: p, met: p >= confidence))
            }
            let all = target.reduce([Bool](repeating: true, count: draws.count)) { acc, kv in zip(acc, reaches(kv.key, kv.value)).map { $0 && $1 } }
            joint[y] = Double(all.filter { $0 }.count) / Double(max(1, draws.count))
        }
        targetProbability = joint
        targets = checks
        var drafts: [Int: [Tier: Int]] = [:]
        for y in years {
            let t = model.years.firstIndex(of: y)!
            for tierT in Tier.graded {
                let f = tierT.rawValue - 1
                let added = zip(evaluation.perDraw[t + 1], evaluation.perDraw[t]).map { Int(($0.0[f] - $0.1[f]).rounded()) }.sorted(by: >)
                drafts[y, default: [:]][tierT] = Self.draftTarget(added: added, confidence: confidence)
            }
        }
        draftTargets = drafts

        // Districts not yet recognised.
        var lines: [DistrictLine] = []
        let all = cat.districtCriteria.map(\.number)
        for y in years {
            let t = model.years.firstIndex(of: y)!
            for (d, dist) in ds.districts.enumerated() where !dist.isRecognised {
                let communes = (0..<C).filter { ds.communes[$0].districtCode == dist.code }
                // Proposed in an earlier year of the plan (every commune standard by then): not proposed again.
                if t > 0 && communes.allSatisfy({ tier($0, t) != .below }) { continue }
                let below = communes.filter { tier($0, t + 1) == .below }
                lines.append(DistrictLine(district: d, year: y, proposed: below.isEmpty, communesBelow: below,
                                          criteriaMissing: all.filter { !dist.criteriaMet.contains($0) },
                                          probability: evaluation.districts[t + 1][d]))
            }
        }
        districts = lines

        if closeShortfalls {
            for y in years where targets.contains(where: { $0.year == y && !$0.met }) {
                // leastCost counts communes added since the base year: the targets of every year up to this one.
                var since: [Tier: Int] = [:]
                for (ty, tt) in model.scenario.targets where ty <= y { for (k, v) in tt where k != .below { since[k, default: 0] += v } }
                if let found = try study.leastCost(target: since, year: y, confidence: confidence, threads: threads,
                                                   timeLimitSeconds: timeLimitSeconds) {
                    shortfalls.append(Shortfall(year: y, target: since, result: found.result, probability: found.probability, aimed: found.aimed,
                                                raisesSpent: found.raisesSpent))
                }
            }
        }
    }

    /// The most communes added that at least `confidence` of the draws reach: `added` holds each draw's count,
    /// largest first (0 when there are no draws).
    static func draftTarget(added: [Int], confidence: Double) -> Int {
        guard !added.isEmpty else { return 0 }
        // Draws reaching n or more are a prefix of the sorted counts: the n of the shortest prefix long enough.
        let needed = max(1, Int((confidence * Double(added.count) - 1e-9).rounded(.up)))
        return added[min(needed, added.count) - 1]
    }

    /// Whether a projected value meets a threshold as the engine tests it: in single precision, on the oriented
    /// value, with the catalogue's tolerance. The base year's values are the dataset's and are tested as the
    /// dataset tests them (`Indicator.meets`); a projected value can sit on a threshold within a Float step, and
    /// the criteria listed must be the ones the engine recognised the commune for.
    static func engineMeets(_ ind: Indicator, _ value: Double, tier: Tier, year: Int) -> Bool {
        guard let t = ind.thresholds[tier] else { return true }
        let sign: Float = ind.direction == .higher ? 1 : -1
        return Float(value) * sign >= Indicator.lowestMeeting(Float(t.value(in: year)) * sign)
    }

    /// The rows of a year (one of `years`).
    public func rows(year: Int) -> [Row] { rows[study.model.years.firstIndex(of: year)!] }
}
