import Foundation
import NTMCatalogue
import NTMEngine
import NTMTestSupport
import XCTest

/// Helpers shared by the projection and scenario tests (public API only).
enum Fixture {
    /// Every table of two projections is the same, to the last bit: draws, communes, districts, money, spending,
    /// indicators and what was paid.
    static func assertSameNumbers(_ a: ProjectionResult, _ b: ProjectionResult, _ message: String = "",
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.years, b.years, message, file: file, line: line)
        XCTAssertEqual(a.perDraw, b.perDraw, message, file: file, line: line)
        XCTAssertEqual(a.communes, b.communes, message, file: file, line: line)
        XCTAssertEqual(a.districts, b.districts, message, file: file, line: line)
        XCTAssertEqual(a.funding, b.funding, message, file: file, line: line)
        XCTAssertEqual(a.spending, b.spending, message, file: file, line: line)
        XCTAssertEqual(a.indicators, b.indicators, message, file: file, line: line)
        XCTAssertEqual(a.paid, b.paid, message, file: file, line: line)
    }

    /// The package root (this file is <root>/Tests/NTMEngineTests/EngineSupport.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The province's plan, by absolute path (scenarios written to temporary folders extend it).
    static var planPath: String { packageRoot.appendingPathComponent("Scenarios/province-plan-2024-2025.yaml").path }
    static var austerityPath: String { packageRoot.appendingPathComponent("Scenarios/austerity.yaml").path }

    /// The catalogue's funding sources, in catalogue order.
    static let sourceIDs = ["central_development", "central_recurrent", "province", "district", "integrated",
                            "credit", "enterprises", "people_cash", "people_in_kind"]

    /// The ten below-standard communes of Appendix II: statistics-office code → criteria met (DOMAIN.md §2).
    static let appendixII = AppendixII.communes

    /// The embedded catalogue and dataset, read once.
    static let embedded: Result<Embedded, Error> = Result {
        let cat = try Catalogue.embedded()
        return Embedded(catalogue: cat, dataset: try DatasetLoader.embedded(catalogue: cat))
    }

    struct Embedded: Sendable {
        var catalogue: Catalogue
        var dataset: Dataset
    }

    /// A fresh temporary folder, removed when the test ends.
    static func tempFolder(_ test: XCTestCase, _ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ntm-engine-tests-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Writes `text` to <dir>/<name> and returns its path.
    @discardableResult
    static func write(_ text: String, to name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// YAML funding of every source, the same amount in 2024 and 2025.
    static func fundingYAML(_ amount: Double) -> String {
        "funding:\n" + sourceIDs.map { "  \($0): {2024: \(amount), 2025: \(amount), source: \"test\"}\n" }.joined()
    }

    /// YAML shocks scaling every source's money by `factor` in 2024 and 2025.
    static func fundingScaleYAML(_ factor: Double) -> String {
        "shocks:\n" + sourceIDs.flatMap { id in
            [2024, 2025].map { "  - {year: \($0), funding_source: \(id), funding_scale: \(factor), source: \"test\"}\n" }
        }.joined()
    }

    /// Loads a scenario, optionally changing draws, seed and policy, and compiles it on the embedded data
    /// (or, when the scenario names its own catalogue or dataset, on those).
    static func model(_ path: String, draws: Int? = nil, seed: UInt64? = nil, policy: String? = nil) throws -> Model {
        var s = try Scenario.load(path: path)
        if let d = draws { s.draws = d }
        if let x = seed { s.seed = x }
        if let p = policy { s.policy = p }
        return try model(s)
    }

    static func model(_ s: Scenario) throws -> Model {
        if s.cataloguePath != nil || s.datasetPath != nil { return try Model.load(scenario: s) }
        let e = try embedded.get()
        return try Model(catalogue: e.catalogue, dataset: e.dataset, scenario: s)
    }

    static func project(_ path: String, draws: Int? = nil, seed: UInt64? = nil, policy: String? = nil,
                        threads: Int = 2) throws -> ProjectionResult {
        Projection(model: try model(path, draws: draws, seed: seed, policy: policy)).run(threads: threads)
    }

    /// Every input error a thrown error carries, whether it came alone or as a list; nil for other errors.
    static func inputErrors(_ error: Error) -> [InputError]? {
        if let e = error as? InputError { return [e] }
        if let e = error as? InputErrors { return e.errors }
        return nil
    }

    /// Runs `body`, which must throw exactly one input error, and returns it (failing the test otherwise).
    static func expectInputError(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                                 _ body: () throws -> Void) -> InputError? {
        do {
            try body()
            XCTFail("\(what): expected an input error, nothing was thrown", file: file, line: line)
            return nil
        } catch {
            guard let errors = inputErrors(error) else {
                XCTFail("\(what): expected InputError(s), got \(type(of: error)): \(error)", file: file, line: line)
                return nil
            }
            XCTAssertEqual(errors.count, 1, "\(what): one error expected: \(errors)", file: file, line: line)
            return errors.first
        }
    }

    /// The 1-based line on which `needle` first occurs in `text` (0 if absent).
    static func lineOf(_ needle: String, in text: String) -> Int {
        guard let r = text.range(of: needle) else { return 0 }
        return text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }

    /// tiers.csv as RunReport writes it (year, stat, the five fields to 4 decimals), for comparing runs.
    static func tiersTable(_ r: ProjectionResult) -> String {
        var out = ""
        for (yi, year) in r.years.enumerated() {
            let s = (0..<5).map { r.summary(year: yi, field: $0) }
            for (stat, pick) in [("mean", { (x: ProjectionResult.Summary) in x.mean }), ("p10", { $0.p10 }),
                                 ("p50", { $0.p50 }), ("p90", { $0.p90 })] {
                out += ([String(year), stat] + s.map { formatNumber(pick($0)) }).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
