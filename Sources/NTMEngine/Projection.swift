import Foundation
import NTMCatalogue

/// Runs the Monte Carlo projection: draws are cut into fixed batches (the cut depends on the number of
/// communes only), batches run on `threads` workers, and their results are merged in batch order, so the
/// numbers are the same whatever the thread count.
public struct Projection: Sendable {
    public let model: Model
    public init(model: Model) { self.model = model }

    /// Draws per batch: at most 64k commune-draws and at least 16 batches when there are enough draws, so the
    /// batches spread evenly over threads and each batch's sums are few to merge. It depends on the number of
    /// communes and draws only, never on the thread count.
    public var batchSize: Int { Self.batchSize(communes: model.C, draws: model.scenario.draws) }

    public static func batchSize(communes C: Int, draws D: Int) -> Int {
        max(1, min(65_536 / max(C, 1), (D + 15) / 16))
    }

    public func run(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) -> ProjectionResult {
        let draws = model.scenario.draws
        let b = batchSize
        let batches = (draws + b - 1) / b
        let merger = OrderedMerger(Accumulator(model: model))
        let lanes = Lanes(model: model), plans = BatchRunner.plans(model: model, lanes: lanes)
        let done = Counter()
        let workers = max(1, min(threads, batches))
        // Workers take the next batch as they free up (a busy core does not hold the others back); the merge
        // order is the batch order whatever took which.
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment() - 1
                guard i < batches else { break }
                let start = i * b
                let stats = BatchRunner(m: model, lanes: lanes, plans: plans, firstDraw: start, B: min(b, draws - start)).run()
                merger.put(i, stats)
                progress?(done.increment(), batches)
            }
        }
        return ProjectionResult(model: model, totals: merger.finish())
    }

    /// Memory a run needs, estimated before anything is allocated (bytes).
    public static func memoryEstimate(communes C: Int, indicators K: Int, criteria J: Int, draws D: Int, years Y: Int, threads: Int) -> Double {
        // A worker holds one draw's state and needs, and its batch's sums; the merger may hold a batch per worker.
        let batch = Double(C) * Double(2 * K + 16) * 4 + Double(Y * C * (K + 4)) * 4
        let results = Double(D) * Double(Y + 1) * 120 + Double((Y + 1) * C * (K + 4)) * 8 * 2
        return Double(max(threads, 1) * 2) * batch + results
    }
}

/// Merges batch results strictly in batch order as they arrive, so floating-point sums are the same whatever
/// the thread count, and only batches that finished early wait in memory.
final class OrderedMerger: @unchecked Sendable {
    private var pending: [Int: BatchStats] = [:]
    private var next = 0
    private var acc: Accumulator
    private let lock = NSLock()
    init(_ acc: Accumulator) { self.acc = acc }
    func put(_ i: Int, _ s: BatchStats) {
        lock.withLock {
            pending[i] = s
            while let ready = pending.removeValue(forKey: next) {
                acc.merge(ready)
                next += 1
            }
        }
    }
    func finish() -> Accumulator { lock.withLock { acc } }
}

/// Totals over all draws merged so far.
struct Accumulator {
    /// Per year index, per draw (5 values each): the batch's drawCounts, in draw order.
    var drawCounts: [[Int32]]
    var communeCounts: [[Int64]]
    var districtCounts: [[Int64]]
    var funding: [[Double]]
    var spending: [[Double]]
    var indicatorSums: [[Double]]
    var paid: [[Double]]

    let communes: Int

    init(model m: Model) {
        communes = m.C
        let Y = m.years.count
        drawCounts = Array(repeating: [], count: Y)
        for y in 0..<Y { drawCounts[y].reserveCapacity(m.scenario.draws * 5) }
        communeCounts = Array(repeating: [Int64](repeating: 0, count: m.C * 4), count: Y)
        districtCounts = Array(repeating: [Int64](repeating: 0, count: m.districtCount), count: Y)
        funding = Array(repeating: [Double](repeating: 0, count: m.S * 4), count: Y)
        spending = Array(repeating: [Double](repeating: 0, count: m.K), count: Y)
        indicatorSums = Array(repeating: [Double](repeating: 0, count: m.C * m.K), count: Y)
        paid = Array(repeating: [Double](repeating: 0, count: m.recordPaid ? m.C * m.K * m.S : 0), count: Y)
    }

    mutating func merge(_ b: BatchStats) {
        for y in drawCounts.indices {
            drawCounts[y].append(contentsOf: b.drawCounts[y])
            for i in communeCounts[y].indices { communeCounts[y][i] += Int64(b.communeCounts[y][i]) }
            for i in districtCounts[y].indices { districtCounts[y][i] += Int64(b.districtCounts[y][i]) }
            for i in funding[y].indices { funding[y][i] += b.funding[y][i] }
            for i in spending[y].indices { spending[y][i] += b.spending[y][i] }
            b.indicatorSums[y].withUnsafeBufferPointer { src in
                indicatorSums[y].withUnsafeMutableBufferPointer { dst in
                    // The batch's sums are padded to Kp lanes per commune.
                    let K = dst.count / max(communes, 1), Kp = src.count / max(communes, 1)
                    for c in 0..<communes { for k in 0..<K { dst[c * K + k] += Double(src[c * Kp + k]) } }
                }
            }
            for i in paid[y].indices { paid[y][i] += b.paid[y][i] }
        }
    }
}

final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func increment() -> Int { lock.withLock { n += 1; return n } }
}

/// What one batch of draws contributes to the results.
struct BatchStats: Sendable {
    var firstDraw: Int
    var draws: Int
    /// Per year index, per draw: communes at ≥ standard, ≥ advanced, model, below; criteria met in total.
    var drawCounts: [[Int32]]
    /// Per year index, per commune: draws at ≥ standard, ≥ advanced, model; criteria met summed over draws.
    var communeCounts: [[Int32]]
    /// Per year index, per district: draws in which it is recognised.
    var districtCounts: [[Int32]]
    /// Per year index, per source: available, needed, allocated, gap (summed over draws), million VND.
    var funding: [[Double]]
    /// Per year index, per indicator: spending summed over draws (investment + upkeep), million VND.
    var spending: [[Double]]
    /// Per year index, per commune and indicator (C × Kp, padded: see `Lanes`): oriented values summed over draws.
    var indicatorSums: [[Float]]
    /// Per year index, C × K × S: money paid by each source, summed over draws (only with `recordPaid`).
    var paid: [[Double]]
}

/// Simulates one batch of draws, draw by draw through every year. A draw's state (C × Kp oriented values,
/// see `Lanes`) stays in cache while each year makes two fused passes over its communes, eight indicators
/// at a time, with the allocation between:
/// - pass 1: trend and shocks, then what closing each gap to the next tier would cost (and upkeep);
/// - the policy shares the year's money (`Policy.allocate`);
/// - pass 2: spending with diminishing returns, decay, noise, bounds, and the indicators meeting each tier
///   as bit masks, from which criteria and tiers follow with one AND per criterion.
struct BatchRunner {
    let m: Model
    let lanes: Lanes
    /// Per projected year (`BatchRunner.plans`, made once per run).
    let plans: [YearPlan]
    let firstDraw: Int
    let B: Int

    /// One year's constants, the same for every draw (vectors of `Lanes.W` × 8 indicators).
    struct YearPlan {
        let year: Int
        /// 3 × W: what a commune aims at for each next tier (the strictest threshold up to it, plus a margin).
        let goal: [F8]
        /// 3 × W: the lowest value meeting each tier (threshold less the catalogue's tolerance; −∞ if not graded).
        let low: [F8]
        let rel: [F8], pts: [F8], once: [F8]
        let noiseKey: UInt64, recognitionKey: UInt64, districtKey: UInt64
    }

    static func plans(model m: Model, lanes: Lanes) -> [YearPlan] { m.years.indices.map { plan($0, model: m, lanes: lanes) } }

    static func plan(_ yi: Int, model m: Model, lanes: Lanes) -> YearPlan {
        let K = m.K, Kp = lanes.Kp, th = m.thresholds[yi], year = m.years[yi]
        var goal = [Float](repeating: -.infinity, count: 3 * Kp), low = [Float](repeating: -.infinity, count: 3 * Kp)
        for t in 0..<3 {
            for k in 0..<K {
                var T = th[0][k]
                if t >= 1 { T = max(T, th[1][k]) }
                if t >= 2 { T = max(T, th[2][k]) }
                goal[t * Kp + k] = T > -.infinity ? min(T + m.margin[k], m.zHi[k]) : -.infinity
                if th[t][k] > -.infinity { low[t * Kp + k] = Indicator.lowestMeeting(th[t][k]) }
            }
        }
        return YearPlan(year: year, goal: Lanes.vectors(goal), low: Lanes.vectors(low),
                        rel: Lanes.pack(m.trendRel[yi], Kp, pad: 0), pts: Lanes.pack(m.trendPts[yi], Kp, pad: 0),
                        once: Lanes.pack(m.oneOff[yi], Kp, pad: 0),
                        noiseKey: m.rng.yearKey(.noise, year: year), recognitionKey: m.rng.yearKey(.recognition, year: year),
                        districtKey: m.rng.yearKey(.district, year: year))
    }

    func run() -> BatchStats {
        let C = m.C, K = m.K, J = m.J, S = m.S, Y = m.years.count, nD = m.districtCount
        let G = m.groupCount, Kp = lanes.Kp, W = lanes.W, MW = (Kp + 63) / 64
        var stats = BatchStats(firstDraw: firstDraw, draws: B,
                               drawCounts: Array(repeating: [Int32](repeating: 0, count: B * 5), count: Y),
                               communeCounts: Array(repeating: [Int32](repeating: 0, count: C * 4), count: Y),
                               districtCounts: Array(repeating: [Int32](repeating: 0, count: nD), count: Y),
                               funding: Array(repeating: [Double](repeating: 0, count: S * 4), count: Y),
                               spending: Array(repeating: [Double](repeating: 0, count: K), count: Y),
                               indicatorSums: Array(repeating: [Float](repeating: 0, count: C * Kp), count: Y),
                               paid: Array(repeating: [Double](repeating: 0, count: m.recordPaid ? C * K * S : 0), count: Y))
        let maintShare = Float(m.catalogue.model.maintenanceShare.value)
        // Packages are paid per eligibility group under the priority policy and under a plan.
        let grouped = m.policy == .closestToStandard || m.decisions != nil
        // Bit masks over the Kp lanes: criteria (real lanes only) and "every lane" (padding lanes always meet).
        var fullMask = [UInt64](repeating: 0, count: MW)
        for k in 0..<Kp { fullMask[k >> 6] |= 1 << UInt64(k & 63) }
        var critMask = [UInt64](repeating: 0, count: J * MW)
        for k in 0..<K { critMask[m.criterionOf[k] * MW + (k >> 6)] |= 1 << UInt64(k & 63) }
        let critWords = (J + 63) / 64
        // Scratch written in the hot loops: plain buffers (arrays would check uniqueness on every write).
        func scratch<T>(_ n: Int, _ v: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(n, 1)); p.initialize(repeating: v, count: max(n, 1)); return p
        }
        let lacking = scratch(critWords, UInt64(0)), masks = scratch(MW, UInt64(0)), gapBits = scratch(MW, UInt64(0))
        let groupNeed = scratch(C * G, Float(0)), cost = scratch(C, Float(0)), missing = scratch(C, UInt8(0))
        let metTiers = scratch(C, UInt8(0)), critStd = scratch(C, Int32(0))
        let acc = scratch(2 * W, F8(repeating: 0))
        defer {
            lacking.deallocate(); masks.deallocate(); gapBits.deallocate(); groupNeed.deallocate(); cost.deallocate()
            missing.deallocate(); metTiers.deallocate(); critStd.deallocate(); acc.deallocate()
        }

        var z = [Float](repeating: 0, count: C * Kp), need = [Float](repeating: 0, count: C * Kp)
        var tier = [UInt8](repeating: 0, count: C)
        var dRec = [Bool](repeating: false, count: nD), dMissing = [Int](repeating: 0, count: nD)
        var perDistrict = [Int](repeating: 0, count: nD)
        let table = CounterRNG.normalTable

        for d in 0..<B {
            let draw = firstDraw + d
            for i in 0..<(C * Kp) { z[i] = lanes.z0[i] }
            for c in 0..<C { tier[c] = m.tier0[c] }
            for i in 0..<nD { dRec[i] = m.districtRecognised0[i]; dMissing[i] = m.districtMissing0[i] }
            for yi in 0..<Y {
                let p = plans[yi]
                // Investment and upkeep summed over communes, in commune order, in Float vectors.
                for w in 0..<(2 * W) { acc[w] = F8(repeating: 0) }
                // Pass 1: trend, then the cost of each remaining gap to the next tier, and upkeep of what exists.
                z.withUnsafeMutableBufferPointer { zB in need.withUnsafeMutableBufferPointer { nB in
                lanes.costPerPoint.withUnsafeBufferPointer { cB in
                    let zP = zB.baseAddress!, nP = nB.baseAddress!, cpp = cB.baseAddress!
                    for c in 0..<C {
                        let base = c * Kp, target = min(Int(tier[c]), 2) * W
                        var total: Float = 0
                        for w in 0..<MW { gapBits[w] = 0 }
                        for w in 0..<W {
                            let i = base + w * 8
                            let v = load8(zP, i) * (1 + p.rel[w]) + p.pts[w] + p.once[w]
                            store8(zP, i, v)
                            let gap = p.goal[target + w] - v
                            let has = gap .> 0
                            let cp = load8(cpp, i)
                            var n = F8(repeating: 0)
                            if any(has) { // most chunks of most communes have no gap: skip the logarithm
                                let a = lanes.asym[w] - v
                                let x = F8(repeating: 1).replacing(with: a / (a - gap), where: has)
                                n = a * VMath.vlog(x) * cp
                            }
                            store8(nP, i, n)
                            let u = F8(repeating: 0).replacing(with: maintShare * v * cp, where: (lanes.maintained[w] .> 0) .& (v .> 0))
                            acc[w] += n
                            acc[W + w] += u
                            let bits = laneBits(has)
                            if bits != 0 {
                                gapBits[(w * 8) >> 6] |= bits << UInt64((w * 8) & 63)
                                total += n.sum()
                            }
                        }
                        cost[c] = total
                        // One walk over the indicators with a gap: their need per eligibility group (for paying
                        // packages) and, for the priority order, the criteria the commune still lacks.
                        if grouped {
                            for g in 0..<G { groupNeed[c * G + g] = 0 }
                            for w in 0..<critWords { lacking[w] = 0 }
                            for w in 0..<MW {
                                var b = gapBits[w]
                                while b != 0 {
                                    let k = w * 64 + b.trailingZeroBitCount
                                    b &= b - 1
                                    groupNeed[c * G + m.groupOf[k]] += nP[base + k]
                                    let j = m.criterionOf[k]
                                    lacking[j >> 6] |= 1 << UInt64(j & 63)
                                }
                            }
                            var count = 0
                            for w in 0..<critWords { count += lacking[w].nonzeroBitCount }
                            missing[c] = UInt8(min(count, 255))
                        }
                    }
                }}}
                // The policy shares the year's money.
                let a = need.withUnsafeBufferPointer { nB in
                    m.policy.allocate(
                        DrawNeeds(need: nB, stride: Kp, groupNeed: UnsafeBufferPointer(start: groupNeed, count: C * G),
                                  cost: UnsafeBufferPointer(start: cost, count: C), missing: UnsafeBufferPointer(start: missing, count: C),
                                  needTotal: (0..<K).map { Double(acc[$0 >> 3][$0 & 7]) }, upkeepTotal: (0..<K).map { Double(acc[W + $0 >> 3][$0 & 7]) }),
                        model: m, budget: m.budget[yi], decided: m.decisions?[yi], recordPaid: m.recordPaid)
                }
                if m.recordPaid { for i in 0..<(C * K * S) { stats.paid[yi][i] += a.paid[i] } }
                for k in 0..<K { stats.spending[yi][k] += a.spent[k] }
                for s in 0..<S {
                    stats.funding[yi][s * 4 + 0] += m.budget[yi][s]
                    stats.funding[yi][s * 4 + 1] += a.allocated[s] + a.gap[s]
                    stats.funding[yi][s * 4 + 2] += a.allocated[s]
                    stats.funding[yi][s * 4 + 3] += a.gap[s]
                }
                let frac = Lanes.pack(a.fraction, Kp, pad: 0), keep = Lanes.pack(a.fillUpkeep, Kp, pad: 1)
                // Pass 2: spending, decay, noise, bounds; the indicators meeting each tier; criteria met.
                z.withUnsafeMutableBufferPointer { zB in need.withUnsafeBufferPointer { nB in
                lanes.costPerPoint.withUnsafeBufferPointer { cB in
                stats.indicatorSums[yi].withUnsafeMutableBufferPointer { sB in
                m.noisy.withUnsafeBufferPointer { noisy in m.noiseRel.withUnsafeBufferPointer { nRel in m.noisePts.withUnsafeBufferPointer { nPts in
                m.zHi.withUnsafeBufferPointer { zHi in m.zLo.withUnsafeBufferPointer { zLo in
                table.withUnsafeBufferPointer { table in
                    let zP = zB.baseAddress!, nP = nB.baseAddress!, cpp = cB.baseAddress!, sums = sB.baseAddress!
                    for c in 0..<C {
                        let base = c * Kp
                        let f = a.funded[c]
                        for w in 0..<W {
                            let i = base + w * 8
                            var v = load8(zP, i)
                            let spend = f ? load8(nP, i) : load8(nP, i) * frac[w]
                            let spending = spend .> 0
                            if any(spending) {
                                let r = lanes.asym[w] - v
                                let e = VMath.vexp(-spend / load8(cpp, i) / r)
                                v = v + F8(repeating: 0).replacing(with: r * (1 - e), where: spending)
                            }
                            let lapse = lanes.decay[w] * (1 - keep[w]) * v
                            v = v - F8(repeating: 0).replacing(with: lapse, where: (lanes.maintained[w] .> 0) .& (v .> 0))
                            store8(zP, i, v)
                        }
                        // Noise, relative or in points, fading over the last tenth of the range (a network that
                        // is complete does not randomly lose its last points). Normal i is CounterRNG.normal(key, i),
                        // drawn here one hash per five normals.
                        if noisy.count > 0 {
                            let key = CounterRNG.key(yearKey: p.noiseKey, draw: draw, unit: c)
                            var h: UInt64 = 0, field = 5, word = 0
                            for i in 0..<noisy.count {
                                if field == 5 { h = CounterRNG.bits(key, word); word += 1; field = 0 }
                                let e = table[Int(truncatingIfNeeded: h & 0xFFF)]
                                h >>= 12; field += 1
                                let k = noisy[i]
                                let v = zP[base + k]
                                let room = min(1, (zHi[k] - v) / (0.1 * (zHi[k] - zLo[k])))
                                zP[base + k] = v + (nRel[k] * abs(v) + nPts[k]) * max(0, room) * e
                            }
                        }
                        for i in 0..<MW { masks[i] = 0 }
                        // Standard: which indicators meet it (bits, for the criteria); advanced and model: only
                        // whether every indicator does (vector ANDs, one horizontal test at the end).
                        var advanced = SIMDMask<SIMD8<Int32>>(repeating: true), model = advanced
                        for w in 0..<W {
                            let i = base + w * 8
                            var v = load8(zP, i)
                            v = v.replacing(with: lanes.zLo[w], where: v .< lanes.zLo[w])
                            v = v.replacing(with: lanes.zHi[w], where: v .> lanes.zHi[w])
                            store8(zP, i, v)
                            store8(sums, i, load8(sums, i) + v)
                            masks[(w * 8) >> 6] |= laneBits(v .>= p.low[w]) << UInt64((w * 8) & 63)
                            advanced = advanced .& (v .>= p.low[W + w])
                            model = model .& (v .>= p.low[2 * W + w])
                        }
                        var met: UInt8 = 0
                        var standard = true
                        for w in 0..<MW where masks[w] != fullMask[w] { standard = false }
                        if standard { met |= 1 }
                        if all(advanced) { met |= 2 }
                        if all(model) { met |= 4 }
                        metTiers[c] = met
                        var n: Int32 = 0
                        for j in 0..<J {
                            var ok = true
                            for w in 0..<MW where masks[w] & critMask[j * MW + w] != critMask[j * MW + w] { ok = false }
                            if ok { n += 1 }
                        }
                        critStd[c] = n
                    }
                }}}}}}}}}}
                recognise(&tier, met: metTiers, year: p.year, key: p.recognitionKey, draw: draw)
                // Districts: criteria completed with a yearly chance; recognised when all communes are standard.
                for i in 0..<nD { perDistrict[i] = 0 }
                for c in 0..<C where tier[c] >= 1 { perDistrict[m.districtOf[c]] += 1 }
                for i in 0..<nD where !dRec[i] {
                    let key = CounterRNG.key(yearKey: p.districtKey, draw: draw, unit: i)
                    var left = dMissing[i]
                    for j in 0..<dMissing[i] where CounterRNG.uniforms(key, j).0 < m.districtHazard { left -= 1 }
                    dMissing[i] = left
                    if left == 0 && perDistrict[i] == m.districtSize[i] { dRec[i] = true }
                }
                // Statistics.
                var s: Int32 = 0, adv: Int32 = 0, mo: Int32 = 0, crit: Int32 = 0
                stats.communeCounts[yi].withUnsafeMutableBufferPointer { cc in
                    for c in 0..<C {
                        let t = tier[c]
                        if t >= 1 { s += 1; cc[c * 4] += 1 }
                        if t >= 2 { adv += 1; cc[c * 4 + 1] += 1 }
                        if t >= 3 { mo += 1; cc[c * 4 + 2] += 1 }
                        crit += critStd[c]
                        cc[c * 4 + 3] += critStd[c]
                    }
                }
                stats.drawCounts[yi][d * 5 + 0] = s
                stats.drawCounts[yi][d * 5 + 1] = adv
                stats.drawCounts[yi][d * 5 + 2] = mo
                stats.drawCounts[yi][d * 5 + 3] = Int32(C) - s
                stats.drawCounts[yi][d * 5 + 4] = crit
                for i in 0..<nD where dRec[i] { stats.districtCounts[yi][i] += 1 }
            }
        }
        return stats
    }

    /// Moves communes up the tiers: a commune may step to the next tier when it meets every criterion at every
    /// tier up to it (`met` bit t: every criterion met at graded tier t); it is recognised with the recognition
    /// probability, at most `maxSteps` tiers a year, and within a draw at most `cap` communes a year reach a
    /// tier (the first by a random order).
    func recognise(_ tier: inout [UInt8], met: UnsafeMutablePointer<UInt8>, year: Int, key: UInt64, draw: Int) {
        let C = m.C
        if m.lapseRevokes {
            for c in 0..<C {
                var t = 0
                while t < Int(tier[c]) && met[c] & (1 << UInt8(t)) != 0 { t += 1 }
                tier[c] = UInt8(t)
            }
        }
        let capped = m.cap.contains { $0 != nil }
        var reached = [0, 0, 0]
        var stepped = [Bool](repeating: true, count: C)
        var u = [Float](repeating: 2, count: C)
        for _ in 0..<m.maxSteps {
            var candidates: [Int] = []
            for c in 0..<C where stepped[c] {
                let t = Int(tier[c])
                stepped[c] = false
                guard t < 3 else { continue }
                // Every tier up to and including the next one is met.
                let need = UInt8((1 << (t + 1)) - 1)
                guard met[c] & need == need else { continue }
                if u[c] > 1 { u[c] = CounterRNG.uniforms(CounterRNG.key(yearKey: key, draw: draw, unit: c), 0).0 }
                if u[c] < m.recognitionP[t] { candidates.append(c) }
            }
            if capped { candidates.sort { (u[$0], $0) < (u[$1], $1) } }
            for c in candidates {
                let next = Int(tier[c]) // index of the tier reached (0 standard …)
                if let limit = m.cap[next], reached[next] >= limit { continue }
                reached[next] += 1
                tier[c] += 1
                stepped[c] = true
            }
        }
    }
}
