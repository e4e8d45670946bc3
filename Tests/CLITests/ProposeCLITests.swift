import Foundation
import XCTest

/// `ntm propose` through the built executable: the files a planner files, read back as a reader would.
final class ProposeCLITests: XCTestCase {
    static let root = CLI.root
    static let files = ["funding-plan.csv", "funding-plan.md", "proposal-2024.csv", "proposal-2024.md", "proposal-2025.csv", "proposal-2025.md"]

    private func tempFolder() throws -> URL { try cliTempFolder("ntm-propose-cli-tests") }

    /// Runs ntm in the package root (so the default scenario is found, as for a new user there).
    private func ntm(_ args: [String]) throws -> CLI.Result {
        try CLI.exec(try CLI.binary(), args, cwd: Self.root, scratch: try tempFolder())
    }

    private func read(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    private func list(_ s: String?) -> [Int] { (s ?? "").split(separator: ";").compactMap { Int($0) } }

    /// One command drafts 2024 and 2025 from the embedded data; the tables keep the appendices' invariants.
    func testProposeDraftsBothYearsInTheReportsLayouts() throws {
        let out = try tempFolder().appendingPathComponent("p")
        let r = try ntm(["propose", "--draws", "200", "--out", out.path])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix(".") }.sorted(), Self.files)
        let printed = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(printed, ["proposal-2024.md", "proposal-2025.md", "funding-plan.md"].map { "\(out.path)/\($0)" },
                       "stdout names the pages and nothing else")

        // Appendix II: the report's headers, the ten communes below standard first, in the report's order.
        let md = try read(out, "proposal-2024.md")
        XCTAssertTrue(md.contains("| TT | Tên xã | Tên huyện, thị xã | Số tiêu chí đạt | Tên tiêu chí đạt | Kế hoạch phấn đấu đến cuối năm 2024: Số TC |"), md)
        XCTAssertTrue(md.contains("| 1 | **Thạnh Thới An** | Trần Đề | 16 | 1,2,3,4,5,7,8,9,12,13,14,15,16,17,18,19 |")
                      || md.contains("| 1 | Thạnh Thới An | Trần Đề | 16 | 1,2,3,4,5,7,8,9,12,13,14,15,16,17,18,19 |"), md)
        XCTAssertTrue(md.contains("| 2024 | Đạt chuẩn NTM | +5 |"), "the province's 2024 target is compared")

        // proposal-<year>.csv: every row's arithmetic, and the years chained.
        var after2024: [String: String] = [:]
        for year in ["2024", "2025"] {
            let csv = CLITests.parseCSV(try read(out, "proposal-\(year).csv"))
            XCTAssertFalse(csv.rows.isEmpty, year)
            let sources = csv.header.filter { $0.hasPrefix("Kinh phí (triệu đồng): ") }
            XCTAssertEqual(sources.count, 9, "a cost column per source")
            for row in csv.rows {
                let name = "\(year) \(row["Tên xã"] ?? "?")"
                let met = list(row["Tên tiêu chí đạt"]), planned = list(row["Tên tiêu chí phấn đấu đạt"]), lost = list(row["Tiêu chí có thể mất (ngưỡng tăng)"])
                XCTAssertEqual(Int(row["Số tiêu chí đạt"] ?? ""), met.count, name)
                XCTAssertEqual(Int(row["Số TC"] ?? ""), planned.count, name)
                XCTAssertTrue(Set(planned).isDisjoint(with: met), "\(name): proposes a criterion it already meets")
                XCTAssertEqual(Int(row["Lũy kế"] ?? ""), met.count + planned.count - lost.count, "\(name): cumulative adds up")
                let start = row["Mức đầu năm"], aim = row["Mức phấn đấu"]
                if row["Đề xuất công nhận"] == "1" {
                    XCTAssertEqual(row["Lũy kế"], "19", "\(name): proposed with every criterion met")
                    if aim == "NTM nâng cao" { XCTAssertEqual(start, "Đạt chuẩn NTM", "\(name): advanced only from standard") }
                    if aim == "NTM kiểu mẫu" { XCTAssertEqual(start, "NTM nâng cao", "\(name): model only from advanced") }
                }
                let p = try XCTUnwrap(Double(row["Xác suất đạt"] ?? ""), name)
                XCTAssertTrue((0...1).contains(p), name)
                let cost = try XCTUnwrap(Double(row["Kinh phí (triệu đồng)"] ?? ""), name)
                let bySource = sources.reduce(0.0) { $0 + (Double(row[$1] ?? "") ?? .nan) }
                XCTAssertEqual(cost, bySource, accuracy: 0.1 * Double(sources.count) + 1e-9, "\(name): cost is its sources' sum")
                let code = row["Mã xã"] ?? ""
                if year == "2024" {
                    after2024[code] = row["Đề xuất công nhận"] == "1" ? aim : start
                } else if let was = after2024[code] {
                    XCTAssertEqual(start, was, "\(name): 2025 starts where the 2024 plan ends")
                }
            }
        }

        // funding-plan.csv: sub-sources add up to their family, families to the total, and no plan exceeds its source.
        // Every money column states its unit (an audit found none anywhere in the file).
        let plan = CLITests.parseCSV(try read(out, "funding-plan.csv"))
        let u = " (triệu đồng)"
        XCTAssertEqual(plan.header.prefix(9), ["Năm", "STT", "Nội dung chỉ tiêu", "id", "Nguồn vốn dự kiến" + u, "Duy tu" + u,
                                               "Đầu tư cho các xã đề xuất" + u, "Kế hoạch sử dụng" + u, "Chưa sử dụng" + u])
        XCTAssertTrue(plan.header.dropFirst(4).allSatisfy { $0.hasSuffix(u) }, "\(plan.header)")
        for year in ["2024", "2025"] {
            let rows = plan.rows.filter { $0["Năm"] == year }
            XCTAssertEqual(rows.map { $0["STT"] ?? "" }, ["", "I", "1", "2", "II", "1", "2", "III", "IV", "V", "VI", "1", "2"], "Appendix III order")
            func value(_ id: String, _ col: String) -> Double { Double(rows.first { $0["id"] == id }?[col] ?? "") ?? .nan }
            for col in ["Nguồn vốn dự kiến", "Duy tu", "Đầu tư cho các xã đề xuất", "Kế hoạch sử dụng"].map({ $0 + u }) {
                XCTAssertEqual(value("central", col), value("central_development", col) + value("central_recurrent", col), accuracy: 0.2, col)
                XCTAssertEqual(value("local", col), value("province", col) + value("district", col), accuracy: 0.2, col)
                XCTAssertEqual(value("people", col), value("people_cash", col) + value("people_in_kind", col), accuracy: 0.2, col)
                let families = ["central", "local", "integrated", "credit", "enterprises", "people"].reduce(0.0) { $0 + value($1, col) }
                XCTAssertEqual(value("total", col), families, accuracy: 0.5, col)
            }
            for row in rows {
                let have = Double(row["Nguồn vốn dự kiến" + u] ?? "") ?? .nan, use = Double(row["Kế hoạch sử dụng" + u] ?? "") ?? .nan
                XCTAssertLessThanOrEqual(use, have + 0.1, "\(year) \(row["id"] ?? ""): the plan exceeds what the source has")
                XCTAssertEqual(use, (Double(row["Duy tu" + u] ?? "") ?? .nan) + (Double(row["Đầu tư cho các xã đề xuất" + u] ?? "") ?? .nan), accuracy: 0.2)
            }
        }
        XCTAssertEqual(plan.rows.first { $0["Năm"] == "2024" && $0["id"] == "central_development" }?["Nguồn vốn dự kiến" + u], "169946",
                       "2024 from Appendix III")
        let funding = try read(out, "funding-plan.md")
        XCTAssertTrue(funding.contains("| STT | Nội dung chỉ tiêu |"), funding)
        XCTAssertTrue(funding.contains("| I | **NGÂN SÁCH TRUNG ƯƠNG** |") && funding.contains("| 1 | Đầu tư phát triển |"), funding)
        XCTAssertTrue(funding.contains("| VI | **HUY ĐỘNG TỪ NGƯỜI DÂN VÀ CỘNG ĐỒNG** |"), funding)
    }

    /// English headers with --lang en; one year and a rule's plan on request.
    func testProposeInEnglishForOneYearAndARule() throws {
        let out = try tempFolder().appendingPathComponent("en")
        let r = try ntm(["propose", "--years", "2024", "--policy", "closest_to_standard", "--draws", "100", "--lang", "en", "--out", out.path])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix(".") }.sorted(),
                       ["funding-plan.csv", "funding-plan.md", "proposal-2024.csv", "proposal-2024.md"])
        let md = try read(out, "proposal-2024.md")
        XCTAssertTrue(md.contains("| No. | Commune | District | Criteria met | Criteria met (numbers) | Plan to the end of 2024: No. of criteria |"), md)
        XCTAssertTrue(md.contains("allocation policy Closest to standard first (closest_to_standard),"), "the policy by name")
        XCTAssertFalse(md.contains("Tên xã"), "no Vietnamese header in English")
        let csv = CLITests.parseCSV(try read(out, "proposal-2024.csv"))
        XCTAssertEqual(csv.header.prefix(4), ["Year", "No.", "Commune code", "Commune"])
        XCTAssertTrue(try read(out, "funding-plan.md").contains("| I | **CENTRAL BUDGET** |"))
    }

    /// Counts of communes carry the language's thousands separator, as the means beside them do: a national
    /// proposal has thousands of communes at standard (the table showed "1457" beside "1.219").
    func testCountsOverAThousandAreGrouped() throws {
        let tmp = try tempFolder()
        let data = tmp.appendingPathComponent("d")
        let synth = try ntm(["data", "synth", "--communes", "1500", "--provinces", "8", "--seed", "3", "--out", data.path])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let scenario = tmp.appendingPathComponent("big.yaml")
        try Data("extends: \(Self.root.appendingPathComponent("Scenarios/national-2025.yaml").path)\ndataset: \(data.path)\n".utf8).write(to: scenario)
        for (lang, separator) in [("vi", "."), ("en", ",")] {
            let out = tmp.appendingPathComponent(lang)
            let r = try ntm(["propose", scenario.path, "--years", "2024", "--draws", "5", "--time-limit", "2", "--lang", lang, "--out", out.path])
            XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
            let md = try read(out, "proposal-2024.md")
            let row = try XCTUnwrap(md.split(separator: "\n").first { $0.hasPrefix(lang == "vi" ? "| Đạt chuẩn NTM |" : "| Standard |") }, md)
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            // Standard, then: packages, cumulative by the plan, added (mean), cumulative (mean), draft target.
            XCTAssertEqual(cells.count, 6, String(row))
            for cumulative in [cells[2], cells[4]] {
                let whole = cumulative.split(separator: Character(separator == "." ? "," : "."))[0]
                XCTAssertTrue(whole.contains(separator), "\(lang): \(cumulative) is over a thousand and grouped: \(row)")
                XCTAssertGreaterThan(Int(whole.replacingOccurrences(of: separator, with: "")) ?? 0, 1_000, String(row))
            }
        }
    }

    /// funding-plan.md points to the least money below it, not to itself (an audit found "see funding-plan.md"
    /// inside funding-plan.md); a year's page points to funding-plan.md.
    /// In the plan's first year every draw starts from the same values, so the Monte Carlo engine spends on a
    /// proposed commune exactly the package the plan costed: the expected-value model aims past thresholds by the
    /// same planning margin (an audit found 283 % of the cost paid to one commune and 0 % to seven proposed ones,
    /// whose packages had been costed without the margin).
    func testFirstYearPackagesCostWhatTheEngineSpends() throws {
        let out = try tempFolder().appendingPathComponent("cost")
        let r = try ntm(["propose", "--years", "2024", "--draws", "50", "--lang", "en", "--out", out.path])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        let csv = CLITests.parseCSV(try read(out, "proposal-2024.csv"))
        let proposed = csv.rows.filter { $0["Proposed"] == "1" && Double($0["Cost (million VND)"] ?? "") ?? 0 > 0 }
        XCTAssertGreaterThan(proposed.count, 10)
        for row in proposed {
            let share = try XCTUnwrap(Double(row["Funded share (draws)"] ?? ""), "\(row["Commune"] ?? "?")")
            XCTAssertEqual(share, 1, accuracy: 1e-3, "\(row["Commune"] ?? "?") is paid its package")
        }
    }

    /// The proposal is the same on one thread and two: the Monte Carlo runs that value the plans, and those that
    /// evaluate them, give the same numbers whatever the thread count.
    func testProposalIsTheSameOnOneThreadAndTwo() throws {
        let tmp = try tempFolder()
        var texts: [[String]] = []
        for threads in ["1", "2"] {
            let out = tmp.appendingPathComponent("t\(threads)")
            // 2025 alone: it has no target, so no least-cost search (the slow part) runs.
            let r = try ntm(["propose", "--years", "2025", "--draws", "60", "--threads", threads, "--out", out.path])
            XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
            texts.append(try ["proposal-2025.csv", "proposal-2025.md", "funding-plan.csv"].map { try read(out, $0) })
        }
        XCTAssertEqual(texts[0], texts[1])
    }

    func testFundingPlanDoesNotSendTheReaderToItself() throws {
        let out = try tempFolder().appendingPathComponent("self")
        let r = try ntm(["propose", "--years", "2024", "--draws", "100", "--out", out.path])
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        let plan = try read(out, "funding-plan.md")
        XCTAssertTrue(plan.contains("**Thiếu**"), "the shipped plan misses a 2024 target, so the note is there")
        XCTAssertFalse(plan.contains("funding-plan.md"), "funding-plan.md names itself")
        XCTAssertTrue(plan.contains("Kinh phí ít nhất để đạt mục tiêu, theo nguồn: xem bên dưới."), plan)
        XCTAssertTrue(try read(out, "proposal-2024.md").contains("xem funding-plan.md"))
    }

    /// A bad scenario, year, policy or format: a clear message, a non-zero exit, nothing written.
    func testBadInputWritesNothing() throws {
        let tmp = try tempFolder()
        let bad = tmp.appendingPathComponent("bad.yaml")
        try Data("extends: \(Self.root.appendingPathComponent("Scenarios/province-plan-2024-2025.yaml").path)\ndraws: 100\nfundng: {}\n".utf8).write(to: bad)
        let out = tmp.appendingPathComponent("never")
        let r = try ntm(["propose", bad.path, "--out", out.path])
        XCTAssertEqual(r.status, 2, "stderr: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("bad.yaml:3") && r.stderr.contains("fundng"), r.stderr)
        for args in [["--years", "2030"], ["--years", "20x4"], ["--policy", "fastest"], ["--format", "md,html"], ["--confidence", "1.5"]] {
            let r = try ntm(["propose", "--draws", "50", "--out", out.path] + args)
            XCTAssertEqual(r.status, 64, "\(args): stderr: \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty, "\(args)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing written")
    }
}
