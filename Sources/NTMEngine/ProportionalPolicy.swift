/// The default allocation: upkeep first, then investment. Each source shares its money among the needs it may
/// pay for in proportion to their size; what a need cannot absorb goes back and is shared again (four
/// rounds). Every commune's gap for an indicator is then funded at the same fraction.
public enum ProportionalPolicy {
    public struct Allocation {
        /// Fraction of each indicator's investment need and upkeep that is funded.
        public var fill: [Double]
        public var fillUpkeep: [Double]
        /// Money spent per indicator (investment + upkeep), per source, and the unmet need attributed to each
        /// source (shared among the sources that may pay for it, by their budgets).
        public var spent: [Double]
        public var allocated: [Double]
        public var gap: [Double]
    }

    /// - Parameters: need and upkeep per indicator (K), budget per source (S), eligibility K × S row-major.
    public static func allocate(need: [Double], upkeep: [Double], budget: [Double], eligible: [Float], eligibleUpkeep: [Float],
                                K: Int, S: Int) -> Allocation {
        var restNeed = need, restUp = upkeep, restBudget = budget.map { max(0, $0) }
        // Upkeep first (what exists is kept before new gaps are closed), then investment.
        share(&restUp, eligible: eligibleUpkeep, budget: &restBudget, original: budget, K: K, S: S)
        share(&restNeed, eligible: eligible, budget: &restBudget, original: budget, K: K, S: S)
        let gap = attribute(unmet: (0..<K).map { restNeed[$0] + restUp[$0] }, budget: budget, eligible: eligible, K: K, S: S)
        return Allocation(
            fill: (0..<K).map { need[$0] > 0 ? (need[$0] - restNeed[$0]) / need[$0] : 1 },
            fillUpkeep: (0..<K).map { upkeep[$0] > 0 ? (upkeep[$0] - restUp[$0]) / upkeep[$0] : 1 },
            spent: (0..<K).map { need[$0] - restNeed[$0] + upkeep[$0] - restUp[$0] },
            allocated: (0..<S).map { max(0, budget[$0]) - restBudget[$0] },
            gap: gap)
    }

    /// Unmet need per indicator, attributed to the sources that may pay for it in proportion to their budgets.
    static func attribute(unmet: [Double], budget: [Double], eligible: [Float], K: Int, S: Int) -> [Double] {
        var gap = [Double](repeating: 0, count: S)
        for k in 0..<K where unmet[k] > 0 {
            var w = [Double](repeating: 0, count: S), total = 0.0
            for s in 0..<S where eligible[k * S + s] > 0 { w[s] = max(0, budget[s]); total += w[s] }
            if total <= 0 { for s in 0..<S where eligible[k * S + s] > 0 { w[s] = 1; total += 1 } }
            if total > 0 { for s in 0..<S { gap[s] += unmet[k] * w[s] / total } }
        }
        return gap
    }

    /// Shares the budgets among `rest` (K needs) in proportion to need, in rounds; lowers both.
    static func share(_ rest: inout [Double], eligible: [Float], budget restBudget: inout [Double], original: [Double], K: Int, S: Int) {
        for _ in 0..<4 {
            var offer = [Double](repeating: 0, count: K)
            var rate = [Double](repeating: 0, count: S)
            for s in 0..<S where restBudget[s] > 0 {
                var denom = 0.0
                for k in 0..<K { denom += Double(eligible[k * S + s]) * rest[k] }
                if denom <= 0 { continue }
                rate[s] = restBudget[s] / denom
                for k in 0..<K { offer[k] += rate[s] * Double(eligible[k * S + s]) * rest[k] }
            }
            var moved = 0.0
            for k in 0..<K where offer[k] > 0 {
                let take = min(rest[k], offer[k]), phi = take / offer[k]
                for s in 0..<S where rate[s] > 0 { restBudget[s] -= rate[s] * Double(eligible[k * S + s]) * rest[k] * phi }
                rest[k] -= take
                moved += take
            }
            for s in 0..<S where restBudget[s] < 1e-9 * max(1, original[s]) { restBudget[s] = 0 }
            if moved <= 1e-9 { break }
        }
    }
}
