import Foundation
import XCTest

/// `ntm run` and `ntm compare` through the built executable (NTM_BIN if set, else the one beside the test
/// bundle, else <root>/.build/{release,debug}/ntm).
final class RunCLITests: XCTestCase {
    typealias Result = CLI.Result
    static let root = CLI.root
    static var planPath: String { root.appendingPathComponent("Scenarios/province-plan-2024-2025.yaml").path }
    static var austerityPath: String { root.appendingPathComponent("Scenarios/austerity.yaml").path }
    static let runFiles = ["communes.csv", "districts.csv", "funding.csv", "summary.md", "tiers.csv"]


    private func binary() throws -> String { try CLI.binary() }

    private func tempFolder() throws -> URL { try cliTempFolder("ntm-run-cli-tests") }

    /// Runs ntm with `args`; output goes through files so a large output cannot block the pipe.
    private func ntm(_ args: [String]) throws -> Result { try CLI.exec(try binary(), args, cwd: nil, scratch: try tempFolder()) }

    /// Writes a scenario to `dir` and returns its path.
    private func scenario(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func read(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    /// The report's files (ntm's `.ntm-output` marker left out).
    private func files(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    // MARK: run

    func testRunWritesTheFiveFiles() throws {
        let tmp = try tempFolder()
        let sc = try scenario("extends: \(Self.planPath)\ndraws: 100\n", "cli-small.yaml", in: tmp)
        let out = tmp.appendingPathComponent("r")
        let r = try ntm(["run", sc, "--format", "md,csv", "--out", out.path, "--lang", "en"])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        XCTAssertTrue(r.stdout.contains("summary.md"), "prints the summary's path: \(r.stdout)")
        XCTAssertEqual(try files(out), Self.runFiles, "exactly the five files")
        XCTAssertTrue(try files(tmp).filter { $0.contains(".tmp-") || $0.contains(".old-") }.isEmpty, "no temporary folders left")

        // tiers.csv: four statistics a year, the base year as the dataset says.
        let tiersText = try read(out, "tiers.csv")
        XCTAssertTrue(tiersText.hasPrefix("year,stat,standard,advanced,model,below,avg_criteria\n"), String(tiersText.prefix(80)))
        let tiers = CLITests.parseCSV(tiersText)
        XCTAssertEqual(tiers.rows.count, 3 * 4, "2023–2025, mean/p10/p50/p90")
        for stat in ["mean", "p10", "p50", "p90"] {
            let row = try XCTUnwrap(tiers.rows.first { $0["year"] == "2023" && $0["stat"] == stat }, "base-year \(stat) row")
            XCTAssertEqual(row["standard"], "70")
            XCTAssertEqual(row["advanced"], "20")
            XCTAssertEqual(row["model"], "2")
            XCTAssertEqual(row["below"], "10")
            XCTAssertEqual(row["avg_criteria"], "18.625")
        }
        for year in ["2024", "2025"] {
            XCTAssertEqual(tiers.rows.filter { $0["year"] == year }.map { $0["stat"] ?? "" }, ["mean", "p10", "p50", "p90"], year)
        }
        for row in tiers.rows {
            let s = Double(row["standard"] ?? "") ?? -1, b = Double(row["below"] ?? "") ?? -1
            XCTAssertTrue((0...80).contains(s) && (0...80).contains(b), "\(row)")
            if row["stat"] == "mean" { XCTAssertEqual(s + b, 80, accuracy: 1e-3, "\(row)") }
        }

        // communes.csv: every commune every year.
        let communesText = try read(out, "communes.csv")
        XCTAssertTrue(communesText.hasPrefix("year,gso_code,commune,district,p_standard,p_advanced,p_model,expected_criteria\n"),
                      String(communesText.prefix(100)))
        let communes = CLITests.parseCSV(communesText)
        for year in ["2023", "2024", "2025"] {
            let rows = communes.rows.filter { $0["year"] == year }
            XCTAssertEqual(rows.count, 80, "communes in \(year)")
            XCTAssertEqual(Set(rows.compactMap { $0["gso_code"] }).count, 80, "distinct communes in \(year)")
        }
        XCTAssertEqual(communes.rows.count, 240)
        let longPhu = try XCTUnwrap(communes.rows.first { $0["year"] == "2023" && $0["gso_code"] == "31669" })
        XCTAssertEqual(longPhu["p_standard"], "0")
        XCTAssertEqual(longPhu["expected_criteria"], "17")
        for row in communes.rows {
            let p = ["p_standard", "p_advanced", "p_model"].map { Double(row[$0] ?? "") ?? -1 }
            XCTAssertTrue(p.allSatisfy { (0...1).contains($0) } && p[0] >= p[1] && p[1] >= p[2], "\(row)")
        }

        // funding.csv: nine sources in each projected year.
        let fundingText = try read(out, "funding.csv")
        XCTAssertTrue(fundingText.hasPrefix("year,source,available,needed,allocated,gap\n"), String(fundingText.prefix(80)))
        let funding = CLITests.parseCSV(fundingText)
        XCTAssertEqual(funding.rows.count, 2 * 9)
        XCTAssertEqual(funding.rows.first { $0["year"] == "2024" && $0["source"] == "province" }?["available"], "185253")
        for row in funding.rows {
            let v = ["available", "needed", "allocated", "gap"].map { Double(row[$0] ?? "") ?? -1 }
            XCTAssertTrue(v.allSatisfy { $0 >= 0 }, "\(row)")
            XCTAssertLessThanOrEqual(v[2], v[0] + 0.1, "allocated ≤ available: \(row)")
        }

        // districts.csv
        let districtsText = try read(out, "districts.csv")
        XCTAssertTrue(districtsText.hasPrefix("year,district,p_recognised\n"), String(districtsText.prefix(80)))
        let districts = CLITests.parseCSV(districtsText)
        XCTAssertFalse(districts.rows.isEmpty)
        XCTAssertEqual(districts.rows.count % 3, 0, "the same districts every year")
        XCTAssertTrue(districts.rows.allSatisfy { (0...1).contains(Double($0["p_recognised"] ?? "") ?? -1) })

        // summary.md
        let md = try read(out, "summary.md")
        XCTAssertTrue(md.contains("cli-small"), "names the scenario")
        XCTAssertTrue(md.contains("100, 20240201"), "draws and seed")
        XCTAssertTrue(md.contains("province-plan-2024-2025.yaml"), "names what it extends")
        XCTAssertTrue(md.contains("Communes by tier and year"), "English headings")
        // Labels in English, the catalogue's English name and the districts' kind included (an audit found them in
        // Vietnamese); names of places stay as they are.
        XCTAssertTrue(md.contains("National commune criteria for New Rural Development"), "the catalogue's English name")
        XCTAssertFalse(md.contains("Bộ tiêu chí quốc gia"), "no Vietnamese catalogue name in the English report")
        XCTAssertTrue(md.contains("Châu Thành (district)"), "the district's kind in English")
        XCTAssertFalse(md.contains("(huyện)"), "no Vietnamese district kind in the English report")
        XCTAssertTrue(md.contains("| Closest to standard first (closest_to_standard) |"), "the policy by name, with the value scenarios take")
    }

    func testRunWithBadScenarioExits2AndWritesNothing() throws {
        let tmp = try tempFolder()
        let cases: [(name: String, text: String, line: Int, key: String)] = [
            ("bad-type.yaml", "extends: \(Self.planPath)\ndraws: many\n", 2, "draws"),
            ("bad-source.yaml", "extends: \(Self.planPath)\ndraws: 10\nfunding:\n  provnce: {2024: 10, source: \"test\"}\n", 4, "provnce"),
        ]
        for c in cases {
            let sc = try scenario(c.text, c.name, in: tmp)
            let out = tmp.appendingPathComponent("bad")
            let r = try ntm(["run", sc, "--format", "md,csv", "--out", out.path, "--lang", "en"])
            XCTAssertEqual(r.status, 2, "\(c.name): bad input exits 2; stderr: \(r.stderr)")
            let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            XCTAssertEqual(lines.count, 1, "\(c.name): one error, one line: \(r.stderr)")
            for line in lines {
                XCTAssertTrue(line.hasPrefix("error: "), "\(c.name): \(line)")
                XCTAssertTrue(line.contains("\(sc):\(c.line):"), "\(c.name): names file and line \(sc):\(c.line): \(line)")
                XCTAssertTrue(line.contains(c.key), "\(c.name): names the key: \(line)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(c.name): no output folder")
            XCTAssertTrue(try files(tmp).filter { $0.contains(".tmp-") || $0.contains(".old-") }.isEmpty, "\(c.name): no temporary folders")
        }
    }

    func testFailedRunLeavesExistingOutputUnchanged() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("existing")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("keep me\n".utf8).write(to: out.appendingPathComponent("marker.txt"))
        try Data("old,tiers\n".utf8).write(to: out.appendingPathComponent("tiers.csv"))
        let sc = try scenario("extends: \(Self.planPath)\ndraws: 10\npolicy: greedy\n", "bad-policy.yaml", in: tmp)
        let r = try ntm(["run", sc, "--out", out.path])
        XCTAssertEqual(r.status, 2, "stderr: \(r.stderr)")
        XCTAssertTrue(r.stderr.hasPrefix("error: \(sc):3:"), r.stderr)
        XCTAssertEqual(try files(out), ["marker.txt", "tiers.csv"], "nothing added or removed")
        XCTAssertEqual(try read(out, "marker.txt"), "keep me\n")
        XCTAssertEqual(try read(out, "tiers.csv"), "old,tiers\n")
    }

    /// A folder that holds the run's own scenario is never replaced (it would delete the scenario).
    func testRunRefusesToReplaceTheFolderHoldingItsScenario() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("written by ntm\n".utf8).write(to: out.appendingPathComponent(".ntm-output")) // a folder ntm wrote before
        let sc = try scenario("extends: \(Self.planPath)\ndraws: 5\n", "mine.yaml", in: out)
        let r = try ntm(["run", sc, "--format", "md", "--out", out.path])
        XCTAssertEqual(r.status, 2, "stderr: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("--out") && r.stderr.contains("mine.yaml"), r.stderr)
        XCTAssertEqual(try files(out), ["mine.yaml"], "the scenario is still there, nothing added")
    }

    /// `--force` into a user's folder writes every report file before moving any into place: a report file that
    /// cannot be written (a folder of that name) leaves the user's files as they were.
    func testForcedRunThatCannotFinishLeavesTheFolderAsItWas() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("user")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("report.html"), withIntermediateDirectories: true)
        try Data("my summary\n".utf8).write(to: out.appendingPathComponent("summary.md"))
        let sc = try scenario("extends: \(Self.planPath)\ndraws: 5\n", "small.yaml", in: tmp)
        let r = try ntm(["run", sc, "--out", out.path, "--force"])
        XCTAssertEqual(r.status, 2, "stderr: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("report.html"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), ["report.html", "summary.md"])
        XCTAssertEqual(try read(out, "summary.md"), "my summary\n")
        // Without the obstacle the same command writes the report beside the user's other files.
        try FileManager.default.removeItem(at: out.appendingPathComponent("report.html"))
        try Data("mine\n".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let ok = try ntm(["run", sc, "--out", out.path, "--force"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(try read(out, "notes.txt"), "mine\n")
        XCTAssertTrue(try read(out, "summary.md").hasPrefix("# "), "the summary was replaced")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: out.path).contains { $0.hasPrefix(".ntm-staging") })
    }

    /// Several batches of draws, so two threads really share the work.
    func testThreadCountDoesNotChangeTheFiles() throws {
        let tmp = try tempFolder()
        let sc = try scenario("extends: \(Self.planPath)\ndraws: 400\n", "threads.yaml", in: tmp)
        let one = tmp.appendingPathComponent("t1"), two = tmp.appendingPathComponent("t2")
        let r1 = try ntm(["run", sc, "--threads", "1", "--format", "md,csv", "--out", one.path, "--lang", "en"])
        let r2 = try ntm(["run", sc, "--threads", "2", "--format", "md,csv", "--out", two.path, "--lang", "en"])
        XCTAssertEqual(r1.status, 0, r1.stderr)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(try files(one), Self.runFiles)
        XCTAssertEqual(try files(two), Self.runFiles)
        for f in Self.runFiles {
            let a = try Data(contentsOf: one.appendingPathComponent(f)), b = try Data(contentsOf: two.appendingPathComponent(f))
            XCTAssertEqual(a, b, "\(f) is byte-identical with 1 and 2 threads")
        }
        // Another seed (from the command line) gives other numbers.
        let seeded = tmp.appendingPathComponent("s")
        let r3 = try ntm(["run", sc, "--seed", "7", "--out", seeded.path, "--lang", "en"])
        XCTAssertEqual(r3.status, 0, r3.stderr)
        XCTAssertNotEqual(try read(seeded, "tiers.csv"), try read(one, "tiers.csv"), "a different seed changes tiers.csv")
        XCTAssertTrue(try read(seeded, "summary.md").contains("400, 7"), "the seed given on the command line is reported")
    }

    /// `--format md,csv` leaves out the communes' mean indicator values, which only the page and the workbook read:
    /// its files are the same bytes as those of a run that keeps them for a page and a workbook.
    func testFilesAreTheSameWhetherOrNotTheMeansAreKept() throws {
        let tmp = try tempFolder()
        let sc = try scenario("extends: \(Self.planPath)\ndraws: 100\n", "means.yaml", in: tmp)
        let left = tmp.appendingPathComponent("left"), kept = tmp.appendingPathComponent("kept")
        let r1 = try ntm(["run", sc, "--format", "md,csv", "--out", left.path])
        let r2 = try ntm(["run", sc, "--format", "md,csv,html,xlsx", "--out", kept.path])
        XCTAssertEqual(r1.status, 0, r1.stderr)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(try files(left), Self.runFiles)
        XCTAssertEqual(try files(kept), (Self.runFiles + ["report.html", "report.xlsx"]).sorted())
        for f in Self.runFiles {
            let a = try Data(contentsOf: left.appendingPathComponent(f)), b = try Data(contentsOf: kept.appendingPathComponent(f))
            XCTAssertEqual(a, b, "\(f) is byte-identical with and without the means")
        }
    }

    // MARK: compare

    func testCompareWritesItsFilesAndPairsDifferences() throws {
        let tmp = try tempFolder()
        let a = try scenario("extends: \(Self.planPath)\ndraws: 100\n", "plan-a.yaml", in: tmp)
        let b = try scenario("extends: \(Self.austerityPath)\ndraws: 100\n", "cut-b.yaml", in: tmp)
        let out = tmp.appendingPathComponent("c")
        let r = try ntm(["compare", a, b, "--out", out.path, "--lang", "en"])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        XCTAssertEqual(try files(out), ["compare.csv", "compare.md"])
        let md = try read(out, "compare.md")
        XCTAssertTrue(md.contains("plan-a") && md.contains("cut-b"), "names both scenarios")
        XCTAssertTrue(md.contains("## 2024") && md.contains("## 2025"), "a table per projected year")
        XCTAssertTrue(r.stdout.contains("compare.md"), r.stdout)

        let csvText = try read(out, "compare.csv")
        XCTAssertTrue(csvText.hasPrefix("year,scenario,measure,mean,p10,p90,diff_mean,diff_p10,diff_p90\n"), String(csvText.prefix(100)))
        let csv = CLITests.parseCSV(csvText)
        XCTAssertEqual(csv.rows.count, 3 * 2 * 4, "years × scenarios × measures")
        XCTAssertEqual(Set(csv.rows.compactMap { $0["measure"] }), ["standard", "advanced", "model", "avg_criteria"])
        func diffs(_ row: [String: String]) -> [Double] { ["diff_mean", "diff_p10", "diff_p90"].map { Double(row[$0] ?? "") ?? .nan } }
        for row in csv.rows where row["scenario"] == "plan-a" || row["year"] == "2023" {
            XCTAssertEqual(diffs(row), [0, 0, 0], "the reference and the base year differ by nothing: \(row)")
        }
        let later = csv.rows.filter { $0["scenario"] == "cut-b" && $0["year"] != "2023" }
        XCTAssertTrue(later.contains { diffs($0).contains { $0 != 0 } }, "less money makes some difference: \(later)")
    }

    func testCompareAScenarioWithItselfGivesZeroDifferences() throws {
        let tmp = try tempFolder()
        let a = try scenario("extends: \(Self.planPath)\ndraws: 100\n", "same.yaml", in: tmp)
        let out = tmp.appendingPathComponent("c")
        let r = try ntm(["compare", a, a, "--out", out.path])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        XCTAssertEqual(try files(out), ["compare.csv", "compare.md"])
        let csv = CLITests.parseCSV(try read(out, "compare.csv"))
        XCTAssertEqual(csv.rows.count, 3 * 2 * 4)
        for row in csv.rows {
            for col in ["diff_mean", "diff_p10", "diff_p90"] {
                XCTAssertEqual(row[col], "0", "\(col): \(row)")
            }
        }
        // Pairs of rows for the same year and measure agree on every statistic.
        for year in ["2023", "2024", "2025"] {
            for measure in ["standard", "advanced", "model", "avg_criteria"] {
                let rows = csv.rows.filter { $0["year"] == year && $0["measure"] == measure }
                XCTAssertEqual(rows.count, 2)
                XCTAssertEqual(rows.first?["mean"], rows.last?["mean"], "\(year) \(measure)")
                XCTAssertEqual(rows.first?["p90"], rows.last?["p90"], "\(year) \(measure)")
            }
        }
    }

    func testCompareWithABadScenarioExits2() throws {
        let tmp = try tempFolder()
        let a = try scenario("extends: \(Self.planPath)\ndraws: 10\n", "good.yaml", in: tmp)
        let b = try scenario("extends: \(Self.planPath)\ndrawz: 10\n", "typo.yaml", in: tmp)
        let out = tmp.appendingPathComponent("c")
        let r = try ntm(["compare", a, b, "--out", out.path])
        XCTAssertEqual(r.status, 2, "stderr: \(r.stderr)")
        XCTAssertTrue(r.stderr.hasPrefix("error: \(b):2:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("did you mean 'draws'"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// Counts in the summary use the report's thousands separator, as the page does (an audit found "1000" in
    /// summary.md beside "1.000" in report.html).
    func testSummaryWritesCountsWithTheLanguagesSeparator() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("sep")
        let r = try ntm(["run", Self.planPath, "--draws", "1200", "--format", "md", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try read(out, "summary.md")
        XCTAssertTrue(md.contains("| 1.200, 20240201 |"), md)
        let en = tmp.appendingPathComponent("sep-en")
        XCTAssertEqual(try ntm(["run", Self.planPath, "--draws", "1200", "--format", "md", "--out", en.path, "--lang", "en"]).status, 0)
        XCTAssertTrue(try read(en, "summary.md").contains("| 1,200, 20240201 |"))
    }

    /// The band of communes added, in the targets table, is the tier table's band less the base year's count, to
    /// the same decimal (an audit found "+3,8 (3–5)" for standard in 2024 beside a tier band of 72,9–75 from 70,
    /// and 2.9 in the workbook).
    func testTargetBandsAgreeWithTheTierTable() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("bands")
        let r = try ntm(["run", Self.planPath, "--format", "md,csv", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let tiers = CLITests.parseCSV(try read(out, "tiers.csv")).rows
        func value(_ year: String, _ stat: String, _ col: String) throws -> Double {
            try XCTUnwrap(Double(tiers.first { $0["year"] == year && $0["stat"] == stat }?[col] ?? ""), "\(year) \(stat) \(col)")
        }
        // One decimal, trailing zeros dropped, Vietnamese decimal comma (the numbers here are below 1,000).
        func vi(_ v: Double) -> String {
            var s = String(format: "%.1f", v)
            if s.hasSuffix(".0") { s.removeLast(2) }
            return s.replacingOccurrences(of: ".", with: ",")
        }
        let md = try read(out, "summary.md")
        var checked = 0
        for (col, name) in [("standard", "Đạt chuẩn NTM"), ("advanced", "NTM nâng cao"), ("model", "NTM kiểu mẫu")] {
            let line = try XCTUnwrap(md.split(separator: "\n").first { $0.hasPrefix("| 2024 | \(name) | +") }, "target row of \(name)")
            let base = try value("2023", "mean", col)
            let band = "(\(vi(try value("2024", "p10", col) - base))–\(vi(try value("2024", "p90", col) - base)))"
            XCTAssertTrue(line.contains(band), "\(line) should show the band \(band)")
            checked += 1
        }
        XCTAssertEqual(checked, 3)
    }

    /// The movers' heading says what the table holds: each commune's next tier, not "the highest tier" (an audit
    /// found "Các xã có khả năng lên mức cao nhất", read as "communes able to reach the top tier", above a table
    /// of communes moving from below standard to standard).
    func testMoversHeadingNamesTheNextTier() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("movers")
        let r = try ntm(["run", Self.planPath, "--draws", "100", "--format", "md", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try read(out, "summary.md")
        let heading = try XCTUnwrap(md.split(separator: "\n").first { $0.hasPrefix("## Các xã có") }, md)
        XCTAssertEqual(heading, "## Các xã có xác suất lên mức kế tiếp cao nhất đến năm 2025")
        XCTAssertTrue(md.contains("| Chưa đạt chuẩn | Đạt chuẩn NTM |"), "the table holds communes moving to standard")
    }

    // MARK: allocate

    /// The objective is "Hàm mục tiêu", apart from "mục tiêu", the reports' word for the scenario's targets (an
    /// audit found a column "Mục tiêu" of 330 above "Kinh phí ít nhất để đạt mục tiêu …"); and the least-cost
    /// table's money is what each source has after upkeep, and says so: "Có sẵn" in the run's funding table is the
    /// scenario's money (an audit found "Có sẵn 155.650" for the province's 2024 budget here beside "Có sẵn
    /// 185.253" in summary.md).
    func testAllocateNamesTheObjectiveAndTheMoneyAfterUpkeep() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("objective")
        let r = try ntm(["allocate", Self.planPath, "--draws", "20", "--target", "standard:+5", "--by", "2024", "--policies", "optimal",
                         "--format", "md,csv", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try read(out, "allocation.md")
        XCTAssertTrue(md.contains("| Phương án phân bổ | Hàm mục tiêu |"), md)
        XCTAssertFalse(md.contains("| Mục tiêu |"), md)
        XCTAssertTrue(md.contains("Hàm mục tiêu: số xã kỳ vọng đạt chuẩn, nâng cao, kiểu mẫu"), md)
        XCTAssertTrue(md.contains("| Năm | Nguồn vốn | Có sẵn sau duy tu | Cần | Cần thêm |"), md)
        let csv = CLITests.parseCSV(try read(out, "least-cost.csv"))
        XCTAssertEqual(csv.header, ["year", "source", "available_after_upkeep", "needed", "extra"])
        let province = try XCTUnwrap(Double(csv.rows.first { $0["year"] == "2024" && $0["source"] == "province" }?["available_after_upkeep"] ?? ""))
        XCTAssertLessThan(province, 185_253, "the province's 2024 money less its upkeep")
    }

    /// A least-cost search that cannot reach the probability says why it stopped: here no plan can expect more
    /// model communes by 2024 than it aims at (+8), short of the +10 asked; it does not claim its raises ran out.
    func testLeastCostSaysWhyItsSearchStopped() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("limit")
        let r = try ntm(["allocate", Self.planPath, "--draws", "100", "--target", "model:+10", "--by", "2024", "--confidence", "1",
                         "--policies", "optimal", "--format", "md", "--out", out.path, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try read(out, "allocation.md")
        XCTAssertTrue(md.contains("aiming at Model +8."), md)
        XCTAssertTrue(md.contains("No plan can expect more communes at the tiers that fell short."), md)
        XCTAssertFalse(md.contains("The search stopped after raising the aim"), md)
    }

    /// The workbook has the least-cost table when a target is asked for, and Vietnamese labels (not ids) by default.
    func testAllocateWorkbookHasTheLeastCostSheetInTheReportsLanguage() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("lc")
        let r = try ntm(["allocate", Self.planPath, "--draws", "20", "--target", "standard:+5", "--by", "2024", "--policies", "optimal",
                         "--format", "xlsx,csv", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let script = """
        import json, re, zipfile
        z = zipfile.ZipFile(\(String(reflecting: out.appendingPathComponent("allocation.xlsx").path)))
        names = [n for n in re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())]
        strings = z.read("xl/sharedStrings.xml").decode()
        rows = len(re.findall(r"<row ", z.read("xl/worksheets/sheet3.xml").decode())) if len(names) > 2 else 0
        print(json.dumps({"sheets": names, "ids": "central_development" in strings or "road_field_passable" in strings,
                          "vi": "Vốn lồng ghép" in strings, "rows": rows, "policy": "Tối ưu (optimal)" in strings}, ensure_ascii=False))
        """
        let p = try CLI.exec("/usr/bin/env", ["python3", "-c", script], cwd: nil, scratch: tmp)
        XCTAssertEqual(p.status, 0, p.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any], p.stdout)
        XCTAssertEqual(json["sheets"] as? [String], ["Chính sách", "Phương án", "Chi phí thấp nhất"], "sheet names in Vietnamese by default")
        XCTAssertEqual(json["ids"] as? Bool, false, "labels, not ids, in the workbook")
        XCTAssertEqual(json["vi"] as? Bool, true, "Vietnamese source names")
        XCTAssertEqual(json["policy"] as? Bool, true, "the policy's Vietnamese name (an audit found its code)")
        // One row per year and source, as least-cost.csv has them, below the header.
        let csvRows = try read(out, "least-cost.csv").split(separator: "\n").count
        XCTAssertEqual(json["rows"] as? Int, csvRows)
    }

    func testAllocateComparesEveryPolicyWithTheOptimum() throws {
        let tmp = try tempFolder()
        let sc = try scenario("extends: \(Self.planPath)\ndraws: 30\n", "alloc.yaml", in: tmp)
        let out = tmp.appendingPathComponent("a")
        let r = try ntm(["allocate", sc, "--policies", "all", "--format", "md,csv,html,xlsx,ipynb", "--out", out.path, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let policies = ["proportional", "equal_per_commune", "closest_to_standard", "cost_effectiveness", "optimal"]
        XCTAssertEqual(try files(out), (["allocation.csv", "allocation.md", "allocation.html", "allocation.xlsx", "allocation.ipynb"]
                                        + policies.map { "plan-\($0).csv" }).sorted())
        let page = try read(out, "allocation.html")
        XCTAssertFalse(page.contains("<script"), "self-contained: no scripts")
        // The summary table has the CSV's columns, unspent money included.
        let mdHeader = try XCTUnwrap(try read(out, "allocation.md").split(separator: "\n").first { $0.hasPrefix("| Allocation policy") })
        XCTAssertTrue(mdHeader.contains("| Spent incl. upkeep (million VND) | Unspent (million VND) |"), String(mdHeader))
        // Proportional shares cover no whole package here: the page says so, and its plan has no row.
        XCTAssertTrue(try read(out, "allocation.md").contains("No package funded (upkeep only): In proportion to need (proportional)."))
        XCTAssertEqual(try read(out, "plan-proportional.csv").split(separator: "\n").count, 1)
        XCTAssertGreaterThanOrEqual(page.components(separatedBy: "<svg").count - 1, 2, "two charts")
        let lines = try read(out, "allocation.csv").split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "policy,objective,standard_2024,advanced_2024,model_2024,standard_2025,advanced_2025,model_2025,avg_criteria_2025,spent,unspent,gap_to_optimum")
        XCTAssertEqual(lines.count, 1 + policies.count)
        var objective: [String: Double] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            objective[f[0]] = Double(f[1])
            XCTAssertGreaterThanOrEqual(Double(f[11]) ?? -1, 0, "gap to optimum is never negative: \(line)")
        }
        for p in policies { XCTAssertLessThanOrEqual(objective[p] ?? .infinity, objective["optimal"] ?? -1, p) }
        XCTAssertEqual(try read(out, "plan-optimal.csv").split(separator: "\n").first.map(String.init), "year,gso_code,commune,criterion,indicator,source,amount")
        XCTAssertTrue(try read(out, "allocation.md").contains("Optimum"))
        // Each policy by name in the tables, its code beside it; the CSV keeps the codes (above).
        let md = try read(out, "allocation.md")
        for (p, name) in zip(policies, ["In proportion to need", "Equal share per commune", "Closest to standard first",
                                        "Most cost-effective first", "Optimum"]) {
            XCTAssertTrue(md.contains("| \(name) (\(p)) |"), "\(p) in allocation.md")
        }
        let bad = try ntm(["allocate", sc, "--policies", "optimal,magic", "--out", tmp.appendingPathComponent("b").path])
        XCTAssertEqual(bad.status, 64, bad.stderr)
    }
}
