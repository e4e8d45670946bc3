import NTMCatalogue
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Eight indicators at a time: the engine's two passes over a commune's indicators work on SIMD vectors.
package typealias F8 = SIMD8<Float>

/// The model's per-indicator constants laid out in lanes, padded to a multiple of eight lanes (`Kp`), so each
/// commune's row is `Kp / 8` whole vectors. Padding lanes never change: no trend, no gap, no noise, always "met".
///
/// Only indicators that can change during the run get a lane (`order`): one with no trend or shock in any year,
/// no noise, no decay and no threshold at any tier keeps its base value (within its bounds) in every draw and
/// year, so the engine does not carry it; its sums are its value times the draws (`fixedValue`). The noisy
/// indicators come first, then the rest in catalogue order.
struct Lanes: Sendable {
    let Kp: Int, W: Int
    /// The indicator in each lane (`order.count` ≤ Kp), and each indicator's lane (−1 when it has none).
    let order: [Int], laneOf: [Int]
    /// Per lane: the indicator's eligibility group (0 in padding lanes: never read there).
    let groupOf: [Int]
    /// W × 256: the criteria of the lanes set in each byte of a chunk's lane bits (entry w << 8 | bits; padding
    /// lanes add none).
    let chunkCriteria: [LaneBits]
    let asym: [F8], zHi: [F8], zLo: [F8]
    /// Decay where upkeep keeps an indicator (0 elsewhere), and 1 where it is maintained, 0 elsewhere.
    let decay: [F8], maintained: [F8]
    /// Noise: which lanes have it, relative and in points, and the last tenth of the range, over which it fades
    /// near the ceiling.
    let noisy: [SIMDMask<SIMD8<Int32>>]
    /// How many chunks hold a noisy lane: they come first (the noisy indicators have the first lanes). Past them
    /// nothing is random within a year.
    let noisyW: Int
    let noiseRel: [F8], noisePts: [F8], noiseFade: [F8]
    /// C × Kp: million VND per point at the start of the curve (1 in padding lanes).
    let costPerPoint: [Float]
    /// C × Kp: the base-year oriented values (0 in padding lanes).
    let z0: [Float]

    /// - Parameter everyIndicator: a lane for every indicator in catalogue order (the layout the peer reads).
    init(model m: Model, everyIndicator: Bool = false) {
        let changes = (0..<m.K).map { k in
            everyIndicator || m.noisy.contains(k) || (m.maintained[k] && m.decay[k] > 0)
                || m.years.indices.contains { y in
                    m.trendRel[y][k] != 0 || m.trendPts[y][k] != 0 || m.oneOff[y][k] != 0
                        || (0..<3).contains { m.thresholds[y][$0][k] > -.infinity }
                }
        }
        let ord = everyIndicator ? Array(0..<m.K) : m.noisy + (0..<m.K).filter { changes[$0] && !m.noisy.contains($0) }
        let kp = max(8, (ord.count + 7) / 8 * 8)
        order = ord
        Kp = kp
        W = kp / 8
        var lane = [Int](repeating: -1, count: m.K)
        for (l, k) in ord.enumerated() { lane[k] = l }
        laneOf = lane
        groupOf = (0..<kp).map { $0 < ord.count ? m.groupOf[ord[$0]] : 0 }
        chunkCriteria = (0..<(kp / 8 * 256)).map { e in
            var set = LaneBits()
            for bit in 0..<8 where (e & 0xFF) >> bit & 1 != 0 {
                let l = (e >> 8) * 8 + bit
                if l < ord.count { set.insert(m.criterionOf[ord[l]]) }
            }
            return set
        }
        func pack(_ v: [Float], pad: Float) -> [F8] { Self.pack(v, order: ord, Kp: kp, pad: pad) }
        asym = pack(m.asymptote, pad: 1)
        zHi = pack(m.zHi, pad: 0)
        zLo = pack(m.zLo, pad: 0)
        decay = pack(m.decay.indices.map { m.maintained[$0] ? m.decay[$0] : 0 }, pad: 0)
        maintained = pack(m.maintained.map { $0 ? 1 : 0 }, pad: 0)
        noisy = pack((0..<m.K).map { m.noisy.contains($0) ? Float(1) : 0 }, pad: 0).map { $0 .> 0 }
        noisyW = noisy.lastIndex { any($0) }.map { $0 + 1 } ?? 0
        noiseRel = pack(m.noiseRel, pad: 0)
        noisePts = pack(m.noisePts, pad: 0)
        noiseFade = pack((0..<m.K).map { 0.1 * (m.zHi[$0] - m.zLo[$0]) }, pad: 1)
        costPerPoint = Self.rows(m.costPerPoint, rows: m.C, K: m.K, order: ord, Kp: kp, pad: 1)
        z0 = Self.rows(m.z0, rows: m.C, K: m.K, order: ord, Kp: kp, pad: 0)
    }

    /// Per-indicator values `v` (K) in lanes, padded with `pad`, as vectors.
    func pack(_ v: [Float], pad: Float) -> [F8] { Self.pack(v, order: order, Kp: Kp, pad: pad) }

    /// Per-lane values (Kp, already in lanes) as vectors.
    func vectors(_ v: [Float]) -> [F8] {
        stride(from: 0, to: v.count, by: 8).map { F8(v[$0..<($0 + 8)]) }
    }

    /// Commune c's fixed value of indicator k (an indicator without a lane): its base value within its bounds.
    func fixedValue(_ m: Model, commune c: Int, indicator k: Int) -> Float {
        let v = m.z0[c * m.K + k]
        return v < m.zLo[k] ? m.zLo[k] : (v > m.zHi[k] ? m.zHi[k] : v)
    }

    private static func pack(_ v: [Float], order: [Int], Kp: Int, pad: Float) -> [F8] {
        let lanes = (0..<Kp).map { $0 < order.count ? v[order[$0]] : pad }
        return stride(from: 0, to: Kp, by: 8).map { F8(lanes[$0..<($0 + 8)]) }
    }

    private static func rows(_ v: [Float], rows: Int, K: Int, order: [Int], Kp: Int, pad: Float) -> [Float] {
        var out = [Float](repeating: pad, count: rows * Kp)
        for r in 0..<rows { for (l, k) in order.enumerated() { out[r * Kp + l] = v[r * K + k] } }
        return out
    }
}

/// Vector load and store of eight Floats at `p + i` (no alignment needed).
@inline(__always) func load8(_ p: UnsafePointer<Float>, _ i: Int) -> F8 {
    UnsafeRawPointer(p + i).loadUnaligned(as: F8.self)
}
@inline(__always) func store8(_ p: UnsafeMutablePointer<Float>, _ i: Int, _ v: F8) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: F8.self)
}

/// The lanes of a comparison as the low eight bits of an integer (lane 0 → bit 0).
@inline(__always) func laneBits(_ m: SIMDMask<SIMD8<Int32>>) -> UInt64 {
#if arch(x86_64)
    // The lanes' sign bits in one instruction (a true lane is all ones).
    return UInt64(truncatingIfNeeded: _mm256_movemask_ps(unsafeBitCast(m, to: F8.self)))
#else
    let weights = SIMD8<UInt32>(1, 2, 4, 8, 16, 32, 64, 128)
    let w = SIMD8<UInt32>(repeating: 0).replacing(with: weights, where: m)
    // OR the halves together (the generic wrappedSum is not inlined).
    let q = w.lowHalf | w.highHalf, p = q.lowHalf | q.highHalf
    return UInt64(p[0] | p[1])
#endif
}

/// Natural logarithm and exponential of eight Floats, with only IEEE arithmetic and bit operations
/// (the Cephes single-precision algorithms: about 1 ulp), so they vectorise and a peer written with whole-array
/// float32 operations computes the very same bits. Arguments: `vlog` for x > 0 (finite); `vexp` for any x,
/// clamped to [−87.3, 88.7]. Conversions between integers and floats go through bit patterns (2^23 + i), as
/// Swift's generic SIMD conversions are not inlined.
package enum VMath {
    /// |x|, by clearing the sign bit.
    @inline(__always) static func abs(_ x: F8) -> F8 {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: F8.self)
    }

    @inline(__always) package static func vlog(_ x0: F8) -> F8 {
        let (x, e) = logReduce(x0)
        return logPolynomial(V8(x), V8(e)).v
    }

    /// `vlog` of three vectors at once, step by step together: the same operations on each lane (the same bits),
    /// but three independent chains for the processor to overlap where one `vlog` after another waits on each
    /// step of its polynomial (pass 1 of the noisy chunks: 0.77 of its perf samples, national run, one thread).
    /// Not inlined: inlined into pass 1, the compiler puts the three polynomials one after another again, and
    /// pass 1 is as slow as with three calls of `vlog`.
    @inline(never) package static func vlog(_ x0: F8, _ x1: F8, _ x2: F8) -> (F8, F8, F8) {
        let (m0, e0) = logReduce(x0), (m1, e1) = logReduce(x1), (m2, e2) = logReduce(x2)
        let y = logPolynomial(V8x3(V8(m0), V8(m1), V8(m2)), V8x3(V8(e0), V8(e1), V8(e2)))
        return (y.a.v, y.b.v, y.c.v)
    }

    /// Each vector's lanes summed in lane order, as `sum()` adds them, for three vectors at once (lanes 0, 1 and 2
    /// of the result; lane 3 is 0): the three are turned on their side so that one vector addition adds the next
    /// lane of each, instead of three chains of single additions with a shuffle before each.
    @inline(__always) package static func sums(_ a: F8, _ b: F8, _ c: F8) -> SIMD4<Float> {
#if arch(x86_64)
        @inline(__always) func pairs(_ x: F8) -> SIMD4<Double> { unsafeBitCast(x, to: SIMD4<Double>.self) }
        @inline(__always) func floats(_ x: SIMD4<Double>) -> F8 { unsafeBitCast(x, to: F8.self) }
        let z = F8(repeating: 0)
        // ab: (a0 b0 a1 b1 | a4 b4 a5 b5), ab2: (a2 b2 a3 b3 | a6 b6 a7 b7); c0, c2 the same of c and zeros.
        let ab = _mm256_unpacklo_ps(a, b), ab2 = _mm256_unpackhi_ps(a, b)
        let c0 = _mm256_unpacklo_ps(c, z), c2 = _mm256_unpackhi_ps(c, z)
        // Lane l of the three (and a zero) in the low half, lane l + 4 in the high half.
        let l04 = floats(_mm256_unpacklo_pd(pairs(ab), pairs(c0))), l15 = floats(_mm256_unpackhi_pd(pairs(ab), pairs(c0)))
        let l26 = floats(_mm256_unpacklo_pd(pairs(ab2), pairs(c2))), l37 = floats(_mm256_unpackhi_pd(pairs(ab2), pairs(c2)))
        var s = _mm_add_ps(l04.lowHalf, l15.lowHalf)
        s = _mm_add_ps(s, l26.lowHalf); s = _mm_add_ps(s, l37.lowHalf)
        s = _mm_add_ps(s, l04.highHalf); s = _mm_add_ps(s, l15.highHalf)
        s = _mm_add_ps(s, l26.highHalf); s = _mm_add_ps(s, l37.highHalf)
        return s
#else
        return SIMD4(a.sum(), b.sum(), c.sum(), 0)
#endif
    }

    /// `x.replacing(with: y, where: m)` in one AVX blend (Swift's can come out as two halves).
    @inline(__always) static func blend(_ x: F8, _ y: F8, where m: SIMDMask<SIMD8<Int32>>) -> F8 {
#if arch(x86_64)
        // A true lane is all ones: its sign bit picks y.
        return _mm256_blendv_ps(x, y, unsafeBitCast(m, to: F8.self))
#else
        return x.replacing(with: y, where: m)
#endif
    }

    /// x = m · 2^e with m in [√½, √2), returned as (m − 1, e).
    @inline(__always) static func logReduce(_ x0: F8) -> (F8, F8) {
        let bits = unsafeBitCast(x0, to: SIMD8<UInt32>.self)
        // The exponent field as a Float, without an int-to-float conversion: 2^23 + field, less 2^23 + 126.
        var e = unsafeBitCast(0x4B00_0000 | ((bits &>> 23) & 0xFF), to: F8.self) - 8_388_734
        var x = unsafeBitCast((bits & 0x807F_FFFF) | 0x3F00_0000, to: F8.self) // mantissa in [0.5, 1)
        let small = x .< 0.707106781186547524
        e = e.replacing(with: e - 1, where: small)
        x = x.replacing(with: x + x, where: small) - 1
        return (x, e)
    }

    /// log(1 + X) + E · ln 2, from `logReduce`'s (X, E).
    @inline(__always) static func logPolynomial<P: FloatPack>(_ X: P, _ E: P) -> P {
        let z = X * X
        var y: P = 7.0376836292e-2
        y = y * X - 1.1514610310e-1
        y = y * X + 1.1676998740e-1
        y = y * X - 1.2420140846e-1
        y = y * X + 1.4249322787e-1
        y = y * X - 1.6668057665e-1
        y = y * X + 2.0000714765e-1
        y = y * X - 2.4999993993e-1
        y = y * X + 3.3333331174e-1
        y = y * X * z
        y = y + E * -2.12194440e-4
        y = y - z * 0.5
        return X + y + E * 0.693359375
    }

    @inline(__always) static func vexp(_ x0: F8) -> F8 {
        let x1 = V8(x0.replacing(with: -87.3, where: x0 .< -87.3).replacing(with: 88.7, where: x0 .> 88.7))
        // n = x / ln 2 rounded to the nearest integer (ties to even), by the 1.5 × 2^23 trick.
        let n = (x1 * 1.44269504088896341 + 12_582_912) - 12_582_912
        let x = x1 - n * 0.693359375 - n * -2.12194440e-4
        let z = x * x
        var y: V8 = 1.9875691500e-4
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * z + x + 1
        // 2^n: the biased exponent n + 127 read back as an integer (2^23 + n + 127 has it in its low bits).
        let biased = unsafeBitCast((n + 8_388_735).v, to: SIMD8<UInt32>.self) & 0xFF
        return (y * V8(unsafeBitCast(biased &<< 23, to: F8.self))).v
    }
}

/// Arithmetic on one or more vectors of eight Floats, lane by lane (`VMath`'s polynomials are written once for both).
protocol FloatPack: ExpressibleByFloatLiteral {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
}

/// Three vectors of eight Floats, each operation applied to the three in turn: three independent chains.
struct V8x3: FloatPack {
    var a: V8, b: V8, c: V8
    @inline(__always) init(_ a: V8, _ b: V8, _ c: V8) { self.a = a; self.b = b; self.c = c }
    @inline(__always) init(floatLiteral x: Float) { let v = V8(floatLiteral: x); self.init(v, v, v) }
    @inline(__always) static func + (l: V8x3, r: V8x3) -> V8x3 { V8x3(l.a + r.a, l.b + r.b, l.c + r.c) }
    @inline(__always) static func - (l: V8x3, r: V8x3) -> V8x3 { V8x3(l.a - r.a, l.b - r.b, l.c - r.c) }
    @inline(__always) static func * (l: V8x3, r: V8x3) -> V8x3 { V8x3(l.a * r.a, l.b * r.b, l.c * r.c) }
}

/// Eight Floats whose arithmetic is one AVX instruction per operation. Swift's SIMD arithmetic is written
/// lane by lane for LLVM to put back together, and in long dependent chains (the polynomials of `VMath`) it
/// leaves most lanes scalar; these operations cannot come apart. The same IEEE operations in the same order
/// (never fused), so the results are the very same bits. Other architectures use Swift's SIMD arithmetic.
struct V8: FloatPack, ExpressibleByIntegerLiteral {
    var v: F8
    @inline(__always) init(_ v: F8) { self.v = v }
    @inline(__always) init(floatLiteral x: Float) { v = F8(repeating: x) }
    @inline(__always) init(integerLiteral x: Int) { v = F8(repeating: Float(x)) }
#if arch(x86_64)
    @inline(__always) static func + (a: V8, b: V8) -> V8 { V8(_mm256_add_ps(a.v, b.v)) }
    @inline(__always) static func - (a: V8, b: V8) -> V8 { V8(_mm256_sub_ps(a.v, b.v)) }
    @inline(__always) static func * (a: V8, b: V8) -> V8 { V8(_mm256_mul_ps(a.v, b.v)) }
    @inline(__always) static func / (a: V8, b: V8) -> V8 { V8(_mm256_div_ps(a.v, b.v)) }
#else
    @inline(__always) static func + (a: V8, b: V8) -> V8 { V8(a.v + b.v) }
    @inline(__always) static func - (a: V8, b: V8) -> V8 { V8(a.v - b.v) }
    @inline(__always) static func * (a: V8, b: V8) -> V8 { V8(a.v * b.v) }
    @inline(__always) static func / (a: V8, b: V8) -> V8 { V8(a.v / b.v) }
#endif
}
