/// What several test targets check against, written once: the report's Appendix II and the tests' seeded
/// generator.

/// The ten below-standard communes of the province report's Appendix II, as DOMAIN.md §2 gives them:
/// statistics-office code, name, criteria met (ascending).
public enum AppendixII {
    public static let communes: [(code: String, name: String, met: [Int])] = [
        ("31699", "Thạnh Thới An", [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19]),
        ("31687", "Tài Văn", [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19]),
        ("31534", "Xuân Hòa", [1, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 15, 16, 18, 19]),
        ("31549", "Thới An Hội", [1, 3, 4, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19]),
        ("31537", "Phong Nẫm", [1, 3, 4, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19]),
        ("31564", "An Mỹ", [1, 3, 4, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19]),
        ("31555", "Kế Thành", [1, 3, 4, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19]),
        ("31603", "Mỹ Phước", [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
        ("31669", "Long Phú", [1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
        ("31660", "Tân Hưng", [1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
    ]
}

/// SplitMix64 (Steele, Lea & Flood 2014): the tests' small deterministic generator, seeded so a failing case can
/// be replayed.
public struct SplitMix {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992.0 }
    /// An integer in 0 ..< n (0 when n ≤ 1).
    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}
