import Foundation

/// Counter-based random numbers: every number is a pure function of (seed, stream, year, draw, commune,
/// index), so results do not depend on thread count or the order work is done in, and every scenario or
/// policy compared in one run sees the same noise (common random numbers).
///
/// The mixer is SplitMix64's finaliser (Steele, Lea & Flood 2014), applied to a key built from the
/// coordinates; each 64-bit output gives two 23-bit uniforms, and Box–Muller turns two uniforms into two
/// standard normals.
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
        let yearKey = Self.mix(seed ^ Self.mix(stream.rawValue &* 0xD1B5_4A32_D192_ED03 ^ UInt64(year)))
        return Self.mix(yearKey ^ (UInt64(draw) << 32 | UInt64(unit)))
    }

    /// Two uniforms in (0, 1) for position `index` under `key`.
    @inline(__always) public static func uniforms(_ key: UInt64, _ index: Int) -> (Float, Float) {
        let h = mix(key ^ (UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15))
        // 23 bits each, so (x + 0.5) / 2^23 is exact in Float and never reaches 0 or 1.
        let a = Float(UInt32(truncatingIfNeeded: h >> 41)) + 0.5, b = Float(UInt32(truncatingIfNeeded: (h >> 8) & 0x7F_FFFF)) + 0.5
        return (a / 8_388_608, b / 8_388_608)
    }

    /// Two independent standard normals for position `index` under `key` (Box–Muller).
    @inline(__always) public static func normals(_ key: UInt64, _ index: Int) -> (Float, Float) {
        let (u1, u2) = uniforms(key, index)
        let r = (-2 * logf(u1)).squareRoot()
        let t = 2 * Float.pi * u2
        return (r * cosf(t), r * sinf(t))
    }
}
