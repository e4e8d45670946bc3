import NTMAllocation
import NTMCatalogue
import NTMEngine

/// `ntm allocate`: every rule's plan and the optimum, side by side.
public struct AllocationReport {
    public struct Row {
        public var policy: String
        public var plan: PackageProblem.Plan
        public var result: ProjectionResult
        public init(policy: String, plan: PackageProblem.Plan, result: ProjectionResult) {
            self.policy = policy
            self.plan = plan
            self.result = result
        }
    }

    public let study: AllocationStudy
    public let rows: [Row]
    public let optimum: PackageProblem.Solution?
    public let labels: Labels

    /// The least money that reaches a target, when one was asked for.
    public struct LeastCostAnswer {
        public var target: [Tier: Int]
        public var year: Int
        public var confidence: Double
        public var result: PackageProblem.LeastCost
        public var probability: Double
        public var aimed: [Tier: Int]
        /// Set when the search stopped after this many raises of the aim, short of the probability.
        public var raisesSpent: Int?
        public init(target: [Tier: Int], year: Int, confidence: Double, result: PackageProblem.LeastCost, probability: Double, aimed: [Tier: Int],
                    raisesSpent: Int? = nil) {
            self.raisesSpent = raisesSpent
            self.target = target
            self.year = year
            self.confidence = confidence
            self.result = result
            self.probability = probability
            self.aimed = aimed
        }
    }
    public var leastCost: LeastCostAnswer?

    public init(study: AllocationStudy, rows: [Row], optimum: PackageProblem.Solution?, lang: Language) {
        self.study = study
        self.rows = rows
        self.optimum = optimum
        labels = Labels(lang)
    }

    var problem: PackageProblem { study.problem }

    func objective(_ r: Row) -> Double { problem.objective(r.plan.path) }

    func spent(_ r: Row) -> Double {
        study.invested(r.plan) + study.upkeep.flatMap { $0 }.reduce(0, +)
    }

    var money: Double { study.model.budget.flatMap { $0 }.reduce(0, +) }

    /// The best objective found: the optimum's when solved, else the best plan's.
    var best: Double { max(optimum?.objective ?? 0, rows.map(objective).max() ?? 0) }

    public func csv() -> String {
        let years = study.model.years
        var header = ["policy", "objective"]
        for y in years { header += ["standard_\(y)", "advanced_\(y)", "model_\(y)"] }
        header += ["avg_criteria_\(years.last!)", "spent", "unspent", "gap_to_optimum"]
        var w = CSVWriter(header: header)
        for r in rows {
            var f = [r.policy, formatNumber(objective(r))]
            for yi in years.indices {
                for field in 0..<3 { f.append(formatNumber(r.result.summary(year: yi + 1, field: field).mean)) }
            }
            f.append(formatNumber(r.result.summary(year: years.count, field: 4).mean))
            let s = spent(r)
            f += [formatNumber(s, decimals: 1), formatNumber(max(0, money - s), decimals: 1), formatNumber(max(0, best - objective(r)))]
            w.row(f)
        }
        return w.text
    }

    public func planCSV(_ r: Row) -> String {
        var w = CSVWriter(header: ["year", "gso_code", "commune", "criterion", "indicator", "source", "amount"])
        let inds = study.model.catalogue.indicators
        for a in study.amounts(r.plan) {
            let c = study.model.dataset.communes[a.commune]
            w.row([String(a.year), c.code, c.name, String(inds[a.indicator].criterion), inds[a.indicator].id,
                   study.model.sourceIDs[a.source], formatNumber(a.amount, decimals: 1)])
        }
        return w.text
    }

    public func markdown() -> String {
        let L = labels
        let years = study.model.years
        var s = "# \(L[.allocationTitle]): \(study.model.scenario.name)\n\n"
        s += L[.allocationIntro] + "\n\n"
        var t = MarkdownTable([L[.policy], L[.objectiveEV]] + years.flatMap { y in [L.tier(.standard), L.tier(.advanced), L.tier(.model)].map { "\($0) \(y)" } }
                              + [L[.spent], L[.unspent], L[.gapToOptimum]], rightAligned: Set(1...(4 + 3 * years.count)))
        for r in rows {
            var f = [L.policy(r.policy), L.number(objective(r), decimals: 1)]
            for yi in years.indices { for field in 0..<3 { f.append(L.number(r.result.summary(year: yi + 1, field: field).mean, decimals: 1)) } }
            f += [L.number(spent(r)), L.number(max(0, money - spent(r))), L.number(max(0, best - objective(r)), decimals: 1)]
            t.add(f)
        }
        s += t.text + "\n"
        if let o = optimum {
            s += L.fill(o.optimal ? .optimumProved : o.searched ? .optimumIncumbent : .optimumClose,
                        L.number(o.objective, decimals: 1), L.number(o.lpBound, decimals: 1),
                        L.number(100 * o.gap, decimals: 2), L.number(100 * PackageProblem.closeEnough, decimals: 2)) + "\n\n"
        } else {
            s += L[.optimumFailed] + "\n\n"
        }
        s += L[.allocationNote]
        // A rule can fund no package at all (proportional shares rarely cover a whole one): say so, as "spent"
        // is then upkeep alone.
        let none = rows.filter { r in r.plan.path.allSatisfy { $0 == 0 } }.map { L.policy($0.policy) }
        if !none.isEmpty { s += " " + L.fill(.noPackageNote, none.joined(separator: ", ")) }
        s += "\n"
        if let lc = leastCost { s += "\n" + leastCostMarkdown(lc) }
        return s
    }

    public func files() -> [(name: String, content: String)] {
        var f = [("allocation.md", markdown()), ("allocation.csv", csv())] + rows.map { ("plan-\($0.policy).csv", planCSV($0)) }
        if let lc = leastCost { f.append(("least-cost.csv", leastCostCSV(lc))) }
        return f
    }

    public func leastCostCSV(_ lc: LeastCostAnswer) -> String {
        // What each source has left after upkeep, not the scenario's money that funding.csv calls "available".
        var w = CSVWriter(header: ["year", "source", "available_after_upkeep", "needed", "extra"])
        for (t, y) in study.model.years.enumerated() {
            for (s, id) in study.model.sourceIDs.enumerated() {
                w.row([String(y), id, formatNumber(study.problem.available[s][t], decimals: 1),
                       formatNumber(lc.result.money[s][t], decimals: 1), formatNumber(lc.result.extra[s][t], decimals: 1)])
            }
        }
        return w.text
    }

    func leastCostMarkdown(_ lc: LeastCostAnswer) -> String {
        let L = labels
        let tiers = L.added(lc.target)
        var s = "## " + L.fill(.leastCostTitle, tiers, String(lc.year)) + "\n\n"
        let key: Labels.Key = !lc.result.reachable ? .leastCostShort : lc.probability >= lc.confidence ? .leastCostReached : .leastCostUnsure
        let aimed = L.added(lc.aimed)
        s += L.fill(key, L.number(100 * lc.probability, decimals: 0), L.number(100 * lc.confidence, decimals: 0), String(lc.raisesSpent ?? 0), aimed)
        // Short of the probability: why the search stopped.
        if lc.probability < lc.confidence { s += " " + L.fill(lc.raisesSpent != nil ? .raiseLimitNote : .noHigherNote, String(lc.raisesSpent ?? 0)) }
        s += "\n\n"
        var t = MarkdownTable([L[.year], L[.fundingSource], L[.availableAfterUpkeep], L[.needed], L[.extraNeeded]], rightAligned: [2, 3, 4])
        for (ti, y) in study.model.years.enumerated() {
            for (si, src) in study.model.catalogue.sources.enumerated() where lc.result.money[si][ti] > 0.5 || lc.result.extra[si][ti] > 0.5 {
                t.add([String(y), src.name(L.lang), L.number(study.problem.available[si][ti]), L.number(lc.result.money[si][ti]), L.number(lc.result.extra[si][ti])])
            }
        }
        let total = lc.result.money.flatMap { $0 }.reduce(0, +), extra = lc.result.extra.flatMap { $0 }.reduce(0, +)
        t.add(["", "**\(L[.total])**", "", "**\(L.number(total))**", "**\(L.number(extra))**"])
        s += t.text + "\n" + L[.leastCostNote] + "\n"
        return s
    }
}
