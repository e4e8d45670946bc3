/// How a year's money is shared among communes and indicators, draw by draw.
///
/// Both policies pay upkeep first (what exists is kept before new gaps are closed; upkeep is shared in
/// proportion to need). Then:
/// - `proportional`: every source shares what is left among the investment needs it may pay for, in
///   proportion to their size, so every commune's gap for an indicator is funded at the same fraction;
/// - `closest_to_standard`: what provinces do today: communes are taken in order of fewest criteria missing
///   for their next tier, then cheapest, and each is funded in full if the sources allowed can cover it
///   (else it is skipped); whatever is left is then shared proportionally.
///
/// A commune's package is paid group by group (indicators grouped by the sources that may pay for them,
/// the most restricted group first), each group from its sources in `Model.sourceOrder`.
public enum Policy: String, CaseIterable, Sendable {
    case proportional
    case closestToStandard = "closest_to_standard"
}

/// One draw's needs, as the engine's first pass over the communes leaves them.
struct DrawNeeds {
    /// C rows of `stride` lanes (see `Lanes`): investment to close each gap to the commune's next tier
    /// (million VND), and each indicator's lane (−1: no lane, never a gap).
    var laneNeed: UnsafeBufferPointer<Float>
    var stride: Int
    var lane: [Int]
    /// C × G: the same summed per eligibility group.
    var groupNeed: UnsafeBufferPointer<Float>
    /// C: the whole package, and the criteria still lacking for the next tier (read by the priority order).
    var cost: UnsafeBufferPointer<Float>
    var missing: UnsafeBufferPointer<UInt8>
    /// K: investment and upkeep summed over communes.
    var needTotal: [Double]
    var upkeepTotal: [Double]

    /// Commune c's investment need for indicator k.
    @inline(__always) func need(_ c: Int, _ k: Int) -> Float {
        let l = lane[k]
        return l < 0 ? 0 : laneNeed[c * stride + l]
    }
}

/// One draw's allocation: who is funded in full, the fraction of every other need funded, and the money.
struct DrawAllocation {
    /// C: communes whose whole package is funded (their fill is 1 for every indicator).
    var funded: [Bool]
    /// K: the fraction of each indicator's need funded in the communes not funded in full.
    var fraction: [Float]
    /// K: fraction of upkeep funded.
    var fillUpkeep: [Float]
    var spent: [Double]
    var allocated: [Double]
    var gap: [Double]
    /// C × K × S: what each source paid for each commune's indicator (filled only when asked).
    var paid: [Double]
}

extension Policy {
    /// - Parameter decided: a plan's choice of the communes whose whole package is funded this year, in order;
    ///   when given, it replaces the policy's own choice and nothing else is spent.
    func allocate(_ n: DrawNeeds, model m: Model, budget: [Double], decided: [Bool]? = nil, recordPaid: Bool = false) -> DrawAllocation {
        let C = m.C, K = m.K, S = m.S, G = m.groupCount
        var restBudget = budget.map { max(0, $0) }
        var upRest = n.upkeepTotal
        ProportionalSharing.share(&upRest, eligible: m.eligibleUpkeep, budget: &restBudget, original: budget, K: K, S: S)
        var funded = [Bool](repeating: false, count: C)
        var paid = [Double](repeating: 0, count: recordPaid ? C * K * S : 0)
        if self == .closestToStandard || decided != nil {
            let order = decided.map { d in (0..<C).filter { d[$0] } } ?? Self.priorityOrder(n)
            var take = [Double](repeating: 0, count: G * S)
            // The walk reads each commune's group needs in priority order, not memory order: gather the rows in
            // that order first (independent loads the processor overlaps), so the walk reads front to back.
            let rows = [Float](unsafeUninitializedCapacity: order.count * G) { r, filled in
                for (i, c) in order.enumerated() { for g in 0..<G { r[i * G + g] = n.groupNeed[c * G + g] } }
                filled = order.count * G
            }
            restBudget.withUnsafeMutableBufferPointer { rb in
            m.groupSources.withUnsafeBufferPointer { gs in m.groupStart.withUnsafeBufferPointer { gStart in
            order.withUnsafeBufferPointer { ord in rows.withUnsafeBufferPointer { rows in
                var trial = [Double](repeating: 0, count: S)
                var sourcesLeft = 0
                for x in rb where x > 0 { sourcesLeft += 1 }
                for (i, c) in ord.enumerated() {
                    if sourcesLeft == 0 { break }
                    var ok = true, touched = false
                    for g in 0..<G {
                        let needG = Double(rows[i * G + g])
                        var rest = needG
                        guard rest > 0 else { continue }
                        if !touched { for src in 0..<S { trial[src] = rb[src] }; touched = true }
                        for j in gStart[g]..<gStart[g + 1] {
                            let src = gs[j]
                            guard trial[src] > 0 else { continue }
                            let t = min(rest, trial[src])
                            trial[src] -= t
                            rest -= t
                            if recordPaid { take[g * S + src] = t }
                            if rest <= 1e-9 { break }
                        }
                        if rest > 1e-6 * max(1, needG) { ok = false; break }
                    }
                    if ok {
                        if touched {
                            sourcesLeft = 0
                            for src in 0..<S { rb[src] = trial[src]; if trial[src] > 0 { sourcesLeft += 1 } }
                        }
                        funded[c] = true
                        if recordPaid {
                            // A group's money is spread over its indicators in proportion to their need.
                            for k in 0..<K where n.need(c, k) > 0 {
                                let g = m.groupOf[k], share = Double(n.need(c, k)) / Double(n.groupNeed[c * G + g])
                                for src in 0..<S { paid[(c * K + k) * S + src] = take[g * S + src] * share }
                            }
                        }
                    }
                    if recordPaid { for j in take.indices { take[j] = 0 } }
                }
            }}}}}
        }
        // Investment already paid in full, per indicator (in commune order: the rows are read front to back).
        var fullLane = [Double](repeating: 0, count: n.stride)
        fullLane.withUnsafeMutableBufferPointer { fl in
            for c in 0..<C where funded[c] { for l in 0..<n.stride { fl[l] += Double(n.laneNeed[c * n.stride + l]) } }
        }
        let fullK = n.lane.map { $0 < 0 ? 0 : fullLane[$0] }
        // What is left, shared in proportion to the needs not yet funded (not under a plan).
        var rest = [Double](repeating: 0, count: K)
        if decided == nil { for k in 0..<K { rest[k] = max(0, n.needTotal[k] - fullK[k]) } }
        let before = rest
        ProportionalSharing.share(&rest, eligible: m.eligible, budget: &restBudget, original: budget, K: K, S: S)
        if recordPaid && decided == nil {
            // Proportional shares: each source's part of an indicator's spending, spread over its communes.
            for k in 0..<K where before[k] > 0 {
                let spentK = before[k] - rest[k]
                guard spentK > 0 else { continue }
                var w = [Double](repeating: 0, count: S), total = 0.0
                for s in m.sourceOrder where m.eligible[k * S + s] > 0 { w[s] = max(0, budget[s]); total += w[s] }
                guard total > 0 else { continue }
                let f = spentK / before[k]
                for c in 0..<C where !funded[c] {
                    for s in 0..<S where w[s] > 0 { paid[(c * K + k) * S + s] += Double(n.need(c, k)) * f * w[s] / total }
                }
            }
        }
        var fraction = [Float](repeating: 0, count: K), spent = [Double](repeating: 0, count: K)
        for k in 0..<K {
            let f = before[k] > 0 ? Float((before[k] - rest[k]) / before[k]) : 0
            fraction[k] = f
            spent[k] = n.upkeepTotal[k] - upRest[k] + fullK[k] + Double(f) * before[k]
        }
        let gap = ProportionalSharing.attribute(unmet: (0..<K).map { rest[$0] + upRest[$0] }, budget: budget, eligible: m.eligible, K: K, S: S)
        return DrawAllocation(funded: funded,
                              fraction: fraction,
                              fillUpkeep: (0..<K).map { n.upkeepTotal[$0] > 0 ? Float((n.upkeepTotal[$0] - upRest[$0]) / n.upkeepTotal[$0]) : 1 },
                              spent: spent, allocated: (0..<S).map { max(0, budget[$0]) - restBudget[$0] }, gap: gap, paid: paid)
    }

    /// Communes with something to fund, by fewest criteria missing, then cheapest package, then dataset order:
    /// a stable radix sort on (missing, cost) — the cost's bit pattern orders like the (positive) cost, and its
    /// sign bit is 0, so the missing count goes right above its 31 bits: 36 bits in all, three passes of 12.
    static func priorityOrder(_ n: DrawNeeds) -> [Int] {
        let C = n.cost.count
        var count = 0
        for c in 0..<C where n.cost[c] > 0 { count += 1 }
        var keys = [UInt64](unsafeUninitializedCapacity: count) { b, filled in
            var j = 0
            for c in 0..<C where n.cost[c] > 0 { b[j] = UInt64(n.missing[c]) << 31 | UInt64(n.cost[c].bitPattern); j += 1 }
            filled = count
        }
        var idx = [Int32](unsafeUninitializedCapacity: count) { b, filled in
            var j = 0
            for c in 0..<C where n.cost[c] > 0 { b[j] = Int32(c); j += 1 }
            filled = count
        }
        RadixSort.sort(&keys, &idx)
        return idx.map(Int.init)
    }
}

/// Least-significant-digit radix sort of keys with their payloads, 12 bits at a time (the 4,096 counts, 16 KB,
/// fit in the first-level cache); stable, and it skips the digits on which all keys agree.
enum RadixSort {
    static let bits: UInt64 = 12

    static func sort(_ keys: inout [UInt64], _ payload: inout [Int32]) {
        let n = keys.count
        guard n > 1 else { return }
        var k2 = [UInt64](unsafeUninitializedCapacity: n) { _, filled in filled = n }
        var p2 = [Int32](unsafeUninitializedCapacity: n) { _, filled in filled = n }
        var all: UInt64 = 0, any: UInt64 = ~0
        for k in keys { all |= k; any &= k }
        let varying = all ^ any, radix = 1 << Int(bits), mask = UInt64(radix - 1)
        var count = [Int32](repeating: 0, count: radix + 1)
        var shift: UInt64 = 0
        while shift < 64 {
            if (varying >> shift) & mask != 0 {
                keys.withUnsafeMutableBufferPointer { k in payload.withUnsafeMutableBufferPointer { p in
                k2.withUnsafeMutableBufferPointer { k2 in p2.withUnsafeMutableBufferPointer { p2 in
                count.withUnsafeMutableBufferPointer { count in
                    for i in 0...radix { count[i] = 0 }
                    for x in k { count[Int((x >> shift) & mask) + 1] += 1 }
                    for i in 0..<radix { count[i + 1] += count[i] }
                    for i in 0..<n {
                        let b = Int((k[i] >> shift) & mask)
                        let to = Int(count[b])
                        k2[to] = k[i]; p2[to] = p[i]
                        count[b] += 1
                    }
                }}}}}
                swap(&keys, &k2); swap(&payload, &p2)
            }
            shift += bits
        }
    }
}
