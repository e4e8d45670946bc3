import Foundation
import NTMAllocation
import NTMCatalogue
import NTMEngine
import NTMTestSupport
import XCTest

final class AllocationTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Three communes, one year, one source of 9: A is worth 1 for 4, B 1 for 3, C 2 for 6.
    /// By hand: A+B is worth 2 for 7, B+C 3 for 9, A+C would cost 10. The optimum is B+C, worth 3.
    func testHandWorkedInstance() throws {
        let paths = PackageProblem.allPaths(years: 1)
        XCTAssertEqual(paths, [[false], [true]])
        let costs = [4.0, 3, 6], values = [1.0, 1, 2]
        let p = PackageProblem(communes: 3, years: 1, sources: 1, paths: paths, groups: [[0]],
                               value: values.map { [0, $0] }, cost: costs.map { [[[0]], [[$0]]] }, available: [[9]])
        let s = try XCTUnwrap(p.solve())
        XCTAssertTrue(s.optimal)
        XCTAssertEqual(s.objective, 3)
        XCTAssertEqual(s.plan.path, [0, 1, 1])
        XCTAssertEqual(s.plan.flow[0][0][0], 9, accuracy: 1e-6)
        XCTAssertTrue(p.isFeasible(s.plan))
        // Marginal cost-effectiveness finds it too (B and C both give 1/3 per unit); equal shares of 3 fund only B.
        let standing = PackageProblem.Standing(tier: Array(repeating: [[0], [0]], count: 3), criteria: Array(repeating: [[15], [15]], count: 3))
        XCTAssertEqual(p.objective(p.plan(.greedy, standing: standing).path), 3)
        XCTAssertEqual(p.plan(.equalPerCommune, standing: standing).path, [0, 1, 0])
    }

    /// A group only one source may pay must be paid by it, even when another source has more money.
    func testFlowsRespectEligibility() throws {
        // Commune 0 needs 5 of group 0 (source 0 only); commune 1 needs 5 of group 1 (sources 0 or 1).
        let p = PackageProblem(communes: 2, years: 1, sources: 2, paths: PackageProblem.allPaths(years: 1), groups: [[0], [0, 1]],
                               value: [[0, 1], [0, 1]], cost: [[[[0, 0]], [[5, 0]]], [[[0, 0]], [[0, 5]]]], available: [[5], [5]])
        let s = try XCTUnwrap(p.solve())
        XCTAssertEqual(s.objective, 2)
        XCTAssertEqual(s.plan.flow[0][0][0], 5, accuracy: 1e-6)
        XCTAssertEqual(s.plan.flow[0][1][0], 0, accuracy: 1e-6)
        XCTAssertEqual(s.plan.flow[1][1][0], 5, accuracy: 1e-6)
        XCTAssertTrue(p.isFeasible(s.plan))
        var bad = s.plan
        bad.flow[0][1][0] = 5; bad.flow[0][0][0] = 0
        XCTAssertFalse(p.isFeasible(bad), "source 1 may not pay group 0")
    }

    static let study: AllocationStudy? = {
        guard var sc = try? Scenario.load(path: root.appendingPathComponent("Scenarios/province-plan-2024-2025.yaml").path) else { return nil }
        sc.draws = 20
        guard let model = try? Model.load(scenario: sc) else { return nil }
        return try? AllocationStudy(model: model)
    }()

    func testOptimumIsNeverWorseThanAnyRuleAndPlansStayWithinMoney() throws {
        let study = try XCTUnwrap(Self.study)
        let p = study.problem
        let opt = try XCTUnwrap(p.solve(timeLimitSeconds: 60))
        XCTAssertTrue(p.isFeasible(opt.plan))
        XCTAssertGreaterThanOrEqual(opt.lpBound, opt.objective)
        let inds = study.model.catalogue.indicators, ids = study.model.sourceIDs
        for rule in AllocationRule.allCases {
            let plan = p.plan(rule, standing: study.standing)
            XCTAssertTrue(p.isFeasible(plan), "\(rule) plan breaks a budget or eligibility")
            XCTAssertGreaterThanOrEqual(opt.objective + 1e-9, p.objective(plan.path), "optimum below \(rule)")
            // Money by source and year within what is left after upkeep; every amount paid by an allowed source.
            var used = [[Double]](repeating: [Double](repeating: 0, count: p.years), count: p.sources)
            for a in study.amounts(plan) {
                used[a.source][study.model.years.firstIndex(of: a.year)!] += a.amount
                XCTAssertTrue(inds[a.indicator].funding.contains(ids[a.source]), "\(rule): \(ids[a.source]) may not pay \(inds[a.indicator].id)")
            }
            for s in 0..<p.sources { for t in 0..<p.years { XCTAssertLessThanOrEqual(used[s][t], p.available[s][t] * (1 + 1e-9) + 1e-6, "\(rule) overspends \(ids[s])") } }
        }
    }

    func testMoreMoneyNeverLowersTheOptimum() throws {
        let study = try XCTUnwrap(Self.study)
        var p = study.problem
        let base = try XCTUnwrap(p.solve(timeLimitSeconds: 60))
        p.available = p.available.map { $0.map { $0 * 1.5 } }
        let more = try XCTUnwrap(p.solve(timeLimitSeconds: 60))
        XCTAssertGreaterThanOrEqual(more.objective + 1e-9, base.objective)
        p.available = p.available.map { $0.map { _ in 0 } }
        let none = try XCTUnwrap(p.solve(timeLimitSeconds: 60))
        XCTAssertLessThanOrEqual(none.objective, base.objective + 1e-9)
        XCTAssertEqual(none.objective, p.objective(Array(repeating: 0, count: p.communes)), accuracy: 1e-9, "no money: only what happens unfunded")
    }

    func testEvaluatedPlansKeepTiersNestedAndMoneyWithinBudget() throws {
        let study = try XCTUnwrap(Self.study)
        let plan = study.problem.plan(.closestToStandard, standing: study.standing)
        let r = study.evaluate(plan, threads: 2)
        for yi in r.years.indices { for d in r.perDraw[yi] { XCTAssertGreaterThanOrEqual(d[0], d[1]); XCTAssertGreaterThanOrEqual(d[1], d[2]) } }
        for y in r.funding { for f in y { XCTAssertLessThanOrEqual(f[2], f[0] + 1e-6) } }
    }
}

extension AllocationTests {
    /// Least cost by hand: reaching one more commune (A for 4 or B for 3, one source of 9) costs 3; reaching
    /// three costs 13, beyond the 9 the source has, so 4 extra are needed.
    func testLeastCostByHand() throws {
        let p = PackageProblem(communes: 3, years: 1, sources: 1, paths: PackageProblem.allPaths(years: 1), groups: [[0]],
                               value: [[0, 1], [0, 1], [0, 1]], cost: [4.0, 3, 6].map { [[[0]], [[$0]]] }, available: [[9]])
        // Standard (and no higher tier) at the end of year 0, surely, only on the funded path.
        let reach: [[[[Double]]]] = Array(repeating: [[[0, 0, 0]], [[1, 0, 0]]], count: 3)
        let one = try XCTUnwrap(p.leastCost(required: [(year: 0, tier: 1, count: 1)], reach: reach))
        XCTAssertTrue(one.reachable)
        XCTAssertEqual(one.money[0][0], 3, accuracy: 1e-6)
        XCTAssertEqual(one.plan.path, [0, 1, 0])
        let three = try XCTUnwrap(p.leastCost(required: [(year: 0, tier: 1, count: 3)], reach: reach))
        XCTAssertFalse(three.reachable)
        XCTAssertEqual(three.extra[0][0], 4, accuracy: 1e-6)
        XCTAssertEqual(three.money[0][0], 13, accuracy: 1e-6)
    }
}

extension AllocationTests {
    /// A target out of reach within the sources' limits: the least-cost plan needs extra money, and the
    /// probability reported is the plan's with that money (it was the plan's without it, 0 %: money the plan
    /// counts on was not there when the engine paid it), and the aim rises as for any plan: +8 standard
    /// communes in 2024 is first aimed at as such, then at +9, whose plan reaches +8 in some draws.
    func testUnreachableTargetIsEvaluatedWithItsExtraMoney() throws {
        let study = try XCTUnwrap(Self.study)
        let found = try XCTUnwrap(try study.leastCost(target: [.standard: 8], year: 2024, confidence: 0.3, threads: 2, maxRaise: 1))
        XCTAssertFalse(found.result.reachable, "8 of the 10 communes below standard in 2024 need money beyond the sources'")
        let standard = Double(study.model.dataset.communes.filter { $0.tier >= .standard }.count + 8)
        func probability(_ r: ProjectionResult) -> Double { Double(r.perDraw[1].filter { $0[0] >= standard }.count) / Double(r.perDraw[1].count) }
        let with = study.evaluate(found.result.plan, threads: 2, extra: found.result.extra)
        let without = study.evaluate(found.result.plan, threads: 2)
        XCTAssertEqual(found.probability, probability(with), accuracy: 1e-12, "the probability with the extra money")
        XCTAssertGreaterThan(found.probability, probability(without), "without it the plan's communes go unpaid")
        XCTAssertGreaterThan(with.summary(year: 1, field: 0).mean, without.summary(year: 1, field: 0).mean + 1)
    }

    /// The least-cost plan reaches what it aims at in expectation (the shares of draws `reach` gives, on its
    /// paths); a search that spends its raises says so, and one that asks for more than any plan can expect
    /// aims at the most there is and stops there.
    func testLeastCostAimsAtExpectedCommunesAndSaysWhereItStopped() throws {
        let study = try XCTUnwrap(Self.study)
        let base = Double(study.model.dataset.communes.filter { $0.tier >= .advanced }.count)
        func expected(_ plan: PackageProblem.Plan, tier: Int) -> Double {
            (0..<study.model.C).reduce(0) { $0 + study.reach[$1][plan.path[$1]][0][tier] }
        }
        let raised = try XCTUnwrap(try study.leastCost(target: [.advanced: 16], year: 2024, confidence: 1, threads: 2, maxRaise: 2))
        XCTAssertLessThan(raised.probability, 1)
        XCTAssertEqual(raised.raisesSpent, 2)
        XCTAssertEqual(raised.aimed[.advanced], 18)
        XCTAssertGreaterThanOrEqual(expected(raised.result.plan, tier: 1), base + 18 - 1e-6)
        let most = try XCTUnwrap(try study.leastCost(target: [.model: 10], year: 2024, confidence: 1, threads: 2))
        let aim = try XCTUnwrap(most.aimed[.model])
        XCTAssertLessThan(aim, 10, "no plan expects 10 more model communes in a year")
        XCTAssertNil(most.raisesSpent, "it stopped at the most any plan can expect, not at its limit")
        let baseModel = Double(study.model.dataset.communes.filter { $0.tier >= .model }.count)
        XCTAssertGreaterThanOrEqual(expected(most.result.plan, tier: 2), baseModel + Double(aim) - 1e-6)
        // Every commune on its best path expects less than one more.
        let best = (0..<study.model.C).reduce(0.0) { sum, c in sum + study.problem.paths.indices.map { study.reach[c][$0][0][2] }.max()! }
        XCTAssertLessThan(best, baseModel + Double(aim) + 1)
    }

    /// Extra money goes to the source that has the most already, among those that may pay (a least-cost plan had
    /// put 11.5 trillion VND of extra on enterprises, which have 345 billion, beside sources of 1.5 trillion).
    /// One commune needs 10 of a group either source may pay; they have 2 and 5 (then 5 and 2): 3 extra, on the
    /// one with 5.
    func testExtraMoneyGoesToTheLargerSource() throws {
        for (a, b) in [(2.0, 5.0), (5.0, 2.0)] {
            let p = PackageProblem(communes: 1, years: 1, sources: 2, paths: PackageProblem.allPaths(years: 1), groups: [[0, 1]],
                                   value: [[0, 1]], cost: [[[[0]], [[10]]]], available: [[a], [b]])
            let r = try XCTUnwrap(p.leastCost(required: [(year: 0, tier: 1, count: 1)], reach: [[[[0, 0, 0]], [[1, 0, 0]]]]))
            let larger = a > b ? 0 : 1
            XCTAssertEqual(r.extra[larger][0], 3, accuracy: 1e-6, "sources \(a), \(b)")
            XCTAssertEqual(r.extra[1 - larger][0], 0, accuracy: 1e-6, "sources \(a), \(b)")
        }
    }

    /// A two-year programme of random communes: paths none, year 1, year 2, both; two groups, the second paid by
    /// either of two sources.
    static func randomProgramme(communes C: Int, seed: UInt64, available: [[Double]]) -> PackageProblem {
        var rng = SplitMix(seed: seed)
        var value: [[Double]] = [], cost: [[[[Double]]]] = []
        for _ in 0..<C {
            let a = rng.unit(), b = rng.unit(), ca = 1 + 9 * rng.unit(), cb = 1 + 9 * rng.unit()
            value.append([0, 2 * a, a, 2 * a + b])
            cost.append([[[0, 0], [0, 0]], [[ca, ca / 2], [0, 0]], [[0, 0], [ca, ca / 2]], [[ca, ca / 2], [cb, cb / 3]]])
        }
        return PackageProblem(communes: C, years: 2, sources: 2, paths: PackageProblem.allPaths(years: 2), groups: [[0], [0, 1]],
                              value: value, cost: cost, available: available)
    }

    /// A national-sized programme that branch and bound cannot finish in the time allowed still gets a plan: the
    /// relaxation rounded down (each commune the LP leaves whole keeps its path, the others none), within every
    /// budget and a hair below the LP bound. (GLPK found no plan for the national scenario in 60 s.)
    func testATimedOutOptimumStillGivesAPlanNearTheBound() throws {
        let p = Self.randomProgramme(communes: 3000, seed: 8177, available: [[2000, 2500], [1500, 1500]])
        let s = try XCTUnwrap(p.solve(timeLimitSeconds: 0.001), "a plan even when the time runs out")
        XCTAssertTrue(s.searched, "rounding loses too much here to leave branch and bound out")
        XCTAssertTrue(p.isFeasible(s.plan))
        XCTAssertLessThanOrEqual(s.objective, s.lpBound + 1e-6)
        XCTAssertGreaterThan(s.objective, 0.99 * s.lpBound)
    }

    /// Branch and bound is left out only when the relaxation rounded down is already within `closeEnough` of the
    /// LP bound: with money for every package the relaxation is whole and proves itself optimal; with money for
    /// some packages only, rounding loses more and the search runs and proves the optimum.
    func testBranchAndBoundRunsUnlessTheRoundedRelaxationIsCloseEnough() throws {
        let ample = Self.randomProgramme(communes: 3000, seed: 2025, available: [[1e6, 1e6], [1e6, 1e6]])
        let all = try XCTUnwrap(ample.solve())
        XCTAssertFalse(all.searched)
        XCTAssertTrue(all.optimal)
        XCTAssertEqual(all.objective, ample.value.reduce(0) { $0 + $1[3] }, accuracy: 1e-6, "every commune on its best path")
        // Three communes, money for two packages of the three: the relaxation funds part of the third.
        let tight = PackageProblem(communes: 3, years: 1, sources: 1, paths: PackageProblem.allPaths(years: 1), groups: [[0]],
                                   value: [[0, 3], [0, 2], [0, 2]], cost: [[[[0]], [[4]]], [[[0]], [[3]]], [[[0]], [[3]]]],
                                   available: [[6.5]])
        let best = try XCTUnwrap(tight.solve())
        XCTAssertTrue(best.searched)
        XCTAssertTrue(best.optimal)
        XCTAssertEqual(best.objective, 4, "the two cheaper packages (2 + 2) beat the dearer one, which fits with neither")
    }

    /// Sifting (the relaxation of a large programme worked out on a few of its path columns, then on those its prices
    /// call back) ends at the whole programme's bound: with money that runs out early, midway and hardly at all, with
    /// some paths not allowed, and with co-financing that binds. Its plan stays within every rule, and a search that
    /// needs the columns sifting left out gets them back (three communes, where only branch and bound finds the
    /// optimum).
    func testSiftingEndsAtTheWholeProgrammesBound() throws {
        var checked = 0
        for (seed, money) in [(UInt64(11), [[150.0, 200], [100, 100]]), (12, [[600, 800], [500, 500]]), (13, [[1500, 1800], [1200, 1200]])] {
            for variant in ["as drawn", "paths not allowed", "co-financing"] {
                var p = Self.randomProgramme(communes: 400, seed: seed, available: money)
                if variant == "paths not allowed" { p.allowed = (0..<p.communes).map { c in [true, true, c % 3 != 0, c % 5 != 0] } }
                if variant == "co-financing" { p.coFinancing = (local: [1], central: [0], ratio: 0.4) }
                let whole = try XCTUnwrap(p.solve(timeLimitSeconds: 0.2, sifting: false)), sifted = try XCTUnwrap(p.solve(timeLimitSeconds: 0.2, sifting: true))
                let name = "seed \(seed), \(variant)"
                XCTAssertEqual(sifted.lpBound, whole.lpBound, accuracy: 1e-7 * whole.lpBound, name)
                XCTAssertEqual(whole.heldBySifting, 0, name)
                XCTAssertGreaterThan(sifted.heldBySifting, 200, "\(name): most communes need one path only")
                XCTAssertTrue(p.isFeasible(sifted.plan), name)
                XCTAssertLessThanOrEqual(sifted.objective, sifted.lpBound + 1e-6, name)
                XCTAssertGreaterThan(sifted.objective, 0.95 * sifted.lpBound, name)
                checked += 1
            }
        }
        XCTAssertEqual(checked, 9)
        let tight = PackageProblem(communes: 3, years: 1, sources: 1, paths: PackageProblem.allPaths(years: 1), groups: [[0]],
                                   value: [[0, 3], [0, 2], [0, 2]], cost: [[[[0]], [[4]]], [[[0]], [[3]]], [[[0]], [[3]]]],
                                   available: [[6.5]])
        let best = try XCTUnwrap(tight.solve(sifting: true))
        XCTAssertEqual(best.heldBySifting, 1, "the first commune is held to its package (worth 3 − 4 × 2/3 > 0 at the LP's price of money)")
        XCTAssertTrue(best.searched)
        XCTAssertTrue(best.optimal)
        XCTAssertEqual(best.objective, 4, "the search frees the first commune again: the two cheaper packages win")
        XCTAssertEqual(best.lpBound, 4, "3 + 2 × 2.5 / 3 ≈ 4.67, rounded down as the values are whole")
    }

    /// One commune needs 10 of a group either source may pay. Central has 10; local must match it 1:1.
    /// With 3 of local money it cannot be funded (3 + 3 < 10); with 5 it can (5 + 5).
    func testCoFinancingByHand() throws {
        func problem(local: Double) -> PackageProblem {
            var p = PackageProblem(communes: 1, years: 1, sources: 2, paths: PackageProblem.allPaths(years: 1), groups: [[0, 1]],
                                   value: [[0, 1]], cost: [[[[0]], [[10]]]], available: [[10], [local]])
            p.coFinancing = (local: [1], central: [0], ratio: 1)
            return p
        }
        XCTAssertEqual(try XCTUnwrap(problem(local: 3).solve()).objective, 0)
        let ok = try XCTUnwrap(problem(local: 5).solve())
        XCTAssertEqual(ok.objective, 1)
        XCTAssertEqual(ok.plan.flow[0][1][0], 5, accuracy: 1e-6)
        XCTAssertTrue(problem(local: 5).isFeasible(ok.plan))
        // A rule that would spend central money alone is repaired: its plan stays within co-financing.
        let standing = PackageProblem.Standing(tier: [[[0], [0]]], criteria: [[[15], [15]]])
        let p3 = problem(local: 3)
        let plan = p3.plan(.closestToStandard, standing: standing)
        XCTAssertTrue(p3.isFeasible(plan))
        XCTAssertEqual(p3.objective(plan.path), 0)
    }

    /// A package of 10 in a commune that can absorb 8 a year is not an option, for the optimum or a rule.
    func testAbsorptionCapByHand() throws {
        var p = PackageProblem(communes: 1, years: 1, sources: 1, paths: PackageProblem.allPaths(years: 1), groups: [[0]],
                               value: [[0, 1]], cost: [[[[0]], [[10]]]], available: [[100]])
        p.allowed = [[true, false]]
        XCTAssertEqual(try XCTUnwrap(p.solve()).objective, 0)
        let standing = PackageProblem.Standing(tier: [[[0], [0]]], criteria: [[[15], [15]]])
        XCTAssertEqual(p.plan(.greedy, standing: standing).path, [0])
    }
}
