import CPrefetch
import Foundation
import NTMCatalogue
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Runs the Monte Carlo projection: draws are cut into batches (`batches`: the cut depends on the number of
/// communes and draws only), batches run on `threads` workers, and their results are merged in batch order, so
/// the numbers are the same whatever the thread count. The set-up before the batches and the result's tables
/// after them are made on `threads` cores too.
public struct Projection: Sendable {
    public let model: Model
    /// Whether the second year's first pass on the indicators without noise is read from tables worked out once
    /// per run (`CarriedNeeds`); false works it out draw by draw, as every later year. The numbers are the same
    /// either way (tests compare them); true is faster.
    public var carriesSecondYear = true
    public init(model: Model) { self.model = model }

    /// Draws per (full) batch: at most 256k commune-draws and at least 16 batches when there are enough draws,
    /// so the batches spread evenly over threads and each batch's sums are few to merge. It depends on the
    /// number of communes and draws only, never on the thread count.
    public var batchSize: Int { Self.batchSize(communes: model.C, draws: model.scenario.draws) }

    public static func batchSize(communes C: Int, draws D: Int) -> Int {
        max(1, min(262_144 / max(C, 1), (D + 15) / 16))
    }

    /// The draws of each batch, in merge order: batches of `batchSize` draws, then, over the last quarter or so,
    /// smaller ones (a quarter of the draws left, down to an eighth of a batch), so the workers finish close
    /// together instead of one idling while the other runs a whole batch. None is cut below about 32k
    /// commune-draws (32,768 / C draws): a smaller batch is over too soon for the wait to matter, and each batch
    /// costs its own sums and merge (a province's batches stay whole). It depends on the number of communes and
    /// draws only.
    public static func batches(communes C: Int, draws D: Int) -> [Range<Int>] {
        let b = batchSize(communes: C, draws: D), smallest = min(b, max(1, b / 8, 32_768 / max(C, 1)))
        var out: [Range<Int>] = [], start = 0
        while start < D {
            let size = min(D - start, min(b, max(smallest, (D - start) / 4)))
            out.append(start..<(start + size))
            start += size
        }
        return out
    }

    public func run(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) -> ProjectionResult {
        runs(lastYear: [], threads: threads, progress: progress)[0]
    }

    /// The model run once for each of `alternatives`, a plan's decisions for the last projected year (per commune:
    /// whether its whole package is funded), the years before it as `model.decisions` has them (two years or more).
    /// The draws, their years before the last and the last year's first pass are worked out once, and the last
    /// year once per alternative from the same state: each result is the very one `run` gives with `model.decisions`'
    /// last year replaced by that alternative.
    public func run(lastYear alternatives: [[Bool]],
                    threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [ProjectionResult] {
        precondition(model.years.count >= 2 && model.decisions != nil && !alternatives.isEmpty,
                     "alternatives for the last year need a plan over two years or more")
        return runs(lastYear: alternatives, threads: threads, progress: nil)
    }

    private func runs(lastYear alternatives: [[Bool]], threads: Int,
                      progress: (@Sendable (Int, Int) -> Void)?) -> [ProjectionResult] {
        let cut = Self.batches(communes: model.C, draws: model.scenario.draws), batches = cut.count
        let lanes = Lanes(model: model), plans = BatchRunner.plans(model: model, lanes: lanes)
        let cpp = CostPerPoint(lanes)
        // The model of each result: with the last year's decisions of its alternative.
        let models = alternatives.isEmpty ? [model] : alternatives.map { alt in
            var m = model
            m.decisions![m.years.count - 1] = alt
            return m
        }
        // The first year's common part and the empty totals, side by side (nothing here throws).
        enum SetUp { case first(BatchRunner.FirstYear), totals(Accumulator) }
        let carry = carriesSecondYear
        let made = try! concurrently([
            { SetUp.first(BatchRunner.firstYear(model: model, lanes: lanes, plans: plans, costPerPoint: cpp, carry: carry)) },
        ] + models.map { m in { SetUp.totals(Accumulator(model: m, lanes: lanes)) } }, threads: threads)
        guard case .first(let first) = made[0] else { preconditionFailure("the set-up's jobs come back in order") }
        let mergers = made.dropFirst().map { made -> OrderedMerger in
            guard case .totals(let totals) = made else { preconditionFailure("the set-up's jobs come back in order") }
            return OrderedMerger(totals)
        }
        let done = Counter()
        let workers = max(1, min(threads, batches))
        // Workers take the next batch as they free up (a busy core does not hold the others back); the merge
        // order is the batch order whatever took which.
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let state = DrawState(model: model, lanes: lanes, costPerPoint: cpp) // one per worker, reused batch after batch
            while true {
                let i = next.increment() - 1
                guard i < batches else { break }
                let stats = BatchRunner(m: model, lanes: lanes, plans: plans, first: first, firstDraw: cut[i].lowerBound,
                                        B: cut[i].count, alternatives: alternatives).run(state)
                for (merger, stats) in zip(mergers, stats) { merger.put(i, stats) }
                progress?(done.increment(), batches)
            }
        }
        return zip(models, mergers).map { ProjectionResult(model: $0, totals: $1.finish(), threads: threads) }
    }

    /// Memory a run needs, estimated before anything is allocated (bytes).
    public static func memoryEstimate(communes C: Int, indicators K: Int, criteria J: Int, draws D: Int, years Y: Int, threads: Int) -> Double {
        // A worker holds one draw's state and needs, and its batch's sums; the merger may hold a batch per worker.
        let batch = Double(C) * Double(2 * K + 16) * 4 + Double(Y * C * (K + 4)) * 4
        let results = Double(D) * Double(Y + 1) * 120 + Double((Y + 1) * C * (K + 4)) * 8 * 2
        // Shared by the workers: cost per point, the first year's values, the second year's tables (values and
        // three tiers' needs, at most C × K each).
        let shared = Double(C) * Double(K) * 4 * 6
        return Double(max(threads, 1) * 2) * batch + results + shared
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
    func finish() -> Accumulator { lock.withLock { acc.close(); return acc } }
}

/// Totals over all draws merged so far.
struct Accumulator {
    /// Per year index, per draw (5 values each): the batch's drawCounts, in draw order.
    var drawCounts: [[Int32]]
    var communeCounts: [[Int64]]
    var districtCounts: [[Int64]]
    var funding: [[Double]]
    var spending: [[Double]]
    /// Per year index, C × K: oriented values summed over draws (filled by `close`, from the two below).
    var indicatorSums: [[Double]] = []
    /// Per year index: C × Kp sums of the indicators in lanes, and C × (indicators without a lane) sums of those.
    var laneSums: [[Double]], fixedSums: [[Double]]
    var paid: [[Double]]

    let communes: Int, K: Int, Kp: Int
    /// Whether the indicators are summed (`Model.keepIndicatorMeans`; else their tables stay empty).
    let keepMeans: Bool
    /// The indicator in each lane, the indicators without one, and their fixed values (C × count; see `Lanes`).
    let order: [Int], fixedIndicators: [Int], fixed: [Float]

    init(model m: Model, lanes: Lanes) {
        communes = m.C; K = m.K; Kp = lanes.Kp
        keepMeans = m.keepIndicatorMeans
        order = lanes.order
        let fixedK = (0..<m.K).filter { lanes.laneOf[$0] < 0 }
        fixedIndicators = fixedK
        fixed = m.keepIndicatorMeans ? (0..<m.C).flatMap { c in fixedK.map { lanes.fixedValue(m, commune: c, indicator: $0) } } : []
        let Y = m.years.count
        drawCounts = Array(repeating: [], count: Y)
        for y in 0..<Y { drawCounts[y].reserveCapacity(m.scenario.draws * 5) }
        communeCounts = Array(repeating: [Int64](repeating: 0, count: m.C * 4), count: Y)
        districtCounts = Array(repeating: [Int64](repeating: 0, count: m.districtCount), count: Y)
        funding = Array(repeating: [Double](repeating: 0, count: m.S * 4), count: Y)
        spending = Array(repeating: [Double](repeating: 0, count: m.K), count: Y)
        laneSums = Array(repeating: [Double](repeating: 0, count: keepMeans ? m.C * lanes.Kp : 0), count: Y)
        fixedSums = Array(repeating: [Double](repeating: 0, count: keepMeans ? m.C * fixedK.count : 0), count: Y)
        paid = Array(repeating: [Double](repeating: 0, count: m.recordPaid ? m.C * m.K : 0), count: Y)
    }

    mutating func merge(_ b: BatchStats) {
        /// dst[i] += f(src[i]) over plain buffers (element-wise array writes would check uniqueness each time).
        func add<T, U>(_ dst: inout [T], _ src: [U], _ f: (T, U) -> T) {
            dst.withUnsafeMutableBufferPointer { d in src.withUnsafeBufferPointer { s in
                for i in d.indices { d[i] = f(d[i], s[i]) }
            }}
        }
        let batchSums = fixedBatchSums(draws: b.draws)
        for y in drawCounts.indices {
            drawCounts[y].append(contentsOf: b.drawCounts[y])
            add(&communeCounts[y], b.communeCounts[y]) { $0 + Int64($1) }
            add(&districtCounts[y], b.districtCounts[y]) { $0 + Int64($1) }
            add(&funding[y], b.funding[y], +)
            add(&spending[y], b.spending[y], +)
            add(&laneSums[y], b.indicatorSums[y]) { $0 + Double($1) }
            // An indicator without a lane kept its fixed value in every draw: summed as the engine sums in Float
            // (worked out once per batch size: every batch but the last has the same).
            add(&fixedSums[y], batchSums, +)
            add(&paid[y], b.paid[y], +)
        }
    }

    /// The fixed values summed `draws` times in Float, as a batch of that many draws sums them.
    private var fixedBatch: (draws: Int, sums: [Double]) = (-1, [])
    private mutating func fixedBatchSums(draws: Int) -> [Double] {
        if fixedBatch.draws != draws {
            fixedBatch = (draws, fixed.map { v in
                var sum: Float = 0
                for _ in 0..<draws { sum += v }
                return Double(sum)
            })
        }
        return fixedBatch.sums
    }

    /// Puts the sums in indicator order (C × K), once every batch is merged (empty tables without the means).
    mutating func close() {
        let F = fixedIndicators.count
        guard keepMeans else { indicatorSums = laneSums.map { _ in [] }; return }
        indicatorSums = laneSums.indices.map { y in
            var out = [Double](repeating: 0, count: communes * K)
            for c in 0..<communes {
                for (l, k) in order.enumerated() { out[c * K + k] = laneSums[y][c * Kp + l] }
                for (i, k) in fixedIndicators.enumerated() { out[c * K + k] = fixedSums[y][c * F + i] }
            }
            return out
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
    /// Per year index, per commune and lane (C × Kp, see `Lanes`): oriented values summed over draws.
    var indicatorSums: [[Float]]
    /// Per year index, C × K: money paid for each commune's indicator, summed over draws (only with `recordPaid`).
    var paid: [[Double]]
}

/// Simulates one batch of draws, draw by draw through every year. A year works on a draw's state (C × Kp
/// oriented values, see `Lanes`), eight indicators at a time:
/// - pass 1: trend and shocks, then what closing each gap to the next tier would cost (and upkeep);
/// - the policy shares the year's money (`Policy.allocate`);
/// - pass 2: spending with diminishing returns, decay, noise, bounds, and the indicators meeting each tier
///   as bit masks, from which criteria and tiers follow; then recognition.
/// Without a recognition cap, one walk over the communes does a year's pass 2, recognition and the next year's
/// pass 1 (on each block of 32 communes as pass 2 leaves it).
///
/// The first projected year is the same in every draw up to its noise (see `FirstYear`): a batch starts each
/// draw from there.
struct BatchRunner {
    let m: Model
    let lanes: Lanes
    /// Per projected year (`BatchRunner.plans`, made once per run).
    let plans: [YearPlan]
    /// The first year's pass 1, allocation and spending (`BatchRunner.firstYear`, made once per run).
    let first: FirstYear
    let firstDraw: Int
    let B: Int
    /// Decisions for the last year, each run from the same state (`Projection.run(lastYear:)`); empty: the model's.
    var alternatives: [[Bool]] = []

    /// One year's constants, the same for every draw (vectors of `Lanes.W` × 8 indicators).
    struct YearPlan {
        let year: Int
        /// 3 × W: what a commune aims at for each next tier (the strictest threshold up to it, plus a margin).
        let goal: [F8]
        /// 3 × W: the lowest value meeting each tier (threshold less the catalogue's tolerance; −∞ if not graded).
        let low: [F8]
        let rel: [F8], pts: [F8], once: [F8]
        let noiseKey: UInt64, recognitionKey: UInt64, districtKey: UInt64
        /// Pass 1's constants, chunk by chunk (`PassOne`), side by side.
        let passOne: [F8]

        /// The year's trend and shocks on chunk `w`.
        @_transparent func trend(_ v: F8, _ w: Int) -> F8 { Self.trend(v, rel: rel[w], pts: pts[w], once: once[w]) }
        @_transparent static func trend(_ v: F8, rel: F8, pts: F8, once: F8) -> F8 { v * (1 + rel) + pts + once }

        /// Where pass 1 finds a chunk's constants: `count` vectors a chunk, so its loop reads them from one pointer
        /// (as pass 2 does, see `Chunk`). `goal` takes three places: by the commune's target tier.
        enum PassOne {
            static let rel = 0, pts = 1, once = 2, asym = 3, maintained = 4, goal = 5, count = 8
        }
    }

    /// The first projected year up to its noise. Every draw starts from the base year, the year's trend and
    /// shocks are fixed and the policies draw no random numbers, so the first year's pass 1, allocation,
    /// spending and decay come out the same in every draw: they are worked out once per run, and each draw
    /// goes on from there with its own noise. The numbers are exactly those of working them out draw by draw.
    struct FirstYear {
        /// C × Kp: in the noisy chunks, the values after spending and decay, before noise. In the chunks past
        /// them (`Lanes.noisyW`) the same within bounds: these are the first year's final values in every draw,
        /// so the draws skip those chunks in the first year: they take which lanes meet each tier from
        /// `fixedLacking` and `fixedTiers`, and their values and sums from here.
        let z: [Float]
        let allocation: DrawAllocation
        /// What the allocation paid for each commune's indicator (with `Model.recordPaid`; else empty), as entries
        /// of a C × K table, each place once.
        let paid: [(at: Int, amount: Double)]
        /// Per commune, in those chunks: the criteria with a lane short of standard, and whether every lane
        /// meets advanced (bit 1) and model (bit 2).
        let fixedLacking: [LaneBits]
        let fixedTiers: [UInt8]
        /// The next year's pass 1 on those chunks (nil when the run has one year).
        let carried: CarriedNeeds?
    }

    static func plans(model m: Model, lanes: Lanes) -> [YearPlan] { m.years.indices.map { plan($0, model: m, lanes: lanes) } }

    static func plan(_ yi: Int, model m: Model, lanes: Lanes) -> YearPlan {
        let Kp = lanes.Kp, th = m.thresholds[yi], year = m.years[yi]
        var goal = [Float](repeating: -.infinity, count: 3 * Kp), low = [Float](repeating: -.infinity, count: 3 * Kp)
        for t in 0..<3 {
            for (l, k) in lanes.order.enumerated() {
                var T = th[0][k]
                if t >= 1 { T = max(T, th[1][k]) }
                if t >= 2 { T = max(T, th[2][k]) }
                goal[t * Kp + l] = T > -.infinity ? min(T + m.margin[k], m.zHi[k]) : -.infinity
                if th[t][k] > -.infinity { low[t * Kp + l] = Indicator.lowestMeeting(th[t][k]) }
            }
        }
        let goals = lanes.vectors(goal), rel = lanes.pack(m.trendRel[yi], pad: 0), pts = lanes.pack(m.trendPts[yi], pad: 0)
        let once = lanes.pack(m.oneOff[yi], pad: 0)
        var passOne: [F8] = []
        for w in 0..<lanes.W {
            passOne += [rel[w], pts[w], once[w], lanes.asym[w], lanes.maintained[w]]
            passOne += [goals[w], goals[lanes.W + w], goals[2 * lanes.W + w]]
        }
        return YearPlan(year: year, goal: goals, low: lanes.vectors(low), rel: rel, pts: pts, once: once,
                        noiseKey: m.rng.yearKey(.noise, year: year), recognitionKey: m.rng.yearKey(.recognition, year: year),
                        districtKey: m.rng.yearKey(.district, year: year), passOne: passOne)
    }

    static func firstYear(model m: Model, lanes: Lanes, plans: [YearPlan], costPerPoint: CostPerPoint, carry: Bool = true) -> FirstYear {
        let p = plans[0]
        let s = DrawState(model: m, lanes: lanes, costPerPoint: costPerPoint)
        s.start(values: true)
        s.needs(p)
        var paidTable = [Double](repeating: 0, count: m.recordPaid ? m.C * m.K : 0)
        let a = paidTable.withUnsafeMutableBufferPointer { s.share(year: 0, paidInto: m.recordPaid ? $0.baseAddress! : nil) }
        let paid = paidTable.indices.filter { paidTable[$0] != 0 }.map { (at: $0, amount: paidTable[$0]) }
        let frac = lanes.pack(a.fraction, pad: 0), keep = lanes.pack(a.fillUpkeep, pad: 1)
        for c in 0..<m.C {
            for w in 0..<lanes.W {
                let i = c * lanes.Kp + w * 8
                store8(s.z, i, Lanes.spend(load8(s.z, i), i: i, need: s.need, cpp: s.cpp, funded: a.funded[c],
                                           goal: p.goal[min(Int(s.tier[c]), 2) * lanes.W + w], frac: frac[w], keep: keep[w],
                                           asym: lanes.asym[w], decay: lanes.decay[w], maintained: lanes.maintained[w]))
            }
        }
        let Kp = lanes.Kp, W = lanes.W
        var fixedLacking = [LaneBits](repeating: LaneBits(), count: m.C), fixedTiers = [UInt8](repeating: 0, count: m.C)
        for c in 0..<m.C {
            var advanced = SIMDMask<SIMD8<Int32>>(repeating: true), model = advanced
            for w in lanes.noisyW..<W {
                let i = c * Kp + w * 8
                var v = load8(s.z, i)
                v = v.replacing(with: lanes.zLo[w], where: v .< lanes.zLo[w])
                v = v.replacing(with: lanes.zHi[w], where: v .> lanes.zHi[w])
                store8(s.z, i, v)
                fixedLacking[c] = fixedLacking[c].union(lanes.chunkCriteria[w << 8 | Int(laneBits(v .>= p.low[w]) ^ 0xFF)])
                advanced = advanced .& (v .>= p.low[W + w])
                model = model .& (v .>= p.low[2 * W + w])
            }
            fixedTiers[c] = (laneBits(advanced) == 0xFF ? 2 : 0) | (laneBits(model) == 0xFF ? 4 : 0)
        }
        let z = Array(UnsafeBufferPointer(start: s.z, count: m.C * Kp))
        return FirstYear(z: z, allocation: a, paid: paid, fixedLacking: fixedLacking, fixedTiers: fixedTiers,
                         carried: carry && plans.count > 1 ? CarriedNeeds(model: m, lanes: lanes, plan: plans[1], firstValues: z, costPerPoint: costPerPoint) : nil)
    }

    /// Runs the batch's draws in `s` (a worker's state: every draw starts it afresh): one `BatchStats`, or one
    /// per alternative for the last year (`alternatives`), each run from the state the years before left.
    func run(_ s: DrawState) -> [BatchStats] {
        let C = m.C, K = m.K, J = m.J, S = m.S, Y = m.years.count, nD = m.districtCount
        let Kp = lanes.Kp, W = lanes.W
        var stats = BatchStats(firstDraw: firstDraw, draws: B,
                               drawCounts: Array(repeating: [Int32](repeating: 0, count: B * 5), count: Y),
                               communeCounts: Array(repeating: [Int32](repeating: 0, count: C * 4), count: Y),
                               districtCounts: Array(repeating: [Int32](repeating: 0, count: nD), count: Y),
                               funding: Array(repeating: [Double](repeating: 0, count: S * 4), count: Y),
                               spending: Array(repeating: [Double](repeating: 0, count: K), count: Y),
                               indicatorSums: Array(repeating: [Float](repeating: 0, count: m.keepIndicatorMeans ? C * Kp : 0), count: Y),
                               paid: [])
        // Each alternative after the first has the last year's tables of its own; the years before are shared.
        let alts = max(1, alternatives.count)
        var others = (1..<alts).map { _ in
            BatchStats(firstDraw: firstDraw, draws: B,
                       drawCounts: (0..<Y).map { [Int32](repeating: 0, count: $0 == Y - 1 ? B * 5 : 0) },
                       communeCounts: (0..<Y).map { [Int32](repeating: 0, count: $0 == Y - 1 ? C * 4 : 0) },
                       districtCounts: (0..<Y).map { [Int32](repeating: 0, count: $0 == Y - 1 ? nD : 0) },
                       funding: (0..<Y).map { [Double](repeating: 0, count: $0 == Y - 1 ? S * 4 : 0) },
                       spending: (0..<Y).map { [Double](repeating: 0, count: $0 == Y - 1 ? K : 0) },
                       indicatorSums: (0..<Y).map { [Float](repeating: 0, count: $0 == Y - 1 && m.keepIndicatorMeans ? C * Kp : 0) },
                       paid: [])
        }
        let zP = s.z, nP = s.need, noise = s.noise
        var dRec = [Bool](repeating: false, count: nD), dMissing = [Int](repeating: 0, count: nD)
        var perDistrict = [Int](repeating: 0, count: nD)
        let table = CounterRNG.normalTable

        // The first year's chunks past the noisy ones end the same in every draw (`FirstYear.z`): their
        // sums are the value added once per draw, as the draws would.
        let noisyW = lanes.noisyW, keepMeans = m.keepIndicatorMeans
        if keepMeans { stats.indicatorSums[0].withUnsafeMutableBufferPointer { sB in first.z.withUnsafeBufferPointer { fB in
            for c in 0..<C {
                for w in noisyW..<W {
                    let i = c * Kp + w * 8, v = load8(fB.baseAddress!, i)
                    var sum = F8(repeating: 0)
                    for _ in 0..<B { sum += v }
                    store8(sB.baseAddress!, i, sum)
                }
            }
        }}}
        // Without a cap on recognitions, communes are recognised one by one as pass 2 leaves them, and the next
        // year's pass 1 follows at once, while the commune's values are in cache.
        let fused = !m.cap.contains { $0 != nil }
        // The state each alternative's last year starts from.
        var savedTier = [UInt8](repeating: 0, count: alts > 1 ? C : 0), savedRec = dRec, savedMissing = dMissing
        // What was paid (with `recordPaid`): per year, a C × K table the policy adds to draw by draw. The first
        // year's allocation is the same in every draw: its payments are added here, draw after draw, at once.
        // (Alternative a's last year at year Y − 1 + a.)
        let paid = UnsafeMutablePointer<Double>.allocate(capacity: m.recordPaid ? (Y + alts - 1) * C * K : 1)
        defer { paid.deallocate() }
        if m.recordPaid {
            paid.initialize(repeating: 0, count: (Y + alts - 1) * C * K)
            for (at, amount) in first.paid {
                var sum = 0.0
                for _ in 0..<B { sum += amount }
                paid[at] = sum
            }
        }

        for d in 0..<B {
            let draw = firstDraw + d
            s.start(values: false)
            for i in 0..<nD { dRec[i] = m.districtRecognised0[i]; dMissing[i] = m.districtMissing0[i] }
            for yi in 0..<Y {
                let p = plans[yi], hasNext = yi + 1 < Y, nextPlan = plans[min(yi + 1, Y - 1)]
                let branches = hasNext ? 1 : alts
                if branches > 1 {
                    for c in 0..<C { savedTier[c] = s.tier[c] }
                    savedRec = dRec; savedMissing = dMissing
                }
                for alt in 0..<branches {
                    if alt > 0 { // the next alternative: the state the years before left, its own tables
                        for c in 0..<C { s.tier[c] = savedTier[c] }
                        dRec = savedRec; dMissing = savedMissing
                        swap(&stats, &others[alt - 1])
                    }
                    // The first year's pass 1 and allocation are the run's (`FirstYear`); later years' pass 1 is done
                    // by the year before's loop below (or after it, when recognition is capped).
                    let a = yi == 0 ? first.allocation
                        : s.share(year: yi, paidInto: m.recordPaid ? paid + (yi + alt) * C * K : nil,
                                  decided: hasNext || alternatives.isEmpty ? nil : alternatives[alt])
                    for k in 0..<K { stats.spending[yi][k] += a.spent[k] }
                    for src in 0..<S {
                        stats.funding[yi][src * 4 + 0] += m.budget[yi][src]
                        stats.funding[yi][src * 4 + 1] += a.allocated[src] + a.gap[src]
                        stats.funding[yi][src * 4 + 2] += a.allocated[src]
                        stats.funding[yi][src * 4 + 3] += a.gap[src]
                    }
                    Self.chunkConstants(into: s.chunkConstants, lanes: lanes, plan: p, frac: lanes.pack(a.fraction, pad: 0),
                                        keep: lanes.pack(a.fillUpkeep, pad: 1))
                    if fused && hasNext { s.beginNeeds() }
                    // Pass 2: spending and decay (the first year's from `FirstYear`), noise, bounds; the indicators
                    // meeting each tier; criteria met.
                    stats.indicatorSums[yi].withUnsafeMutableBufferPointer { sB in
                    first.z.withUnsafeBufferPointer { fB in
                    table.withUnsafeBufferPointer { table in
                    lanes.chunkCriteria.withUnsafeBufferPointer { chunkCriteria in
                        // Without the means (`Model.keepIndicatorMeans`), every commune's values are added to one
                        // row of the draw's own (`DrawState.unkeptSums`), in cache, and never read.
                        let sums = keepMeans ? sB.baseAddress! : s.unkeptSums, sumsStride = keepMeans ? Kp : 0
                        let noisyCount = m.noisy.count
                        // Local copies: the loop's raw stores could alias the runner's fields, which would have the
                        // constants reloaded commune after commune.
                        let p = p, chunkCriteria = chunkCriteria.baseAddress!, constants = s.chunkConstants
                        let cpp = s.cpp, firstValues = fB.baseAddress!, tiers = s.tier, critStd = s.critStd, metTiers = s.metTiers
                        // This loop's tables are asked for ahead (prefetch): the next block's rows when the next year's
                        // pass 1 runs between blocks (the hardware loses track of the tables at each block), else 16
                        // communes on (national run: about 0.9 of the time with either, outputs byte-identical).
                        let ahead = (fused && hasNext ? DrawState.noiseBlock : 16) * Kp
                        let bytes = (yi == 0 ? noisyW * 8 : Kp) * 4
                        // The tables, chosen once per year: the values, read or written for next year (else the sums, or
                        // without them the first year's values again); the first year's values, or the needs and costs
                        // per point; the sums, when they are a table (not the one unkept row). Rows of up to 192 bytes
                        // (48 lanes) are asked for without a branch (`ntm_prefetch_row`).
                        let sumsTable: UnsafePointer<Float>? = keepMeans ? UnsafePointer(sums) : nil
                        let tables: [UnsafePointer<Float>] = [yi > 0 || hasNext ? UnsafePointer(zP) : sumsTable ?? firstValues]
                            + (yi == 0 ? [firstValues] : [UnsafePointer(nP), UnsafePointer(cpp)]) + (sumsTable.map { [$0] } ?? [])
                        let (t1, t2) = (tables[0], tables[1]), t3 = yi == 0 ? nil : tables[2]
                        let short = bytes <= 192, second = min(64, bytes - 1), mid = min(128, bytes - 1), last = bytes - 1
                        for c in 0..<C {
                            let base = c * Kp, target = min(Int(tiers[c]), 2), sumsRow = sums + c * sumsStride
                            if base + ahead < C * Kp {
                                let a = base + ahead
                                if short {
                                    ntm_prefetch_row(t1 + a, second, mid, last); ntm_prefetch_row(t2 + a, second, mid, last)
                                    if let t3 { ntm_prefetch_row(t3 + a, second, mid, last) }
                                    if let sumsTable { ntm_prefetch_row(sumsTable + a, second, mid, last) }
                                } else {
                                    for t in tables { ntm_prefetch_bytes(t + a, bytes) }
                                }
                            }
                            // The normals of the block starting here, all at once (`normals`), so the vector loads
                            // below do not wait on the scalar stores that wrote them.
                            let slot = c & (DrawState.noiseBlock - 1) // c % noiseBlock (a power of two)
                            if slot == 0 && noisyCount > 0 {
                                Self.normals(into: noise, communes: c..<min(c + DrawState.noiseBlock, C), stride: Kp,
                                             count: noisyCount, yearKey: p.noiseKey, draw: draw, table: table.baseAddress!)
                            }
                            // One chunk's spending and decay (`first`: the first year's values as `FirstYear` has
                            // them), noise (`noisy`), bounds, sums and tier tests, and its values kept for next year
                            // (`keep`). Called below with constant flags, so each combination is a loop of its own,
                            // without a test of them chunk after chunk (national run: pass 2's instructions −9 %).
                            @_transparent func chunk(_ w: Int, first: Bool, funded: Bool, noisy: Bool, keep: Bool, _ t: inout TierTests) {
                                let i = base + w * 8
                                let k = constants + w * Chunk.count
                                var v = first ? load8(firstValues, i)
                                    : Lanes.spend(load8(zP, i), i: i, need: nP, cpp: cpp, funded: funded, goal: k[Chunk.goal + target],
                                                  frac: k[Chunk.frac], keep: k[Chunk.keep], asym: k[Chunk.asym], decay: k[Chunk.decay],
                                                  maintained: k[Chunk.maintained])
                                // Noise, relative or in points, fading over the last tenth of the range (a network
                                // that is complete does not randomly lose its last points).
                                if noisy {
                                    let x = (k[Chunk.zHi] - v) / k[Chunk.noiseFade]
                                    let room = F8(repeating: 1).replacing(with: x, where: x .< 1)
                                    let size = k[Chunk.noiseRel] * VMath.abs(v) + k[Chunk.noisePts]
                                    let moved = v + size * F8(repeating: 0).replacing(with: room, where: room .>= 0) * load8(noise, slot * Kp + w * 8)
                                    v = v.replacing(with: moved, where: unsafeBitCast(k[Chunk.noisy], to: SIMDMask<SIMD8<Int32>>.self))
                                }
                                v = v.replacing(with: k[Chunk.zLo], where: v .< k[Chunk.zLo])
                                v = v.replacing(with: k[Chunk.zHi], where: v .> k[Chunk.zHi])
                                if keep { store8(zP, i, v) } // the last year's values are only summed
                                store8(sumsRow, w * 8, load8(sumsRow, w * 8) + v)
                                t.lacking = t.lacking.union(chunkCriteria[w << 8 | Int(laneBits(v .>= k[Chunk.low]) ^ 0xFF)])
                                t.advanced = t.advanced .& (v .>= k[Chunk.low + 1])
                                t.model = t.model .& (v .>= k[Chunk.low + 2])
                            }
                            // The noisy chunks, then the others (the first year leaves those as `FirstYear` has them,
                            // below).
                            @_transparent func chunks(first: Bool, funded: Bool, keep: Bool, _ t: inout TierTests) {
                                for w in 0..<noisyW { chunk(w, first: first, funded: funded, noisy: true, keep: keep, &t) }
                                if !first { for w in noisyW..<W { chunk(w, first: false, funded: funded, noisy: false, keep: keep, &t) } }
                            }
                            var t = TierTests()
                            if yi == 0 {
                                if hasNext { chunks(first: true, funded: false, keep: true, &t) } else { chunks(first: true, funded: false, keep: false, &t) }
                            } else if a.funded[c] {
                                if hasNext { chunks(first: false, funded: true, keep: true, &t) } else { chunks(first: false, funded: true, keep: false, &t) }
                            } else {
                                if hasNext { chunks(first: false, funded: false, keep: true, &t) } else { chunks(first: false, funded: false, keep: false, &t) }
                            }
                            // Bits 1 and 2 of the tiers met (advanced, model) as far as the chunks left out allow.
                            var fixedTiers: UInt8 = 6
                            if yi == 0 {
                                t.lacking = t.lacking.union(first.fixedLacking[c])
                                fixedTiers = first.fixedTiers[c]
                            }
                            // Criteria met at standard: those with no indicator short of it.
                            critStd[c] = Int32(J - t.lacking.count)
                            let met = UInt8((t.lacking.isEmpty ? 1 : 0) | (laneBits(t.advanced) == 0xFF ? 2 : 0) | (laneBits(t.model) == 0xFF ? 4 : 0))
                                & (fixedTiers | 1)
                            metTiers[c] = met
                            if fused {
                                recognise(commune: c, tier: tiers, met: met, key: p.recognitionKey, draw: draw)
                                // The next year's pass 1, a block of communes at a time (while they are in cache).
                                if hasNext && (slot == DrawState.noiseBlock - 1 || c == C - 1) {
                                    s.needs(nextPlan, communes: (c - slot)..<(c + 1), fixedFrom: yi == 0 ? firstValues : nil,
                                            carried: yi == 0 ? first.carried : nil)
                                }
                            }
                        }
                    }}}}
                    if !fused {
                        recognise(s.tier, met: s.metTiers, year: p.year, key: p.recognitionKey, draw: draw)
                        if hasNext {
                            first.z.withUnsafeBufferPointer {
                                s.needs(nextPlan, fixedFrom: yi == 0 ? $0.baseAddress! : nil, carried: yi == 0 ? first.carried : nil)
                            }
                        }
                    }
                    // Districts: criteria completed with a yearly chance; recognised when all communes are standard.
                    // Counted without a branch per commune (whether a commune is standard is as good as random).
                    for i in 0..<nD { perDistrict[i] = 0 }
                    for c in 0..<C { perDistrict[m.districtOf[c]] += s.tier[c] >= 1 ? 1 : 0 }
                    for i in 0..<nD where !dRec[i] {
                        let key = CounterRNG.key(yearKey: p.districtKey, draw: draw, unit: i)
                        var left = dMissing[i]
                        for j in 0..<dMissing[i] { left -= CounterRNG.uniforms(key, j).0 < m.districtHazard ? 1 : 0 } // no branch on a coin
                        dMissing[i] = left
                        if left == 0 && perDistrict[i] == m.districtSize[i] { dRec[i] = true }
                    }
                    // Statistics.
                    var std: Int32 = 0, adv: Int32 = 0, mo: Int32 = 0, crit: Int32 = 0
                    stats.communeCounts[yi].withUnsafeMutableBufferPointer { cc in
                        for c in 0..<C { // without branches, as above: from the tier's bits (0 none … 3 model),
                            // which the compiler cannot turn back into a jump on the tier
                            let t = Int32(s.tier[c])
                            let isStd = (t | t >> 1) & 1, isAdv = t >> 1, isModel = t >> 1 & t
                            std += isStd; cc[c * 4] += isStd
                            adv += isAdv; cc[c * 4 + 1] += isAdv
                            mo += isModel; cc[c * 4 + 2] += isModel
                            crit += s.critStd[c]
                            cc[c * 4 + 3] += s.critStd[c]
                        }
                    }
                    stats.drawCounts[yi][d * 5 + 0] = std
                    stats.drawCounts[yi][d * 5 + 1] = adv
                    stats.drawCounts[yi][d * 5 + 2] = mo
                    stats.drawCounts[yi][d * 5 + 3] = Int32(C) - std
                    stats.drawCounts[yi][d * 5 + 4] = crit
                    for i in 0..<nD where dRec[i] { stats.districtCounts[yi][i] += 1 }
                    if alt > 0 { swap(&stats, &others[alt - 1]) }
                }
            }
        }
        func paidTable(_ y: Int) -> [Double] { Array(UnsafeBufferPointer(start: paid + y * C * K, count: C * K)) }
        if m.recordPaid { stats.paid = (0..<Y).map { paidTable($0) } }
        for a in others.indices { // the years before the last, shared
            for y in 0..<(Y - 1) {
                others[a].drawCounts[y] = stats.drawCounts[y]; others[a].communeCounts[y] = stats.communeCounts[y]
                others[a].districtCounts[y] = stats.districtCounts[y]; others[a].funding[y] = stats.funding[y]
                others[a].spending[y] = stats.spending[y]; others[a].indicatorSums[y] = stats.indicatorSums[y]
            }
            if m.recordPaid { others[a].paid = (0..<(Y - 1)).map { paidTable($0) } + [paidTable(Y + a)] }
        }
        return [stats] + others
    }

    /// What pass 2's chunks tell of a commune's tiers. Standard: the criteria with an indicator short of it (from
    /// the lanes that are, chunk by chunk); advanced and model: only whether every indicator meets them (vector ANDs,
    /// one horizontal test at the end).
    struct TierTests {
        var lacking = LaneBits()
        var advanced = SIMDMask<SIMD8<Int32>>(repeating: true), model = SIMDMask<SIMD8<Int32>>(repeating: true)
    }

    /// Where pass 2 finds each chunk's constants: `Chunk.count` vectors a chunk, side by side, so its loop reads
    /// them from one pointer (from the lanes' and the year's arrays, the loop reloaded each array's address chunk
    /// after chunk: the registers run short). `low` and `goal` take three places each: standard, advanced, model
    /// (`goal`: by the commune's target tier); `noisy` holds the mask's bits.
    enum Chunk {
        static let asym = 0, decay = 1, maintained = 2, zHi = 3, zLo = 4, noiseFade = 5, noiseRel = 6, noisePts = 7,
                   noisy = 8, low = 9, goal = 12, frac = 15, keep = 16, count = 17
    }

    /// Fills `Chunk`'s table for a year (plan `p`) and a draw's allocation (`frac`, `keep`: per chunk).
    static func chunkConstants(into k: UnsafeMutablePointer<F8>, lanes: Lanes, plan p: YearPlan, frac: [F8], keep: [F8]) {
        let W = lanes.W
        for w in 0..<W {
            let row = k + w * Chunk.count
            row[Chunk.asym] = lanes.asym[w]; row[Chunk.decay] = lanes.decay[w]; row[Chunk.maintained] = lanes.maintained[w]
            row[Chunk.zHi] = lanes.zHi[w]; row[Chunk.zLo] = lanes.zLo[w]
            row[Chunk.noiseFade] = lanes.noiseFade[w]; row[Chunk.noiseRel] = lanes.noiseRel[w]; row[Chunk.noisePts] = lanes.noisePts[w]
            row[Chunk.noisy] = unsafeBitCast(lanes.noisy[w], to: F8.self)
            for t in 0..<3 { row[Chunk.low + t] = p.low[t * W + w]; row[Chunk.goal + t] = p.goal[t * W + w] }
            row[Chunk.frac] = frac[w]; row[Chunk.keep] = keep[w]
        }
    }

    /// The standard normals of `communes` (rows of `stride` floats at `out`, the first `count` of each: the noisy
    /// indicators hold the first lanes, in `Model.noisy` order, see `Lanes`): normal i is CounterRNG.normal(key, i),
    /// drawn one hash per five normals. Whole hashes only: the last one's spare normals land in lanes without noise
    /// (or the next commune's row, written after; the block has room past its end). Kept out of pass 2's loop,
    /// which runs it once a block.
    @inline(never) static func normals(into out: UnsafeMutablePointer<Float>, communes: Range<Int>, stride: Int, count: Int,
                                       yearKey: UInt64, draw: Int, table: UnsafePointer<Float>) {
        @inline(__always) func normal(_ h: UInt64, _ field: UInt64) -> Float {
#if arch(x86_64)
            // The field in one instruction (BMI's bit-field extract), not a copy, a shift and a mask.
            table[Int(truncatingIfNeeded: _bextr_u64(h, UInt32(12 * field), 12))]
#else
            table[Int(truncatingIfNeeded: (h >> (12 * field)) & 0xFFF)]
#endif
        }
        for (b, c) in communes.enumerated() {
            let key = CounterRNG.key(yearKey: yearKey, draw: draw, unit: c)
            let row = out + b * stride
            @inline(__always) func five(_ h: UInt64, at i: Int) {
                row[i] = normal(h, 0); row[i + 1] = normal(h, 1); row[i + 2] = normal(h, 2)
                row[i + 3] = normal(h, 3); row[i + 4] = normal(h, 4)
            }
            // Four hashes at a time (`CounterRNG.bits4`), then one by one.
            let words = (count + 4) / 5
            var word = 0
            while word + 4 <= words {
                let h = CounterRNG.bits4(key, from: word)
                five(h[0], at: word * 5); five(h[1], at: word * 5 + 5); five(h[2], at: word * 5 + 10); five(h[3], at: word * 5 + 15)
                word += 4
            }
            while word < words {
                five(CounterRNG.bits(key, word), at: word * 5)
                word += 1
            }
        }
    }

    /// `recognise` for one commune, when no cap ties the communes together (the same steps, in the same order).
    @_transparent func recognise(commune c: Int, tier: UnsafeMutablePointer<UInt8>, met: UInt8, key: UInt64, draw: Int) {
        var t = Int(tier[c])
        if m.lapseRevokes {
            var kept = 0
            while kept < t && met & (1 << UInt8(kept)) != 0 { kept += 1 }
            t = kept
        }
        // Most communes stop here, before any hash.
        if m.maxSteps > 0 && Self.ready(t, met: met) { t = step(from: t, commune: c, met: met, key: key, draw: draw) }
        tier[c] = UInt8(t)
    }

    /// The tiers a commune ready for its next one steps up (`recognise(commune:…)`'s draw; a call of its own, so
    /// pass 2's loop, which most communes go through without it, is smaller).
    @inline(never) func step(from t0: Int, commune c: Int, met: UInt8, key: UInt64, draw: Int) -> Int {
        let u = CounterRNG.uniforms(CounterRNG.key(yearKey: key, draw: draw, unit: c), 0).0
        var t = t0, steps = 0
        while steps < m.maxSteps && Self.ready(t, met: met) && u < m.recognitionP[t] { t += 1; steps += 1 }
        return t
    }

    /// Whether a commune at tier `t` (0: none) meets every tier up to and including the next one (`met` bit i:
    /// every criterion met at graded tier i).
    @_transparent static func ready(_ t: Int, met: UInt8) -> Bool {
        t < 3 && met & UInt8((1 << (t + 1)) - 1) == UInt8((1 << (t + 1)) - 1)
    }

    /// Moves communes up the tiers when a cap ties them together (without one, `recognise(commune:…)` does the
    /// same steps commune by commune): a commune may step to the next tier when it meets every criterion at every
    /// tier up to it (`met` bit t: every criterion met at graded tier t); it is recognised with the recognition
    /// probability, at most `maxSteps` tiers a year, and within a draw at most `cap` communes a year reach a
    /// tier (the first by a random order).
    func recognise(_ tier: UnsafeMutablePointer<UInt8>, met: UnsafeMutablePointer<UInt8>, year: Int, key: UInt64, draw: Int) {
        let C = m.C
        if m.lapseRevokes {
            for c in 0..<C {
                var t = 0
                while t < Int(tier[c]) && met[c] & (1 << UInt8(t)) != 0 { t += 1 }
                tier[c] = UInt8(t)
            }
        }
        var reached = [0, 0, 0]
        var stepped = [Bool](repeating: true, count: C)
        var u = [Float](repeating: 2, count: C)
        for _ in 0..<m.maxSteps {
            var candidates: [Int] = []
            for c in 0..<C where stepped[c] {
                let t = Int(tier[c])
                stepped[c] = false
                guard Self.ready(t, met: met[c]) else { continue }
                if u[c] > 1 { u[c] = CounterRNG.uniforms(CounterRNG.key(yearKey: key, draw: draw, unit: c), 0).0 }
                if u[c] < m.recognitionP[t] { candidates.append(c) }
            }
            candidates.sort { (u[$0], $0) < (u[$1], $1) }
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

/// `Lanes.costPerPoint` in a plain buffer that the workers share (read only), so the hot loops read it without a
/// closure and the run holds one copy.
final class CostPerPoint: @unchecked Sendable {
    let values: UnsafeMutablePointer<Float>
    init(_ lanes: Lanes) {
        values = .allocate(capacity: max(lanes.costPerPoint.count, 1))
        values.initialize(repeating: 1, count: max(lanes.costPerPoint.count, 1))
        for (i, v) in lanes.costPerPoint.enumerated() { values[i] = v }
    }
    deinit { values.deallocate() }
}

/// Pass 1 of the year after the first on the chunks past the noisy ones (see `Lanes`), worked out once per run.
/// Those chunks end the first year the same in every draw (`FirstYear.z`), so in the next year their trend,
/// needs and upkeep depend only on the commune's target tier (standard, advanced or model): computed here for
/// each of the three, by the same steps as `DrawState.needs`, and read back draw after draw.
final class CarriedNeeds: @unchecked Sendable {
    /// F = W − noisyW chunks. C × F vectors: the values after the year's trend.
    let values: UnsafeMutablePointer<F8>
    /// (C × 3) × F vectors: the needs, per commune and target tier (row c × 3 + tier); and each chunk's needs
    /// summed as pass 1 sums them (0 in a chunk without a gap, which pass 1 does not add).
    let need: UnsafeMutablePointer<F8>, sum: UnsafeMutablePointer<Float>
    /// C × 3: the lanes with a gap, and the criteria they leave short of the target.
    let gaps: UnsafeMutablePointer<LaneBits>, lacking: UnsafeMutablePointer<LaneBits>
    /// F vectors: upkeep summed over communes, in commune order.
    let upkeep: [F8]

    /// The buffers, for the hot loop (a struct of pointers: nothing to retain commune after commune).
    struct Rows {
        let values: UnsafeMutablePointer<F8>, need: UnsafeMutablePointer<F8>, sum: UnsafeMutablePointer<Float>
        let gaps: UnsafeMutablePointer<LaneBits>, lacking: UnsafeMutablePointer<LaneBits>
    }
    var rows: Rows { Rows(values: values, need: need, sum: sum, gaps: gaps, lacking: lacking) }

    init(model m: Model, lanes: Lanes, plan p: BatchRunner.YearPlan, firstValues z: [Float], costPerPoint cpp: CostPerPoint) {
        let C = m.C, Kp = lanes.Kp, W = lanes.W, noisyW = lanes.noisyW, F = W - noisyW
        let share = Float(m.catalogue.model.maintenanceShare.value)
        values = .allocate(capacity: max(C * F, 1))
        need = .allocate(capacity: max(C * 3 * F, 1)); sum = .allocate(capacity: max(C * 3 * F, 1))
        gaps = .allocate(capacity: C * 3); lacking = .allocate(capacity: C * 3)
        var up = [F8](repeating: F8(repeating: 0), count: F)
        // (On plain pointers: eight values read from an array slice go through a generic, element by element.)
        let (valueRows, needRows, sumRows, gapRows, lackingRows) = (values, need, sum, gaps, lacking)
        z.withUnsafeBufferPointer { zB in lanes.chunkCriteria.withUnsafeBufferPointer { chunkCriteria in
            let z = zB.baseAddress!, values = valueRows, need = needRows, sum = sumRows
            for c in 0..<C {
                for f in 0..<F {
                    let w = noisyW + f, i = c * Kp + w * 8
                    let v = p.trend(load8(z, i), w), cp = load8(cpp.values, i)
                    values[c * F + f] = v
                    up[f] += Lanes.upkeep(v, maintained: lanes.maintained[w], cp: cp, share: share)
                }
                for t in 0..<3 {
                    let row = c * 3 + t
                    var gaps = LaneBits(), lacking = LaneBits()
                    for f in 0..<F {
                        let w = noisyW + f, i = c * Kp + w * 8
                        let (n, bits) = Lanes.need(values[c * F + f], asym: lanes.asym[w], goal: p.goal[t * W + w], cp: load8(cpp.values, i))
                        need[row * F + f] = n
                        sum[row * F + f] = 0
                        if bits != 0 {
                            gaps.insert(bits, chunk: w)
                            lacking = lacking.union(chunkCriteria[w << 8 | Int(bits)])
                            sum[row * F + f] = n.sum()
                        }
                    }
                    gapRows[row] = gaps; lackingRows[row] = lacking
                }
            }
        }}
        upkeep = up
    }

    deinit {
        values.deallocate(); need.deallocate(); sum.deallocate(); gaps.deallocate()
        lacking.deallocate()
    }
}

/// One draw's state and the scratch of its passes, reused draw after draw, in plain buffers (arrays would
/// check uniqueness on every write).
final class DrawState {
    let m: Model
    let lanes: Lanes
    let maintShare: Float
    /// C × Kp: the draw's oriented values, and what closing each gap would cost (pass 1).
    let z: UnsafeMutablePointer<Float>, need: UnsafeMutablePointer<Float>
    /// C × Kp: `Lanes.costPerPoint` in a plain buffer, one for all workers (see `CostPerPoint`).
    let cpp: UnsafeMutablePointer<Float>
    private let cppOwner: CostPerPoint
    /// C: tiers; per commune, pass 1's package cost and criteria lacking, pass 2's tiers met and criteria met.
    let tier: UnsafeMutablePointer<UInt8>, cost: UnsafeMutablePointer<Float>, missing: UnsafeMutablePointer<UInt8>
    let metTiers: UnsafeMutablePointer<UInt8>, critStd: UnsafeMutablePointer<Int32>
    /// C × G: need per eligibility group; C: pass 1's lanes with a gap (the walk that sums them per group).
    let groupNeed: UnsafeMutablePointer<Float>, gapsOf: UnsafeMutablePointer<LaneBits>
    /// 2 × W: investment and upkeep summed over communes.
    let acc: UnsafeMutablePointer<F8>
    /// Normals of `noiseBlock` communes (Kp each; read only in the lanes of noisy indicators), and room for the
    /// spare normals of the last commune's last hash.
    let noise: UnsafeMutablePointer<Float>
    static let noiseBlock = 32 // a power of two (pass 2 finds a commune's slot with a mask)
    /// Pass 2's constants of the year and draw, chunk by chunk (`BatchRunner.Chunk`).
    let chunkConstants: UnsafeMutablePointer<F8>
    /// One row (Kp) that pass 2 adds every commune's values to when the means are not kept
    /// (`Model.keepIndicatorMeans`): never read.
    let unkeptSums: UnsafeMutablePointer<Float>

    init(model m: Model, lanes: Lanes, costPerPoint: CostPerPoint) {
        precondition(lanes.order.prefix(m.noisy.count).elementsEqual(m.noisy), "the engine's layout puts the noisy indicators first")
        self.m = m
        self.lanes = lanes
        let C = m.C, Kp = lanes.Kp
        maintShare = Float(m.catalogue.model.maintenanceShare.value)
        func buffer<T>(_ n: Int, _ v: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(n, 1)); p.initialize(repeating: v, count: max(n, 1)); return p
        }
        z = buffer(C * Kp, 0); need = buffer(C * Kp, 0)
        cppOwner = costPerPoint
        cpp = costPerPoint.values
        tier = buffer(C, 0); cost = buffer(C, 0); missing = buffer(C, 0); metTiers = buffer(C, 0); critStd = buffer(C, 0)
        groupNeed = buffer(C * m.groupCount, 0); gapsOf = buffer(C, LaneBits())
        acc = buffer(2 * lanes.W, F8(repeating: 0))
        noise = buffer(Self.noiseBlock * Kp + 4, 0)
        chunkConstants = buffer(lanes.W * BatchRunner.Chunk.count, F8(repeating: 0))
        unkeptSums = buffer(Kp, 0)
    }

    deinit {
        z.deallocate(); need.deallocate(); tier.deallocate(); cost.deallocate(); missing.deallocate()
        metTiers.deallocate(); critStd.deallocate(); groupNeed.deallocate(); gapsOf.deallocate(); acc.deallocate()
        noise.deallocate(); chunkConstants.deallocate(); unkeptSums.deallocate()
    }

    /// Back to the base year: tiers, and the values too when `values` (the first year's pass 2 overwrites them).
    func start(values: Bool) {
        for c in 0..<m.C { tier[c] = m.tier0[c] }
        if values { for i in 0..<(m.C * lanes.Kp) { z[i] = lanes.z0[i] } }
    }

    /// Pass 1: trend, then the cost of each remaining gap to the next tier (`need`, and per commune `cost`,
    /// `groupNeed` and `missing`), and upkeep of what exists; investment and upkeep summed over communes, in
    /// commune order, in `acc`.
    func needs(_ p: BatchRunner.YearPlan, fixedFrom: UnsafePointer<Float>? = nil, carried: CarriedNeeds? = nil) {
        beginNeeds()
        needs(p, communes: 0..<m.C, fixedFrom: fixedFrom, carried: carried)
    }

    /// Clears the sums pass 1 adds to, before its first commune.
    func beginNeeds() {
        for w in 0..<(2 * lanes.W) { acc[w] = F8(repeating: 0) }
    }

    /// Pass 1 for a range of communes (ranges go in order after `beginNeeds`). In the year after the first, the
    /// chunks past the noisy ones start from `FirstYear.z` (`fixedFrom`; the draws do not copy them into `z`), the
    /// same in every draw: their pass 1 is then read from `carried` (`FirstYear.carried`, worked out once per run
    /// for the commune's target tier), or without it worked out here from `fixedFrom`.
    func needs(_ p: BatchRunner.YearPlan, communes: Range<Int>, fixedFrom: UnsafePointer<Float>? = nil,
               carried tables: CarriedNeeds? = nil) {
        let G = m.groupCount, Kp = lanes.Kp, W = lanes.W
        // Packages are paid per eligibility group under the priority policy and under a plan.
        let grouped = m.policy == .closestToStandard || m.decisions != nil
        let zP = z, nP = need, fixedFrom = fixedFrom ?? UnsafePointer(z), noisyW = lanes.noisyW
        // Local copies: the loop's raw stores could alias this object's fields, which would have them reloaded.
        let lanes = self.lanes, cpp = self.cpp, acc = self.acc, tier = self.tier, cost = self.cost, missing = self.missing
        let groupNeed = self.groupNeed, maintShare = self.maintShare, carried = tables?.rows, gapsOf = self.gapsOf
        if grouped { (groupNeed + communes.lowerBound * G).update(repeating: 0, count: communes.count * G) }
        typealias PassOne = BatchRunner.YearPlan.PassOne
        lanes.chunkCriteria.withUnsafeBufferPointer { chunkCriteria in p.passOne.withUnsafeBufferPointer { passOne in
        let constants = passOne.baseAddress!
        for c in communes {
            let base = c * Kp, target = min(Int(tier[c]), 2)
            // The tables' rows of the commune a block on are asked for ahead (prefetch): without a cap, pass 1 runs
            // a block at a time between blocks of pass 2, and the hardware loses track of the tables at each block
            // (national run: about 0.9 of the time, outputs byte-identical). The carried row is the one of the
            // commune's target tier as it stands: a guess, right unless the commune is recognised before its turn.
            let a = c + DrawState.noiseBlock
            if a < m.C {
                ntm_prefetch_bytes(cpp + a * Kp, Kp * 4); ntm_prefetch_bytes(nP + a * Kp, Kp * 4)
                if let carried {
                    let F = W - noisyW, row = a * 3 + min(Int(tier[a]), 2)
                    ntm_prefetch_bytes(carried.values + a * F, F * 32)
                    ntm_prefetch_bytes(carried.need + row * F, F * 32)
                    ntm_prefetch(carried.sum + row * F)
                    ntm_prefetch(carried.gaps + row); ntm_prefetch(carried.lacking + row)
                }
                if grouped { ntm_prefetch(groupNeed + a * G) }
            }
            var total: Float = 0
            var gaps = LaneBits(), lacking = LaneBits()
            // Chunk w's trend from the values the year before left at `from` (kept in `z`), and its cost per point.
            @inline(__always) func trend(_ w: Int, from: UnsafePointer<Float>) -> (v: F8, cp: F8) {
                let k = constants + w * PassOne.count, i = base + w * 8
                let v = BatchRunner.YearPlan.trend(load8(from, i), rel: k[PassOne.rel], pts: k[PassOne.pts], once: k[PassOne.once])
                store8(zP, i, v)
                return (v, load8(cpp, i))
            }
            // Chunk w's upkeep of what exists, added to the year's sum.
            @inline(__always) func addUpkeep(_ w: Int, v: F8, cp: F8) {
                acc[W + w] += Lanes.upkeep(v, maintained: constants[w * PassOne.count + PassOne.maintained], cp: cp, share: maintShare)
            }
            // Chunk w's need `n` and lanes with a gap `bits` kept and added to the commune's and the year's sums.
            @inline(__always) func add(_ w: Int, n: F8, sum: Float, bits: UInt64) {
                let i = base + w * 8
                // Without a branch on a gap (as good as random in a noisy chunk): a chunk without one adds
                // nothing (no lanes, no criteria, and a need of ±0, which leaves `total`, never −0, as it is).
                gaps.insert(bits, chunk: w)
                lacking = lacking.union(chunkCriteria[w << 8 | Int(bits)])
                total += sum
                store8(nP, i, n)
                acc[w] += n
            }
            // Chunks w0..<w1, three at a time while three are left (their logarithms side by side), then one by one.
            @inline(__always) func chunks(_ w0: Int, _ w1: Int, from: UnsafePointer<Float>) {
                var w = w0
                while w + 3 <= w1 {
                    let (v0, cp0) = trend(w, from: from), (v1, cp1) = trend(w + 1, from: from), (v2, cp2) = trend(w + 2, from: from)
                    let k0 = constants + w * PassOne.count, k1 = k0 + PassOne.count, k2 = k1 + PassOne.count
                    let g = PassOne.goal + target
                    // Upkeep first (its own sums), so that fewer values wait across the logarithms' call.
                    addUpkeep(w, v: v0, cp: cp0); addUpkeep(w + 1, v: v1, cp: cp1); addUpkeep(w + 2, v: v2, cp: cp2)
                    let (n, bits) = Lanes.need((v0, v1, v2), asym: (k0[PassOne.asym], k1[PassOne.asym], k2[PassOne.asym]),
                                               goal: (k0[g], k1[g], k2[g]), cp: (cp0, cp1, cp2))
                    let sums = VMath.sums(n.0, n.1, n.2)
                    add(w, n: n.0, sum: sums[0], bits: bits.0)
                    add(w + 1, n: n.1, sum: sums[1], bits: bits.1)
                    add(w + 2, n: n.2, sum: sums[2], bits: bits.2)
                    w += 3
                }
                while w < w1 {
                    let k = constants + w * PassOne.count
                    let (v, cp) = trend(w, from: from), (n, bits) = Lanes.need(v, asym: k[PassOne.asym], goal: k[PassOne.goal + target], cp: cp)
                    addUpkeep(w, v: v, cp: cp)
                    add(w, n: n, sum: n.sum(), bits: bits)
                    w += 1
                }
            }
            chunks(0, noisyW, from: zP)
            if let carried {
                // The same steps' results, in the same order (their upkeep is summed once per run).
                let row = c * 3 + target, F = W - noisyW
                for f in 0..<F {
                    let w = noisyW + f, i = base + w * 8, n = carried.need[row * F + f]
                    store8(zP, i, carried.values[c * F + f])
                    total += carried.sum[row * F + f] // 0 without a gap: `total` is never −0, so adding it changes nothing
                    store8(nP, i, n)
                    acc[w] += n
                }
                gaps = gaps.union(carried.gaps[row])
                lacking = lacking.union(carried.lacking[row])
            } else {
                chunks(noisyW, W, from: fixedFrom)
            }
            cost[c] = total
            // For the priority order, the criteria the commune still lacks; and its lanes with a gap, for the
            // walk below.
            if grouped {
                missing[c] = UInt8(min(lacking.count, 255))
                gapsOf[c] = gaps
            }
        }
        // One walk over the indicators with a gap: their need per eligibility group (for paying packages), after
        // the range's other work rather than commune by commune, where each lane's need was read back just after
        // its chunk was stored (national run: 0.98 of the time, medians of 9 and 11 rounds, outputs identical).
        if grouped {
            lanes.groupOf.withUnsafeBufferPointer { groupOf in
                for c in communes {
                    let base = c * Kp
                    gapsOf[c].forEach { l in groupNeed[c * G + groupOf[l]] += nP[base + l] }
                }
            }
        }
        }}
        if let tables { for f in 0..<(W - noisyW) { acc[W + noisyW + f] = tables.upkeep[f] } }
    }

    /// The policy shares year `yi`'s money on what pass 1 left (adding what it paid into `paidInto`, C × K, when
    /// given), with the communes funded in full as `decided` says instead of the model's decisions, when given.
    func share(year yi: Int, paidInto: UnsafeMutablePointer<Double>? = nil, decided: [Bool]? = nil) -> DrawAllocation {
        let C = m.C, G = m.groupCount, W = lanes.W, acc = acc
        // Summed over communes, per indicator (0 for an indicator without a lane).
        func total(_ from: Int) -> [Double] {
            lanes.laneOf.map { l in l < 0 ? 0 : Double(acc[from + l >> 3][l & 7]) }
        }
        return m.policy.allocate(
            DrawNeeds(laneNeed: UnsafeBufferPointer(start: need, count: C * lanes.Kp), stride: lanes.Kp, lane: lanes.laneOf,
                      indicator: lanes.order,
                      groupNeed: UnsafeBufferPointer(start: groupNeed, count: C * G),
                      cost: UnsafeBufferPointer(start: cost, count: C), missing: UnsafeBufferPointer(start: missing, count: C),
                      needTotal: total(0), upkeepTotal: total(W)),
            model: m, budget: m.budget[yi], decided: decided ?? m.decisions?[yi], paidInto: paidInto, quick: m.quickWalk)
    }

}

extension Lanes {
    /// What closing a chunk's gaps to `goal` costs (`n`: 0 where there is none), and the lanes with a gap
    /// (low eight bits; 0: none). The logarithm is worked out even for a chunk without a gap (its lanes take
    /// log 1 = 0, exactly): whether a noisy chunk has one is as good as random draw to draw, and the branch that
    /// skipped it, mispredicted, cost more than the logarithm (national run: 0.92 of the time, 15 pairs).
    @_transparent static func need(_ v: F8, asym: F8, goal: F8, cp: F8) -> (n: F8, bits: UInt64) {
        let (a, x, has) = needArgument(v, asym: asym, goal: goal)
        return (a * VMath.vlog(x) * cp, laneBits(has))
    }

    /// `need` on three chunks at once (the same bits; their logarithms side by side, see `VMath.vlog(_:_:_:)`).
    @_transparent static func need(_ v: (F8, F8, F8), asym: (F8, F8, F8), goal: (F8, F8, F8), cp: (F8, F8, F8))
        -> (n: (F8, F8, F8), bits: (UInt64, UInt64, UInt64)) {
        let (a0, x0, has0) = needArgument(v.0, asym: asym.0, goal: goal.0)
        let (a1, x1, has1) = needArgument(v.1, asym: asym.1, goal: goal.1)
        let (a2, x2, has2) = needArgument(v.2, asym: asym.2, goal: goal.2)
        let (l0, l1, l2) = VMath.vlog(x0, x1, x2)
        return ((a0 * l0 * cp.0, a1 * l1 * cp.1, a2 * l2 * cp.2), (laneBits(has0), laneBits(has1), laneBits(has2)))
    }

    /// The curve's room left `a` and the logarithm's argument `x` (1 where there is no gap), and the lanes with a gap.
    @_transparent static func needArgument(_ v: F8, asym: F8, goal: F8) -> (a: F8, x: F8, has: SIMDMask<SIMD8<Int32>>) {
        // In `V8`'s arithmetic and one blend: one AVX instruction each (Swift's SIMD8 division and `replacing` came
        // out here as two halves each).
        let gap = (V8(goal) - V8(v)).v
        let has = gap .> 0
        let a = V8(asym) - V8(v)
        return (a.v, VMath.blend(F8(repeating: 1), (a / (a - V8(gap))).v, where: has), has)
    }

    /// Upkeep of what exists in a chunk (where the indicator is maintained: `maintained` > 0).
    @_transparent static func upkeep(_ v: F8, maintained: F8, cp: F8, share: Float) -> F8 {
        F8(repeating: 0).replacing(with: share * v * cp, where: (maintained .> 0) .& (v .> 0))
    }

    /// Spending with diminishing returns, then decay where upkeep falls short, on the eight indicators of a
    /// chunk at offset `i` of a draw's state (`asym`, `decay`, `maintained`: the chunk's, see `Lanes`). A commune
    /// funded in full spends exactly what closes each gap to its goal (`goal`: this chunk's goals for the commune's
    /// next tier), so its values become the goals: the closed form of the same curve, without the exponential.
    @_transparent static func spend(_ v0: F8, i: Int, need: UnsafeMutablePointer<Float>, cpp: UnsafeMutablePointer<Float>,
                                    funded: Bool, goal: F8, frac: F8, keep: F8, asym: F8, decay: F8, maintained: F8) -> F8 {
        var v = v0
        if funded {
            v = v.replacing(with: goal, where: (v .< goal) .& (load8(need, i) .> 0))
        } else {
            let spend = load8(need, i) * frac
            let spending = spend .> 0
            if any(spending) {
                let r = asym - v
                let e = VMath.vexp(-spend / load8(cpp, i) / r)
                v = v + F8(repeating: 0).replacing(with: r * (1 - e), where: spending)
            }
        }
        let lapse = decay * (1 - keep) * v
        return v - F8(repeating: 0).replacing(with: lapse, where: (maintained .> 0) .& (v .> 0))
    }
}

/// A set of at most 128 lanes (or criteria) as two words: a commune's masks stay in registers in the hot loops.
struct LaneBits {
    var lo: UInt64 = 0, hi: UInt64 = 0
    static let capacity = 128

    /// Adds the eight lanes of chunk `w` given as the low bits of `bits`.
    @inline(__always) mutating func insert(_ bits: UInt64, chunk w: Int) {
        if w < 8 { lo |= bits &<< UInt64(w * 8) } else { hi |= bits &<< UInt64(w * 8 - 64) }
    }
    @inline(__always) mutating func insert(_ k: Int) {
        if k < 64 { lo |= 1 << UInt64(k) } else { hi |= 1 << UInt64(k - 64) }
    }
    @inline(__always) func union(_ o: LaneBits) -> LaneBits { LaneBits(lo: lo | o.lo, hi: hi | o.hi) }
    @inline(__always) var isEmpty: Bool { lo | hi == 0 }
    @inline(__always) var count: Int { lo.nonzeroBitCount + hi.nonzeroBitCount }
    /// Calls `body` with each lane in the set, in increasing order.
    @inline(__always) func forEach(_ body: (Int) -> Void) {
        var b = lo
        while b != 0 { body(b.trailingZeroBitCount); b &= b - 1 }
        b = hi
        while b != 0 { body(64 + b.trailingZeroBitCount); b &= b - 1 }
    }
}
