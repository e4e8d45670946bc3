import Foundation

/// A synthetic national dataset for benchmarks and national-scale runs: communes in provinces and districts,
/// with tier shares and a criteria distribution matching the national figures of June 2023 (DOMAIN.md §4),
/// and indicator values drawn around a template province's (Sóc Trăng's) within the limits each commune's
/// tier allows. Deterministic in the seed. Nothing in it is a real commune.
public struct Synthesis {
    public var communes: Int
    public var provinces: Int
    public var seed: UInt64
    public let catalogue: Catalogue
    public let template: Dataset

    /// National shares, June 2023 (DOMAIN.md §4): 8,177 communes, 6,022 standard, 1,331 advanced, 176 model.
    public static let nationalCommunes = 8177
    static let standardShare = 6022.0 / 8177, advancedShare = 1331.0 / 8177, modelShare = 176.0 / 8177
    /// Criteria met by communes below standard: (16.7 × 8,233 − 19 × 5,360) / 2,873 = 12.4 in Oct 2021 and
    /// (17.0 × 8,227 − 19 × 5,775) / 2,452 = 12.3 in Jun 2022 (derived from DOMAIN.md §4).
    static let belowMeanCriteria = 12.3
    /// assumption: about 700 rural districts (no national count is in DOMAIN.md); only the districts' sizes follow from it.
    static let communesPerDistrict = 8177.0 / 700

    public init(communes: Int, provinces: Int, seed: UInt64, catalogue: Catalogue, template: Dataset) {
        self.communes = communes
        self.provinces = provinces
        self.seed = seed
        self.catalogue = catalogue
        self.template = template
    }

    func uniform(_ a: Int, _ b: String) -> Double { uniform(a, Key(b)) }

    func normal(_ a: Int, _ b: String) -> Double { normal(a, NormalKey(b)) }

    /// A key's hash, computed once for the many communes drawn with it.
    struct Key {
        let hash: UInt64
        init(_ b: String) { hash = Imputation.fnv(b) }
    }

    /// The two keys of a normal draw (`b.1`, `b.2`).
    struct NormalKey {
        let first: Key, second: Key
        init(_ b: String) { first = Key(b + ".1"); second = Key(b + ".2") }
    }

    func uniform(_ a: Int, _ key: Key) -> Double {
        let h = Imputation.mix(seed ^ Imputation.mix(UInt64(a) &* 0x9E37_79B9_7F4A_7C15 ^ key.hash))
        return (Double(h >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    func normal(_ a: Int, _ key: NormalKey) -> Double {
        (-2 * log(uniform(a, key.first))).squareRoot() * cos(2 * Double.pi * uniform(a, key.second))
    }

    public struct Output {
        public var files: [(name: String, content: String)]
    }

    public func run() throws -> Output {
        let N = communes
        guard N >= 10 else { throw InputError(file: "", line: 0, key: "--communes", "at least 10 communes") }
        guard (1...N).contains(provinces) else { throw InputError(file: "", line: 0, key: "--provinces", "between 1 and the number of communes") }
        let baseYear = template.baseYear
        // Districts: about 11.7 communes each, spread over the provinces.
        let districtCount = max(provinces, Int((Double(N) / Self.communesPerDistrict).rounded()))
        var districtOf = [Int](repeating: 0, count: N)
        for c in 0..<N { districtOf[c] = min(districtCount - 1, c * districtCount / N) }
        let provinceOf = (0..<districtCount).map { $0 * provinces / districtCount }
        // Tiers by a latent development score with province and district effects, so progress clusters
        // (assumption: effects of 0.7 and 0.5 of a commune's own spread; nothing published measures the clustering).
        let scoreKey = NormalKey("score"), provinceKey = NormalKey("province"), districtKey = NormalKey("district")
        let score = (0..<N).map { c in normal(c, scoreKey) + 0.7 * normal(provinceOf[districtOf[c]], provinceKey) + 0.5 * normal(districtOf[c], districtKey) }
        let order = (0..<N).sorted { (score[$0], $0) > (score[$1], $1) }
        let nModel = Int((Double(N) * Self.modelShare).rounded()), nAdv = Int((Double(N) * Self.advancedShare).rounded())
        let nStd = Int((Double(N) * Self.standardShare).rounded())
        var tier = [Tier](repeating: .below, count: N)
        for (rank, c) in order.enumerated() {
            tier[c] = rank < nModel ? .model : rank < nAdv ? .advanced : rank < nStd ? .standard : .below
        }
        // Criteria missed by communes below standard: 19 − 12.3 on average (derived, above), spread 2.5 and at most 15
        // (assumption), and criteria 2, 5, 6, 10, 11 and 17 three times as likely as the others (assumption: the
        // costly infrastructure and income criteria, as in Sóc Trăng's Appendix II).
        let numbers = catalogue.criteria.map(\.number)
        let often: Set<Int> = [2, 5, 6, 10, 11, 17]
        var missing = [[Int]](repeating: [], count: N)
        let missingKey = NormalKey("missing")
        let candidates = numbers.filter { $0 != 1 }
        let candidateKeys = candidates.map { Key("m\($0)") }, weights = candidates.map { often.contains($0) ? 3.0 : 1 }
        for c in 0..<N where tier[c] == .below {
            let m = min(15, max(1, Int((Double(numbers.count) - Self.belowMeanCriteria + 2.5 * normal(c, missingKey)).rounded())))
            // Each criterion's sort key drawn once, then ranked as before.
            let draw = candidates.indices.map { uniform(c, candidateKeys[$0]) * weights[$0] }
            let ranked = candidates.indices.sorted { (draw[$0], candidates[$0]) > (draw[$1], candidates[$1]) }.map { candidates[$0] }
            missing[c] = Array(ranked.prefix(m))
        }
        // Indicator values around the template's distribution, within each commune's limits.
        let inds = catalogue.indicators
        let K = inds.count
        var values = [Double](repeating: 0, count: N * K)
        for (k, ind) in inds.enumerated() {
            guard let tk = template.column(ind.id) else { throw InputError(file: "", line: 0, key: ind.id, "the template dataset lacks this indicator") }
            let tv = (0..<template.communeCount).map { template.value(commune: $0, indicator: tk) }
            let mean = tv.reduce(0, +) / Double(tv.count)
            let sd = max((tv.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(tv.count)).squareRoot(), 0.01 * (ind.range.upperBound - ind.range.lowerBound))
            let carrier = catalogue.criterion(ind.criterion)!.indicators.first { $0.thresholds[.standard] != nil }?.id
            // What the loop below needs of the indicator, looked up once rather than per commune.
            let graded = Tier.graded.compactMap { t in ind.thresholds[t].map { (tier: t, value: $0.value(in: baseYear)) } }
            let higher = ind.direction == .higher, whole = ind.unit == "level" || ind.unit == "count"
            let standardT = ind.thresholds[.standard]?.value(in: baseYear), advancedT = ind.thresholds[.advanced]?.value(in: baseYear)
            let modelT = ind.thresholds[.model]?.value(in: baseYear)
            let isCarrier = carrier == ind.id, isExcellence = ind.id == "model_field_excellence", isReviewed = ind.id == "planning_reviewed"
            let gapKey = Key(ind.id + ".gap"), reviewKey = Key("review"), valueKey = NormalKey(ind.id)
            for c in 0..<N {
                var lo = ind.range.lowerBound, hi = ind.range.upperBound
                for (t, T) in graded {
                    let met = tier[c] >= t || (t == .standard && !missing[c].contains(ind.criterion))
                    if met { if higher { lo = max(lo, T) } else { hi = min(hi, T) } }
                }
                if tier[c] == .below, missing[c].contains(ind.criterion), isCarrier, let T = standardT {
                    // assumption: short by one to four margins (`Imputation.margin`), as the province's imputation
                    // makes it one to five: a synthetic commune's gap is a little narrower.
                    let margin = Imputation.margin(ind, T) * (1 + 3 * uniform(c, gapKey))
                    if higher { hi = min(hi, T - margin) } else { lo = max(lo, T + margin) }
                }
                if tier[c] == .advanced, isExcellence, let T = modelT {
                    hi = min(hi, T - Imputation.margin(ind, T))
                }
                if tier[c] == .standard, isReviewed, uniform(c, reviewKey) < 0.5, let T = advancedT {
                    hi = min(hi, T - Imputation.margin(ind, T))
                }
                guard lo <= hi + 1e-9 else {
                    throw InputError(file: "", line: 0, key: ind.id, "synthetic commune \(c) needs a value between \(lo) and \(hi)")
                }
                var v = min(hi, max(lo, mean + sd * normal(c, valueKey)))
                if whole {
                    v = v.rounded()
                    if v < lo - 1e-9 { v = lo.rounded(.up) }
                    if v > hi + 1e-9 { v = hi.rounded(.down) }
                }
                values[c * K + k] = (v * 10_000).rounded() / 10_000
            }
        }
        // Files.
        var cw = CSVWriter(header: Imputation.communeColumns)
        let hamletsKey = NormalKey("hamlets"), householdsKey = NormalKey("households")
        var hamletTotal = 0, householdTotal = 0
        for c in 0..<N {
            let d = districtOf[c], p = provinceOf[d]
            // assumption: Sóc Trăng's 7.3 hamlets a commune (582 / 80, seed §III.1.2) and 406 households a hamlet
            // (236,400 / 582) applied nationwide, ±30 % and ±15 %, within 3–20 hamlets and at least 300 households.
            let hamlets = max(3, min(20, Int((7.3 * (1 + 0.3 * normal(c, hamletsKey))).rounded())))
            let households = max(300, Int((Double(hamlets) * 406 * (1 + 0.15 * normal(c, householdsKey))).rounded()))
            cw.row([String(100_000 + c), "Xã \(c + 1)", String(1_000 + d), "Huyện \(p + 1)-\(d + 1)", "huyện", tier[c].id,
                    "synthetic: national shares of June 2023 (DOMAIN.md §4)", String(households), String(hamlets)])
            hamletTotal += hamlets; householdTotal += households
        }
        var iw = CSVWriter(header: Imputation.indicatorColumns)
        let ids = inds.map(\.id)
        for c in 0..<N {
            let code = String(100_000 + c)
            for k in 0..<K { iw.row([code, ids[k], formatNumber(values[c * K + k]), Provenance.imputed.rawValue]) }
        }
        var dw = CSVWriter(header: ["district_gso_code", "district", "kind", "status", "criteria_met", "source"])
        let dc = catalogue.districtCriteria.map(\.number)
        var allStandard = [Bool](repeating: true, count: districtCount)
        for c in 0..<N where tier[c] < .standard { allStandard[districtOf[c]] = false }
        let recognisedKey = Key("district"), dcKeys = dc.map { Key("dc\($0)") }
        // assumption: a district whose communes are all standard is recognised with probability 0.7, and each district
        // criterion is met with probability 0.7 otherwise (no national district figures by criterion are in DOMAIN.md).
        for d in 0..<districtCount {
            let recognised = allStandard[d] && uniform(d, recognisedKey) < 0.7
            let met = recognised ? dc : dc.indices.filter { uniform(d, dcKeys[$0]) < 0.7 }.map { dc[$0] }
            dw.row([String(1_000 + d), "Huyện \(provinceOf[d] + 1)-\(d + 1)", "huyện", recognised ? "recognised" : "in_progress",
                    met.map(String.init).joined(separator: ";"), "synthetic"])
        }
        let stdCount = tier.filter { $0 >= .standard }.count, advCount = tier.filter { $0 >= .advanced }.count, modelCount = tier.filter { $0 == .model }.count
        let yaml = """
        # A synthetic national dataset made by `ntm data synth --communes \(N) --provinces \(provinces) --seed \(seed)`.
        # Tier shares follow the national figures of June 2023 (DOMAIN.md §4); indicator values are drawn around the
        # Sóc Trăng end-2023 dataset within the limits each commune's tier allows. Nothing here is a real commune.
        dataset:
          name: national-synthetic-\(N)
          province: "Việt Nam (tổng hợp / synthetic)"
          base_year: \(baseYear)
          communes_file: communes.csv
          appendix_ii_file: none.tsv
          imputation_seed: \(seed)
        totals:
          communes: {value: \(N), source: "synthetic"}
          hamlets: {value: \(hamletTotal), source: "synthetic: the sum over communes.csv"}
          households: {value: \(householdTotal), source: "synthetic: the sum over communes.csv"}
          standard: {value: \(stdCount), source: "synthetic: 6,022 of 8,177 communes (DOMAIN.md §4, June 2023)"}
          advanced: {value: \(advCount), source: "synthetic: 1,331 of 8,177 (DOMAIN.md §4)"}
          model: {value: \(modelCount), source: "synthetic: 176 of 8,177 (DOMAIN.md §4)"}
          average_criteria: {value: 0, source: "synthetic: not reproduced"}
        tiers:
          other_standard_source: "synthetic"
        province_figures: {}
        gaps:
          below_standard: {source: "synthetic", indicators: {}}
          advanced: {source: "synthetic", min: 0, max: 0, indicators: {}}
          model: {source: "synthetic", min: 0, max: 0, indicators: {}}
        sizes:
          hamlets: {min: 3, max: 20, spread: 0.3, source: "synthetic"}
          households_per_hamlet_spread: {value: 0.15, source: "synthetic"}

        """
        return Output(files: [("dataset.yaml", yaml), ("communes.csv", cw.text), ("indicators.csv", iw.text), ("districts.csv", dw.text),
                              ("aliases.csv", "alias,kind,target,source\n")])
    }
}
