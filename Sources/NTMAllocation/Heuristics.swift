/// The allocation rules planners use, as package choices on the same problem as the optimum, so every rule's
/// plan is a feasible point of the optimiser's programme and the optimum can never be worse.
public enum AllocationRule: String, CaseIterable, Sendable {
    /// Every commune that needs money gets a share of each source in proportion to its package's cost; a
    /// package is funded when its share covers it.
    case proportional
    /// Every commune that needs money gets an equal share of each source.
    case equalPerCommune = "equal_per_commune"
    /// What provinces do today: communes lowest in tier first, then with the most criteria already met, then
    /// the cheapest; each is funded in full if the money allowed can cover it.
    case closestToStandard = "closest_to_standard"
    /// Marginal cost-effectiveness: the packages that add the most value per million VND first.
    case greedy = "cost_effectiveness"
}

extension PackageProblem {
    /// What the paths say about each commune at the start of each year, for the rules that need it.
    public struct Standing: Sendable {
        /// tier[c][j][t] and criteria[c][j][t] at the start of year t on path j.
        public var tier: [[[Int]]]
        public var criteria: [[[Double]]]
        public init(tier: [[[Int]]], criteria: [[[Double]]]) {
            self.tier = tier
            self.criteria = criteria
        }
    }

    /// Applies a rule year by year and returns its plan (paths and flows).
    public func plan(_ rule: AllocationRule, standing: Standing) -> Plan {
        var funded = [[Bool]](repeating: [Bool](repeating: false, count: years), count: communes)
        var accepted: [(c: Int, t: Int)] = []
        var flow = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: years), count: sources), count: groups.count)
        // Sources serving fewer groups are drawn on first, keeping flexible money for later.
        let breadth = (0..<sources).map { s in groups.filter { $0.contains(s) }.count }
        let order = groups.map { $0.sorted { (breadth[$0], $0) < (breadth[$1], $1) } }
        for t in 0..<years {
            var candidates: [(c: Int, cost: [Double], total: Double, gain: Double)] = []
            for c in 0..<communes {
                var fund = funded[c], keep = funded[c]
                fund[t] = true
                keep[t] = false
                let jF = pathIndex(fund), jN = pathIndex(keep)
                let cost = cost[c][jF][t]
                let total = cost.reduce(0, +)
                guard total > 0 else { continue }
                // A package beyond what the commune can absorb this year is not an option.
                if let a = allowed, !a[c][(0..<paths.count).first { paths[$0] == fund }!] { continue }
                candidates.append((c, cost, total, value[c][jF] - value[c][jN]))
            }
            var pool = (0..<sources).map { available[$0][t] }
            let sumCost = candidates.reduce(0) { $0 + $1.total }
            switch rule {
            case .closestToStandard:
                let jOf = { (c: Int) -> Int in self.pathIndex(funded[c]) }
                candidates.sort {
                    (standing.tier[$0.c][jOf($0.c)][t], -standing.criteria[$0.c][jOf($0.c)][t], $0.total, $0.c)
                        < (standing.tier[$1.c][jOf($1.c)][t], -standing.criteria[$1.c][jOf($1.c)][t], $1.total, $1.c)
                }
            case .greedy:
                candidates = candidates.filter { $0.gain > 0 }
                candidates.sort { ($0.gain / $0.total, -$0.c) > ($1.gain / $1.total, -$1.c) }
            case .proportional, .equalPerCommune:
                break
            }
            for cand in candidates {
                // The money this commune may draw on: the common pool, or its own share.
                var own: [Double]
                switch rule {
                case .proportional: own = (0..<sources).map { available[$0][t] * cand.total / sumCost }
                case .equalPerCommune: own = (0..<sources).map { available[$0][t] / Double(candidates.count) }
                default: own = pool
                }
                own = (0..<sources).map { min(own[$0], pool[$0]) }
                var take = [[Double]](repeating: [Double](repeating: 0, count: sources), count: groups.count)
                var ok = true
                for g in groups.indices where cand.cost[g] > 0 {
                    var rest = cand.cost[g]
                    for s in order[g] where own[s] > 0 {
                        let x = min(rest, own[s])
                        own[s] -= x
                        take[g][s] += x
                        rest -= x
                        if rest <= 1e-9 * cand.cost[g] { rest = 0; break }
                    }
                    if rest > 0 { ok = false; break }
                }
                guard ok else { continue }
                funded[cand.c][t] = true
                accepted.append((cand.c, t))
                for g in groups.indices { for s in 0..<sources where take[g][s] > 0 { flow[g][s][t] += take[g][s]; pool[s] -= take[g][s] } }
            }
        }
        var plan = Plan(path: funded.map { pathIndex($0) }, flow: flow)
        // The rules do not see co-financing: when their plan breaks it, the flows are worked out again and,
        // if no flows can respect it, the packages accepted last are dropped until some can.
        if coFinancing != nil && !isFeasible(plan) {
            while true {
                if let f = self.flows(for: plan.path) { plan.flow = f; break }
                guard let last = accepted.popLast() else { break }
                funded[last.c][last.t] = false
                plan.path = funded.map { pathIndex($0) }
            }
        }
        return plan
    }
}
