import Foundation
import NTMCatalogue
import NTMEngine

/// Weights of the allocation objective: communes at or above each tier, counted each projected year.
public struct AllocationObjective: Sendable {
    public var standard: Double = 1
    public var advanced: Double = 1
    public var model: Double = 1
    /// Subtracted for each commune below 15 criteria, each year (an equity term; 0 by default): in a path's
    /// value, a commune whose mean criteria over the draws are below 15.
    public var below15: Double = 0
    public init() {}
    /// The weights a scenario's `allocation.objective` gives.
    public init(_ s: Scenario.AllocationSettings) {
        standard = s.standard; advanced = s.advanced; model = s.model; below15 = s.below15
    }
    public func value(standard s: Double, advanced a: Double, model m: Double) -> Double { standard * s + advanced * a + model * m }
}

/// Builds the allocation problem of a scenario from the engine itself, runs the rules and the optimum, and
/// evaluates every plan with the Monte Carlo engine on common random numbers.
///
/// For each funding path (the years a commune's package is paid), the Monte Carlo engine is run with every
/// commune on that path and money no package can exhaust, so each commune's outcome depends on its path alone
/// (the scenario's draws, noise and recognition, on the same random numbers as the evaluation). A path's value
/// is the share of draws at or above each tier, year by year (the objective's weights applied); its cost, per
/// year and eligibility group, the mean money the engine paid. So the optimum maximises what the Monte Carlo
/// engine expects, within what the sources have on average. (Planning on the expected-value model alone,
/// where every package succeeds, proposed 39 new advanced communes for 2024 that the engine expected to give
/// 20.7, and costed second-year packages on a path the draws seldom followed.)
///
/// The expected-value model, the engine with no noise and recognition certain once criteria are met, still
/// says what a plan *intends*: which tier each funded commune works towards, with which criteria (`standing`,
/// `expectedValue`). The scenario's money, less the upkeep it pays first, is what the plans share.
public struct AllocationStudy: Sendable {
    public let model: Model
    public let objective: AllocationObjective
    public let problem: PackageProblem
    public let standing: PackageProblem.Standing
    /// Group of each indicator (by the sources allowed to pay it).
    public let groupOf: [Int]
    /// costK[c][j][t][k]: a path's cost per indicator, for writing plans.
    let costK: [[[[Double]]]]
    /// Upkeep paid first, per source and year (million VND).
    public let upkeep: [[Double]]
    /// reach[c][j][t][i]: the share of Monte Carlo draws in which commune c is at or above tier i + 1 (standard,
    /// advanced, model) at the end of year t on path j.
    public let reach: [[[[Double]]]]

    /// - Parameter threads: workers for the Monte Carlo runs that value the paths (the values are the same
    ///   whatever the count).
    public init(model: Model, objective: AllocationObjective? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let objective = objective ?? AllocationObjective(model.scenario.allocation)
        self.model = model
        self.objective = objective
        let T = model.years.count, C = model.C, K = model.K, S = model.S
        guard T <= 4 else {
            throw InputError(file: model.scenario.file, line: model.scenario.horizonLocation?.line ?? 0, key: "horizon",
                             "allocation looks at most 4 years ahead (2^years funding paths per commune); shorten the horizon")
        }
        let inds = model.catalogue.indicators
        let ids = model.sourceIDs
        var groups: [[Int]] = []
        var groupOf = [Int](repeating: 0, count: K)
        for (k, ind) in inds.enumerated() {
            let allowed = ids.indices.filter { ind.funding.contains(ids[$0]) }
            if let g = groups.firstIndex(of: allowed) { groupOf[k] = g } else { groups.append(allowed); groupOf[k] = groups.count - 1 }
        }
        self.groupOf = groupOf
        let paths = PackageProblem.allPaths(years: T)
        let unlimited = Self.unlimitedFunding(model)
        var value = [[Double]](repeating: [Double](repeating: 0, count: paths.count), count: C)
        var cost = [[[[Double]]]](repeating: Array(repeating: [], count: paths.count), count: C)
        var costK = [[[[Double]]]](repeating: Array(repeating: [], count: paths.count), count: C)
        var tier = [[[Int]]](repeating: Array(repeating: [], count: paths.count), count: C)
        var crit = [[[Double]]](repeating: Array(repeating: [], count: paths.count), count: C)
        var reach = [[[[Double]]]](repeating: Array(repeating: [], count: paths.count), count: C)
        // What the Monte Carlo engine makes of each path, with money no package exhausts. Paths that differ only in
        // their last year share one run: the years before it are worked out once (the same numbers as a run each).
        let unlimitedBudget = model.budget.map { $0.map { _ in Self.noLimit } }
        var runs: [[Int]] = []
        for (j, path) in paths.enumerated() {
            if T >= 2, let i = runs.firstIndex(where: { paths[$0[0]].dropLast() == path.dropLast() }) {
                runs[i].append(j)
            } else {
                runs.append([j])
            }
        }
        for run in runs {
            let decisions = paths[run[0]].map { Array(repeating: $0, count: C) }
            let engine = Self.monteCarlo(model, budget: unlimitedBudget, decisions: decisions, recordPaid: true)
            let results = run.count == 1 ? [engine.run(threads: threads)]
                : engine.run(lastYear: run.map { Array(repeating: paths[$0][T - 1], count: C) }, threads: threads)
            for (j, mc) in zip(run, results) {
                // The plan's intent on this path (tier and criteria at the start of each year, for the rules that
                // order communes by them).
                let r = try Self.expectedValue(model, funding: unlimited, decisions: paths[j].map { Array(repeating: $0, count: C) })
                for c in 0..<C {
                    var v = 0.0
                    var byGroup: [[Double]] = [], byK: [[Double]] = [], shares: [[Double]] = []
                    var tStart: [Int] = [], cStart: [Double] = []
                    for t in 0..<T {
                        let p = mc.communes[t + 1][c]
                        v += objective.value(standard: p[0], advanced: p[1], model: p[2]) - objective.below15 * (p[3] < 15 - 1e-9 ? 1 : 0)
                        shares.append(Array(p[0..<3]))
                        var g = [Double](repeating: 0, count: groups.count), ks = [Double](repeating: 0, count: K)
                        for k in 0..<K {
                            let x = mc.paid[t][c * K + k]
                            ks[k] = x
                            g[groupOf[k]] += x
                        }
                        byGroup.append(g)
                        byK.append(ks)
                        let q = r.communes[t][c]
                        tStart.append(q[2] > 0.5 ? 3 : q[1] > 0.5 ? 2 : q[0] > 0.5 ? 1 : 0)
                        cStart.append(q[3])
                    }
                    value[c][j] = v
                    cost[c][j] = byGroup
                    costK[c][j] = byK
                    tier[c][j] = tStart
                    crit[c][j] = cStart
                    reach[c][j] = shares
                }
            }
        }
        // Upkeep comes first out of the scenario's money; the rest is what plans share.
        let none = try Self.expectedValue(model, funding: nil, decisions: Array(repeating: Array(repeating: false, count: C), count: T))
        upkeep = (0..<S).map { s in (0..<T).map { none.funding[$0][s][2] } }
        let available = (0..<S).map { s in (0..<T).map { max(0, model.budget[$0][s] - none.funding[$0][s][2]) } }
        var problem = PackageProblem(communes: C, years: T, sources: S, paths: paths, groups: groups, value: value, cost: cost, available: available)
        let settings = model.scenario.allocation
        if let cap = settings.absorptionCap {
            problem.allowed = (0..<C).map { c in paths.indices.map { j in (0..<T).allSatisfy { t in cost[c][j][t].reduce(0, +) <= cap } } }
        }
        if let cf = settings.coFinancing {
            func index(_ list: [String]) throws -> [Int] {
                try list.map { id in
                    guard let i = ids.firstIndex(of: id) else {
                        throw (settings.location ?? Location(file: model.scenario.file, line: 0, key: "allocation")).error("unknown funding source '\(id)' in co_financing")
                    }
                    return i
                }
            }
            problem.coFinancing = (try index(cf.local), try index(cf.central), cf.ratio)
        }
        self.problem = problem
        standing = PackageProblem.Standing(tier: tier, criteria: crit)
        self.costK = costK
        self.reach = reach
    }

    /// The least money that reaches `target` (communes added at each tier since the base year) by `year`, with
    /// at least `confidence` probability in the Monte Carlo engine: the programme is solved for the target as
    /// communes expected at each tier (`reach`), the plan evaluated, and the target it aims at raised one commune
    /// at a time (at the tiers that fell short) until the probability is reached or `maxRaise` is spent
    /// (`raisesSpent`: the search stopped there, short of the probability, and a plan aiming higher might still
    /// reach it). An aim never passes the most communes any plan can expect at a tier (every commune on its best
    /// path); the search stops there. When no plan reaches the aim within the sources' limits, the programme adds
    /// the least extra money, and the plan is evaluated with it.
    public func leastCost(target: [Tier: Int], year: Int, confidence: Double, threads: Int, maxRaise: Int = 15,
                          timeLimitSeconds: Double = 30) throws
        -> (result: PackageProblem.LeastCost, probability: Double, aimed: [Tier: Int], raisesSpent: Int?)? {
        guard let t = model.years.firstIndex(of: year) else {
            throw InputError(file: "--by", line: 0, key: "--by", "\(year) is not a projected year of the scenario (\(model.years.map(String.init).joined(separator: ", ")))")
        }
        let base = model.dataset.communes.map(\.tier)
        let baseCount = { (tier: Tier) in base.filter { $0 >= tier }.count }
        // The most communes added that any plan can expect at each tier by then.
        func best(_ c: Int, _ i: Int) -> Double {
            let shares: [Double] = problem.paths.indices.filter { problem.allowed?[c][$0] ?? true }.map { reach[c][$0][t][i] }
            return shares.max() ?? 0
        }
        var most: [Tier: Int] = [:]
        for tier in Tier.graded {
            let expected = (0..<model.C).reduce(0.0) { $0 + best($1, tier.rawValue - 1) }
            most[tier] = Int(expected + 1e-9) - baseCount(tier)
        }
        var aim = target
        for (tier, n) in aim { aim[tier] = min(n, most[tier]!) }
        var last: (PackageProblem.LeastCost, Double, [Tier: Int], Int?)?
        for _ in 0...maxRaise {
            let required = aim.map { (year: t, tier: $0.key.rawValue, count: baseCount($0.key) + $0.value) }
            // No feasible plan aims higher: the last one stands.
            guard let r = problem.leastCost(required: required, reach: reach, timeLimitSeconds: timeLimitSeconds) else { return last }
            // A plan that needs money beyond the sources' is evaluated with it: its probability is the one it has
            // with the extra money, and the aim rises as for any other plan until it reaches the confidence.
            let mc = evaluate(r.plan, threads: threads, extra: r.reachable ? nil : r.extra)
            var hits = 0
            var short: [Tier: Int] = [:]
            for d in mc.perDraw[t + 1] {
                var ok = true
                for (tier, add) in target where d[tier.rawValue - 1] < Double(baseCount(tier) + add) { ok = false; short[tier, default: 0] += 1 }
                if ok { hits += 1 }
            }
            let p = Double(hits) / Double(max(1, mc.perDraw[t + 1].count))
            last = (r, p, aim, nil)
            if p >= confidence { return last }
            var raised = false
            for (tier, misses) in short where misses > 0 && aim[tier, default: 0] < most[tier]! { aim[tier, default: 0] += 1; raised = true }
            // No plan can expect more at the tiers that fell short: the last one stands.
            if !raised { return last }
        }
        // Every raise spent, still short of the probability.
        last?.3 = maxRaise
        return last
    }

    /// A plan's money by year, commune, indicator and source: each path's cost per indicator, split among
    /// sources as the plan's flows split its group.
    public func amounts(_ plan: PackageProblem.Plan) -> [(year: Int, commune: Int, indicator: Int, source: Int, amount: Double)] {
        var out: [(Int, Int, Int, Int, Double)] = []
        forEachAmount(plan) { out.append(($0, $1, $2, $3, $4)) }
        return out
    }

    /// The sum of a plan's `amounts`, added in their order, without listing them (a national plan has about a
    /// million).
    public func invested(_ plan: PackageProblem.Plan) -> Double {
        var sum = 0.0
        forEachAmount(plan) { sum += $4 }
        return sum
    }

    /// Calls `body` with each of `amounts(plan)` in turn: year, commune, indicator, source, amount.
    func forEachAmount(_ plan: PackageProblem.Plan, _ body: (Int, Int, Int, Int, Double) -> Void) {
        for t in 0..<problem.years {
            for c in 0..<problem.communes {
                let j = plan.path[c]
                guard problem.paths[j][t] else { continue }
                for k in 0..<model.K {
                    let x = costK[c][j][t][k]
                    guard x > 0 else { continue }
                    let g = groupOf[k]
                    let total = plan.flow[g].reduce(0) { $0 + $1[t] }
                    guard total > 0 else { continue }
                    for s in 0..<problem.sources where plan.flow[g][s][t] > 0 {
                        body(model.years[t], c, k, s, x * plan.flow[g][s][t] / total)
                    }
                }
            }
        }
    }

    /// The deterministic engine: no noise, one draw, recognition certain once the criteria are met; with
    /// `funding`, instead of the scenario's money. Communes still aim past each threshold by the planning margin
    /// the noise gives (as in the Monte Carlo engine), so what a plan intends is what its packages buy there.
    static func expectedValue(_ model: Model, funding: [String: [Int: Double]]?, decisions: [[Bool]]) throws -> ProjectionResult {
        var sc = model.scenario
        sc.marginNoiseScale = sc.marginNoiseScale ?? sc.noiseScale
        sc.noiseScale = 0
        sc.draws = 1
        if let f = funding { sc.funding = f }
        let certain = "expected-value model: recognition certain once criteria are met"
        sc.overrides = ["model.recognition_probability", "model.recognition_probability_upper"].map {
            (path: $0, value: 1, source: certain, at: Location(file: sc.file, line: 0, key: "overrides"))
        }
        var m = try Model(catalogue: model.catalogue, dataset: model.dataset, scenario: sc)
        m.decisions = decisions
        return Projection(model: m).run(threads: 1)
    }

    /// The Monte Carlo engine (the scenario's draws, noise and recognition) with `budget` (per year and source)
    /// instead of the scenario's money, and the communes funded as `decisions` say (per year, per commune); without the
    /// communes' mean indicator values, which no report of a plan reads.
    static func monteCarlo(_ model: Model, budget: [[Double]], decisions: [[Bool]], recordPaid: Bool) -> Projection {
        var m = model
        m.budget = budget
        m.decisions = decisions
        m.recordPaid = recordPaid
        m.keepIndicatorMeans = false
        return Projection(model: m)
    }

    /// A plan's paths as the engine's decisions: per year, whether each commune is funded.
    func decisions(_ plan: PackageProblem.Plan) -> [[Bool]] {
        (0..<problem.years).map { t in plan.path.map { problem.paths[$0][t] } }
    }

    /// Money no package can exhaust, for every source and year: a commune's costs and tiers on a path then
    /// depend on its path alone.
    static func unlimitedFunding(_ model: Model) -> [String: [Int: Double]] {
        Dictionary(uniqueKeysWithValues: model.sourceIDs.map { id in (id, Dictionary(uniqueKeysWithValues: model.years.map { ($0, noLimit) })) })
    }

    /// Million VND a source has each year when money must not limit anything.
    static let noLimit = 1e13

    /// The plan in the expected-value model, each commune on its path with money no package can exhaust (the
    /// run `standing` comes from): the tier each funded commune works towards, and in its indicator values the
    /// criteria the plan intends each commune to meet each year.
    public func expectedValue(_ plan: PackageProblem.Plan) throws -> ProjectionResult {
        try Self.expectedValue(model, funding: Self.unlimitedFunding(model),
                               decisions: decisions(plan))
    }

    /// The plan run through the Monte Carlo engine (the scenario's draws, noise and recognition), with the
    /// communes it funds taking their packages each year while money lasts; with `recordPaid`, the result keeps
    /// what each source paid each commune (`ProjectionResult.paid`).
    /// The names a plan can be asked for by: the rules, and `optimal` (GLPK).
    public static let policyNames = AllocationRule.allCases.map(\.rawValue) + ["optimal"]

    /// The plan of a rule, or GLPK's optimum (with its solution) for `optimal`; nil when GLPK finds no plan.
    public func plan(named name: String, timeLimitSeconds: Double) -> (plan: PackageProblem.Plan, optimum: PackageProblem.Solution?)? {
        if let rule = AllocationRule(rawValue: name) { return (problem.plan(rule, standing: standing), nil) }
        guard let o = problem.solve(timeLimitSeconds: timeLimitSeconds) else { return nil }
        return (o.plan, o)
    }

    /// - Parameter extra: money beyond the sources' (`extra[s][t]`, as `PackageProblem.LeastCost` gives it), added
    ///   to each source's budget for the evaluation.
    public func evaluate(_ plan: PackageProblem.Plan, threads: Int, recordPaid: Bool = false, extra: [[Double]]? = nil) -> ProjectionResult {
        var budget = model.budget
        if let extra {
            for s in 0..<problem.sources { for t in 0..<problem.years { budget[t][s] += extra[s][t] } }
        }
        return Self.monteCarlo(model, budget: budget, decisions: decisions(plan), recordPaid: recordPaid).run(threads: threads)
    }
}
