extension Dataset {
    /// The criteria (by number, ascending) commune `c` meets at `tier` in `year` (default: the base year):
    /// a criterion is met when every indicator graded at that tier meets its threshold.
    public func criteriaMet(_ c: Int, tier: Tier = .standard, catalogue: Catalogue, year: Int? = nil) -> [Int] {
        let y = year ?? baseYear
        return catalogue.criteria.compactMap { crit in
            let ok = crit.indicators.allSatisfy { ind in
                guard let k = column(ind.id) else { return false }
                return ind.meets(value(commune: c, indicator: k), tier: tier, year: y)
            }
            return ok ? crit.number : nil
        }
    }

    /// The highest tier whose criteria commune `c` meets at every tier up to it, from its indicators alone.
    public func tierFromIndicators(_ c: Int, catalogue: Catalogue, year: Int? = nil) -> Tier {
        var t = Tier.below
        for tier in Tier.graded {
            if criteriaMet(c, tier: tier, catalogue: catalogue, year: year).count == catalogue.criteria.count { t = tier } else { break }
        }
        return t
    }

    /// Average number of criteria met at standard thresholds.
    public func averageCriteria(catalogue: Catalogue) -> Double {
        guard !communes.isEmpty else { return 0 }
        let total = communes.indices.reduce(0) { $0 + criteriaMet($1, catalogue: catalogue).count }
        return Double(total) / Double(communes.count)
    }

    /// Communes at or above each tier (tiers nest: an advanced commune counts as standard too).
    public func tierCounts() -> [Tier: Int] {
        var out: [Tier: Int] = [:]
        for t in Tier.allCases { out[t] = communes.filter { t == .below ? $0.tier == .below : $0.tier >= t }.count }
        return out
    }
}
