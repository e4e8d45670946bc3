import Foundation

/// Where a commune's indicator value comes from.
public enum Provenance: String, CaseIterable, Sendable {
    /// The report gives this commune's value (e.g. "80/80 communes have a cultural house").
    case reported
    /// Follows from reported facts and the catalogue (e.g. a criterion met forces the value to its threshold).
    case derived
    /// Chosen by the documented, deterministic imputation within the limits the facts allow.
    case imputed
}

public struct Commune: Sendable {
    public var code: String
    public var name: String
    public var districtCode: String
    public var district: String
    public var districtKind: String
    public var tier: Tier
    public var tierSource: String
    public var households: Int
    public var hamlets: Int
}

public struct District: Sendable {
    public var code: String
    public var name: String
    public var kind: String
    /// `recognised`, `applied`, `preparing` or `in_progress`.
    public var status: String
    public var criteriaMet: Set<Int>
    public var source: String
    public var isRecognised: Bool { status == "recognised" }
}

/// A province's communes at a base year: tiers, sizes and a value for every catalogue indicator.
public struct Dataset: Sendable {
    public var name: String
    public var province: String
    public var baseYear: Int
    public var communes: [Commune]
    public var districts: [District]
    /// Indicator ids, in catalogue order; columns of `values`.
    public var indicatorIDs: [String]
    /// Commune-major matrix: `values[c * indicatorIDs.count + k]`.
    public var values: [Double]
    public var provenance: [Provenance]
    public var names: NameMatcher
    /// The facts and recipe this dataset was built from (province figures, totals).
    public var recipe: DatasetRecipe?
    /// The folder it was loaded from (nil when built in memory).
    public var folder: String?

    public var communeCount: Int { communes.count }

    public func value(commune c: Int, indicator k: Int) -> Double { values[c * indicatorIDs.count + k] }

    public func column(_ id: String) -> Int? { indicatorIDs.firstIndex(of: id) }

    /// The communes of each district, by district code: their indices in dataset order (as filtering the
    /// communes district by district gives), in one pass.
    public func communesByDistrict() -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for (c, commune) in communes.enumerated() { out[commune.districtCode, default: []].append(c) }
        return out
    }

    public func weight(_ a: Aggregate, commune c: Int) -> Double { Self.weight(a, communes[c]) }

    @inline(__always) static func weight(_ a: Aggregate, _ commune: borrowing Commune) -> Double {
        switch a {
        case .households: Double(commune.households)
        case .hamlets: Double(commune.hamlets)
        case .communes, .sum: 1
        }
    }

    public func size(_ s: SizeBasis, commune c: Int) -> Double {
        switch s {
        case .households: Double(communes[c].households)
        case .hamlets: Double(communes[c].hamlets)
        case .commune: 1
        }
    }

    /// The province figure for an indicator: the weighted mean, or the total for `sum` indicators.
    public func provinceValue(_ ind: Indicator) -> Double? {
        guard let k = column(ind.id) else { return nil }
        return provinceValue(ind) { value(commune: $0, indicator: k) }
    }

    /// The province-wide figure of per-commune values of `ind` (a projection's, say): summed or weighted as the
    /// indicator aggregates; nil for a weighted mean with no weight.
    public func provinceValue(_ ind: Indicator, of value: (Int) -> Double) -> Double? {
        var num = 0.0, den = 0.0
        // (On the communes' storage: a commune read by index is copied, its texts retained and released, and a
        // national run asks this of 8,177 communes for each of 41 indicators.)
        let aggregate = ind.aggregate
        communes.withUnsafeBufferPointer { communes in
            for c in communes.indices {
                let w = Self.weight(aggregate, communes[c])
                num += w * value(c)
                den += w
            }
        }
        if ind.aggregate == .sum { return num }
        return den > 0 ? num / den : nil
    }
}
