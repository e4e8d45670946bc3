extension Dataset {
    /// The criteria (by number, ascending) commune `c` meets at `tier` in `year` (default: the base year):
    /// a criterion is met when every indicator graded at that tier meets its threshold.
    public func criteriaMet(_ c: Int, tier: Tier = .standard, catalogue: Catalogue, year: Int? = nil) -> [Int] {
        criteriaMet(c, tier: tier, catalogue: catalogue, year: year, columns: columns(for: catalogue))
    }

    /// For each criterion, the dataset column of each of its indicators (nil where the dataset lacks one).
    public func columns(for catalogue: Catalogue) -> [[Int?]] {
        let index = Dictionary(indicatorIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return catalogue.criteria.map { $0.indicators.map { index[$0.id] } }
    }

    /// As `criteriaMet(_:tier:catalogue:year:)`, with the columns looked up once by the caller.
    public func criteriaMet(_ c: Int, tier: Tier, catalogue: Catalogue, year: Int?, columns: [[Int?]]) -> [Int] {
        let y = year ?? baseYear
        var out: [Int] = []
        for (j, crit) in catalogue.criteria.enumerated() {
            var ok = true
            for (i, ind) in crit.indicators.enumerated() {
                guard let k = columns[j][i], ind.meets(values[c * indicatorIDs.count + k], tier: tier, year: y) else { ok = false; break }
            }
            if ok { out.append(crit.number) }
        }
        return out
    }

    /// The highest tier whose criteria commune `c` meets at every tier up to it, from its indicators alone.
    public func tierFromIndicators(_ c: Int, catalogue: Catalogue, year: Int? = nil, columns: [[Int?]]? = nil) -> Tier {
        let cols = columns ?? self.columns(for: catalogue)
        var t = Tier.below
        for tier in Tier.graded {
            if criteriaMet(c, tier: tier, catalogue: catalogue, year: year, columns: cols).count == catalogue.criteria.count { t = tier } else { break }
        }
        return t
    }

    /// Average number of criteria met at standard thresholds.
    public func averageCriteria(catalogue: Catalogue) -> Double {
        guard !communes.isEmpty else { return 0 }
        let cols = columns(for: catalogue)
        let total = communes.indices.reduce(0) { $0 + criteriaMet($1, tier: .standard, catalogue: catalogue, year: nil, columns: cols).count }
        return Double(total) / Double(communes.count)
    }

    /// Communes at or above each tier (tiers nest: an advanced commune counts as standard too).
    public func tierCounts() -> [Tier: Int] {
        var out: [Tier: Int] = [:]
        for t in Tier.allCases { out[t] = communes.filter { t == .below ? $0.tier == .below : $0.tier >= t }.count }
        return out
    }
}
