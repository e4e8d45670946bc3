import Foundation
import NTMCatalogue

/// The projection's inputs as flat arrays, compiled once from catalogue, dataset and scenario.
///
/// Indicators are held in *oriented* form: z = x for higher-is-better indicators and z = −x for
/// lower-is-better ones, so "meets the threshold" is always z ≥ T and every kernel has one code path.
public struct Model: Sendable {
    public let catalogue: Catalogue
    public let dataset: Dataset
    public let scenario: Scenario

    public let C: Int, K: Int, J: Int, S: Int, districtCount: Int
    public let baseYear: Int
    public let years: [Int]

    let sign: [Float]
    let zLo: [Float], zHi: [Float]
    /// Where spending's diminishing returns saturate (oriented), beyond the ceiling by the headroom.
    let asymptote: [Float]
    let z0: [Float]
    /// Million VND to move commune c's indicator k by one point at the start of the curve.
    let costPerPoint: [Float]
    let decay: [Float]
    let maintained: [Bool]
    let noiseRel: [Float], noisePts: [Float]
    let noisy: [Int]
    /// Per year index: relative trend, point trend (oriented) and one-off point moves, each K long.
    let trendRel: [[Float]], trendPts: [[Float]], oneOff: [[Float]]
    /// Per year index and graded tier (0 standard, 1 advanced, 2 model): oriented thresholds, −∞ where not graded.
    let thresholds: [[[Float]]]
    /// A safety margin planners aim past a threshold: `model.planning_margin` years of noise, in points.
    let margin: [Float]
    /// Eligibility of source s for indicator k's investment and upkeep (K × S, row-major).
    let eligible: [Float], eligibleUpkeep: [Float]
    /// Money per year index and source (million VND), after funding shocks. Settable so that a plan needing
    /// money beyond the sources' can be evaluated with it (`AllocationStudy.evaluate(_:threads:extra:)`).
    public var budget: [[Double]]
    public let sourceIDs: [String]
    let tier0: [UInt8]
    /// Each commune's district (index into the dataset's districts).
    let districtOf: [Int]
    let districtSize: [Int]
    let districtRecognised0: [Bool]
    let districtMissing0: [Int]
    /// Recognition probability by the tier reached: standard, advanced, model.
    let recognitionP: [Float]
    let maxSteps: Int
    let cap: [Int?]
    let lapseRevokes: Bool
    let districtHazard: Float
    public let rng: CounterRNG
    let policy: Policy
    /// A plan to follow instead of the policy: per projected year, the communes whose whole package to fund.
    public var decisions: [[Bool]]? = nil
    /// Keep what was paid for each commune's indicator, every source together (for costing paths and drafting a
    /// proposal; costs memory).
    public var recordPaid = false
    /// Keep each commune's mean indicator values over the draws (`ProjectionResult.indicators`), which the HTML
    /// report's criteria map, the workbook, proposals and calibration read. A run whose reports do not read them
    /// (`run --format md,csv`) leaves them out: the draws' values are then not summed into a table a year, and every
    /// other number is the same.
    public var keepIndicatorMeans = true
    /// Whether the priority walk pays a package at once when each of its groups' first source with money covers
    /// it with money to spare, without trying it on a copy of the budgets (`Policy.allocate`); false tries every
    /// package. The numbers are the same either way (tests compare them); true is faster.
    public var quickWalk = true
    /// Criterion index of each indicator.
    let criterionOf: [Int]
    /// Sources in the order the priority policy draws on them: the most restricted first.
    let sourceOrder: [Int]
    /// Indicators grouped by the set of sources that may pay for them: each indicator's group, and per group
    /// (in the order a commune's package is paid: the group with the fewest sources first) its sources in
    /// `sourceOrder`. A commune's need is summed per group, so paying a package walks groups, not indicators.
    let groupOf: [Int]
    /// Group g's sources are `groupSources[groupStart[g]..<groupStart[g + 1]]` (one flat list for the paying loop).
    let groupSources: [Int], groupStart: [Int]
    var groupCount: Int { groupStart.count - 1 }

    public init(catalogue baseCatalogue: Catalogue, dataset: Dataset, scenario: Scenario) throws {
        var catalogue = baseCatalogue
        for o in scenario.overrides { try catalogue.override(o.path, value: o.value, source: o.source, at: o.at) }
        self.catalogue = catalogue
        self.dataset = dataset
        self.scenario = scenario
        let inds = catalogue.indicators
        C = dataset.communeCount; K = inds.count; J = catalogue.criteria.count; S = catalogue.sources.count
        districtCount = dataset.districts.count
        baseYear = dataset.baseYear
        guard scenario.horizon > baseYear else {
            throw (scenario.horizonLocation ?? Location(file: scenario.file, line: 0, key: "horizon"))
                .error("the horizon (\(scenario.horizon)) must come after the dataset's base year (\(baseYear))")
        }
        years = Array((baseYear + 1)...scenario.horizon)
        // Refuse sizes that would not fit in memory before allocating anything.
        let need = Projection.memoryEstimate(communes: C, indicators: K, criteria: J, draws: scenario.draws, years: years.count,
                                             threads: ProcessInfo.processInfo.activeProcessorCount)
        let have = Double(ProcessInfo.processInfo.physicalMemory)
        if need > 0.8 * have {
            let gib = { (b: Double) in formatNumber(b / 1_073_741_824, decimals: 1) }
            throw (scenario.drawsLocation ?? Location(file: scenario.file, line: 0, key: "draws"))
                .error("\(scenario.draws) draws × \(C) communes × \(years.count) years would need about \(gib(need)) GiB; this machine has \(gib(have)) GiB: use fewer draws")
        }
        // The engine keeps a commune's indicator and criterion masks in two machine words (`LaneBits`).
        guard K <= LaneBits.capacity, J <= LaneBits.capacity else {
            throw InputError(file: scenario.cataloguePath ?? "catalogue.yaml (embedded)", line: 0, key: K > LaneBits.capacity ? "indicators" : "criteria",
                             "the engine handles at most \(LaneBits.capacity) indicators and \(LaneBits.capacity) criteria; this catalogue has \(K) and \(J)")
        }
        guard dataset.indicatorIDs == inds.map(\.id) else {
            throw InputError(file: dataset.folder ?? dataset.name, line: 0, key: "indicators", "the dataset's indicators do not match the catalogue's")
        }
        // Scenario against catalogue: funding sources and shocks must name things that exist.
        sourceIDs = catalogue.sources.map(\.id)
        for (id, loc) in scenario.fundingLocations where !sourceIDs.contains(id) {
            let hint = closestMatch(to: id, in: sourceIDs).map { " (did you mean '\($0)'?)" } ?? ""
            throw InputError(file: loc.file, line: loc.line, key: loc.key, "unknown funding source '\(id)'\(hint)")
        }
        if let cf = scenario.allocation.coFinancing {
            for id in cf.local + cf.central where !sourceIDs.contains(id) {
                let hint = closestMatch(to: id, in: sourceIDs).map { " (did you mean '\($0)'?)" } ?? ""
                throw (scenario.allocation.location ?? Location(file: scenario.file, line: 0, key: "allocation"))
                    .error("unknown funding source '\(id)' in co_financing\(hint)")
            }
        }
        for (shock, loc) in zip(scenario.shocks, scenario.shockLocations) {
            for id in shock.indicators where catalogue.indicator(id) == nil {
                let hint = closestMatch(to: id, in: inds.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                throw loc.error("unknown indicator '\(id)'\(hint)")
            }
            if let f = shock.fundingSource, !sourceIDs.contains(f) { throw loc.error("unknown funding source '\(f)'") }
            if shock.year <= baseYear { throw loc.error("year \(shock.year) is not after the base year \(baseYear)") }
            // A one-off move can at most cross an indicator's whole range.
            if case .points(let v) = shock.effect {
                for ind in inds where shock.indicators.contains(ind.id) || shock.kinds.contains(ind.kind) {
                    let width = ind.range.upperBound - ind.range.lowerBound
                    if abs(v) > width {
                        throw Location(file: loc.file, line: loc.line, key: loc.key + ".points")
                            .error("\(formatNumber(v)) points is out of range for \(ind.id) (\(formatNumber(ind.range.lowerBound))–\(formatNumber(ind.range.upperBound))); at most ±\(formatNumber(width))")
                    }
                }
            }
        }
        for (year, _) in scenario.targets where year <= baseYear {
            throw (scenario.targetLocations[year] ?? Location(file: scenario.file, line: 0, key: "targets.\(year)"))
                .error("year \(year) is not after the base year \(baseYear)")
        }

        let headroom = Float(catalogue.model.headroomShare.value)
        sign = inds.map { $0.direction == .higher ? 1 : -1 }
        zLo = inds.map { $0.direction == .higher ? Float($0.range.lowerBound) : -Float($0.range.upperBound) }
        zHi = inds.map { $0.direction == .higher ? Float($0.range.upperBound) : -Float($0.range.lowerBound) }
        asymptote = inds.indices.map { k in
            let ind = inds[k]
            return (ind.direction == .higher ? Float(ind.range.upperBound) : -Float(ind.range.lowerBound))
                + headroom * Float(ind.range.upperBound - ind.range.lowerBound)
        }
        var z = [Float](repeating: 0, count: C * K)
        var cost = [Float](repeating: 0, count: C * K)
        var meanSize: [SizeBasis: Double] = [:]
        for b in SizeBasis.allCases {
            meanSize[b] = (0..<C).reduce(0.0) { $0 + dataset.size(b, commune: $1) } / Double(max(C, 1))
        }
        // Per indicator, looked up once: the size basis (as an index into `bases`), its mean and the unit cost.
        let bases = SizeBasis.allCases
        let basisOf = inds.map { ind in bases.firstIndex(of: ind.size)! }
        let meanOf = inds.map { meanSize[$0.size]! }, unitCost = inds.map(\.unitCost.value)
        var sizes = [Double](repeating: 0, count: bases.count)
        for c in 0..<C {
            for (b, basis) in bases.enumerated() { sizes[b] = dataset.size(basis, commune: c) }
            for k in 0..<K {
                z[c * K + k] = Float(dataset.values[c * K + k]) * sign[k]
                cost[c * K + k] = Float(unitCost[k] * sizes[basisOf[k]] / meanOf[k])
            }
        }
        z0 = z
        costPerPoint = cost
        decay = inds.map { Float($0.decay.value) }
        maintained = inds.map { $0.decay.value > 0 && $0.direction == .higher }
        let ns = Float(scenario.noiseScale)
        noiseRel = inds.map { $0.noise.value.isRelative ? Float($0.noise.value.value) * ns : 0 }
        noisePts = inds.map { $0.noise.value.isRelative ? 0 : Float($0.noise.value.value) * ns }
        noisy = inds.indices.filter { inds[$0].noise.value.value * scenario.noiseScale > 0 }
        var tr: [[Float]] = [], tp: [[Float]] = [], oo: [[Float]] = []
        var th: [[[Float]]] = []
        var bud: [[Double]] = []
        for year in years {
            var rel = inds.map { $0.trend.value.isRelative ? Float($0.trend.value.value) : 0 }
            var pts = inds.map { $0.trend.value.isRelative ? 0 : Float($0.trend.value.value) * ($0.direction == .higher ? 1 : -1) }
            var once = [Float](repeating: 0, count: K)
            var money = catalogue.sources.map { scenario.funding[$0.id]?[year] ?? 0 }
            for shock in scenario.shocks where shock.year == year {
                let hit = inds.indices.filter { shock.indicators.contains(inds[$0].id) || shock.kinds.contains(inds[$0].kind) }
                switch shock.effect {
                case .trend(let v):
                    for k in hit { if inds[k].trend.value.isRelative { rel[k] += Float(v) } else { pts[k] += Float(v) * sign[k] } }
                case .points(let v):
                    for k in hit { once[k] += Float(v) * sign[k] }
                case .funding(let f):
                    if let s = sourceIDs.firstIndex(of: shock.fundingSource ?? "") { money[s] *= f }
                }
            }
            tr.append(rel); tp.append(pts); oo.append(once); bud.append(money)
            th.append(Tier.graded.map { tier in
                inds.map { ind in
                    guard let t = ind.thresholds[tier] else { return -Float.infinity }
                    return Float(t.value(in: year)) * (ind.direction == .higher ? 1 : -1)
                }
            })
        }
        trendRel = tr; trendPts = tp; oneOff = oo; thresholds = th; budget = bud
        margin = inds.map { ind in
            let n = ind.noise.value
            let typical = abs(dataset.provinceValue(ind) ?? 0)
            return Float(catalogue.model.planningMargin.value) * Float(n.isRelative ? n.value * typical : n.value)
                * Float(scenario.marginNoiseScale ?? scenario.noiseScale)
        }
        var el = [Float](repeating: 0, count: K * S), em = [Float](repeating: 0, count: K * S)
        for (k, ind) in inds.enumerated() {
            for (s, src) in catalogue.sources.enumerated() where ind.funding.contains(src.id) {
                el[k * S + s] = 1
                if src.maintenance && maintained[k] { em[k * S + s] = 1 }
            }
        }
        eligible = el; eligibleUpkeep = em
        tier0 = dataset.communes.map { UInt8($0.tier.rawValue) }
        let districtIndex = Dictionary(dataset.districts.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let dOf = dataset.communes.map { districtIndex[$0.districtCode]! }
        districtOf = dOf
        var dSize = [Int](repeating: 0, count: dataset.districts.count)
        for d in dOf { dSize[d] += 1 }
        districtSize = dSize
        districtRecognised0 = dataset.districts.map(\.isRecognised)
        let nDC = catalogue.districtCriteria.count
        districtMissing0 = dataset.districts.map { $0.isRecognised ? 0 : nDC - $0.criteriaMet.count }
        let upper = catalogue.model.upperRecognitionProbability ?? catalogue.model.recognitionProbability
        recognitionP = [Float(catalogue.model.recognitionProbability.value), Float(upper.value), Float(upper.value)]
        maxSteps = Int(catalogue.model.maxStepsPerYear.value)
        cap = Tier.graded.map { scenario.recognitionCap[$0] }
        lapseRevokes = catalogue.model.lapseRevokesRecognition.value >= 0.5
        districtHazard = Float(catalogue.model.districtCriterionCompletion.value)
        rng = CounterRNG(seed: scenario.seed)
        policy = Policy(rawValue: scenario.policy) ?? .proportional
        criterionOf = inds.map { ind in catalogue.criteria.firstIndex { $0.number == ind.criterion }! }
        let elig = el, nK = K, nS = S
        let breadth = (0..<nS).map { s in (0..<nK).filter { elig[$0 * nS + s] > 0 }.count }
        let order = (0..<nS).sorted { (breadth[$0], $0) < (breadth[$1], $1) }
        sourceOrder = order
        // Eligibility groups, most restricted first (ties: the group whose first indicator comes first).
        var patterns: [[Int]] = [], firstOf: [Int] = [], gOf = [Int](repeating: 0, count: nK)
        for k in 0..<nK {
            let p = order.filter { elig[k * nS + $0] > 0 }
            if let g = patterns.firstIndex(of: p) { gOf[k] = g } else { gOf[k] = patterns.count; patterns.append(p); firstOf.append(k) }
        }
        let gOrder = patterns.indices.sorted { (patterns[$0].count, firstOf[$0]) < (patterns[$1].count, firstOf[$1]) }
        var rank = [Int](repeating: 0, count: patterns.count)
        for (i, g) in gOrder.enumerated() { rank[g] = i }
        groupOf = gOf.map { rank[$0] }
        groupSources = gOrder.flatMap { patterns[$0] }
        groupStart = gOrder.reduce(into: [0]) { $0.append($0.last! + patterns[$1].count) }
    }

    /// Loads the scenario's catalogue and dataset (or the embedded ones) and compiles the model.
    public static func load(scenario: Scenario) throws -> Model {
        // The dataset's tables are read from disk while the catalogue is parsed.
        let prefetch = (scenario.datasetPath ?? DatasetLoader.embeddedFolder()).map { DatasetLoader.Prefetch(folder: $0) }
        let cat = try scenario.cataloguePath.map { try Catalogue.load(path: $0) } ?? Catalogue.embedded()
        let ds = try scenario.datasetPath.map { try DatasetLoader.load(folder: $0, catalogue: cat, prefetched: prefetch) }
            ?? DatasetLoader.embedded(catalogue: cat, prefetched: prefetch)
        return try Model(catalogue: cat, dataset: ds, scenario: scenario)
    }
}
