import Foundation
import NTMCatalogue
import XCTest

/// The corpus of malformed inputs (Tests/Corpus) through the built `ntm` (NTM_BIN if set, else the one beside
/// the test bundle, else <root>/.build/{release,debug}/ntm): every case must exit with status 2, print one line
/// `error: FILE:LINE: KEY: …` naming what Tests/Corpus/index.tsv says, and write nothing.
final class CorpusCLITests: XCTestCase {
    static let root = CLI.root
    static var corpus: URL { root.appendingPathComponent("Tests/Corpus") }
    static var embeddedDataset: URL { root.appendingPathComponent("Sources/NTMCatalogue/Resources/datasets/soc-trang-2023") }

    struct CorpusError: Error, CustomStringConvertible { var description: String }

    typealias Result = CLI.Result

    /// One row of index.tsv.
    struct Case {
        var kind: String
        var path: String
        var line: String
        var file: String
        var key: String
        var mentions: [String]
        var bug: String?
        var name: String { ((path as NSString).lastPathComponent as NSString).deletingPathExtension }
    }

    // MARK: Helpers (copied from RunCLITests, with the working folder and the output files kept apart)

    private func binary() throws -> String { try CLI.binary() }

    private func tempFolder() throws -> URL { try cliTempFolder("ntm-corpus-tests") }

    /// Runs ntm with `args` in `cwd`; standard output and error go to files in `io` (not in `cwd`, so that the
    /// test can check ntm wrote nothing there).
    private func ntm(_ args: [String], cwd: URL, io: URL) throws -> Result {
        try CLI.exec(try binary(), args, cwd: cwd, scratch: io)
    }

    private func snapshot(_ folder: URL) throws -> [String: Data] { try CLI.snapshot(folder) }

    // MARK: The index

    static func loadIndex() throws -> [Case] {
        let text = try String(contentsOf: corpus.appendingPathComponent("index.tsv"), encoding: .utf8)
        var rows: [Case] = []
        var sawHeader = false
        for (n, raw) in text.components(separatedBy: "\n").enumerated() {
            if raw.hasPrefix("#") || raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let f = raw.components(separatedBy: "\t")
            guard f.count == 7 else { throw CorpusError(description: "index.tsv:\(n + 1): expected 7 tab-separated fields, found \(f.count)") }
            if !sawHeader {
                guard f == ["kind", "case", "line", "file", "key", "mentions", "bug"] else {
                    throw CorpusError(description: "index.tsv:\(n + 1): unexpected header \(f)")
                }
                sawHeader = true
                continue
            }
            rows.append(Case(kind: f[0], path: f[1], line: f[2], file: f[3], key: f[4],
                             mentions: f[5] == "-" ? [] : f[5].components(separatedBy: ";"), bug: f[6] == "-" ? nil : f[6]))
        }
        return rows
    }

    // MARK: Datasets: a copy of the embedded folder with the case's patches applied

    struct Patch {
        var file: String
        var find: String
        var replace: String
    }

    static func readPatches(_ path: String) throws -> [Patch] {
        let root = try YAMLNode.load(path: path)
        let m = try root.mapping(allowed: ["problem", "patches"])
        _ = try m.required("problem").nonEmptyString()
        return try m.required("patches").sequence().map { n in
            let p = try n.mapping(allowed: ["file", "find", "replace"])
            return Patch(file: try p.required("file").nonEmptyString(), find: try p.required("find").nonEmptyString(),
                         replace: try p.required("replace").string())
        }
    }

    /// Copies the embedded dataset to `<parent>/<name>` and applies the patches. Returns the folder and, for
    /// each patched file, the first line (1-based) that differs from the original.
    static func materialise(_ c: Case, in parent: URL) throws -> (folder: URL, changed: [String: Int]) {
        let folder = parent.appendingPathComponent(c.name)
        try FileManager.default.copyItem(at: embeddedDataset, to: folder)
        var changed: [String: Int] = [:]
        for p in try readPatches(corpus.appendingPathComponent(c.path).path) {
            let url = folder.appendingPathComponent(p.file)
            let original = try String(contentsOf: url, encoding: .utf8)
            let re = try NSRegularExpression(pattern: p.find, options: [.anchorsMatchLines])
            let whole = NSRange(original.startIndex..., in: original)
            let hits = re.numberOfMatches(in: original, range: whole)
            guard hits == 1 else {
                throw CorpusError(description: "\(c.path): '\(p.find)' matches \(hits) times in \(p.file); it must match once")
            }
            let patched = re.stringByReplacingMatches(in: original, range: whole, withTemplate: p.replace)
            guard patched != original else { throw CorpusError(description: "\(c.path): the patch of \(p.file) changes nothing") }
            try Data(patched.utf8).write(to: url)
            let a = original.components(separatedBy: "\n"), b = patched.components(separatedBy: "\n")
            let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }.map { $0.offset + 1 } ?? min(a.count, b.count) + 1
            changed[p.file] = min(changed[p.file] ?? .max, first)
        }
        return (folder, changed)
    }

    // MARK: Running a case

    /// Runs one case and checks it. Returns the extra error lines when the case is a known bug that is still
    /// there (the first line is checked all the same), nil otherwise.
    @discardableResult
    private func check(_ c: Case) throws -> [String]? {
        let tmp = try tempFolder()
        let work = tmp.appendingPathComponent("work"), io = tmp.appendingPathComponent("io"), inputs = tmp.appendingPathComponent("inputs")
        for d in [work, io, inputs] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let casePath = Self.corpus.appendingPathComponent(c.path).path
        var args: [String]
        var expectedFile: String
        var expectedLine: Int
        var inputBefore: [String: Data] = [:]
        var inputFolder: URL?
        switch c.kind {
        case "catalogue":
            args = ["validate", casePath]
            expectedFile = c.file == "." ? casePath : Self.corpus.appendingPathComponent(c.file).path
            expectedLine = try XCTUnwrap(Int(c.line), "\(c.path): line")
        case "scenario":
            args = ["run", casePath, "--out", work.appendingPathComponent("out").path, "--draws", "5"]
            expectedFile = c.file == "." ? casePath : Self.corpus.appendingPathComponent(c.file).path
            expectedLine = try XCTUnwrap(Int(c.line), "\(c.path): line")
        case "dataset":
            let (folder, changed) = try Self.materialise(c, in: inputs)
            inputFolder = folder
            inputBefore = try snapshot(folder)
            args = ["validate", folder.path]
            expectedFile = "\(c.name)/\(c.file)"
            if c.line == "*" {
                expectedLine = try XCTUnwrap(changed[c.file], "\(c.path): line * but \(c.file) is not patched")
            } else {
                expectedLine = try XCTUnwrap(Int(c.line), "\(c.path): line")
            }
        default:
            XCTFail("\(c.path): unknown kind '\(c.kind)'")
            return nil
        }

        let r = try ntm(args, cwd: work, io: io)
        let what = "\(c.path) (ntm \(args.joined(separator: " ")))"
        XCTAssertEqual(r.reason, .exit, "\(what): ended by a signal")
        XCTAssertEqual(r.status, 2, "\(what): bad input exits 2; stderr: \(r.stderr)")
        XCTAssertTrue(r.stdout.isEmpty, "\(what): prints nothing on standard output: \(r.stdout)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        XCTAssertFalse(lines.isEmpty, "\(what): no error printed")
        for line in lines {
            XCTAssertTrue(line.hasPrefix("error: "), "\(what): every line starts with 'error: ': \(line)")
        }
        // The first line: file, line (when the defect has one), key, what is wrong.
        if let first = lines.first {
            var prefix = "error: \(expectedFile)" + (expectedLine > 0 ? ":\(expectedLine)" : "") + ": "
            if c.key != "-" { prefix += "\(c.key)" }
            XCTAssertTrue(first.hasPrefix(prefix), "\(what): expected the line to start with \"\(prefix)\": \(first)")
            if c.key != "-" {
                let rest = first.dropFirst(prefix.count)
                XCTAssertTrue(rest.hasPrefix(":") || rest.hasPrefix(".") || rest.hasPrefix("["),
                              "\(what): the key is \(c.key) (or a path under it): \(first)")
            }
            if expectedLine > 0 {
                // LINE is a positive number right after FILE.
                let after = first.dropFirst("error: \(expectedFile):".count).prefix { $0.isNumber }
                XCTAssertGreaterThan(Int(after) ?? 0, 0, "\(what): \(first)")
            }
            for m in c.mentions {
                XCTAssertTrue(first.contains(m), "\(what): the message mentions \"\(m)\": \(first)")
            }
            XCTAssertGreaterThan(first.count, prefix.count + 10, "\(what): says what is wrong: \(first)")
        }
        // Nothing written: the working folder (and --out in it) stays empty, inputs are untouched.
        let left = try FileManager.default.contentsOfDirectory(atPath: work.path)
        XCTAssertEqual(left, [], "\(what): nothing written (no output folder, no .tmp- or .old- folder)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("out").path), "\(what): no output folder")
        if let f = inputFolder { XCTAssertEqual(try snapshot(f), inputBefore, "\(what): the dataset folder is left as it was") }

        if c.bug != nil {
            return lines.count > 1 ? Array(lines.dropFirst()) : nil
        }
        XCTAssertEqual(lines.count, 1, "\(what): one problem, one line: \(r.stderr)")
        return nil
    }

    private func run(kind: String) throws {
        let cases = try Self.loadIndex().filter { $0.kind == kind && $0.bug == nil }
        XCTAssertFalse(cases.isEmpty, "no \(kind) cases in index.tsv")
        for c in cases { try check(c) }
    }

    // MARK: Tests

    func testCorpusIsComplete() throws {
        let cases = try Self.loadIndex()
        XCTAssertGreaterThanOrEqual(cases.count, 25, "at least 25 malformed files")
        XCTAssertEqual(Set(cases.map(\.path)).count, cases.count, "each file listed once")
        let readme = try String(contentsOf: Self.corpus.appendingPathComponent("README.md"), encoding: .utf8)
        var listed = Set<String>()
        for folder in ["catalogues", "scenarios", "datasets"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: Self.corpus.appendingPathComponent(folder).path)
            where name.hasSuffix(".yaml") {
                listed.insert("\(folder)/\(name)")
            }
        }
        XCTAssertEqual(Set(cases.map(\.path)), listed, "index.tsv lists every corpus file and nothing else")
        for c in cases {
            XCTAssertTrue(readme.contains("`\(c.path)`"), "README.md's table has \(c.path)")
            XCTAssertTrue(["catalogue", "scenario", "dataset"].contains(c.kind), "\(c.path): kind \(c.kind)")
            XCTAssertTrue(c.path.hasPrefix(c.kind + "s/"), "\(c.path) is in the folder of its kind")
        }
        for kind in ["catalogue", "scenario", "dataset"] {
            XCTAssertGreaterThanOrEqual(cases.filter { $0.kind == kind }.count, 8, "\(kind) cases")
        }
        // Each catalogue copy differs from the catalogue it copies.
        let original = try String(contentsOf: Self.root.appendingPathComponent("Sources/NTMCatalogue/Resources/catalogue.yaml"), encoding: .utf8)
        for c in cases where c.kind == "catalogue" {
            let text = try String(contentsOf: Self.corpus.appendingPathComponent(c.path), encoding: .utf8)
            XCTAssertNotEqual(text, original, c.path)
        }
    }

    func testMalformedCataloguesAreRejected() throws { try run(kind: "catalogue") }

    func testMalformedScenariosAreRejected() throws { try run(kind: "scenario") }

    func testMalformedDatasetsAreRejected() throws { try run(kind: "dataset") }

    /// Cases whose errors are right on the first line but come with extra lines, because of a known bug in ntm
    /// (index.tsv's `bug` column; Tests/Corpus/README.md). Skipped while the bug is there; passes once it is gone.
    func testCasesWithKnownBugs() throws {
        let cases = try Self.loadIndex().filter { $0.bug != nil }
        var open: [String] = []
        for c in cases {
            if let extra = try check(c) {
                open.append("\(c.path): \(c.bug!) (\(extra.count) extra lines, e.g. \(extra[0]))")
            }
        }
        if !open.isEmpty { throw XCTSkip("bug: " + open.joined(separator: "; ")) }
    }
}
