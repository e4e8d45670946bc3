import CPrefetch

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
    /// The indicator in each lane (padding lanes past its end never have a need).
    var indicator: [Int]
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
}

extension Policy {
    /// - Parameters:
    ///   - decided: a plan's choice of the communes whose whole package is funded this year, in order; when
    ///     given, it replaces the policy's own choice and nothing else is spent.
    ///   - paidInto: where to add what was paid for each commune's indicator (a C × K table, commune then
    ///     indicator), summed over the sources that paid it in source order; each place is added to at most once.
    ///   - quick: pay a package its groups' first sources cover with money to spare without trying it first (the
    ///     same subtractions in the same order, so the same numbers; see `Model.quickWalk`).
    func allocate(_ n: DrawNeeds, model m: Model, budget: [Double], decided: [Bool]? = nil,
                  paidInto: UnsafeMutablePointer<Double>? = nil, quick: Bool = true) -> DrawAllocation {
        let C = m.C, K = m.K, S = m.S, G = m.groupCount
        var restBudget = budget.map { max(0, $0) }
        var upRest = n.upkeepTotal
        ProportionalSharing.share(&upRest, eligible: m.eligibleUpkeep, budget: &restBudget, original: budget, K: K, S: S)
        var funded = [Bool](repeating: false, count: C)
        let recordPaid = paidInto != nil
        if self == .closestToStandard || decided != nil {
            let order = decided.map { d in (0..<C).filter { d[$0] }.map { Int32($0) } } ?? Self.priorityOrder(n)
            var take = [Double](repeating: 0, count: G * S)
            restBudget.withUnsafeMutableBufferPointer { rb in
            m.groupSources.withUnsafeBufferPointer { gs in m.groupStart.withUnsafeBufferPointer { gStart in
            order.withUnsafeBufferPointer { ord in funded.withUnsafeMutableBufferPointer { funded in
                let groupNeed = n.groupNeed
                var trial = [Double](repeating: 0, count: S)
                var sourcesLeft = 0
                for x in rb where x > 0 { sourcesLeft += 1 }
                // Each group's first source with money. While money lasts, most packages are paid by those sources
                // alone, each leaving money to spare: such a package is paid at once, by the subtractions the full
                // walk below would make, in its order; only the others are tried on a copy of the budgets. Money
                // only ever goes down, so the first sources change only when the full walk funds a package.
                var first = [Int](repeating: -1, count: G)
                func findFirst() {
                    for g in 0..<G {
                        first[g] = -1
                        for j in gStart[g]..<gStart[g + 1] where rb[gs[j]] > 0 { first[g] = gs[j]; break }
                    }
                }
                findFirst()
                var undoSource = [Int](repeating: 0, count: G), undoValue = [Double](repeating: 0, count: G)
                // Communes come in priority order, not dataset order, so each one's group needs are a cache miss
                // away: the walk asks for those of the commune `ahead` places on, and they are in cache when its
                // turn comes.
                let ahead = 16, needRows = groupNeed.baseAddress
                // The walk, with `recordPaid` and `quick` as constants in each of its four copies (called below), so
                // the loop over a package's groups tests neither.
                @_transparent func walk(recordPaid: Bool, quick: Bool) {
                    for (i, c32) in ord.enumerated() {
                        let c = Int(c32)
                        if sourcesLeft == 0 { break }
                        if let needRows, i + ahead < ord.count { ntm_prefetch(needRows + Int(ord[i + ahead]) * G) }
                        var ok = true, paidAtOnce = quick, undo = 0
                        if quick {
                            for g in 0..<G {
                                let needG = Double(groupNeed[c * G + g])
                                guard needG > 0 else { continue }
                                let src = first[g]
                                // No source of the group has money: the walk would not pay the package (unless the need
                                // is within its tolerance: then let it decide).
                                if src < 0 { if needG > 1e-6 { ok = false } else { paidAtOnce = false }; break }
                                guard rb[src] - needG > 0 else { paidAtOnce = false; break }
                                undoSource[undo] = src; undoValue[undo] = rb[src]; undo += 1
                                rb[src] -= needG
                                if recordPaid { take[g * S + src] = needG }
                            }
                            if !(ok && paidAtOnce) { // put back what was taken
                                while undo > 0 { undo -= 1; rb[undoSource[undo]] = undoValue[undo] }
                                if recordPaid { for j in take.indices { take[j] = 0 } }
                            }
                        }
                        if ok && !paidAtOnce {
                            // The full walk: each group from its sources in order, on a copy of the budgets, kept only if
                            // the whole package is paid.
                            var touched = false
                            for g in 0..<G {
                                let needG = Double(groupNeed[c * G + g])
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
                            if ok && touched {
                                sourcesLeft = 0
                                for src in 0..<S { rb[src] = trial[src]; if trial[src] > 0 { sourcesLeft += 1 } }
                                findFirst()
                            }
                        }
                        if ok {
                            funded[c] = true
                            if recordPaid {
                                // A group's money is spread over its indicators in proportion to their need: the lanes
                                // with a need, eight at a time (most have none).
                                let row = n.laneNeed.baseAddress! + c * n.stride
                                for l0 in stride(from: 0, to: n.stride, by: 8) {
                                    var bits = laneBits(load8(row, l0) .> 0)
                                    while bits != 0 {
                                        let l = l0 + bits.trailingZeroBitCount, k = n.indicator[l]
                                        bits &= bits - 1
                                        let g = m.groupOf[k], share = Double(row[l]) / Double(n.groupNeed[c * G + g])
                                        var x = 0.0, any = false
                                        for src in 0..<S where take[g * S + src] != 0 { x += take[g * S + src] * share; any = true }
                                        if any { paidInto![c * K + k] += x }
                                    }
                                }
                            }
                        }
                        if recordPaid { for j in take.indices { take[j] = 0 } }
                    }
                }
                switch (recordPaid, quick) {
                case (false, true): walk(recordPaid: false, quick: true)
                case (false, false): walk(recordPaid: false, quick: false)
                case (true, true): walk(recordPaid: true, quick: true)
                case (true, false): walk(recordPaid: true, quick: false)
                }
            }}}}}
        }
        // What is left is shared in proportion to the investment needs not yet funded (none under a plan). The
        // priority policy sums them over the communes it left out (in commune order): fewer rows to read than the
        // funded ones, and no difference of two large sums. What was paid in full is the rest of the need.
        var rest = [Double](repeating: 0, count: K), fullK = [Double](repeating: 0, count: K)
        /// Investment need per lane, summed over the communes `include` picks, in commune order.
        /// The rows are far apart (most communes are left out, or most are in), more than the hardware guesses:
        /// the loop asks for every line of the row four communes on (a row can span four lines).
        func laneSums(_ include: (Int) -> Bool) -> [Double] {
            var rows: [Int32] = []
            for c in 0..<C where include(c) { rows.append(Int32(c)) }
            var sums = [Double](repeating: 0, count: n.stride)
            let stride = n.stride
            guard let need = n.laneNeed.baseAddress else { return sums }
            sums.withUnsafeMutableBufferPointer { sum in rows.withUnsafeBufferPointer { rows in
                for (j, c) in rows.enumerated() {
                    if j + 4 < rows.count { ntm_prefetch_bytes(need + Int(rows[j + 4]) * stride, stride * 4) }
                    let row = need + Int(c) * stride
                    for l in 0..<stride { sum[l] += Double(row[l]) }
                }
            }}
            return sums
        }
        let anyFunded = funded.contains(true)
        if decided == nil && anyFunded {
            let left = laneSums { !funded[$0] && n.cost[$0] > 0 }
            for k in 0..<K where n.lane[k] >= 0 {
                rest[k] = left[n.lane[k]]
                fullK[k] = max(0, n.needTotal[k] - rest[k])
            }
        } else if anyFunded {
            // Under a plan, only the chosen packages are paid: summed over them.
            let full = laneSums { funded[$0] }
            for k in 0..<K where n.lane[k] >= 0 { fullK[k] = full[n.lane[k]] }
        } else if decided == nil {
            rest = n.needTotal
        }
        let before = rest
        ProportionalSharing.share(&rest, eligible: m.eligible, budget: &restBudget, original: budget, K: K, S: S)
        if recordPaid && decided == nil {
            // Proportional shares: each source's part of an indicator's spending, spread over its communes (the
            // communes not funded in full).
            var shares: [(k: Int, f: Double, w: [Double], total: Double)] = []
            for k in 0..<K where before[k] > 0 {
                let spentK = before[k] - rest[k]
                guard spentK > 0 else { continue }
                var w = [Double](repeating: 0, count: S), total = 0.0
                for s in m.sourceOrder where m.eligible[k * S + s] > 0 { w[s] = max(0, budget[s]); total += w[s] }
                guard total > 0 else { continue }
                shares.append((k, spentK / before[k], w, total))
            }
            for c in 0..<C where !funded[c] {
                for (k, f, w, total) in shares {
                    var x = 0.0
                    for s in 0..<S where w[s] > 0 { x += Double(n.need(c, k)) * f * w[s] / total }
                    if x != 0 { paidInto![c * K + k] += x }
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
                              spent: spent, allocated: (0..<S).map { max(0, budget[$0]) - restBudget[$0] }, gap: gap)
    }

    /// Communes with something to fund, by fewest criteria missing, then cheapest package, then dataset order:
    /// one word per commune holds (missing, cost, commune) — the cost's bit pattern orders like the (positive)
    /// cost and its sign bit is 0, so the missing count (at most 128) goes right above its 31 bits, and the
    /// commune's index below them — sorted by a radix sort on the bits above the index (the words are made in
    /// commune order and the sort is stable, so ties stay in dataset order).
    static func priorityOrder(_ n: DrawNeeds) -> [Int32] {
        let C = n.cost.count
        let indexBits = max(1, Int.bitWidth - max(C - 1, 0).leadingZeroBitCount)
        guard 8 + 31 + indexBits <= 64 else { // more than 33 million communes: a comparison sort
            let key = { (c: Int) in (n.missing[c], n.cost[c], c) }
            return (0..<C).filter { n.cost[$0] > 0 }.sorted { key($0) < key($1) }.map { Int32($0) }
        }
        var count = 0
        for c in 0..<C where n.cost[c] > 0 { count += 1 }
        var keys = [UInt64](unsafeUninitializedCapacity: count) { b, filled in
            var j = 0
            for c in 0..<C where n.cost[c] > 0 {
                b[j] = (UInt64(n.missing[c]) << 31 | UInt64(n.cost[c].bitPattern)) << UInt64(indexBits) | UInt64(c)
                j += 1
            }
            filled = count
        }
        RadixSort.sort(&keys, from: indexBits)
        let mask = UInt64(1) << UInt64(indexBits) - 1
        // Written in place (`map` kept the array's count up to date key after key).
        return [Int32](unsafeUninitializedCapacity: keys.count) { order, filled in
            keys.withUnsafeBufferPointer { k in for (j, x) in k.enumerated() { order[j] = Int32(truncatingIfNeeded: x & mask) } }
            filled = keys.count
        }
    }
}

/// Least-significant-digit radix sort of 64-bit keys on their bits from `from` up, 12 bits at a time (4,096
/// counts, 16 KB, per digit); stable, so keys equal above `from` keep their order. It skips the digits on which
/// all keys agree, and counts every digit it sorts on before the first move.
enum RadixSort {
    static let bits = 12

    static func sort(_ keys: inout [UInt64], from low: Int) {
        let n = keys.count
        guard n > 1 else { return }
        var all: UInt64 = 0, any: UInt64 = ~0
        for k in keys { all |= k; any &= k }
        let radix = 1 << bits, mask = UInt64(radix - 1), varying = all ^ any
        let shifts = stride(from: low, to: 64, by: bits).filter { (varying >> UInt64($0)) & mask != 0 }
        guard !shifts.isEmpty else { return }
        // Every digit's counts before the first move (a pass over the keys per digit: a short loop the keys, in
        // cache, run through quickly), then where each of its buckets starts.
        var starts = [Int32](repeating: 0, count: shifts.count * radix)
        starts.withUnsafeMutableBufferPointer { st in keys.withUnsafeBufferPointer { k in
            for (d, shift) in shifts.enumerated() {
                let counts = st.baseAddress! + d * radix, s = UInt64(shift)
                for x in k { counts[Int((x &>> s) & mask)] += 1 }
                var sum: Int32 = 0
                for b in 0..<radix { let c = counts[b]; counts[b] = sum; sum += c }
            }
        }}
        var other = [UInt64](unsafeUninitializedCapacity: n) { _, filled in filled = n }
        for (d, shift) in shifts.enumerated() {
            keys.withUnsafeBufferPointer { k in other.withUnsafeMutableBufferPointer { o in starts.withUnsafeMutableBufferPointer { st in
                let next = st.baseAddress! + d * radix, s = UInt64(shift)
                for x in k {
                    let b = Int((x &>> s) & mask)
                    o[Int(next[b])] = x
                    next[b] += 1
                }
            }}}
            swap(&keys, &other)
        }
    }
}
