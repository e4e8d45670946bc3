import Foundation
import NTMCalibration
import NTMCatalogue
import NTMEngine
import XCTest

/// Calibration recovers parameters it did not know from data the engine itself generated with them.
final class CalibrationTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var backtestPath: String { root.appendingPathComponent("Scenarios/backtest-2023.yaml").path }
    static var observedPath: String { root.appendingPathComponent("Scenarios/observed/soc-trang-2023.yaml").path }

    func setUpCalibration(truth: [Double]? = nil) throws -> (Calibration, [Double]) {
        var sc = try Scenario.load(path: Self.backtestPath)
        sc.draws = 40
        let cat = try Catalogue.embedded()
        let ds = try DatasetLoader.embedded(catalogue: cat, name: "soc-trang-2022")
        let params = [
            CalibrationParameter(id: "trend.poverty_rate", kind: .trend("poverty_rate"), start: -0.25, lower: -0.7, upper: 0.1),
            CalibrationParameter(id: "unit_cost.infrastructure", kind: .unitCost([.infrastructure]), start: 1, lower: 0.3, upper: 3),
        ]
        // Targets whose observed values are filled in from the engine below.
        let targets = [
            CalibrationTarget(id: "poverty_rate", kind: .indicator("poverty_rate"), observed: 0, scale: 0.02, rounding: 0.005, source: "synthetic"),
            CalibrationTarget(id: "road_hamlet_hardened", kind: .indicator("road_hamlet_hardened"), observed: 0, scale: 0.2, rounding: 0.05, source: "synthetic"),
            CalibrationTarget(id: "road_field_passable", kind: .indicator("road_field_passable"), observed: 0, scale: 0.2, rounding: 0.05, source: "synthetic"),
            CalibrationTarget(id: "average_criteria", kind: .averageCriteria, observed: 0, scale: 0.01, rounding: 0.005, source: "synthetic"),
        ]
        let blank = try Calibration(catalogue: cat, dataset: ds, scenario: sc, parameters: params, targets: targets)
        let known = truth ?? [-0.42, 1.5]
        let generated = Calibration.outcomes(try blank.replay(known, threads: 2), targets: targets)
        var observed = targets
        for i in observed.indices { observed[i].observed = generated[i].mean }
        return (try Calibration(catalogue: cat, dataset: ds, scenario: sc, parameters: params, targets: observed), known)
    }

    func testRecoversKnownParametersFromSyntheticData() throws {
        let (calibration, truth) = try setUpCalibration()
        // The catalogue's values are far from the truth: the objective says so.
        XCTAssertGreaterThan(try calibration.objective(calibration.start), 10)
        let fit = try calibration.fit(maxEvaluations: 120, samples: 20, threads: 2)
        XCTAssertEqual(fit.values[0], truth[0], accuracy: 0.02, "poverty trend")
        XCTAssertEqual(fit.values[1], truth[1], accuracy: 0.1, "infrastructure unit-cost multiplier")
        XCTAssertLessThan(fit.objective, 1)
        XCTAssertEqual(fit.overrides.filter { $0.parameter == 1 }.count, try Catalogue.embedded().indicators.filter { $0.kind == .infrastructure }.count)
        // The fitted file is a valid scenario layer: every value says it was calibrated.
        let yaml = fit.overridesYAML(scenario: "backtest-2023", observed: "synthetic", year: 2023, catalogue: try Catalogue.embedded())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("calibrated-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let layer = try Scenario.load(path: file.path)
        XCTAssertEqual(layer.overrides.count, fit.overrides.count)
        XCTAssertTrue(layer.overrides.allSatisfy { $0.source.hasPrefix("calibrated") })
        let trend = try XCTUnwrap(layer.overrides.first { $0.path == "indicator.poverty_rate.trend" })
        XCTAssertEqual(trend.value, fit.values[0], accuracy: 1e-6)
    }

    /// The engine parameters the calibration added (planning margin, upper-tier recognition) are recovered too:
    /// tier counts and average criteria generated with known values, fitted from the catalogue's.
    func testRecoversPlanningMarginAndUpperRecognition() throws {
        var sc = try Scenario.load(path: Self.backtestPath)
        sc.draws = 60
        let cat = try Catalogue.embedded()
        let ds = try DatasetLoader.embedded(catalogue: cat, name: "soc-trang-2022")
        let params = [
            CalibrationParameter(id: "planning_margin", kind: .model("planning_margin"), start: 0.5, lower: 0, upper: 3),
            CalibrationParameter(id: "recognition_probability_upper", kind: .model("recognition_probability_upper"),
                                 start: 0.9, lower: 0.2, upper: 1),
        ]
        let targets = [Tier.standard, .advanced, .model].map {
            CalibrationTarget(id: "tier.\($0.id)", kind: .tier($0), observed: 0, scale: 0.25, rounding: 0.5, source: "synthetic")
        } + [CalibrationTarget(id: "average_criteria", kind: .averageCriteria, observed: 0, scale: 0.01, rounding: 0.005, source: "synthetic")]
        let blank = try Calibration(catalogue: cat, dataset: ds, scenario: sc, parameters: params, targets: targets)
        let truth = [1.4, 0.5]
        let generated = Calibration.outcomes(try blank.replay(truth, threads: 2), targets: targets)
        var observed = targets
        for i in observed.indices { observed[i].observed = generated[i].mean }
        let calibration = try Calibration(catalogue: cat, dataset: ds, scenario: sc, parameters: params, targets: observed)
        XCTAssertGreaterThan(try calibration.objective(calibration.start), 10, "the catalogue's values are far from the truth")
        let fit = try calibration.fit(maxEvaluations: 150, samples: 30, threads: 2)
        XCTAssertEqual(fit.values[0], truth[0], accuracy: 0.2, "planning margin")
        XCTAssertEqual(fit.values[1], truth[1], accuracy: 0.1, "upper-tier recognition")
        XCTAssertEqual(fit.overrides.map(\.path), ["model.planning_margin", "model.recognition_probability_upper"])
    }

    /// A prior draws a parameter the targets cannot see toward the catalogue's value (without one it goes
    /// wherever the search stops), and leaves one the targets pin down where the data put it; the fit reports the
    /// data's misfit and the priors' term apart.
    func testPriorHoldsAParameterTheDataDoNotIdentify() throws {
        let (base, truth) = try setUpCalibration()
        // The tiers' recognition probability moves nothing these targets (poverty, roads, criteria) measure.
        func calibration(prior: Bool) throws -> Calibration {
            let extra = CalibrationParameter(id: "recognition_probability_upper", kind: .model("recognition_probability_upper"),
                                             start: 0.9, lower: 0.2, upper: 1,
                                             prior: prior ? .init(spread: 0.2, reason: "assumption: test") : nil)
            return try Calibration(catalogue: base.catalogue, dataset: base.dataset, scenario: base.scenario,
                                   parameters: base.parameters + [extra], targets: base.targets)
        }
        let withPrior = try calibration(prior: true)
        XCTAssertEqual(withPrior.prior([-0.25, 1, 0.9]), 0, "no pull at the catalogue's values")
        XCTAssertEqual(withPrior.prior([-0.25, 1, 0.5]), 4, accuracy: 1e-9, "two spreads away: 2²")
        let fit = try withPrior.fit(maxEvaluations: 150, samples: 20, threads: 2)
        XCTAssertEqual(fit.values[2], 0.9, accuracy: 0.1, "held within half a spread of the catalogue's value")
        XCTAssertEqual(fit.values[0], truth[0], accuracy: 0.02, "the identified trend is still recovered")
        XCTAssertEqual(fit.priorTerm, withPrior.prior(fit.values), accuracy: 1e-12)
        XCTAssertEqual(fit.objective, try withPrior.objective(fit.values, draws: nil), accuracy: 1e-9, "objective: the data's misfit alone")
        let free = try calibration(prior: false).fit(maxEvaluations: 150, samples: 20, threads: 2)
        XCTAssertNil(free.standardErrors[2], "without a prior the data say nothing about it")
        XCTAssertNotNil(fit.standardErrors[2], "with one, its curvature is the prior's")
    }

    func testObjectiveIsDeterministicAndZeroAtTheTruth() throws {
        let (calibration, truth) = try setUpCalibration()
        XCTAssertEqual(try calibration.objective(truth), 0, accuracy: 1e-9)
        XCTAssertEqual(try calibration.objective([-0.3, 1.2]), try calibration.objective([-0.3, 1.2]))
    }

    /// The curvature's inverse (LAPACK through OpenBLAS): A · A⁻¹ = I for a positive definite matrix, symmetric
    /// and exact on a hand-worked case; nil for one that is not positive definite.
    func testInverseOfTheCurvature() throws {
        let a: [[Double]] = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]]
        let inv = try XCTUnwrap(try Calibration.invertPositiveDefinite(a))
        for i in 0..<3 {
            for j in 0..<3 {
                let p = (0..<3).reduce(0.0) { $0 + a[i][$1] * inv[$1][j] }
                XCTAssertEqual(p, i == j ? 1 : 0, accuracy: 1e-12, "(A·A⁻¹)[\(i)][\(j)]")
                XCTAssertEqual(inv[i][j], inv[j][i])
            }
        }
        let two = try XCTUnwrap(try Calibration.invertPositiveDefinite([[2, 1], [1, 2]]))
        XCTAssertEqual(two[0][0], 2.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(two[0][1], -1.0 / 3, accuracy: 1e-15)
        XCTAssertNil(try Calibration.invertPositiveDefinite([[1, 2], [2, 1]]), "indefinite")
        XCTAssertNil(try Calibration.invertPositiveDefinite([[1, 1], [1, 1]]), "singular")
    }

    func testNelderMeadFindsAQuadraticMinimum() {
        let best = NelderMead.minimise({ x in (x[0] - 1) * (x[0] - 1) + 3 * (x[1] + 2) * (x[1] + 2) },
                                       start: [0, 0], steps: [0.5, 0.5], maxEvaluations: 400, tolerance: 1e-12)
        XCTAssertEqual(best.point[0], 1, accuracy: 1e-3)
        XCTAssertEqual(best.point[1], -2, accuracy: 1e-3)
    }

    func testObservedFileGivesTheReportsTargets() throws {
        let cat = try Catalogue.embedded()
        let ds = try DatasetLoader.embedded(catalogue: cat, name: "soc-trang-2022")
        let obs = try ObservedOutcomes.load(path: Self.observedPath, catalogue: cat, dataset: ds)
        let t = Dictionary(uniqueKeysWithValues: obs.targets(year: 2023).map { ($0.id, $0.observed) })
        XCTAssertEqual(t["tier.standard"], 70)
        XCTAssertEqual(t["tier.advanced"], 20)
        XCTAssertEqual(t["tier.model"], 2)
        XCTAssertEqual(t["average_criteria"], 18.63)
        XCTAssertEqual(t["poverty_rate"], 2.67)
        XCTAssertEqual(obs.years[0].communes[.standard]?.notRecognised.count, 10, "the ten of Appendix II, matched through the aliases")
    }

    func testBadObservedFilesNameFileLineAndKey() throws {
        let cat = try Catalogue.embedded()
        let ds = try DatasetLoader.embedded(catalogue: cat, name: "soc-trang-2022")
        let cases: [(String, String, String)] = [
            ("years:\n  2023:\n    communes:\n      model: {recognised: [\"Atlantis\"], source: \"x\"}\n", "Atlantis", "years.2023.communes.model.recognised[0]"),
            ("years:\n  2023:\n    tiers:\n      standard: {value: 70}\n", "source", "years.2023.tiers.standard"),
            ("years:\n  2023:\n    tierz: {}\n", "unknown key", "years.2023.tierz"),
            ("years:\n  2023:\n    indicators:\n      poverty: {value: 2, source: \"x\"}\n", "unknown indicator", "years.2023.indicators.poverty"),
            ("years:\n  2021:\n    tiers:\n      standard: {value: 70, source: \"x\"}\n", "base year", "years.2021"),
        ]
        for (body, words, key) in cases {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("observed-\(UUID().uuidString).yaml")
            try ("observed: {name: t}\n" + body).write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            do {
                _ = try ObservedOutcomes.load(path: file.path, catalogue: cat, dataset: ds)
                XCTFail("\(key): expected an error")
            } catch let e as InputError {
                XCTAssertEqual(e.key, key, e.description)
                XCTAssertGreaterThan(e.line, 0, e.description)
                XCTAssertTrue(e.description.contains(words), e.description)
            }
        }
    }
}
