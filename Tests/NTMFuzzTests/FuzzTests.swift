import Foundation
import NTMCatalogue
import NTMEngine
import NTMTestSupport
import XCTest

/// A mutational fuzzer over the shipped catalogue, dataset and scenarios: each case mutates one file
/// (flips, deletes, duplicates or swaps lines, replaces numbers and keys with awkward values) and loads it.
/// Every case must end in a loaded input or a clean `InputError` on one line that names the file: no crash,
/// no hang. `make test` runs a bounded number of cases; `make fuzz` (NTM_FUZZ_CASES=100000) runs more.
/// NTM_FUZZ_CASES is the total: 45 % catalogues, 45 % scenarios, 10 % datasets (the slowest to load).
final class FuzzTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var total: Int { Int(ProcessInfo.processInfo.environment["NTM_FUZZ_CASES"] ?? "") ?? 600 }
    static var cases: Int { max(1, total * 45 / 100) }

    /// The fuzzer's deterministic generator (seeded, so a failing case can be replayed).
    typealias Gen = SplitMix

    static let awkward = ["-1", "0", "1e309", "-1e309", ".nan", "NaN", "", "~", "[]", "{}", "\"\"", "abc", "99999999999999999999",
                          "-0.0001", "1.5", "2100", "1899", "[1, 2, 3]", "{value: 1}", "*anchor", "&a", "!!binary", "'", "\"",
                          "- x", ": :", "\t", "null", "true", "1_000", "0x10", "🙂", "Kê Sách", "9223372036854775807"]

    static func mutate(_ text: String, _ g: inout Gen) -> String {
        var lines = text.components(separatedBy: "\n")
        guard !lines.isEmpty else { return text }
        let i = g.int(lines.count)
        switch g.int(8) {
        case 0: lines.remove(at: i)
        case 1: lines.insert(lines[i], at: i)
        case 2: let j = g.int(lines.count); lines.swapAt(i, j)
        case 3: // replace a number
            if let r = lines[i].range(of: #"-?[0-9]+(\.[0-9]+)?"#, options: .regularExpression) {
                lines[i].replaceSubrange(r, with: awkward[g.int(awkward.count)])
            }
        case 4: // replace a value after a colon
            if let r = lines[i].range(of: ":") { lines[i] = String(lines[i][..<r.upperBound]) + " " + awkward[g.int(awkward.count)] }
        case 5: // rename a key
            if let r = lines[i].range(of: #"[a-z_]+(?=:)"#, options: .regularExpression) { lines[i].replaceSubrange(r, with: "x" + lines[i][r].dropFirst()) }
        case 6: // change indentation
            lines[i] = g.int(2) == 0 ? "  " + lines[i] : String(lines[i].drop { $0 == " " })
        default: // flip a byte-sized character
            var chars = Array(lines[i])
            if !chars.isEmpty { chars[g.int(chars.count)] = Array(",:[]{}#-'\" \t0aé")[g.int(15)] }
            lines[i] = String(chars)
        }
        return lines.joined(separator: "\n")
    }

    func check(_ error: Error, file: String, case n: Int) {
        let text: String
        switch error {
        case let e as InputError: text = e.description
        case let e as InputErrors: text = e.errors.first?.description ?? ""; XCTAssertFalse(e.errors.isEmpty, "case \(n)")
            for x in e.errors { XCTAssertFalse(x.description.contains("\n"), "case \(n): multi-line error \(x)") }
        default: XCTFail("case \(n): not an input error: \(error)"); return
        }
        XCTAssertFalse(text.isEmpty, "case \(n)")
        XCTAssertFalse(text.contains("\n"), "case \(n): multi-line error \(text)")
    }

    func testCatalogueMutations() throws {
        let path = try XCTUnwrap(Catalogue.embeddedPath)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var g = Gen(seed: 1)
        for n in 0..<Self.cases {
            let mutated = Self.mutate(text, &g)
            do {
                _ = try Catalogue.parse(YAMLNode.parse(mutated, file: "catalogue.yaml"))
            } catch { check(error, file: "catalogue.yaml", case: n) }
        }
    }

    func testScenarioMutations() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ntm-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenarios = Self.root.appendingPathComponent("Scenarios")
        let names = try FileManager.default.contentsOfDirectory(atPath: scenarios.path).filter { $0.hasSuffix(".yaml") }.sorted()
        for name in names { try FileManager.default.copyItem(at: scenarios.appendingPathComponent(name), to: dir.appendingPathComponent(name)) }
        let catalogue = try Catalogue.embedded()
        let dataset = try DatasetLoader.embedded(catalogue: catalogue)
        var g = Gen(seed: 2)
        for n in 0..<Self.cases {
            let name = names[g.int(names.count)]
            let original = try String(contentsOf: scenarios.appendingPathComponent(name), encoding: .utf8)
            let target = dir.appendingPathComponent(name)
            try Self.mutate(original, &g).write(to: target, atomically: true, encoding: .utf8)
            do {
                var s = try Scenario.load(path: target.path)
                s.draws = min(s.draws, 2)
                _ = try Model(catalogue: catalogue, dataset: dataset, scenario: s)
            } catch { check(error, file: name, case: n) }
            try original.write(to: target, atomically: true, encoding: .utf8)
        }
    }

    func testDatasetMutations() throws {
        let source = try XCTUnwrap(DatasetLoader.embeddedFolder())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ntm-fuzz-ds-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.copyItem(atPath: source, toPath: dir.path)
        defer { try? FileManager.default.removeItem(at: dir) }
        let catalogue = try Catalogue.embedded()
        let files = ["dataset.yaml", "communes.csv", "indicators.csv", "districts.csv", "aliases.csv"]
        var g = Gen(seed: 3)
        // Loading the whole dataset costs more than a YAML file: a tenth of the cases.
        for n in 0..<max(1, Self.total / 10) {
            let name = files[g.int(files.count)]
            let url = dir.appendingPathComponent(name)
            let original = try String(contentsOf: url, encoding: .utf8)
            try Self.mutate(original, &g).write(to: url, atomically: true, encoding: .utf8)
            do { _ = try DatasetLoader.load(folder: dir.path, catalogue: catalogue) } catch { check(error, file: name, case: n) }
            try original.write(to: url, atomically: true, encoding: .utf8)
        }
    }
}
