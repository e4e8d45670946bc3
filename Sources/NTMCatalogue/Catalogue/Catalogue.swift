/// A number together with where it comes from: `seed §…`, a decision's number, or `assumption: why`.
public struct Sourced<Value: Sendable>: Sendable {
    public var value: Value
    public var source: String
    public init(_ value: Value, source: String) {
        self.value = value
        self.source = source
    }
}

/// A tier's threshold for one indicator, constant or rising by year.
public struct Threshold: Sendable {
    /// Values by year, ascending; a single value applies to every year.
    public var byYear: [(year: Int, value: Double)]
    public var source: String

    public init(value: Double, source: String) {
        byYear = [(0, value)]
        self.source = source
    }

    public init(byYear: [(year: Int, value: Double)], source: String) {
        self.byYear = byYear.sorted { $0.year < $1.year }
        self.source = source
    }

    public var isConstant: Bool { byYear.count == 1 && byYear[0].year == 0 }

    /// The threshold in force in `year`: the value of the latest listed year not after it; before the first
    /// listed year the first value, after the last the last value.
    public func value(in year: Int) -> Double {
        var v = byYear[0].value
        for e in byYear where e.year <= year { v = e.value }
        return v
    }
}

/// A measurable indicator of a criterion.
public struct Indicator: Sendable {
    public var id: String
    public var criterion: Int
    public var vi: String
    public var en: String
    public var unit: String
    public var direction: Direction
    public var kind: IndicatorKind
    /// The values it can take; its upper end (lower, when lower is better) is also where spending saturates.
    public var range: ClosedRange<Double>
    /// Where the range comes from: `percentRangeSource` for a percentage's 0–100, else the catalogue's `source:`.
    public var rangeSource: String
    public var aggregate: Aggregate
    public var size: SizeBasis
    /// Thresholds by tier; a tier missing here does not grade this indicator.
    public var thresholds: [Tier: Threshold]
    /// Source ids allowed to pay for it (resolved from the kind when the catalogue does not list them).
    public var funding: [String]
    public var unitCost: Sourced<Double>
    public var trend: Sourced<Rate>
    public var decay: Sourced<Double>
    public var noise: Sourced<Rate>

    public var isGraded: Bool { !thresholds.isEmpty }

    /// The source of a percentage's range [0, 100], the one range a catalogue may give without a source.
    public static let percentRangeSource = "definition: a percentage runs from 0 to 100"

    public func name(_ lang: Language) -> String { lang == .vi ? vi : en }

    /// Whether `value` meets the tier's threshold in `year` (true when the tier does not grade it).
    public func meets(_ value: Double, tier: Tier, year: Int) -> Bool {
        guard let b = meetingBound(tier: tier, year: year) else { return true }
        return b.higher ? value >= b.bound : value <= b.bound
    }

    /// What `meets` tests: the bound a value must reach at `tier` in `year` (at least it when higher is better,
    /// at most it otherwise), the threshold widened by its tolerance; nil when the tier does not grade this
    /// indicator. For callers that test many values against one bound.
    public func meetingBound(tier: Tier, year: Int) -> (bound: Double, higher: Bool)? {
        guard let t = thresholds[tier] else { return nil }
        let th = t.value(in: year), tol = Self.tolerance(th)
        return direction == .higher ? (th - tol, true) : (th + tol, false)
    }

    /// How close to a threshold counts as meeting it: a few single-precision steps (the engine computes in
    /// Float), at least 3e-5, always below the 1e-4 step of values stored with 4 decimals.
    public static func tolerance(_ threshold: Double) -> Double {
        max(3e-5, 4 * Double(Float(threshold).ulp))
    }

    /// The lowest oriented value (x, or −x for lower-is-better) that meets an oriented threshold, as the engine
    /// tests it in single precision: the threshold less its tolerance.
    public static func lowestMeeting(_ orientedThreshold: Float) -> Float {
        orientedThreshold - Float(tolerance(Double(abs(orientedThreshold))))
    }
}

public struct Criterion: Sendable {
    public var number: Int
    public var vi: String
    public var en: String
    public var group: String
    public var indicators: [Indicator]
    public func name(_ lang: Language) -> String { lang == .vi ? vi : en }
}

public struct DistrictCriterion: Sendable {
    public var number: Int
    public var vi: String
    public var en: String
    public var group: String
    public var source: String
    public func name(_ lang: Language) -> String { lang == .vi ? vi : en }
}

public struct FundingSource: Sendable {
    public var id: String
    public var family: String
    public var vi: String
    public var en: String
    public var paysFor: Set<IndicatorKind>
    public var maintenance: Bool
    public var source: String
    public func name(_ lang: Language) -> String { lang == .vi ? vi : en }
}

/// Engine parameters not tied to one indicator.
public struct ModelParameters: Sendable {
    public var maxStepsPerYear: Sourced<Double>
    public var recognitionProbability: Sourced<Double>
    public var maintenanceShare: Sourced<Double>
    public var headroomShare: Sourced<Double>
    public var districtCriterionCompletion: Sourced<Double>
    public var lapseRevokesRecognition: Sourced<Double>
    /// How far past a threshold planners aim, in years of the indicator's noise (optional in the YAML).
    public var planningMargin: Sourced<Double> = Self.defaultPlanningMargin
    /// The recognition probability for advanced and model (province-level appraisal); when a catalogue does not
    /// say, the same as `recognitionProbability`.
    public var upperRecognitionProbability: Sourced<Double>? = nil

    public static let defaultPlanningMargin = Sourced(0.5, source: "assumption: planners aim half a year's noise past each threshold (the default when a catalogue does not say)")

    public static let keys = ["max_steps_per_year", "recognition_probability", "maintenance_share", "headroom_share",
                              "district_criterion_completion", "lapse_revokes_recognition", "planning_margin",
                              "recognition_probability_upper"]
}

public enum Language: String, CaseIterable, Sendable { case vi, en }

/// The criteria catalogue: criteria, their indicators and thresholds, funding sources, district criteria and
/// the engine's parameters. Data, not code: loaded from YAML.
public struct Catalogue: Sendable {
    /// The catalogue's name in Vietnamese, and in English when the file gives one (`name_en`).
    public var name: String
    public var nameEn: String?
    public var criteria: [Criterion] { didSet { indicators = criteria.flatMap(\.indicators) } }
    public var districtCriteria: [DistrictCriterion]
    public var sources: [FundingSource]
    public var model: ModelParameters

    /// The name in a report's language (the Vietnamese one where the file has no English name).
    public func name(_ lang: Language) -> String { lang == .en ? nameEn ?? name : name }

    /// All indicators in catalogue order (criterion by criterion), kept in step with `criteria`.
    public private(set) var indicators: [Indicator]

    public init(name: String, nameEn: String? = nil, criteria: [Criterion], districtCriteria: [DistrictCriterion], sources: [FundingSource],
                model: ModelParameters) {
        self.name = name
        self.nameEn = nameEn
        self.criteria = criteria
        self.districtCriteria = districtCriteria
        self.sources = sources
        self.model = model
        indicators = criteria.flatMap(\.indicators)
    }

    public func indicator(_ id: String) -> Indicator? { indicators.first { $0.id == id } }
    public func criterion(_ number: Int) -> Criterion? { criteria.first { $0.number == number } }
    public func source(_ id: String) -> FundingSource? { sources.first { $0.id == id } }
}
