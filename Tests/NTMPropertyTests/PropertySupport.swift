import Foundation
import NTMCatalogue
import NTMEngine
import PropertyBased
import Testing

/// What the property tests share: the embedded inputs, random scenarios (written as YAML that extends the
/// province's plan) and random datasets (subsets of the embedded one), and the invariants every projection
/// must satisfy. Helpers are copied from Tests/NTMEngineTests/EngineSupport.swift (public API only).
enum Fixture {
    /// The package root (this file is <root>/Tests/NTMPropertyTests/PropertySupport.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The province's plan, by absolute path (scenarios written to temporary folders extend it).
    static var planPath: String { packageRoot.appendingPathComponent("Scenarios/province-plan-2024-2025.yaml").path }

    struct Embedded: Sendable {
        var catalogue: Catalogue
        var dataset: Dataset
        /// The plan's money by source and year, million VND.
        var planFunding: [String: [Int: Double]]
        var horizon: Int
    }

    /// The embedded catalogue and dataset and the plan, read once.
    static let embedded: Result<Embedded, Error> = Result {
        let cat = try Catalogue.embedded()
        let plan = try Scenario.load(path: planPath)
        return Embedded(catalogue: cat, dataset: try DatasetLoader.embedded(catalogue: cat), planFunding: plan.funding,
                        horizon: plan.horizon)
    }

    static func get() throws -> Embedded { try embedded.get() }

    /// A fresh temporary folder; the caller removes it.
    static func tempFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ntm-property-tests-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes a scenario's YAML to a temporary folder, loads it and removes the folder.
    static func scenario(_ yaml: String) throws -> Scenario {
        let dir = try tempFolder("scenario")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("random.yaml")
        try Data(yaml.utf8).write(to: url)
        return try Scenario.load(path: url.path)
    }

    /// Compiles and runs a scenario spec on a dataset (the embedded one unless given).
    static func project(_ spec: ScenarioSpec, dataset: Dataset? = nil, moneyFactor: Double = 1, threads: Int = 2) throws -> ProjectionResult {
        let e = try get()
        let s = try scenario(spec.yaml(moneyFactor: moneyFactor))
        let model = try Model(catalogue: e.catalogue, dataset: dataset ?? e.dataset, scenario: s)
        return Projection(model: model).run(threads: threads)
    }
}

// MARK: Random scenarios

/// A random what-if on the province's plan: money per source and year, noise, shocks, overrides, policy,
/// draws and seed. Its description is the YAML it is run as, so a failing case can be replayed by hand.
struct ScenarioSpec: Sendable, CustomStringConvertible {
    struct TrendShock: Sendable { var year: Int; var value: Double }
    struct FundingShock: Sendable { var source: String; var year: Int; var scale: Double }
    struct UnitCost: Sendable { var indicator: String; var value: Double }

    /// Million VND by source and year.
    var funding: [(source: String, byYear: [(year: Int, amount: Double)])]
    var noiseScale: Double
    var trendShocks: [TrendShock]
    var fundingShocks: [FundingShock]
    var recognitionProbability: Double?
    var maintenanceShare: Double?
    var unitCost: UnitCost?
    var policy: String
    var draws: Int
    var seed: UInt64

    static let policies = ["proportional", "closest_to_standard"]

    /// YAML for this scenario, extending the plan by absolute path; every amount times `moneyFactor`.
    func yaml(moneyFactor: Double = 1) -> String {
        var y = "extends: \(Fixture.planPath)\n"
        y += "draws: \(draws)\nseed: \(seed)\npolicy: \(policy)\nnoise_scale: \(noiseScale)\n"
        y += "funding:\n"
        for f in funding {
            let years = f.byYear.map { "\($0.year): \($0.amount * moneyFactor)" }.joined(separator: ", ")
            y += "  \(f.source): {\(years), source: \"property test\"}\n"
        }
        if !trendShocks.isEmpty || !fundingShocks.isEmpty {
            y += "shocks:\n"
            for s in trendShocks {
                y += "  - {year: \(s.year), indicators: [income_per_capita], trend: \(s.value), source: \"property test\"}\n"
            }
            for s in fundingShocks {
                y += "  - {year: \(s.year), funding_source: \(s.source), funding_scale: \(s.scale), source: \"property test\"}\n"
            }
        }
        var overrides: [String] = []
        if let p = recognitionProbability {
            // Both tiers' probabilities: the shipped scenarios set advanced and model's apart (calibrated).
            overrides.append("  model.recognition_probability: {value: \(p), source: \"property test\"}\n")
            overrides.append("  model.recognition_probability_upper: {value: \(p), source: \"property test\"}\n")
        }
        if let m = maintenanceShare { overrides.append("  model.maintenance_share: {value: \(m), source: \"property test\"}\n") }
        if let u = unitCost { overrides.append("  indicator.\(u.indicator).unit_cost: {value: \(u.value), source: \"property test\"}\n") }
        if !overrides.isEmpty { y += "overrides:\n" + overrides.joined() }
        return y
    }

    var description: String { yaml() }

    /// Random scenarios: each source's money in each year 0–3× the plan's (sometimes exactly 0), noise_scale
    /// 0–2, 0–2 trend shocks on income (−0.1…0.1), 0–3 funding_scale shocks (0–2), overrides of the
    /// recognition probability (0–1), the maintenance share (0–0.1) and one indicator's unit cost (×0.5–2),
    /// either policy, 20–60 draws, any seed.
    static func gen(draws: ClosedRange<Int> = 20...60) -> Generator<ScenarioSpec, Shrink.None<ScenarioSpec>> {
        Generator { rng in
            let e = try! Fixture.get()
            let years = Array(2024...e.horizon)
            let sources = e.planFunding.keys.sorted()
            var funding: [(source: String, byYear: [(year: Int, amount: Double)])] = []
            for s in sources {
                funding.append((s, years.map { y in
                    let plan = e.planFunding[s]?[y] ?? 0
                    let factor = Double.random(in: 0...1, using: &rng) < 0.1 ? 0 : Double.random(in: 0...3, using: &rng)
                    return (y, (plan * factor).rounded())
                }))
            }
            let trend = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                TrendShock(year: years.randomElement(using: &rng)!, value: Double.random(in: -0.1...0.1, using: &rng))
            }
            let fshocks = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                FundingShock(source: sources.randomElement(using: &rng)!, year: years.randomElement(using: &rng)!,
                             scale: Double.random(in: 0...2, using: &rng))
            }
            let inds = e.catalogue.indicators
            let ind = inds.randomElement(using: &rng)!
            return ScenarioSpec(
                funding: funding,
                noiseScale: Double.random(in: 0...2, using: &rng),
                trendShocks: trend,
                fundingShocks: fshocks,
                recognitionProbability: Bool.random(using: &rng) ? Double.random(in: 0...1, using: &rng) : nil,
                maintenanceShare: Bool.random(using: &rng) ? Double.random(in: 0...0.1, using: &rng) : nil,
                unitCost: Bool.random(using: &rng) ? UnitCost(indicator: ind.id, value: ind.unitCost.value * Double.random(in: 0.5...2, using: &rng)) : nil,
                policy: policies.randomElement(using: &rng)!,
                draws: Int.random(in: draws, using: &rng),
                seed: UInt64.random(in: 0...UInt64(Int.max), using: &rng))
        }
    }
}

// MARK: Random datasets

/// A random dataset made from the embedded one: a random subset of whole communes (1 to all) in a random
/// order, with the districts they belong to, and some indicator values moved within their range where the
/// commune's tier stays consistent with its indicators (as DatasetLoader requires).
struct DatasetSpec: Sendable, CustomStringConvertible {
    struct Change: Sendable { var commune: Int; var indicator: Int; var value: Double }
    /// Indices into the embedded dataset's communes, in the new order.
    var communes: [Int]
    /// Value changes, by index into `communes` and indicator column.
    var changes: [Change]

    var description: String {
        let e = try? Fixture.get()
        let codes = communes.map { e?.dataset.communes[$0].code ?? "\($0)" }
        let ids = e?.dataset.indicatorIDs ?? []
        let ch = changes.map { "\(codes[$0.commune]).\($0.indicator < ids.count ? ids[$0.indicator] : "\($0.indicator)")=\(formatNumber($0.value))" }
        return "\(communes.count) communes [\(codes.joined(separator: ","))], changes [\(ch.joined(separator: ", "))]"
    }

    /// Builds the dataset (the engine reads communes, districts, values and the base year).
    func build() throws -> Dataset {
        let e = try Fixture.get()
        let src = e.dataset
        let K = src.indicatorIDs.count
        var ds = src
        ds.communes = communes.map { src.communes[$0] }
        let used = Set(ds.communes.map(\.districtCode))
        ds.districts = src.districts.filter { used.contains($0.code) }
        ds.values = communes.flatMap { c in (0..<K).map { src.value(commune: c, indicator: $0) } }
        ds.provenance = communes.flatMap { c in (0..<K).map { src.provenance[c * K + $0] } }
        ds.recipe = nil
        ds.folder = nil
        for ch in changes { ds.values[ch.commune * K + ch.indicator] = ch.value }
        return ds
    }

    static func gen() -> Generator<DatasetSpec, Shrink.None<DatasetSpec>> {
        Generator { rng in
            let e = try! Fixture.get()
            let src = e.dataset, cat = e.catalogue
            let n = Int.random(in: 1...src.communeCount, using: &rng)
            let chosen = Array(Array(0..<src.communeCount).shuffled(using: &rng).prefix(n))
            var spec = DatasetSpec(communes: chosen, changes: [])
            // Move a few values; keep a commune's changes only if its tier still agrees with its indicators.
            var ds = try! spec.build()
            let K = src.indicatorIDs.count
            let inds = cat.indicators
            for c in 0..<n where Double.random(in: 0...1, using: &rng) < 0.3 {
                var mine: [Change] = []
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let k = Int.random(in: 0..<K, using: &rng)
                    let r = inds[k].range
                    let old = ds.values[c * K + k]
                    let step = (r.upperBound - r.lowerBound) * Double.random(in: -0.05...0.05, using: &rng)
                    let v = ((min(r.upperBound, max(r.lowerBound, old + step))) * 10_000).rounded() / 10_000
                    mine.append(Change(commune: c, indicator: k, value: v))
                }
                var trial = ds
                for ch in mine { trial.values[ch.commune * K + ch.indicator] = ch.value }
                let tier = trial.communes[c].tier, fromValues = trial.tierFromIndicators(c, catalogue: cat)
                if tier <= fromValues && !(tier == .below && fromValues >= .standard) {
                    ds = trial
                    spec.changes += mine
                }
            }
            return spec
        }
    }
}

// MARK: Invariants

/// What holds for every projection: tiers nest, the base year is the dataset, money adds up, quantiles are
/// ordered, probabilities are probabilities, criteria are counted among the catalogue's.
func checkInvariants(_ r: ProjectionResult, dataset ds: Dataset, sourceLocation: SourceLocation = #_sourceLocation) {
    let m = r.model
    let C = ds.communeCount, J = Double(m.catalogue.criteria.count), K = m.K, S = m.S
    let D = m.scenario.draws
    let tol = 1e-9
    #expect(r.years == [ds.baseYear] + Array((ds.baseYear + 1)...m.scenario.horizon), "years", sourceLocation: sourceLocation)
    #expect(r.perDraw.count == r.years.count && r.communes.count == r.years.count && r.districts.count == r.years.count
            && r.indicators.count == r.years.count && r.funding.count == r.years.count - 1 && r.spending.count == r.years.count - 1,
            "one entry a year", sourceLocation: sourceLocation)

    // Tiers nest in every draw and year; standard + below = communes; average criteria within 0…J.
    for (yi, draws) in r.perDraw.enumerated() {
        #expect(draws.count == D, "draws in year \(r.years[yi])", sourceLocation: sourceLocation)
        var bad = 0
        for row in draws {
            let (s, a, mo, b, avg) = (row[0], row[1], row[2], row[3], row[4])
            let ok = s >= a && a >= mo && mo >= 0 && b >= 0 && s + b == Double(C) && (0...J).contains(avg)
                && [s, a, mo, b].allSatisfy { $0 == $0.rounded() }
            if !ok { bad += 1 }
        }
        #expect(bad == 0, "\(bad) draws in \(r.years[yi]) where tiers do not nest or counts do not add up to \(C)", sourceLocation: sourceLocation)
    }

    // The base year is the dataset, in every draw.
    let cat = m.catalogue
    let crit0 = (0..<C).map { Double(ds.criteriaMet($0, catalogue: cat).count) }
    let t0 = ds.communes.map(\.tier)
    let base: [Double] = [Double(t0.filter { $0 >= .standard }.count), Double(t0.filter { $0 >= .advanced }.count),
                          Double(t0.filter { $0 >= .model }.count), Double(t0.filter { $0 == .below }.count),
                          crit0.reduce(0, +) / Double(max(C, 1))]
    #expect(r.perDraw[0].allSatisfy { $0 == base }, "base year per draw is the dataset's \(base)", sourceLocation: sourceLocation)
    let comm0 = (0..<C).map { c in [t0[c] >= .standard ? 1.0 : 0, t0[c] >= .advanced ? 1.0 : 0, t0[c] >= .model ? 1.0 : 0, crit0[c]] }
    #expect(r.communes[0] == comm0, "base-year communes are the dataset's", sourceLocation: sourceLocation)
    #expect(r.indicators[0] == ds.values, "base-year indicators are the dataset's", sourceLocation: sourceLocation)
    #expect(r.districts[0] == ds.districts.map { $0.isRecognised ? 1.0 : 0 }, "base-year districts are the dataset's", sourceLocation: sourceLocation)

    // Quantiles ordered, the mean between the extremes.
    for yi in r.years.indices {
        for f in 0..<5 {
            let sm = r.summary(year: yi, field: f)
            let v = r.perDraw[yi].map { $0[f] }
            let lo = v.min() ?? 0, hi = v.max() ?? 0
            #expect(sm.p10 <= sm.p50 && sm.p50 <= sm.p90 && lo <= sm.p10 && sm.p90 <= hi
                    && sm.mean >= lo - 1e-9 && sm.mean <= hi + 1e-9,
                    "\(r.years[yi]) \(ProjectionResult.fields[f]): P10 \(sm.p10) ≤ P50 \(sm.p50) ≤ P90 \(sm.p90), mean \(sm.mean) in [\(lo), \(hi)]",
                    sourceLocation: sourceLocation)
        }
    }

    // Commune probabilities in [0, 1] and nested; expected criteria within 0…J; districts in [0, 1].
    for (yi, rows) in r.communes.enumerated() {
        #expect(rows.count == C, sourceLocation: sourceLocation)
        let bad = rows.filter { p in
            !(p.count == 4 && p[0...2].allSatisfy { (0...1).contains($0) } && p[0] >= p[1] && p[1] >= p[2] && (0...J).contains(p[3]))
        }
        #expect(bad.isEmpty, "\(r.years[yi]): communes with probabilities out of [0,1], not nested or criteria out of 0…\(J): \(bad.prefix(3))",
                sourceLocation: sourceLocation)
        #expect(r.districts[yi].allSatisfy { (0...1).contains($0) }, "\(r.years[yi]) districts \(r.districts[yi])", sourceLocation: sourceLocation)
    }

    // Money: available is the scenario's budget; allocated ≤ available; gap ≥ 0; needed = allocated + gap;
    // what is spent on indicators is what is allocated from sources.
    for (i, rows) in r.funding.enumerated() {
        let year = r.years[i + 1]
        #expect(rows.count == S, sourceLocation: sourceLocation)
        var allocated = 0.0
        for (s, f) in rows.enumerated() {
            let (avail, need, alloc, gap) = (f[0], f[1], f[2], f[3])
            let scale = max(1, avail, need)
            let ok = f.allSatisfy(\.isFinite) && alloc >= -tol * scale && alloc <= avail + 1e-9 * scale && gap >= -tol * scale
                && abs(need - (alloc + gap)) <= 1e-9 * scale && abs(avail - max(0, m.budget[i][s])) <= 1e-9 * scale
            #expect(ok, "\(year) \(m.sourceIDs[s]): available \(avail) (budget \(m.budget[i][s])), needed \(need), allocated \(alloc), gap \(gap)",
                    sourceLocation: sourceLocation)
            allocated += alloc
        }
        let spent = r.spending[i].reduce(0, +)
        #expect(r.spending[i].allSatisfy { $0.isFinite && $0 >= -tol }, "\(year): spending \(r.spending[i])", sourceLocation: sourceLocation)
        #expect(abs(spent - allocated) <= 1e-4 * max(1, allocated), "\(year): spent \(spent) = allocated \(allocated)", sourceLocation: sourceLocation)
    }

    // Mean indicator values stay within each indicator's range.
    let inds = cat.indicators
    for (yi, values) in r.indicators.enumerated() {
        var bad: [String] = []
        for c in 0..<C {
            for k in 0..<K {
                let v = values[c * K + k], range = inds[k].range
                let slack = 1e-5 * max(1, range.upperBound - range.lowerBound)
                if !(v.isFinite && v >= range.lowerBound - slack && v <= range.upperBound + slack) {
                    bad.append("\(ds.communes[c].code).\(inds[k].id)=\(v)")
                }
            }
        }
        #expect(bad.isEmpty, "\(r.years[yi]): mean indicator values outside their range: \(bad.prefix(5))", sourceLocation: sourceLocation)
    }
}
