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
        CriteriaGrader(self, catalogue: catalogue, tier: tier, year: year, columns: columns).criteriaMet(c)
    }

    /// The highest tier whose criteria commune `c` meets at every tier up to it, from its indicators alone.
    public func tierFromIndicators(_ c: Int, catalogue: Catalogue, year: Int? = nil, columns: [[Int?]]? = nil) -> Tier {
        let cols = columns ?? self.columns(for: catalogue)
        return CriteriaGrader.tierFromIndicators(c, graders: Tier.graded.map { CriteriaGrader(self, catalogue: catalogue, tier: $0, year: year, columns: cols) })
    }

    /// Average number of criteria met at standard thresholds.
    public func averageCriteria(catalogue: Catalogue) -> Double {
        guard !communes.isEmpty else { return 0 }
        let grader = CriteriaGrader(self, catalogue: catalogue, tier: .standard)
        let total = communes.indices.reduce(0) { $0 + grader.countMet($1) }
        return Double(total) / Double(communes.count)
    }

    /// Communes at or above each tier (tiers nest: an advanced commune counts as standard too).
    public func tierCounts() -> [Tier: Int] {
        // One pass over the communes in their storage (a filter per tier copied every commune, texts and all).
        var exactly = [Int](repeating: 0, count: Tier.allCases.count)
        communes.withUnsafeBufferPointer { for i in $0.indices { exactly[$0[i].tier.rawValue] += 1 } }
        var out: [Tier: Int] = [:]
        for t in Tier.allCases { out[t] = t == .below ? exactly[0] : exactly[t.rawValue...].reduce(0, +) }
        return out
    }
}

/// The criteria test of one tier and year, laid out flat for grading many communes: per criterion, the
/// dataset column and bound of each indicator graded at the tier. Gives exactly `Indicator.meets`'s answers
/// without copying catalogue structures per commune.
public struct CriteriaGrader: Sendable {
    /// Criterion numbers, in catalogue order.
    public let numbers: [Int]
    /// Indicators of criterion j are entries `start[j] ..< start[j + 1]`.
    let start: [Int]
    /// Dataset column of each graded indicator; -1 where the dataset lacks it (the criterion is then never met).
    let column: [Int]
    /// `threshold - tolerance` (higher is better) or `threshold + tolerance` (lower is better).
    let bound: [Double]
    let higher: [Bool]
    let values: [Double]
    let stride: Int

    /// - Parameter values: values in the dataset's layout (communes × its indicators) to grade instead of the
    ///   dataset's own, such as a projection's expected values.
    public init(_ dataset: Dataset, catalogue: Catalogue, tier: Tier, year: Int? = nil, columns: [[Int?]]? = nil,
                values: [Double]? = nil) {
        let cols = columns ?? dataset.columns(for: catalogue)
        let y = year ?? dataset.baseYear
        var numbers: [Int] = [], start: [Int] = [0], column: [Int] = [], bound: [Double] = [], higher: [Bool] = []
        for (j, crit) in catalogue.criteria.enumerated() {
            numbers.append(crit.number)
            for (i, ind) in crit.indicators.enumerated() {
                guard let k = cols[j][i] else {
                    column.append(-1); bound.append(0); higher.append(true); continue
                }
                // Indicator.meets: true when the tier does not grade the indicator.
                guard let b = ind.meetingBound(tier: tier, year: y) else { continue }
                column.append(k); bound.append(b.bound); higher.append(b.higher)
            }
            start.append(column.count)
        }
        self.numbers = numbers
        self.start = start
        self.column = column
        self.bound = bound
        self.higher = higher
        self.values = values ?? dataset.values
        stride = dataset.indicatorIDs.count
    }

    /// Whether commune `c` meets criterion index `j` (catalogue order).
    @inline(__always)
    public func meets(_ c: Int, criterion j: Int) -> Bool {
        let base = c * stride
        for e in start[j]..<start[j + 1] {
            let k = column[e]
            if k < 0 { return false }
            let v = values[base + k]
            if higher[e] ? !(v >= bound[e]) : !(v <= bound[e]) { return false }
        }
        return true
    }

    /// The criteria (by number, in catalogue order) commune `c` meets.
    public func criteriaMet(_ c: Int) -> [Int] {
        var out: [Int] = []
        for j in numbers.indices where meets(c, criterion: j) { out.append(numbers[j]) }
        return out
    }

    /// How many criteria commune `c` meets.
    public func countMet(_ c: Int) -> Int {
        var n = 0
        for j in numbers.indices where meets(c, criterion: j) { n += 1 }
        return n
    }

    /// Whether commune `c` meets every criterion.
    public func meetsAll(_ c: Int) -> Bool {
        for j in numbers.indices where !meets(c, criterion: j) { return false }
        return true
    }

    /// The highest tier whose criteria commune `c` meets at every tier up to it; `graders` are those of
    /// `Tier.graded`, in order.
    public static func tierFromIndicators(_ c: Int, graders: [CriteriaGrader]) -> Tier {
        var t = Tier.below
        for (tier, g) in zip(Tier.graded, graders) {
            if g.meetsAll(c) { t = tier } else { break }
        }
        return t
    }
}
