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
    /// What a finished process said.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `program` with `args` in `cwd` (default: `scratch`); output goes through files in `scratch`, so a
    /// large output cannot block a pipe.
    static func exec(_ program: String, _ args: [String], cwd: URL?, scratch: URL) throws -> Result {
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
        try p.run()
        p.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: p.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
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
