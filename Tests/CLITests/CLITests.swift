import Foundation
import NTMTestSupport
import XCTest

/// Runs the built `ntm` executable: NTM_BIN if set, else the one beside the test bundle, else <root>/.build/{release,debug}/ntm.
final class CLITests: XCTestCase {
    typealias Run = CLI.Result
    static let root = CLI.root
    static var cataloguePath: String { root.appendingPathComponent("Sources/NTMCatalogue/Resources/catalogue.yaml").path }
    static var datasetPath: String { root.appendingPathComponent("Sources/NTMCatalogue/Resources/datasets/soc-trang-2023").path }

    static let appendixII: [(code: String, met: String)] = AppendixII.communes.map { ($0.code, $0.met.map(String.init).joined(separator: ";")) }


    private func binary() throws -> String { try CLI.binary() }

    private func tempFolder() throws -> URL { try cliTempFolder("ntm-cli-tests") }

    /// Runs ntm with `args` in `cwd`; output goes through files so a large output cannot block the pipe.
    private func ntm(_ args: [String], cwd: URL? = nil) throws -> Run { try CLI.exec(try binary(), args, cwd: cwd, scratch: try tempFolder()) }

    /// A minimal RFC 4180 reader: header and rows as dictionaries.
    static func parseCSV(_ text: String) -> (header: [String], rows: [[String: String]]) {
        var records: [[String]] = [], field = "", fields: [String] = [], inQuotes = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"": inQuotes = true
            case ",": fields.append(field); field = ""
            case "\n", "\r\n":
                fields.append(field); field = ""
                records.append(fields); fields = []
            case "\r": break
            default: field.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append(fields) }
        guard let header = records.first else { return ([], []) }
        let rows = records.dropFirst().filter { !($0.count == 1 && $0[0].isEmpty) }.map { r in
            Dictionary(uniqueKeysWithValues: zip(header, r + Array(repeating: "", count: max(0, header.count - r.count))))
        }
        return (header, rows)
    }

    // MARK: baseline

    func testBaselineEnglish() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("bl")
        let r = try ntm(["baseline", "--lang", "en", "--out", out.path])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        XCTAssertTrue(r.stdout.contains(out.appendingPathComponent("baseline.md").path) || r.stdout.contains("\(out.path)/baseline.md"),
                      "prints the path of baseline.md: \(r.stdout)")

        let csvText = try String(contentsOf: out.appendingPathComponent("baseline-communes.csv"), encoding: .utf8)
        XCTAssertTrue(csvText.hasPrefix("gso_code,commune,district,tier,criteria_met_count,criteria_met"), String(csvText.prefix(200)))
        let (header, rows) = Self.parseCSV(csvText)
        for col in ["gso_code", "tier", "criteria_met_count", "criteria_met", "standard", "advanced", "model"] {
            XCTAssertTrue(header.contains(col), "missing column \(col): \(header)")
        }
        XCTAssertEqual(rows.count, 80)
        XCTAssertTrue(rows.allSatisfy { $0.count == header.count }, "every row has every column")
        func sum(_ col: String) -> Int { rows.reduce(0) { $0 + (Int($1[col] ?? "") ?? -1_000) } }
        XCTAssertEqual(sum("standard"), 70)
        XCTAssertEqual(sum("advanced"), 20)
        XCTAssertEqual(sum("model"), 2)
        XCTAssertEqual(rows.filter { $0["tier"] == "below" }.count, 10)
        XCTAssertEqual(Double(sum("criteria_met_count")) / Double(rows.count), 18.625, accuracy: 1e-9)
        let byCode = Dictionary(rows.map { ($0["gso_code"] ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byCode.count, 80, "gso codes are unique")
        XCTAssertEqual(Set(rows.filter { $0["tier"] == "below" }.compactMap { $0["gso_code"] }), Set(Self.appendixII.map(\.code)))
        for (code, met) in Self.appendixII {
            XCTAssertEqual(byCode[code]?["criteria_met"], met, "commune \(code)")
            XCTAssertEqual(byCode[code]?["tier"], "below", "commune \(code)")
            XCTAssertEqual(byCode[code]?["criteria_met_count"], String(met.split(separator: ";").count), "commune \(code)")
        }
        for row in rows where row["tier"] != "below" {
            XCTAssertEqual(row["criteria_met_count"], "19", "\(row["commune"] ?? "?") is \(row["tier"] ?? "?")")
        }

        let md = try String(contentsOf: out.appendingPathComponent("baseline.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("Appendix II"), "baseline.md mentions Appendix II")
        for t in ["Standard", "Advanced", "Model", "Below standard"] { XCTAssertTrue(md.contains(t), "English tier name \(t)") }
        XCTAssertFalse(md.contains("Tên xã"), "no Vietnamese headers in the English report")
    }

    func testBaselineDefaultsToVietnamese() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("bl-vi")
        let r = try ntm(["baseline", "--out", out.path])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        let md = try String(contentsOf: out.appendingPathComponent("baseline.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("Tên xã"), "Vietnamese commune header")
        XCTAssertTrue(md.contains("Số tiêu chí đạt"), "Vietnamese criteria-met header")
        XCTAssertFalse(md.contains("Appendix II layout"), "no English headings by default")
    }

    // MARK: help

    /// The help says what the commands do, as the README does: the interrupt status among the exit codes, the
    /// nine parameters `ntm calibrate` fits (it once said seven groups and left out the planning margin and
    /// upper-tier recognition), that `ntm validate` reads scenarios too, and that `ntm baseline` writes
    /// baseline.html without being asked.
    func testHelpSaysWhatTheCommandsDo() throws {
        func help(_ args: [String]) throws -> (raw: String, flat: String) {
            let r = try ntm(args + ["--help"])
            XCTAssertEqual(r.status, 0, r.stderr)
            return (r.stdout, r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " "))
        }
        let top = try help([]).flat
        XCTAssertTrue(top.contains("130 interrupted"), top)

        let calibrate = try help(["calibrate"]).flat
        XCTAssertFalse(calibrate.contains("seven"), calibrate)
        XCTAssertTrue(calibrate.contains("nine parameters"), calibrate)
        for what in ["planning margin", "recognised"] { XCTAssertTrue(calibrate.contains(what), "names the \(what): \(calibrate)") }

        let validate = try help(["validate"]).raw
        let overview = validate.components(separatedBy: "\n\n").first ?? ""
        XCTAssertTrue(overview.contains("scenario"), overview)

        let baseline = try help(["baseline"]).flat
        let beforeFormat = baseline.components(separatedBy: "--format").first ?? ""
        XCTAssertTrue(beforeFormat.contains("baseline.html"), "baseline.html is written by default: \(baseline)")
        let out = try tempFolder().appendingPathComponent("b")
        let r = try ntm(["baseline", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("baseline.html").path))
    }

    /// Counts in baseline.md use the language's thousands separator, as the run's summary does (an audit found
    /// "2128" imputed values in both languages).
    func testBaselineCountsUseTheLanguagesSeparator() throws {
        let tmp = try tempFolder()
        for (lang, sep, heading) in [("vi", ".", "## Nguồn gốc giá trị chỉ tiêu của các xã"), ("en", ",", "## Where commune indicator values come from")] {
            let out = tmp.appendingPathComponent("bl-\(lang)")
            let r = try ntm(["baseline", "--lang", lang, "--out", out.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            let md = try String(contentsOf: out.appendingPathComponent("baseline.md"), encoding: .utf8)
            let section = try XCTUnwrap(md.components(separatedBy: heading).dropFirst().first, "\(lang): provenance section")
            let cells = section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("|---") }.dropFirst()
                .compactMap { $0.split(separator: "|").last.map { $0.trimmingCharacters(in: .whitespaces) } }
            XCTAssertEqual(cells.count, 3, "\(lang): reported, derived, imputed")
            XCTAssertEqual(cells.reduce(0) { $0 + (Int($1.replacingOccurrences(of: sep, with: "")) ?? -100_000) }, 80 * 41,
                           "\(lang): one value per commune and indicator: \(cells)")
            for c in cells where c.replacingOccurrences(of: sep, with: "").count > 3 {
                XCTAssertTrue(c.contains(sep), "\(lang): \(c) should be written with '\(sep)' between thousands")
            }
        }
    }

    // MARK: validate

    func testValidateEmbeddedFiles() throws {
        let r = try ntm(["validate", Self.cataloguePath, Self.datasetPath])
        XCTAssertEqual(r.status, 0, "stdout: \(r.stdout)\nstderr: \(r.stderr)")
        XCTAssertTrue(r.stderr.isEmpty, "no errors: \(r.stderr)")
    }

    func testValidateReportsUnknownKey() throws {
        let tmp = try tempFolder()
        var text = try String(contentsOfFile: Self.cataloguePath, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: "        unit_cost:"))
        let line = text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        text.replaceSubrange(range, with: "        unit_cots:")
        let path = tmp.appendingPathComponent("catalogue.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let r = try ntm(["validate", path])
        XCTAssertEqual(r.status, 2, "bad input exits 2; stderr: \(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 1, "one error line: \(r.stderr)")
        let first = String(lines.first ?? "")
        XCTAssertTrue(first.hasPrefix("error: "), first)
        XCTAssertTrue(first.contains("\(path):\(line):"), "names file and line \(path):\(line): \(first)")
        XCTAssertTrue(first.contains("unit_cots"), "names the key: \(first)")
        XCTAssertTrue(first.contains("did you mean 'unit_cost'"), first)
    }

    /// A copy of the embedded dataset with one commune's tier contradicting its indicators.
    private func corruptedDataset() throws -> URL {
        let dest = try tempFolder().appendingPathComponent("soc-trang-2023")
        try FileManager.default.copyItem(atPath: Self.datasetPath, toPath: dest.path)
        let file = dest.appendingPathComponent("communes.csv")
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        let i = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("31699,") })
        lines[i] = lines[i].replacingOccurrences(of: ",below,", with: ",standard,")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        return dest
    }

    func testBaselineWithBadDatasetWritesNothing() throws {
        let bad = try corruptedDataset()
        let out = try tempFolder().appendingPathComponent("x")
        let r = try ntm(["baseline", "--dataset", bad.path, "--out", out.path])
        XCTAssertEqual(r.status, 2, "stderr: \(r.stderr)")
        XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr)
        XCTAssertTrue(r.stderr.contains("communes.csv:"), "names the file: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("tier"), "names the key: \(r.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "no output folder after a failed run")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        XCTAssertTrue(leftovers.filter { $0.contains("x.tmp") || $0.contains("x.old") }.isEmpty, "no temporary folders left: \(leftovers)")
    }

    func testBaselineFailureLeavesExistingOutputUntouched() throws {
        let bad = try corruptedDataset()
        let out = try tempFolder().appendingPathComponent("existing")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let marker = out.appendingPathComponent("marker.txt")
        try Data("keep me\n".utf8).write(to: marker)
        let r = try ntm(["baseline", "--dataset", bad.path, "--out", out.path])
        XCTAssertEqual(r.status, 2, "stderr: \(r.stderr)")
        XCTAssertEqual(try String(contentsOf: marker, encoding: .utf8), "keep me\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["marker.txt"], "nothing else written")
    }

    // MARK: data impute

    func testImputeCheck() throws {
        let r = try ntm(["data", "impute", "--check", "--dataset", Self.datasetPath])
        XCTAssertEqual(r.status, 0, "stdout: \(r.stdout)\nstderr: \(r.stderr)")
        XCTAssertTrue(r.stdout.contains("ok"), r.stdout)
    }

    /// Into another folder, impute replaces files of its names only with --force, and writes both or neither.
    func testImputeKeepsAnotherFoldersFiles() throws {
        let tmp = try tempFolder(), fm = FileManager.default
        let out = tmp.appendingPathComponent("mine")
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("keep me\n".utf8).write(to: out.appendingPathComponent("communes.csv"))
        let r = try ntm(["data", "impute", "--dataset", Self.datasetPath, "--out", out.path])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--out") && r.stderr.contains("communes.csv"), r.stderr)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("communes.csv"), encoding: .utf8), "keep me\n")
        // With --force, a folder where indicators.csv should go stops it before communes.csv is touched.
        try fm.createDirectory(at: out.appendingPathComponent("indicators.csv"), withIntermediateDirectories: true)
        let f = try ntm(["data", "impute", "--dataset", Self.datasetPath, "--out", out.path, "--force"])
        XCTAssertEqual(f.status, 2, f.stderr)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("communes.csv"), encoding: .utf8), "keep me\n")
        try fm.removeItem(at: out.appendingPathComponent("indicators.csv"))
        let ok = try ntm(["data", "impute", "--dataset", Self.datasetPath, "--out", out.path, "--force"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let shipped = URL(fileURLWithPath: Self.datasetPath)
        for name in ["communes.csv", "indicators.csv"] {
            XCTAssertEqual(fm.contents(atPath: out.appendingPathComponent(name).path),
                           fm.contents(atPath: shipped.appendingPathComponent(name).path), name)
        }
    }
}
