import Foundation
import XCTest

/// Ctrl-C during `ntm run`: the process exits with 130 and leaves no output folder, no half-written temporary
/// folder, and an earlier output folder exactly as it was. Uses the built `ntm` (NTM_BIN if set, else the one
/// beside the test bundle, else <root>/.build/{release,debug}/ntm).
final class InterruptTests: XCTestCase {
    static let root = CLI.root
    static var planPath: String { root.appendingPathComponent("Scenarios/province-plan-2024-2025.yaml").path }

    typealias Result = CLI.Result

    /// Runs ntm with `args` in `cwd`, interrupted after `interruptAfter` seconds if given; standard output and
    /// error go to a folder of their own, not in `cwd`.
    private func ntm(_ args: [String], cwd: URL, interruptAfter delay: Double? = nil) throws -> Result {
        try CLI.exec(try CLI.binary(), args, cwd: cwd, scratch: try cliTempFolder("ntm-interrupt-tests"), interruptAfter: delay)
    }

    /// Runs a long projection into `out` and interrupts it after ~0.5 s. If ntm died of the signal (its handler
    /// was not installed yet), tries once more, later.
    private func interruptedRun(into out: URL, cwd: URL) throws -> Result {
        let args = ["run", Self.planPath, "--draws", "200000", "--out", out.path]
        var r = try ntm(args, cwd: cwd, interruptAfter: 0.5)
        if r.reason == .uncaughtSignal {
            r = try ntm(args, cwd: cwd, interruptAfter: 2.0)
        }
        return r
    }

    private func snapshot(_ folder: URL) throws -> [String: Data] { try CLI.snapshot(folder) }

    private func tempFolder() throws -> URL { try cliTempFolder("ntm-interrupt-tests") }

    /// Temporary or set-aside folders ntm may leave beside `name` (`.big.tmp-PID`, `.big.old-PID`).
    private func leftovers(of name: String, in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix(".\(name).tmp-") || $0.hasPrefix(".\(name).old-") }
    }

    // MARK: Tests

    func testInterruptedRunLeavesNoFolder() throws {
        let tmp = try tempFolder()
        let big = tmp.appendingPathComponent("big")
        let r = try interruptedRun(into: big, cwd: tmp)
        XCTAssertEqual(r.reason, .exit, "ntm handles SIGINT and exits (stderr: \(r.stderr))")
        XCTAssertEqual(r.status, 130, "an interrupted run exits 130; stderr: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("interrupted"), "says it was interrupted: \(r.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: big.path), "no output folder")
        XCTAssertEqual(try leftovers(of: "big", in: tmp), [], "no half-written temporary folder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [], "nothing written at all")
    }

    func testInterruptedRunKeepsThePreviousOutput() throws {
        let tmp = try tempFolder()
        let big = tmp.appendingPathComponent("big")
        let first = try ntm(["run", Self.planPath, "--draws", "5", "--out", big.path], cwd: tmp)
        XCTAssertEqual(first.status, 0, "a short run writes the folder first: \(first.stderr)")
        let before = try snapshot(big)
        XCTAssertTrue(before.keys.contains("/summary.md") && before.keys.contains("/tiers.csv"), "the first run wrote its report: \(before.keys.sorted())")

        let r = try interruptedRun(into: big, cwd: tmp)
        XCTAssertEqual(r.reason, .exit, "ntm handles SIGINT and exits (stderr: \(r.stderr))")
        XCTAssertEqual(r.status, 130, "an interrupted run exits 130; stderr: \(r.stderr)")
        XCTAssertEqual(try snapshot(big), before, "the previous output folder is unchanged, byte for byte")
        XCTAssertEqual(try leftovers(of: "big", in: tmp), [], "no half-written temporary folder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), ["big"], "nothing else written")
    }
}
