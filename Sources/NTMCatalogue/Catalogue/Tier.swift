/// A commune's standing in the programme. Tiers nest: a model commune is also advanced and standard.
public enum Tier: Int, CaseIterable, Comparable, Sendable, Codable {
    case below = 0, standard, advanced, model

    public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }

    /// The identifier used in files: `below`, `standard`, `advanced`, `model`.
    public var id: String {
        switch self {
        case .below: "below"
        case .standard: "standard"
        case .advanced: "advanced"
        case .model: "model"
        }
    }

    public init?(id: String) {
        guard let t = Tier.allCases.first(where: { $0.id == id }) else { return nil }
        self = t
    }

    /// The tiers that have thresholds (all but `below`).
    public static let graded: [Tier] = [.standard, .advanced, .model]

    public var next: Tier? { Tier(rawValue: rawValue + 1) }
}

/// How an indicator's movement is expressed: as a share of its value, or in its own points.
public enum Rate: Sendable, Equatable {
    case relative(Double)
    case points(Double)

    public var value: Double {
        switch self { case .relative(let v), .points(let v): v }
    }
    public var isRelative: Bool { if case .relative = self { true } else { false } }
}

public enum Direction: String, CaseIterable, Sendable { case higher, lower }

public enum IndicatorKind: String, CaseIterable, Sendable {
    case infrastructure, economic, administrative

    /// The kind in a report's language.
    public func name(_ lang: Language) -> String {
        switch (self, lang) {
        case (.infrastructure, .vi): "hạ tầng"
        case (.economic, .vi): "kinh tế"
        case (.administrative, .vi): "hành chính"
        case (_, .en): rawValue
        }
    }
}

/// What communes' values are weighted by when they add up to a province figure.
public enum Aggregate: String, CaseIterable, Sendable { case households, hamlets, communes, sum }

/// What a commune's cost for an indicator scales with.
public enum SizeBasis: String, CaseIterable, Sendable { case households, hamlets, commune }
