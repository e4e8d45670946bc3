import Foundation
import XCTest

/// `ntm calibrate` and `ntm backtest` through the built executable.
final class CalibrateBacktestCLITests: XCTestCase {
    static let root = CLI.root
    static var backtestPath: String { root.appendingPathComponent("Scenarios/backtest-2023.yaml").path }
    static var observedPath: String { root.appendingPathComponent("Scenarios/observed/soc-trang-2023.yaml").path }

    private func ntm(_ args: [String], scratch: URL) throws -> CLI.Result { try CLI.exec(try CLI.binary(), args, cwd: nil, scratch: scratch) }

    func testCalibrateWritesTheFitReportAndTheOverrides() throws {
        let tmp = try cliTempFolder("ntm-calibrate-cli")
        let out = tmp.appendingPathComponent("fit"), overrides = tmp.appendingPathComponent("calibrated.yaml")
        let r = try ntm(["calibrate", Self.backtestPath, "--observed", Self.observedPath, "--draws", "20", "--max-evaluations", "40",
                         "--write", overrides.path, "--out", out.path, "--lang", "en"], scratch: tmp)
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try String(contentsOf: out.appendingPathComponent("calibration.md"), encoding: .utf8)
        for words in ["Observed and replayed", "Residual", "Fitted parameters", "Standard error", "weakly", "Prior spread", "## Priors"] {
            XCTAssertTrue(md.contains(words), "calibration.md should say '\(words)'")
        }
        // Every parameter's prior is listed with its reason, and the CSV gives each one's spread and term.
        let params = CLITests.parseCSV(try String(contentsOf: out.appendingPathComponent("parameters.csv"), encoding: .utf8))
        XCTAssertEqual(params.rows.count, 9)
        for row in params.rows {
            XCTAssertGreaterThan(Double(row["prior_spread"] ?? "") ?? 0, 0, "\(row["parameter"] ?? "?") has a prior")
            XCTAssertGreaterThanOrEqual(Double(row["prior_term"] ?? "") ?? -1, 0)
            XCTAssertTrue((row["prior_source"] ?? "").hasPrefix("assumption: "), "the prior's reason")
            XCTAssertTrue(md.contains("- `\(row["parameter"] ?? "?")`: assumption: "), "calibration.md lists the prior of \(row["parameter"] ?? "?")")
        }
        let residuals = try String(contentsOf: out.appendingPathComponent("residuals.csv"), encoding: .utf8)
        XCTAssertTrue(residuals.hasPrefix("target,observed,catalogue_mean,replayed_mean"))
        XCTAssertTrue(residuals.contains("tier.standard,70,"))
        let yaml = try String(contentsOf: overrides, encoding: .utf8)
        XCTAssertTrue(yaml.contains("overrides:"))
        let values = yaml.components(separatedBy: "\n").filter { $0.hasPrefix("  indicator.") }
        XCTAssertFalse(values.isEmpty)
        XCTAssertTrue(values.allSatisfy { $0.contains("source: \"calibrated") }, "every value says it was calibrated")
        // The written file is a scenario layer ntm accepts.
        let v = try ntm(["validate", overrides.path], scratch: tmp)
        XCTAssertEqual(v.status, 0, v.stderr)
    }

    /// The Vietnamese report says what each parameter moves in Vietnamese: indicators by their names, kinds in
    /// words (an audit found ids such as `poverty_rate` and `infrastructure` in the table's "Ý nghĩa" column).
    func testCalibrationReportDescribesParametersInTheReportsLanguage() throws {
        let tmp = try cliTempFolder("ntm-calibrate-vi")
        let out = tmp.appendingPathComponent("fit")
        let r = try ntm(["calibrate", Self.backtestPath, "--observed", Self.observedPath, "--draws", "20", "--max-evaluations", "40",
                         "--no-write", "--out", out.path], scratch: tmp)
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try String(contentsOf: out.appendingPathComponent("calibration.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("Xu hướng hằng năm của Tỷ lệ hộ nghèo đa chiều (%)"), md)
        XCTAssertTrue(md.contains("Hệ số nhân đơn giá (hạ tầng)"), md)
        XCTAssertTrue(md.contains("Hệ số nhân nhiễu (kinh tế, hành chính)"), md)
        XCTAssertFalse(md.contains("Xu hướng hằng năm của poverty_rate"), md)
        XCTAssertFalse(md.contains("(infrastructure)"), md)
    }

    /// `--write` never replaces the scenario being calibrated, nor a file ntm did not write (without --force),
    /// and it is checked before the fit: nothing is written.
    func testCalibrateWriteKeepsTheUsersFiles() throws {
        let tmp = try cliTempFolder("ntm-calibrate-write")
        let scenario = tmp.appendingPathComponent("replay.yaml"), notes = tmp.appendingPathComponent("notes.yaml")
        let text = "extends: \(Self.backtestPath)\n"
        try Data(text.utf8).write(to: scenario)
        try Data("my notes\n".utf8).write(to: notes)
        for (target, words) in [(scenario, "which this command reads"), (notes, "not written by ntm calibrate")] {
            let out = tmp.appendingPathComponent("fit-\(target.lastPathComponent)")
            let r = try ntm(["calibrate", scenario.path, "--observed", Self.observedPath, "--draws", "2", "--max-evaluations", "10",
                             "--write", target.path, "--out", out.path], scratch: tmp)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains("--write") && r.stderr.contains(words), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "no fit report written")
        }
        XCTAssertEqual(try String(contentsOf: scenario, encoding: .utf8), text)
        XCTAssertEqual(try String(contentsOf: notes, encoding: .utf8), "my notes\n")
    }

    func testBacktestRunsOnTheShippedObservedFileAndExplainsItself() throws {
        let tmp = try cliTempFolder("ntm-backtest-cli")
        let out = tmp.appendingPathComponent("bt")
        let r = try ntm(["backtest", Self.observedPath, Self.backtestPath, "--draws", "100", "--out", out.path, "--lang", "en"], scratch: tmp)
        XCTAssertEqual(r.status, 0, r.stderr)
        for words in ["P10–P90 band", "Brier score", "Reliability table", "Rank of the communes actually recognised", "An Thạnh 1",
                      "Communes standard", "in-sample"] {
            XCTAssertTrue(r.stdout.contains(words), "the backtest should say '\(words)'")
        }
        let csv = try String(contentsOf: out.appendingPathComponent("backtest.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains("band,2023,standard,,70,"))
        XCTAssertTrue(csv.contains("rank,2023,model,An Thạnh 1,"))
        // The observed communes' sources in tier order (below standard, advanced missed, model), every run.
        let sources = ["the ten communes still below standard", "Long Đức and Long Hưng", "An Thạnh 1 is one of the two model communes"]
            .map { r.stdout.range(of: $0)?.lowerBound }
        XCTAssertFalse(sources.contains(nil), "every source should be listed")
        if let a = sources[0], let b = sources[1], let c = sources[2] { XCTAssertTrue(a < b && b < c, "sources out of tier order") }
        // Vietnamese by default.
        let vi = try ntm(["backtest", Self.observedPath, Self.backtestPath, "--draws", "20", "--out", tmp.appendingPathComponent("vi").path], scratch: tmp)
        XCTAssertEqual(vi.status, 0, vi.stderr)
        XCTAssertTrue(vi.stdout.contains("Điểm Brier"))
    }

    /// Communes tied on a probability share a range of ranks, and every column has a header (an audit found An
    /// Thạnh 1, given 0 % with 76 other communes, ranked "4 / 80", and the year columns headed by nothing).
    func testBacktestShowsTiedRanksAsARangeAndHeadsEveryColumn() throws {
        let tmp = try cliTempFolder("ntm-backtest-ranks")
        let out = tmp.appendingPathComponent("bt")
        let r = try ntm(["backtest", Self.observedPath, Self.backtestPath, "--draws", "100", "--out", out.path], scratch: tmp)
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try String(contentsOf: out.appendingPathComponent("backtest.md"), encoding: .utf8)
        let lines = md.split(separator: "\n").map(String.init)
        for (i, line) in lines.enumerated() where i + 1 < lines.count && lines[i + 1].hasPrefix("|---") {
            XCTAssertFalse(line.contains("|  |"), "a table header with an empty column: \(line)")
        }
        let csv = CLITests.parseCSV(try String(contentsOf: out.appendingPathComponent("backtest.csv"), encoding: .utf8))
        XCTAssertTrue(csv.header.contains("rank_last"), "backtest.csv gives the worst rank of a tie: \(csv.header)")
        let ranks = csv.rows.filter { $0["table"] == "rank" }
        XCTAssertFalse(ranks.isEmpty)
        var zero = 0
        for row in ranks {
            let name = row["name"] ?? "?", of = row["of"] ?? "?"
            let best = Int(row["rank"] ?? "") ?? -1, last = Int(row["rank_last"] ?? "") ?? -1
            XCTAssertGreaterThanOrEqual(last, best, name)
            let cell = last > best ? "| \(best)–\(last) / \(of) |" : "| \(best) / \(of) |"
            let line = lines.first { $0.contains("| \(name) |") && $0.contains(" / \(of) |") }
            XCTAssertTrue(line?.contains(cell) ?? false, "\(name) should be ranked \(cell): \(line ?? "no row")")
            // Nothing ranks below a 0 % forecast: it ties with every commune given 0 %, down to the last place.
            if Double(row["forecast"] ?? "") == 0 {
                zero += 1
                XCTAssertEqual(String(last), of, "\(name), given 0 %, shares the last rank")
            }
        }
        XCTAssertGreaterThan(zero, 0, "the shipped backtest has a recognised commune given 0 % (An Thạnh 1 at model)")
    }

    func testBadObservedFileIsOneLineNamingFileLineAndKeyAndWritesNothing() throws {
        let tmp = try cliTempFolder("ntm-backtest-bad")
        let bad = tmp.appendingPathComponent("observed.yaml")
        try """
        observed: {name: bad}
        years:
          2023:
            communes:
              standard: {recognised: ["Atlantis"], source: "made up"}
        """.write(to: bad, atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("never")
        for args in [["backtest", bad.path, Self.backtestPath, "--draws", "5", "--out", out.path],
                     ["calibrate", Self.backtestPath, "--observed", bad.path, "--draws", "5", "--no-write", "--out", out.path]] {
            let r = try ntm(args, scratch: tmp)
            XCTAssertEqual(r.status, 2, r.stderr)
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("error: \(bad.path):5: years.2023.communes.standard.recognised[0]:"), r.stderr)
            XCTAssertTrue(r.stderr.contains("Atlantis"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing is written")
        }
    }

    /// An observed file that contradicts itself: a name listed twice, or a commune recognised at model and
    /// refused advanced in the same year.
    func testObservedFileThatContradictsItselfIsRefused() throws {
        let tmp = try cliTempFolder("ntm-backtest-contradiction")
        let cases: [(text: String, line: Int, key: String, words: String)] = [
            ("""
            observed: {name: twice}
            years:
              2023:
                districts: {not_recognised: ["Cù Lao Dung", "Cù Lao Dung"], source: "made up"}
            """, 4, "years.2023.districts.not_recognised[1]", "listed twice"),
            ("""
            observed: {name: nest}
            years:
              2023:
                communes:
                  advanced: {not_recognised: ["Long Đức"], source: "made up"}
                  model: {recognised: ["Long Đức"], source: "made up"}
            """, 6, "years.2023.communes.model", "tiers nest"),
        ]
        for (i, c) in cases.enumerated() {
            let bad = tmp.appendingPathComponent("observed-\(i).yaml")
            try c.text.write(to: bad, atomically: true, encoding: .utf8)
            let out = tmp.appendingPathComponent("never-\(i)")
            let r = try ntm(["backtest", bad.path, Self.backtestPath, "--draws", "5", "--out", out.path], scratch: tmp)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("error: \(bad.path):\(c.line): \(c.key):"), r.stderr)
            XCTAssertTrue(r.stderr.contains(c.words), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing is written")
        }
    }
}
