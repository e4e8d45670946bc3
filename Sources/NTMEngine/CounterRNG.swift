import Foundation
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Counter-based random numbers: every number is a pure function of (seed, stream, year, draw, commune,
/// index), so results do not depend on thread count or the order work is done in, and every scenario or
/// policy compared in one run sees the same noise (common random numbers).
///
/// The mixer is SplitMix64's finaliser (Steele, Lea & Flood 2014), applied to a key built from the
/// coordinates. Each 64-bit output gives two 23-bit uniforms, or five standard normals: five 12-bit fields,
/// each looked up in a table of the normal quantiles at the midpoints of 4,096 equal-probability cells
/// (`normalTable`, 16 KB, so it stays in the first-level cache). Normals thus cost a fifth of a hash and no
/// transcendental function in the hot loop. The quantiles are Wichura's AS 241 in Double, scaled so the
/// table's variance is exactly 1; the tails are cut at ±3.4 σ (a year's shock beyond that is not modelled).
public struct CounterRNG: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public enum Stream: UInt64, Sendable {
        case noise = 1, recognition = 2, district = 3
    }

    @inline(__always) public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The key of one (stream, year, draw, unit): units are communes, or districts for the district stream.
    @inline(__always) public func key(_ stream: Stream, year: Int, draw: Int, unit: Int) -> UInt64 {
        Self.key(yearKey: yearKey(stream, year: year), draw: draw, unit: unit)
    }

    /// Two uniforms in (0, 1) for position `index` under `key`.
    @inline(__always) public static func uniforms(_ key: UInt64, _ index: Int) -> (Float, Float) {
        let h = bits(key, index)
        // 23 bits each, so (x + 0.5) / 2^23 is exact in Float and never reaches 0 or 1.
        let a = Float(UInt32(truncatingIfNeeded: h >> 41)) + 0.5, b = Float(UInt32(truncatingIfNeeded: (h >> 8) & 0x7F_FFFF)) + 0.5
        return (a / 8_388_608, b / 8_388_608)
    }

    /// The key of one (stream, year): hoisted out of loops over draws and units.
    @inline(__always) public func yearKey(_ stream: Stream, year: Int) -> UInt64 {
        Self.mix(seed ^ Self.mix(stream.rawValue &* 0xD1B5_4A32_D192_ED03 ^ UInt64(year)))
    }

    /// The same as `key(stream, year:, draw:, unit:)`, from a hoisted `yearKey`.
    @inline(__always) public static func key(yearKey: UInt64, draw: Int, unit: Int) -> UInt64 {
        mix(yearKey ^ (UInt64(draw) << 32 | UInt64(unit)))
    }

    /// The 64 random bits of position `index` under `key` (also the source of `uniforms`).
    @inline(__always) public static func bits(_ key: UInt64, _ index: Int) -> UInt64 {
        mix(key ^ (UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// `bits(key, index + j)` for j = 0 … 3. On x86 the four hashes go through the mixer side by side, with the
    /// same integer operations on four 64-bit lanes (AVX2 has no 64-bit multiply: each is the three 32-bit
    /// products that make its low 64 bits), so the bits are the same.
    @inline(__always) public static func bits4(_ key: UInt64, from index: Int) -> SIMD4<UInt64> {
#if arch(x86_64)
        let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
        @inline(__always) func splat(_ x: UInt64) -> __m256i { _mm256_set1_epi64x(Int64(bitPattern: x)) }
        /// a × c modulo 2^64, lane by lane: lo(a)·lo(c) + (hi(a)·lo(c) + lo(a)·hi(c)) · 2^32.
        @inline(__always) func times(_ a: __m256i, _ c: UInt64) -> __m256i {
            let cLo = splat(c), cHi = splat(c >> 32)
            let cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), cLo), _mm256_mul_epu32(a, cHi))
            return _mm256_add_epi64(_mm256_mul_epu32(a, cLo), _mm256_slli_epi64(cross, 32))
        }
        // (index + 1 + j) · golden = (index + 1) · golden + j · golden, modulo 2^64.
        let steps = unsafeBitCast(SIMD4<UInt64>(0, golden, golden &* 2, golden &* 3), to: __m256i.self)
        let counters = _mm256_add_epi64(splat(UInt64(index + 1) &* golden), steps)
        var z = _mm256_add_epi64(_mm256_xor_si256(splat(key), counters), splat(golden))
        z = times(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), 0xBF58_476D_1CE4_E5B9)
        z = times(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), 0x94D0_49BB_1331_11EB)
        return unsafeBitCast(_mm256_xor_si256(z, _mm256_srli_epi64(z, 31)), to: SIMD4<UInt64>.self)
#else
        SIMD4(bits(key, index), bits(key, index + 1), bits(key, index + 2), bits(key, index + 3))
#endif
    }

    /// The standard normal number `i` under `key`: 12-bit field i % 5 of the 64 bits of position i / 5.
    @inline(__always) public static func normal(_ key: UInt64, _ i: Int) -> Float {
        let h = bits(key, i / 5)
        return normalTable[Int(truncatingIfNeeded: (h >> UInt64(12 * (i % 5))) & 0xFFF)]
    }

    /// Normal quantiles at (i + 0.5) / 4,096, i = 0 … 4,095, scaled to unit variance.
    public static let normalTable: [Float] = {
        let q = (0..<4_096).map { normalQuantile((Double($0) + 0.5) / 4_096) }
        let sd = (q.reduce(0) { $0 + $1 * $1 } / 4_096).squareRoot()
        return q.map { Float($0 / sd) }
    }()

    /// The standard normal quantile (Wichura 1988, algorithm AS 241 "PPND16", relative error about 1e-16).
    public static func normalQuantile(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let den = (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1)
            return q * num / den
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        var v: Double
        if r <= 5 {
            r -= 1.6
            v = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1)
        } else {
            r -= 5
            v = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1)
        }
        return q < 0 ? -v : v
    }
}
