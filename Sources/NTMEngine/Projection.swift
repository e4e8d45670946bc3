import Foundation
import NTMCatalogue

/// Runs the Monte Carlo projection: draws are cut into fixed batches (the cut depends on the number of
/// communes only), batches run on `threads` workers, and their results are merged in batch order, so the
/// numbers are the same whatever the thread count.
public struct Projection: Sendable {
    public let model: Model
    public init(model: Model) { self.model = model }

    /// Draws per batch: about 4k commune-draws, so a batch's state stays in cache and batches spread evenly over threads.
    public var batchSize: Int { max(1, min(model.scenario.draws, 4_096 / max(model.C, 1))) }

    public func run(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) -> ProjectionResult {
        let draws = model.scenario.draws
        let b = batchSize
        let batches = (draws + b - 1) / b
        let merger = OrderedMerger(Accumulator(model: model))
        let done = Counter()
        let workers = max(1, min(threads, batches))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < batches {
                let start = i * b
                let stats = BatchRunner(model: model, firstDraw: start, draws: min(b, draws - start)).run()
                merger.put(i, stats)
                progress?(done.increment(), batches)
                i += workers
            }
        }
        return ProjectionResult(model: model, totals: merger.finish())
    }

    /// Memory a run needs, estimated before anything is allocated (bytes).
    public static func memoryEstimate(communes C: Int, indicators K: Int, criteria J: Int, draws D: Int, years Y: Int, threads: Int) -> Double {
        let rows = Double(max(1, min(D, 4_096 / max(C, 1))) * C)
        let batch = rows * Double(7 * K + 3 * J) * 4 + Double(Y * C * (K + 4)) * 8
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

    init(model m: Model) {
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
            for i in indicatorSums[y].indices { indicatorSums[y][i] += b.indicatorSums[y][i] }
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
    /// Per year index, per commune and indicator (C × K): oriented values summed over draws.
    var indicatorSums: [[Double]]
    /// Per year index, C × K × S: money paid by each source, summed over draws (only with `recordPaid`).
    var paid: [[Double]]
}

/// Simulates one batch of draws through every year. State is (draw·commune) × indicator, row-major.
struct BatchRunner {
    let m: Model
    let firstDraw: Int
    let B: Int
    init(model: Model, firstDraw: Int, draws: Int) {
        m = model
        self.firstDraw = firstDraw
        B = draws
    }

    func run() -> BatchStats {
        let C = m.C, K = m.K, J = m.J, S = m.S, R = B * C, Y = m.years.count, nD = m.districtCount
        var z = [Float](repeating: 0, count: R * K)
        for d in 0..<B { z.withUnsafeMutableBufferPointer { p in for i in 0..<(C * K) { p[d * C * K + i] = m.z0[i] } } }
        var tier = [UInt8](repeating: 0, count: R)
        for d in 0..<B { for c in 0..<C { tier[d * C + c] = m.tier0[c] } }
        var dRec = [Bool](repeating: false, count: B * nD)
        var dMissing = [Int](repeating: 0, count: B * nD)
        for d in 0..<B { for i in 0..<nD { dRec[d * nD + i] = m.districtRecognised0[i]; dMissing[d * nD + i] = m.districtMissing0[i] } }
        var need = [Float](repeating: 0, count: R * K), upkeep = [Float](repeating: 0, count: R * K)
        var met = [Float](repeating: 0, count: 3 * R * K)
        var counts = [Float](repeating: 0, count: 3 * R * J)
        var stdMatrix = [Float](repeating: 0, count: R), perDistrict = [Float](repeating: 0, count: B * nD)
        var stats = BatchStats(firstDraw: firstDraw, draws: B,
                               drawCounts: Array(repeating: [Int32](repeating: 0, count: B * 5), count: Y),
                               communeCounts: Array(repeating: [Int32](repeating: 0, count: C * 4), count: Y),
                               districtCounts: Array(repeating: [Int32](repeating: 0, count: nD), count: Y),
                               funding: Array(repeating: [Double](repeating: 0, count: S * 4), count: Y),
                               spending: Array(repeating: [Double](repeating: 0, count: K), count: Y),
                               indicatorSums: Array(repeating: [Double](repeating: 0, count: C * K), count: Y),
                               paid: Array(repeating: [Double](repeating: 0, count: m.recordPaid ? C * K * S : 0), count: Y))
        let maintShare = Float(m.catalogue.model.maintenanceShare.value)
        // Local copies: the hot loops read plain arrays, not a large struct's properties.
        let asym = m.asymptote, maintained = m.maintained, decay = m.decay, zHi = m.zHi, zLo = m.zLo
        let criterionOf = m.criterionOf, noisy = m.noisy
        var lacking = [Bool](repeating: false, count: J)
        var fill = [Float](repeating: 0, count: R * K), fillUp = [Float](repeating: 0, count: B * K)
        for yi in 0..<Y {
            let year = m.years[yi]
            let th = m.thresholds[yi]
            // What a commune aims at: for each next tier, the strictest threshold up to it, plus a margin.
            var goal = [Float](repeating: -.infinity, count: 3 * K)
            for t in 0..<3 {
                for k in 0..<K {
                    var T = th[0][k]
                    if t >= 1 { T = max(T, th[1][k]) }
                    if t >= 2 { T = max(T, th[2][k]) }
                    goal[t * K + k] = T > -.infinity ? min(T + m.margin[k], zHi[k]) : -.infinity
                }
            }
            // 1. Trend (and this year's shocks): what happens without programme money.
            let rel = m.trendRel[yi], pts = m.trendPts[yi], once = m.oneOff[yi]
            z.withUnsafeMutableBufferPointer { zP in
                for r in 0..<R {
                    let base = r * K
                    for k in 0..<K { zP[base + k] = zP[base + k] * (1 + rel[k]) + pts[k] + once[k] }
                }
            }
            // 2. What closing each remaining gap to the next tier would cost, and upkeep of what exists.
            need.withUnsafeMutableBufferPointer { needP in
            upkeep.withUnsafeMutableBufferPointer { upP in
            z.withUnsafeBufferPointer { zP in
            m.costPerPoint.withUnsafeBufferPointer { cpp in
                for r in 0..<R {
                    let c = r % C, base = r * K, cb = c * K
                    let target = min(Int(tier[r]), 2) * K
                    for k in 0..<K {
                        let zk = zP[base + k], g = goal[target + k] - zk
                        var n: Float = 0
                        if g > 0 {
                            let a = asym[k] - zk
                            n = a * logf(a / (a - g)) * cpp[cb + k]
                        }
                        needP[base + k] = n
                        upP[base + k] = maintained[k] && zk > 0 ? maintShare * zk * cpp[cb + k] : 0
                    }
                }
            }}}}
            // 3. Who gets the money (the scenario's policy), draw by draw.
            var missing = [Int](repeating: 0, count: C)
            // Only the closest-to-standard order reads how many criteria each commune still lacks.
            let ranks = m.policy == .closestToStandard && m.decisions == nil
            for d in 0..<B {
                for c in 0..<C where ranks {
                    for j in 0..<J { lacking[j] = false }
                    let base = (d * C + c) * K
                    var n = 0
                    for k in 0..<K where need[base + k] > 0 && !lacking[criterionOf[k]] { lacking[criterionOf[k]] = true; n += 1 }
                    missing[c] = n
                }
                let a = need.withUnsafeBufferPointer { nP in upkeep.withUnsafeBufferPointer { uP in
                    m.policy.allocate(need: UnsafeBufferPointer(rebasing: nP[(d * C * K)..<((d + 1) * C * K)]),
                                      upkeep: UnsafeBufferPointer(rebasing: uP[(d * C * K)..<((d + 1) * C * K)]),
                                      missing: missing, C: C, K: K, S: S, budget: m.budget[yi], eligible: m.eligible,
                                      eligibleUpkeep: m.eligibleUpkeep, sourceOrder: m.sourceOrder,
                                      decided: m.decisions?[yi], recordPaid: m.recordPaid)
                }}
                for i in 0..<(C * K) { fill[d * C * K + i] = a.fill[i] }
                if m.recordPaid { for i in 0..<(C * K * S) { stats.paid[yi][i] += a.paid[i] } }
                for k in 0..<K {
                    fillUp[d * K + k] = Float(a.fillUpkeep[k])
                    stats.spending[yi][k] += a.spent[k]
                }
                for s in 0..<S {
                    stats.funding[yi][s * 4 + 0] += m.budget[yi][s]
                    stats.funding[yi][s * 4 + 1] += a.allocated[s] + a.gap[s]
                    stats.funding[yi][s * 4 + 2] += a.allocated[s]
                    stats.funding[yi][s * 4 + 3] += a.gap[s]
                }
            }
            // 4. Spending with diminishing returns; decay where upkeep is not paid; noise, fading near the ceiling.
            z.withUnsafeMutableBufferPointer { zP in
            m.costPerPoint.withUnsafeBufferPointer { cpp in
                for r in 0..<R {
                    let d = r / C, c = r % C, base = r * K, cb = c * K, fb = d * K
                    for k in 0..<K {
                        var v = zP[base + k]
                        let spend = need[base + k] * fill[base + k]
                        if spend > 0 {
                            let a = asym[k] - v
                            v += a * (1 - expf(-spend / cpp[cb + k] / a))
                        }
                        if maintained[k] && v > 0 { v -= decay[k] * (1 - fillUp[fb + k]) * v }
                        zP[base + k] = v
                    }
                    if !noisy.isEmpty {
                        let key = m.rng.key(.noise, year: year, draw: firstDraw + d, unit: c)
                        var i = 0
                        while i < noisy.count {
                            let (e1, e2) = CounterRNG.normals(key, i / 2)
                            m.addNoise(&zP[base + noisy[i]], k: noisy[i], e1)
                            if i + 1 < noisy.count { m.addNoise(&zP[base + noisy[i + 1]], k: noisy[i + 1], e2) }
                            i += 2
                        }
                    }
                    for k in 0..<K { zP[base + k] = min(zHi[k], max(zLo[k], zP[base + k])) }
                }
            }}
            // 4. Criteria met at each tier: indicator tests times the incidence matrix (BLAS). The tolerance is
            //    the catalogue's (Indicator.tolerance), so the engine and the dataset agree on what is met.
            var tol = [Float](repeating: 0, count: 3 * K)
            for t in 0..<3 { for k in 0..<K where th[t][k] > -.infinity { tol[t * K + k] = Float(Indicator.tolerance(Double(abs(th[t][k])))) } }
            met.withUnsafeMutableBufferPointer { mP in
                z.withUnsafeBufferPointer { zP in
                    for t in 0..<3 {
                        let tt = th[t]
                        for r in 0..<R {
                            let base = r * K, out = (t * R + r) * K
                            for k in 0..<K {
                                let T = tt[k]
                                mP[out + k] = zP[base + k] >= T - tol[t * K + k] ? 1 : 0
                            }
                        }
                    }
                }
            }
            met.withUnsafeBufferPointer { a in m.incidence.withUnsafeBufferPointer { b in counts.withUnsafeMutableBufferPointer { c in
                BLAS.gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: 3 * R, n: J, k: K)
            }}}
            // 5. Recognition: one tier a year by default, with the recognition probability and optional caps.
            var allMet = [[Bool]](repeating: [Bool](repeating: false, count: R), count: 3)
            var critStd = [Int32](repeating: 0, count: R)
            counts.withUnsafeBufferPointer { cP in
                for t in 0..<3 {
                    for r in 0..<R {
                        var all = true, n: Int32 = 0
                        let base = (t * R + r) * J
                        for j in 0..<J {
                            let ok = cP[base + j] > m.criterionSize[j] - 0.5
                            if ok { n += 1 } else { all = false }
                        }
                        allMet[t][r] = all
                        if t == 0 { critStd[r] = n }
                    }
                }
            }
            recognise(&tier, allMet: allMet, year: year)
            // 6. Districts: criteria completed with a yearly chance; recognised when all communes are standard.
            for r in 0..<R { stdMatrix[r] = tier[r] >= 1 ? 1 : 0 }
            stdMatrix.withUnsafeBufferPointer { a in m.districtIncidence.withUnsafeBufferPointer { b in perDistrict.withUnsafeMutableBufferPointer { c in
                BLAS.gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: B, n: nD, k: C)
            }}}
            for d in 0..<B {
                for i in 0..<nD where !dRec[d * nD + i] {
                    let key = m.rng.key(.district, year: year, draw: firstDraw + d, unit: i)
                    var missing = dMissing[d * nD + i]
                    let before = missing
                    for j in 0..<before {
                        let (u, _) = CounterRNG.uniforms(key, j)
                        if u < m.districtHazard { missing -= 1 }
                    }
                    dMissing[d * nD + i] = missing
                    if missing == 0 && Int(perDistrict[d * nD + i].rounded()) == m.districtSize[i] { dRec[d * nD + i] = true }
                }
            }
            // 7. Statistics.
            z.withUnsafeBufferPointer { zP in
                for d in 0..<B { for i in 0..<(C * K) { stats.indicatorSums[yi][i] += Double(zP[d * C * K + i]) } }
            }
            for d in 0..<B {
                var s: Int32 = 0, a: Int32 = 0, mo: Int32 = 0, crit: Int32 = 0
                for c in 0..<C {
                    let r = d * C + c, t = tier[r]
                    if t >= 1 { s += 1; stats.communeCounts[yi][c * 4] += 1 }
                    if t >= 2 { a += 1; stats.communeCounts[yi][c * 4 + 1] += 1 }
                    if t >= 3 { mo += 1; stats.communeCounts[yi][c * 4 + 2] += 1 }
                    crit += critStd[r]
                    stats.communeCounts[yi][c * 4 + 3] += critStd[r]
                }
                stats.drawCounts[yi][d * 5 + 0] = s
                stats.drawCounts[yi][d * 5 + 1] = a
                stats.drawCounts[yi][d * 5 + 2] = mo
                stats.drawCounts[yi][d * 5 + 3] = Int32(C) - s
                stats.drawCounts[yi][d * 5 + 4] = crit
                for i in 0..<nD where dRec[d * nD + i] { stats.districtCounts[yi][i] += 1 }
            }
        }
        return stats
    }

    /// Moves communes up the tiers: a commune may step to the next tier when it meets every criterion at every
    /// tier up to it; it is recognised with the recognition probability, at most `maxSteps` tiers a year, and
    /// within a draw at most `cap` communes a year reach a tier (the first by a random order).
    func recognise(_ tier: inout [UInt8], allMet: [[Bool]], year: Int) {
        let C = m.C
        for d in 0..<B {
            var reached = [0, 0, 0]
            var stepped = [Bool](repeating: true, count: C)
            var u = [Float](repeating: 0, count: C)
            for c in 0..<C { u[c] = CounterRNG.uniforms(m.rng.key(.recognition, year: year, draw: firstDraw + d, unit: c), 0).0 }
            if m.lapseRevokes {
                for c in 0..<C {
                    let r = d * C + c
                    var t = 0
                    while t < Int(tier[r]) && allMet[t][r] { t += 1 }
                    tier[r] = UInt8(t)
                }
            }
            for _ in 0..<m.maxSteps {
                var candidates: [Int] = []
                for c in 0..<C where stepped[c] {
                    let r = d * C + c, t = Int(tier[r])
                    stepped[c] = false
                    guard t < 3 else { continue }
                    var ok = true
                    for tt in 0...t where !allMet[tt][r] { ok = false; break }
                    if ok && u[c] < m.recognitionP { candidates.append(c) }
                }
                if m.cap.contains(where: { $0 != nil }) { candidates.sort { (u[$0], $0) < (u[$1], $1) } }
                for c in candidates {
                    let r = d * C + c, next = Int(tier[r]) // index of the tier reached (0 standard …)
                    if let limit = m.cap[next], reached[next] >= limit { continue }
                    reached[next] += 1
                    tier[r] += 1
                    stepped[c] = true
                }
            }
        }
    }
}
