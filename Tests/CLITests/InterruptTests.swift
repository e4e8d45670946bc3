import Foundation
import XCTest

/// Ctrl-C during `ntm run`: the process exits with 130 and leaves no output folder, no half-written temporary
/// folder, and an earlier output folder exactly as it was. Uses the built `ntm` (NTM_BIN if set, else the one
/// beside the test bundle, else <root>/.build/{release,debug}/ntm).
final class InterruptTests: XCTestCase {
    static let root = CLI.root
    static var planPath: String { root.appendingPathComponent("Scenarios/province-plan-2024-2025.yaml").path }


    struct Result {
        var status: Int32
        var reason: Process.TerminationReason
        var stdout: String
        var stderr: String
    }

    // MARK: Helpers (copied from RunCLITests)

    private func binary() throws -> String { try CLI.binary() }

    private func tempFolder() throws -> URL { try cliTempFolder("ntm-interrupt-tests") }

    /// Runs ntm with `args` in `cwd`. With `interruptAfter`, sends SIGINT (Process.interrupt()) that many
    /// seconds after the start; a process still running 60 s later is killed and the test fails.
    /// Standard output and error go to files in a folder of their own, not in `cwd`.
    private func ntm(_ args: [String], cwd: URL, interruptAfter delay: Double? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary())
        p.arguments = args
        p.currentDirectoryURL = cwd
        let io = try tempFolder()
        let outURL = io.appendingPathComponent("stdout"), errURL = io.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in ended.signal() }
        try p.run()
        if let delay {
            if ended.wait(timeout: .now() + delay) == .success {
                XCTFail("ntm \(args.joined(separator: " ")) ended before it could be interrupted (after \(delay) s)")
            } else {
                p.interrupt()
                if ended.wait(timeout: .now() + 60) == .timedOut {
                    kill(p.processIdentifier, SIGKILL)
                    _ = ended.wait(timeout: .now() + 10)
                    XCTFail("ntm did not stop within 60 s of SIGINT; killed")
                }
            }
        } else if ended.wait(timeout: .now() + 120) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            _ = ended.wait(timeout: .now() + 10)
            XCTFail("ntm \(args.joined(separator: " ")) did not finish within 120 s; killed")
        }
        p.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: p.terminationStatus, reason: p.terminationReason,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
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

    /// Every file under `folder`, recursively, with its bytes (hidden files included).
    private func snapshot(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isDirectoryKey]) else { return out }
        let base = folder.standardizedFileURL.path
        for case let url as URL in e {
            let isDir = (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false
            let rel = String(url.standardizedFileURL.path.dropFirst(base.count))
            out[rel + (isDir ? "/" : "")] = isDir ? Data() : try Data(contentsOf: url)
        }
        return out
    }

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
