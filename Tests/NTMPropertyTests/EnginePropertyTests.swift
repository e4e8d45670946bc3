import Foundation
import NTMCatalogue
import NTMEngine
import PropertyBased
import Testing

/// Invariants of the projection and the allocation over random scenarios (money, noise, shocks, overrides,
/// policy, draws, seed) and random datasets (subsets of the embedded communes, reordered, values moved).
/// A failing case prints the scenario's YAML (or the dataset's communes) and a `.fixedSeed(…)` to replay it.
@Suite("Engine properties", .shrinking(false))
struct EnginePropertyTests {
    /// Cases per property: a few dozen in `make test`; NTM_PROPERTY_CASES=N runs N of each (a longer search).
    func cases(_ n: Int) -> Int { Int(ProcessInfo.processInfo.environment["NTM_PROPERTY_CASES"] ?? "") ?? n }

    @Test("invariants hold over random scenarios")
    func invariantsOverRandomScenarios() async throws {
        _ = try Fixture.get()
        await propertyCheck(count: cases(25), input: ScenarioSpec.gen()) { spec in
            let e = try Fixture.get()
            let r = try Fixture.project(spec)
            checkInvariants(r, dataset: e.dataset)
        }
    }

    @Test("invariants hold over random datasets")
    func invariantsOverRandomDatasets() async throws {
        _ = try Fixture.get()
        await propertyCheck(count: cases(25), input: DatasetSpec.gen(), ScenarioSpec.gen()) { dspec, spec in
            let ds = try dspec.build()
            let r = try Fixture.project(spec, dataset: ds)
            checkInvariants(r, dataset: ds)
            #expect(r.communes[0].count == dspec.communes.count)
        }
    }

    /// At least three batches of draws (a batch holds about 4,096 commune-draws, so the draws are set from the
    /// number of communes, the last batch partly filled), so two threads really share them.
    @Test("one thread and two give identical results")
    func threadCountDoesNotMatter() async throws {
        _ = try Fixture.get()
        await propertyCheck(count: cases(12), input: ScenarioSpec.gen(), DatasetSpec.gen()) { spec, dspec in
            let ds = try dspec.build()
            let e = try Fixture.get()
            var scenario = try Fixture.scenario(spec.yaml())
            let perBatch = max(1, 4_096 / ds.communeCount)
            scenario.draws = 3 * perBatch + 1 + spec.draws % perBatch
            let model = try Model(catalogue: e.catalogue, dataset: ds, scenario: scenario)
            let projection = Projection(model: model)
            #expect((scenario.draws + projection.batchSize - 1) / projection.batchSize >= 3, "\(scenario.draws) draws in batches of \(projection.batchSize)")
            let one = projection.run(threads: 1), two = projection.run(threads: 2)
            #expect(one.perDraw == two.perDraw, "per-draw tiers and criteria")
            #expect(one.communes == two.communes, "communes")
            #expect(one.districts == two.districts, "districts")
            #expect(one.funding == two.funding, "funding")
            #expect(one.spending == two.spending, "spending")
            #expect(one.indicators == two.indicators, "indicator means")
            // And a second run on the same thread count repeats itself.
            let again = projection.run(threads: 2)
            #expect(again.perDraw == two.perDraw && again.funding == two.funding && again.indicators == two.indicators, "repeated run")
        }
    }

    /// Every source's money doubled, the same seed (so the same noise): under the proportional policy, the mean
    /// number of criteria met never falls, in any year. Not under `closest_to_standard`: its walk skips a
    /// commune whose package it cannot pay in full, so more money can fund an earlier, dearer package and leave
    /// out later ones that were funded (this property found such cases, e.g. 18.82 → 18.77 criteria in 2024).
    @Test("more money never lowers the mean average criteria (proportional policy)")
    func moreMoneyNeverHurts() async throws {
        _ = try Fixture.get()
        await propertyCheck(count: cases(20), input: ScenarioSpec.gen()) { random in
            var spec = random
            spec.policy = "proportional"
            let one = try Fixture.project(spec, moneyFactor: 1)
            let two = try Fixture.project(spec, moneyFactor: 2)
            for yi in one.years.indices {
                let a = one.summary(year: yi, field: 4).mean, b = two.summary(year: yi, field: 4).mean
                #expect(b >= a - 1e-9, "\(one.years[yi]): mean average criteria \(a) with the money, \(b) with twice the money")
            }
            // Money available doubles with it (shocks scale both alike).
            for (i, rows) in one.funding.enumerated() {
                for (s, f) in rows.enumerated() {
                    let g = two.funding[i][s][0]
                    #expect(abs(g - 2 * f[0]) <= 1e-6 * max(1, g), "available \(f[0]) doubled is \(g)")
                }
            }
        }
    }

    /// With a recognition probability of 0 no commune is ever recognised (and lapse is off): every draw keeps
    /// the base year's tiers, whatever the money, noise and shocks.
    @Test("recognition probability 0: tiers stay as they were")
    func noRecognitionNoChange() async throws {
        _ = try Fixture.get()
        let input = zip(ScenarioSpec.gen(), DatasetSpec.gen()).map { spec, ds -> (ScenarioSpec, DatasetSpec) in
            var s = spec
            s.recognitionProbability = 0
            return (s, ds)
        }
        await propertyCheck(count: cases(15), input: input) { pair in
            let (spec, dspec) = pair
            let ds = try dspec.build()
            let r = try Fixture.project(spec, dataset: ds)
            checkInvariants(r, dataset: ds)
            for yi in r.years.indices.dropFirst() {
                #expect(r.perDraw[yi].allSatisfy { Array($0[0..<4]) == Array(r.perDraw[0][0][0..<4]) },
                        "\(r.years[yi]): tier counts moved without recognition")
                #expect(r.communes[yi].map { Array($0[0..<3]) } == r.communes[0].map { Array($0[0..<3]) },
                        "\(r.years[yi]): a commune changed tier without recognition")
            }
        }
    }

    /// With no noise and every eligible commune recognised, nothing random touches a commune's tier: no commune
    /// moves down a tier (lapse is off), in any draw, and every draw is the same.
    @Test("no noise and certain recognition: no commune moves down a tier")
    func noCommuneMovesDown() async throws {
        _ = try Fixture.get()
        let input = zip(ScenarioSpec.gen(), DatasetSpec.gen()).map { spec, ds -> (ScenarioSpec, DatasetSpec) in
            var s = spec
            s.noiseScale = 0
            s.recognitionProbability = 1
            return (s, ds)
        }
        await propertyCheck(count: cases(20), input: input) { pair in
            let (spec, dspec) = pair
            let ds = try dspec.build()
            let r = try Fixture.project(spec, dataset: ds)
            checkInvariants(r, dataset: ds)
            #expect(r.model.catalogue.model.lapseRevokesRecognition.value < 0.5, "lapse is off in the catalogue")
            for yi in r.years.indices.dropFirst() {
                let year = r.years[yi]
                // Per commune: the share of draws at or above each tier never falls.
                for c in 0..<ds.communeCount {
                    let before = r.communes[yi - 1][c], now = r.communes[yi][c]
                    #expect(now[0] >= before[0] && now[1] >= before[1] && now[2] >= before[2],
                            "\(year): commune \(ds.communes[c].code) went from \(before.prefix(3)) to \(now.prefix(3))")
                }
                // Per draw: the number of communes at or above each tier never falls.
                for d in 0..<spec.draws {
                    let before = r.perDraw[yi - 1][d], now = r.perDraw[yi][d]
                    #expect(now[0] >= before[0] && now[1] >= before[1] && now[2] >= before[2], "\(year) draw \(d): \(before) → \(now)")
                }
                // Nothing random decides tiers or criteria: every draw is the same.
                let first = r.perDraw[yi][0]
                #expect(r.perDraw[yi].allSatisfy { $0 == first }, "\(year): draws differ without noise")
                #expect(r.communes[yi].allSatisfy { p in p[0...2].allSatisfy { $0 == 0 || $0 == 1 } },
                        "\(year): every commune's tier is certain")
            }
        }
    }
}
