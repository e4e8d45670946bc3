/// Proportional sharing, the building block of every policy (see `Policy`): each source shares its money
/// among the needs it may pay for in proportion to their size; what a need cannot absorb goes back and is
/// shared again (four rounds).
enum ProportionalSharing {
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
