import Foundation
import XCTest
import NTMCatalogue

/// A large `indicators.csv` (over 1 MB, without quotes) is read in two halves at once. What it loads, and every
/// error it reports, must be what the one-pass read gives; a quoted field forces that read (a file with a quote
/// is never cut in two), so each test compares the file with a copy whose first commune code is quoted.
final class LargeIndicatorsTests: XCTestCase {
    /// A synthetic dataset of 1,200 communes (its indicators.csv is about 1.9 MB) in a fresh folder.
    private func synthetic() throws -> (folder: URL, catalogue: Catalogue) {
        let cat = try Catalogue.embedded()
        let files = try Synthesis(communes: 1_200, provinces: 2, seed: 11, catalogue: cat,
                                  template: try DatasetLoader.embedded(catalogue: cat)).run().files
        let folder = try Support.tempFolder(self).appendingPathComponent("national")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for f in files { try Data(f.content.utf8).write(to: folder.appendingPathComponent(f.name)) }
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("indicators.csv").path)[.size] as? Int)
        XCTAssertGreaterThan(size, 1 << 20, "the file should be large enough to be read in two halves")
        return (folder, cat)
    }

    private func lines(_ folder: URL) throws -> [String] {
        try String(contentsOf: folder.appendingPathComponent("indicators.csv"), encoding: .utf8).components(separatedBy: "\n")
    }

    /// Writes `lines` as indicators.csv into `folder`, and into a copy of the folder (of the same name, so errors
    /// name the same file) with the first record's commune code quoted; returns the copy.
    private func writeBoth(_ lines: [String], _ folder: URL) throws -> URL {
        try Data(lines.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("indicators.csv"))
        let copy = folder.deletingLastPathComponent().appendingPathComponent("quoted").appendingPathComponent(folder.lastPathComponent)
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".csv") || name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        var quoted = lines
        let comma = try XCTUnwrap(quoted[1].firstIndex(of: ","))
        quoted[1] = "\"" + quoted[1][..<comma] + "\"" + quoted[1][comma...]
        try Data(quoted.joined(separator: "\n").utf8).write(to: copy.appendingPathComponent("indicators.csv"))
        return copy
    }

    private func errors(_ folder: URL, _ cat: Catalogue) -> [String] {
        Support.expectInputErrors("a broken large file") { _ = try DatasetLoader.load(folder: folder.path, catalogue: cat) }
            .map(\.description)
    }

    func testTheHalvesLoadWhatOnePassLoads() throws {
        let (folder, cat) = try synthetic()
        let copy = try writeBoth(try lines(folder), folder)
        let halves = try DatasetLoader.load(folder: folder.path, catalogue: cat)
        let onePass = try DatasetLoader.load(folder: copy.path, catalogue: cat)
        XCTAssertEqual(halves.communeCount, 1_200)
        XCTAssertEqual(halves.values.map(\.bitPattern), onePass.values.map(\.bitPattern))
        XCTAssertEqual(halves.provenance, onePass.provenance)
    }

    /// Line ends of CR LF and blank lines (read by the halves' quick split), and a CR inside a field (which sends
    /// the file to the one-pass read): what loads is what the one-pass read loads.
    func testCRLFBlankLinesAndAStrayCRLoadAsOnePass() throws {
        let (folder, cat) = try synthetic()
        let records = try lines(folder).dropLast() // the empty string after the last line break
        var crlf = records.map { $0 + "\r" }
        let middle = crlf.count / 2
        crlf.insert("", at: middle + 5); crlf.insert("\r", at: 40); crlf.insert("", at: crlf.count - 3)
        crlf.append("")
        let copy = try writeBoth(crlf, folder)
        let halves = try DatasetLoader.load(folder: folder.path, catalogue: cat)
        let onePass = try DatasetLoader.load(folder: copy.path, catalogue: cat)
        XCTAssertEqual(halves.communeCount, 1_200)
        XCTAssertEqual(halves.values.map(\.bitPattern), onePass.values.map(\.bitPattern))
        XCTAssertEqual(halves.provenance, onePass.provenance)
        // A CR inside a value late in the file: the reader drops it, as it always has.
        var stray = crlf
        let late = stray.count * 9 / 10
        var f = stray[late].components(separatedBy: ","); f[2] = String(f[2].prefix(1)) + "\r" + f[2].dropFirst()
        stray[late] = f.joined(separator: ",")
        let strayCopy = try writeBoth(stray, folder)
        let withStray = try DatasetLoader.load(folder: folder.path, catalogue: cat)
        XCTAssertEqual(withStray.values.map(\.bitPattern), try DatasetLoader.load(folder: strayCopy.path, catalogue: cat).values.map(\.bitPattern))
        XCTAssertEqual(withStray.values.map(\.bitPattern), halves.values.map(\.bitPattern))
    }

    func testErrorsInEitherHalfAreThoseOfOnePass() throws {
        let (folder, cat) = try synthetic()
        var l = try lines(folder)
        let records = l.count - 2 // header, and the empty string after the last line break
        // An unknown indicator early in the first half.
        let early = try XCTUnwrap(l.indices.first { $0 > 5 && l[$0].contains(",planning_reviewed,") })
        l[early] = l[early].replacingOccurrences(of: ",planning_reviewed,", with: ",planning_reveiwed,")
        // An unknown commune just after the middle, and a value out of range and a bad provenance late in the
        // second half (lines are numbered from 1: line i + 1 is l[i]).
        let middle = records / 2 + 3, late = records * 9 / 10
        var f = l[middle].components(separatedBy: ","); f[0] = "99999"; l[middle] = f.joined(separator: ",")
        f = l[late].components(separatedBy: ","); f[2] = "99999999"; l[late] = f.joined(separator: ",")
        f = l[late + 7].components(separatedBy: ","); f[3] = "guessed"; l[late + 7] = f.joined(separator: ",")
        // The first record again at the end: a second value for the same commune and indicator.
        l[l.count - 1] = l[1]
        l.append("")
        let copy = try writeBoth(l, folder)
        let found = errors(folder, cat)
        XCTAssertEqual(found, errors(copy, cat))
        for (line, words) in [(early + 1, "unknown indicator"), (middle + 1, "unknown commune code 99999"), (late + 1, "out of range"),
                              (late + 8, "guessed"), (records + 2, "already has a value at line 2")] {
            XCTAssertTrue(found.contains { $0.contains("indicators.csv") && $0.contains(":\(line):") && $0.contains(words) },
                          "line \(line) should say '\(words)'; got:\n" + found.joined(separator: "\n"))
        }
    }

    func testASecondValueAcrossTheHalvesIsReported() throws {
        let (folder, cat) = try synthetic()
        var l = try lines(folder)
        l[l.count - 1] = l[2] // line 3's record again, as the last line
        l.append("")
        let copy = try writeBoth(l, folder)
        let found = errors(folder, cat)
        XCTAssertEqual(found, errors(copy, cat))
        XCTAssertEqual(found.count, 1, found.joined(separator: "\n"))
        XCTAssertTrue(found.first?.contains("already has a value at line 3") == true, found.joined(separator: "\n"))
    }
}
