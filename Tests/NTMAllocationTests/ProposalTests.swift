import Foundation
import NTMAllocation
import NTMCatalogue
import NTMEngine
import XCTest

/// The draft of `ntm propose` on the province's plan: what Appendix II and III must always satisfy.
final class ProposalTests: XCTestCase {
    /// The optimum's proposal for 2024 and 2025 (40 draws: the invariants hold in every draw count).
    static let proposal: Proposal? = {
        guard let study = AllocationTests.study, let o = study.problem.solve(timeLimitSeconds: 60) else { return nil }
        return try? Proposal(study: study, plan: o.plan, policy: "optimal", years: [2024, 2025], confidence: 0.8, threads: 2)
    }()

    /// Each commune's criteria at the start of the year are its dataset's in 2024 (the report's Appendix II for
    /// the ten below standard), and every criterion proposed is one it does not yet meet.
    func testProposedCriteriaAreOnesNotYetMet() throws {
        let p = try XCTUnwrap(Self.proposal)
        let ds = p.study.model.dataset, cat = p.study.model.catalogue
        let below = p.rows(year: 2024).filter { $0.aim == .standard }
        XCTAssertEqual(below.count, 10, "the ten communes below standard at end-2023")
        XCTAssertEqual(below.map { ds.communes[$0.commune].name }.first, "Thạnh Thới An", "in the report's order")
        for r in below {
            XCTAssertEqual(r.met, ds.criteriaMet(r.commune, tier: .standard, catalogue: cat), ds.communes[r.commune].name)
        }
        XCTAssertEqual(below.map(\.met.count).reduce(0, +), 160, "DOMAIN.md §2: the ten meet 160 criteria")
        for y in p.years {
            for r in p.rows(year: y) {
                let name = "\(y) \(ds.communes[r.commune].name)"
                XCTAssertTrue(Set(r.planned).isDisjoint(with: r.met), "\(name): proposes criteria it already meets")
                XCTAssertFalse(r.planned.isEmpty && r.proposed && r.met.count < cat.criteria.count, "\(name): proposed with nothing to reach")
                XCTAssertTrue(r.planned.allSatisfy { n in cat.criteria.contains { $0.number == n } }, name)
            }
        }
    }

    /// Lũy kế = criteria met + criteria to reach (− any a rising threshold takes away); a commune proposed for a
    /// tier meets all 19 at it; the proposed counts are the plan's tier counts year on year.
    func testCumulativeCountsAddUp() throws {
        let p = try XCTUnwrap(Self.proposal)
        let J = p.study.model.catalogue.criteria.count
        for (t, y) in p.study.model.years.enumerated() where p.years.contains(y) {
            for r in p.rows(year: y) {
                XCTAssertEqual(r.cumulative.count, r.met.count + r.planned.count - r.lost.count)
                XCTAssertEqual(Set(r.cumulative), Set(r.met).union(r.planned).subtracting(r.lost))
                if r.proposed { XCTAssertEqual(r.cumulative.count, J, "\(y): a commune proposed for \(r.aim) meets every criterion") }
                // Criteria to raise are met at the start and at the end; the money by criterion is the row's money.
                XCTAssertTrue(Set(r.raised).isSubset(of: Set(r.met).intersection(r.cumulative)), "\(y)")
                XCTAssertEqual(r.costByCriterion.reduce(0) { $0 + $1.amount }, r.totalCost, accuracy: 1e-6 * max(1, r.totalCost), "\(y)")
            }
            for tier in Tier.graded {
                let f = tier.rawValue - 1
                let count = { (ri: Int) in p.expected.communes[ri].filter { $0[f] > 0.5 }.count }
                XCTAssertEqual(p.rows(year: y).filter { $0.aim == tier && $0.proposed }.count, count(t + 1) - count(t), "\(y) \(tier)")
            }
        }
    }

    /// A path's value is what the Monte Carlo engine makes of it: with money no package can exhaust, the plan's
    /// communes (each on its path, on the evaluation's random numbers) reach each tier in the shares `reach`
    /// gives, and the objective summed over them is the plan's value in the programme. Shares nest by tier.
    func testPathValuesAreTheMonteCarloEnginesShares() throws {
        let p = try XCTUnwrap(Self.proposal)
        let study = p.study, T = study.model.years.count
        let unlimited = (0..<study.problem.sources).map { _ in [Double](repeating: 1e13, count: T) }
        let r = study.evaluate(p.plan, threads: 2, extra: unlimited)
        var value = 0.0
        for c in 0..<study.model.C {
            let j = p.plan.path[c]
            for t in 0..<T {
                let share = study.reach[c][j][t], got = r.communes[t + 1][c]
                for i in 0..<3 { XCTAssertEqual(share[i], got[i], accuracy: 1e-12, "commune \(c), year \(t), tier \(i + 1)") }
                XCTAssertGreaterThanOrEqual(share[0], share[1]); XCTAssertGreaterThanOrEqual(share[1], share[2])
                value += study.objective.value(standard: got[0], advanced: got[1], model: got[2])
            }
        }
        XCTAssertEqual(study.problem.objective(p.plan.path), value, accuracy: 1e-9)
    }

    /// The draft target of each year and tier is the most communes added that at least 80 % of the draws reach:
    /// one more is reached in fewer.
    func testDraftTargetsAreReachedWithTheConfidence() throws {
        let p = try XCTUnwrap(Self.proposal)
        for y in p.years {
            let t = p.study.model.years.firstIndex(of: y)!
            for tier in Tier.graded {
                let f = tier.rawValue - 1, draft = try XCTUnwrap(p.draftTargets[y]?[tier])
                let added = zip(p.evaluation.perDraw[t + 1], p.evaluation.perDraw[t]).map { $0.0[f] - $0.1[f] }
                func share(_ n: Int) -> Double { Double(added.filter { $0 >= Double(n) - 1e-9 }.count) / Double(added.count) }
                XCTAssertGreaterThanOrEqual(share(draft), 0.8, "\(y) \(tier)")
                XCTAssertLessThan(share(draft + 1), 0.8, "\(y) \(tier)")
            }
        }
        // A plan funds more advanced packages in 2024 than its draws add (not every package succeeds).
        let funded = p.rows(year: 2024).filter { $0.aim == .advanced && $0.proposed }.count
        XCTAssertLessThan(p.draftTargets[2024]![.advanced]!, funded)
    }

    /// A district the plan proposes in one year is not listed again in a later one (an audit found Cù Lao Dung
    /// proposed in 2024 and again in 2025).
    func testADistrictIsProposedOnce() throws {
        let p = try XCTUnwrap(Self.proposal)
        var proposed: Set<Int> = []
        for y in p.years {
            for d in p.districts where d.year == y {
                XCTAssertFalse(proposed.contains(d.district), "\(y): \(p.study.model.dataset.districts[d.district].name) proposed again")
                if d.proposed { proposed.insert(d.district) }
            }
        }
        XCTAssertFalse(p.districts.isEmpty)
    }

    /// A commune proposed for advanced is standard by then; one proposed for model is advanced by then.
    func testTiersComeInOrder() throws {
        let p = try XCTUnwrap(Self.proposal)
        let ds = p.study.model.dataset
        var reached: [Int: Tier] = Dictionary(uniqueKeysWithValues: ds.communes.indices.map { ($0, ds.communes[$0].tier) })
        var proposedAbove = 0
        for y in p.study.model.years {
            let rows = p.rows(year: y)
            for r in rows {
                XCTAssertEqual(r.start, reached[r.commune], "\(y): the year starts where the last ended")
                if r.again {
                    XCTAssertFalse(r.proposed, "\(y): a commune at model already is funded again, not proposed")
                    XCTAssertGreaterThan(r.totalCost, 0, "\(y): listed at model only when the plan funds it")
                } else {
                    XCTAssertEqual(r.aim, r.start.next, "one tier at a time")
                }
                if r.aim >= .advanced && r.proposed {
                    proposedAbove += 1
                    XCTAssertGreaterThanOrEqual(reached[r.commune]!, Tier(rawValue: r.aim.rawValue - 1)!, "\(y) \(ds.communes[r.commune].name)")
                }
            }
            for r in rows where r.proposed { reached[r.commune] = r.aim }
        }
        XCTAssertGreaterThan(proposedAbove, 0, "the plan proposes some advanced or model communes")
    }

    /// Upkeep plus the proposed packages never exceed what a source has in a year; the least-cost plan for a
    /// shortfall spends what the source has plus the extra it names.
    func testPlanNeverExceedsWhatEachSourceHas() throws {
        let p = try XCTUnwrap(Self.proposal)
        let ids = p.study.model.sourceIDs
        for s in ids.indices {
            for t in p.study.model.years.indices {
                XCTAssertLessThanOrEqual(p.planned(s, t), p.available[s][t] * (1 + 1e-9) + 1e-6, "\(ids[s]) \(p.study.model.years[t])")
                XCTAssertGreaterThanOrEqual(p.packages[s][t], 0)
            }
        }
        // What the Monte Carlo engine paid is stated exactly for the rows the plan funds.
        for y in p.years { for r in p.rows(year: y) { XCTAssertEqual(r.fundedShare != nil, r.totalCost > 0); XCTAssertGreaterThanOrEqual(r.fundedShare ?? 0, 0) } }
        // The rows' money is the plan's packages.
        for (t, y) in p.study.model.years.enumerated() {
            let rows = p.rows(year: y).reduce(0) { $0 + $1.totalCost }
            let total = ids.indices.reduce(0) { $0 + p.packages[$1][t] }
            XCTAssertEqual(rows, total, accuracy: 1e-6 * max(1, total), "\(y): every funded commune has a row")
        }
        for sf in p.shortfalls {
            for s in ids.indices {
                for t in p.study.model.years.indices {
                    XCTAssertLessThanOrEqual(sf.result.money[s][t], p.study.problem.available[s][t] + sf.result.extra[s][t] + 1e-3)
                }
            }
        }
    }

    /// The province's 2024 targets are checked, and a target short of the confidence has a least-cost answer.
    func testTargetsAreComparedAndShortfallsAnswered() throws {
        let p = try XCTUnwrap(Self.proposal)
        let t2024 = p.targets.filter { $0.year == 2024 }
        XCTAssertEqual(t2024.map(\.tier), [.standard, .advanced, .model])
        XCTAssertEqual(t2024.map(\.target), [5, 9, 1], "seed Part 2 §I")
        for c in p.targets { XCTAssertEqual(c.met, c.probability >= 0.8) }
        XCTAssertEqual(Set(p.shortfalls.map(\.year)), Set(p.targets.filter { !$0.met }.map(\.year)))
    }
}
