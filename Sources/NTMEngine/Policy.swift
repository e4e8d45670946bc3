/// How a year's money is shared among communes and indicators, draw by draw.
///
/// Both policies pay upkeep first (what exists is kept before new gaps are closed; upkeep is shared in
/// proportion to need). Then:
/// - `proportional`: every source shares what is left among the investment needs it may pay for, in
///   proportion to their size, so every commune's gap for an indicator is funded at the same fraction;
/// - `closest_to_standard`: what provinces do today: communes are taken in order of fewest criteria missing
///   for their next tier, then cheapest, and each is funded in full if the sources allowed can cover it
///   (else it is skipped); whatever is left is then shared proportionally.
public enum Policy: String, CaseIterable, Sendable {
    case proportional
    case closestToStandard = "closest_to_standard"
}

/// One draw's allocation: the funded fraction of every commune's need for every indicator, and the money.
struct DrawAllocation {
    /// C × K: fraction of each commune's investment need funded.
    var fill: [Float]
    /// K: fraction of upkeep funded.
    var fillUpkeep: [Double]
    var spent: [Double]
    var allocated: [Double]
    var gap: [Double]
    /// C × K × S: what each source paid for each commune's indicator (filled only when asked).
    var paid: [Double]
}

extension Policy {
    /// - Parameters: need and upkeep are one draw's C × K blocks; `missing[c]` counts the criteria commune c
    ///   still lacks for its next tier.
    /// - Parameter decided: a plan's choice of the communes whose whole package is funded this year, in order;
    ///   when given, it replaces the policy's own choice and nothing else is spent.
    func allocate(need: UnsafeBufferPointer<Float>, upkeep: UnsafeBufferPointer<Float>, missing: [Int], C: Int, K: Int, S: Int,
                  budget: [Double], eligible: [Float], eligibleUpkeep: [Float], sourceOrder: [Int],
                  decided: [Bool]? = nil, recordPaid: Bool = false) -> DrawAllocation {
        var restBudget = budget.map { max(0, $0) }
        var upTotal = [Double](repeating: 0, count: K)
        for c in 0..<C { for k in 0..<K { upTotal[k] += Double(upkeep[c * K + k]) } }
        var upRest = upTotal
        ProportionalSharing.share(&upRest, eligible: eligibleUpkeep, budget: &restBudget, original: budget, K: K, S: S)
        var fill = [Float](repeating: 0, count: C * K)
        var funded = [Bool](repeating: false, count: C)
        var paid = [Double](repeating: 0, count: recordPaid ? C * K * S : 0)
        if self == .closestToStandard || decided != nil {
            var cost = [Double](repeating: 0, count: C)
            for c in 0..<C { for k in 0..<K { cost[c] += Double(need[c * K + k]) } }
            let order = decided.map { d in (0..<C).filter { d[$0] } }
                ?? (0..<C).filter { cost[$0] > 0 }.sorted { (missing[$0], cost[$0], $0) < (missing[$1], cost[$1], $1) }
            for c in order {
                var trial = restBudget
                var ok = true
                var take = [Double](repeating: 0, count: recordPaid ? K * S : 0)
                for k in 0..<K {
                    var rest = Double(need[c * K + k])
                    guard rest > 0 else { continue }
                    for s in sourceOrder where eligible[k * S + s] > 0 && trial[s] > 0 {
                        let t = min(rest, trial[s])
                        trial[s] -= t
                        rest -= t
                        if recordPaid { take[k * S + s] += t }
                        if rest <= 1e-9 { break }
                    }
                    if rest > 1e-6 * max(1, Double(need[c * K + k])) { ok = false; break }
                }
                if ok {
                    restBudget = trial
                    funded[c] = true
                    for k in 0..<K { fill[c * K + k] = 1 }
                    if recordPaid { for i in 0..<(K * S) { paid[c * K * S + i] = take[i] } }
                }
            }
        }
        // What is left, shared in proportion to the needs not yet funded (not under a plan).
        var rest = [Double](repeating: 0, count: K)
        if decided == nil { for c in 0..<C where !funded[c] { for k in 0..<K { rest[k] += Double(need[c * K + k]) } } }
        let before = rest
        ProportionalSharing.share(&rest, eligible: eligible, budget: &restBudget, original: budget, K: K, S: S)
        if recordPaid && decided == nil {
            // Proportional shares: each source's part of an indicator's spending, spread over its communes.
            for k in 0..<K where before[k] > 0 {
                let spentK = before[k] - rest[k]
                guard spentK > 0 else { continue }
                var w = [Double](repeating: 0, count: S), total = 0.0
                for s in sourceOrder where eligible[k * S + s] > 0 { w[s] = max(0, budget[s]); total += w[s] }
                guard total > 0 else { continue }
                let f = spentK / before[k]
                for c in 0..<C where !funded[c] {
                    for s in 0..<S where w[s] > 0 { paid[(c * K + k) * S + s] += Double(need[c * K + k]) * f * w[s] / total }
                }
            }
        }
        var spent = [Double](repeating: 0, count: K)
        for k in 0..<K {
            let f = before[k] > 0 ? Float((before[k] - rest[k]) / before[k]) : 0
            for c in 0..<C where !funded[c] { fill[c * K + k] = f }
            spent[k] = upTotal[k] - upRest[k]
        }
        for c in 0..<C { for k in 0..<K { spent[k] += Double(need[c * K + k] * fill[c * K + k]) } }
        let gap = ProportionalSharing.attribute(unmet: (0..<K).map { rest[$0] + upRest[$0] }, budget: budget, eligible: eligible, K: K, S: S)
        return DrawAllocation(fill: fill, fillUpkeep: (0..<K).map { upTotal[$0] > 0 ? (upTotal[$0] - upRest[$0]) / upTotal[$0] : 1 },
                              spent: spent, allocated: (0..<S).map { max(0, budget[$0]) - restBudget[$0] }, gap: gap, paid: paid)
    }
}
