import Foundation
import XCTest

/// What the command-line tests share: the package root, the built `ntm` and temporary folders.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct MissingBinary: Error {}

    /// The `ntm` to run: NTM_BIN if set, else the one built beside the test bundle, else <root>/.build/{release,debug}/ntm.
    static func binary() throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["NTM_BIN"], !env.isEmpty { candidates.append(env) }
        else {
            candidates.append(Bundle.main.bundleURL.appendingPathComponent("ntm").path)
            for config in ["release", "debug"] { candidates.append(root.appendingPathComponent(".build/\(config)/ntm").path) }
        }
        guard let found = candidates.first(where: { fm.isExecutableFile(atPath: $0) }) else {
            XCTFail("the ntm executable was not found (looked at \(candidates.joined(separator: ", "))); run `swift build` first or set NTM_BIN")
            throw MissingBinary()
        }
        return found
    }
}

extension CLI {
    /// What a finished process said, and whether it exited or died of a signal.
    struct Result {
        var status: Int32
        var reason: Process.TerminationReason = .exit
        var stdout: String
        var stderr: String
    }

    /// Runs `program` with `args` in `cwd` (default: `scratch`); output goes through files in `scratch`, so a
    /// large output cannot block a pipe (and nothing lands in `cwd`). With `interruptAfter`, sends SIGINT that many
    /// seconds after the start (the test fails if it ended before); a process still running 60 s after SIGINT,
    /// or 120 s after the start, is killed and the test fails.
    static func exec(_ program: String, _ args: [String], cwd: URL?, scratch: URL,
                     interruptAfter delay: Double? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        p.currentDirectoryURL = cwd ?? scratch
        let outURL = scratch.appendingPathComponent(".stdout"), errURL = scratch.appendingPathComponent(".stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in ended.signal() }
        let what = ([URL(fileURLWithPath: program).lastPathComponent] + args).joined(separator: " ")
        func kill(after seconds: Double, _ message: String) {
            guard ended.wait(timeout: .now() + seconds) == .timedOut else { return }
            Foundation.kill(p.processIdentifier, SIGKILL)
            _ = ended.wait(timeout: .now() + 10)
            XCTFail(message)
        }
        try p.run()
        if let delay {
            if ended.wait(timeout: .now() + delay) == .success {
                XCTFail("\(what) ended before it could be interrupted (after \(delay) s)")
            } else {
                p.interrupt()
                kill(after: 60, "\(what) did not stop within 60 s of SIGINT; killed")
            }
        } else {
            kill(after: 120, "\(what) did not finish within 120 s; killed")
        }
        p.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: p.terminationStatus, reason: p.terminationReason,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

extension CLI {
    /// Every file under `folder`, recursively, with its bytes (hidden files included; folders end in "/").
    static func snapshot(_ folder: URL) throws -> [String: Data] {
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
}

extension XCTestCase {
    /// A new temporary folder, removed when the test ends.
    func cliTempFolder(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
