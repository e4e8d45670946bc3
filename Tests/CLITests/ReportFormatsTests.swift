import Foundation
import NTMReports
import XCTest

/// `ntm run --format`: the HTML page, the workbook and the notebook, checked through independent readers:
/// headless Chromium (Debian's `chromium`), Python's openpyxl and nbformat (from PyPI). `.ci/run` installs
/// them; where one is missing the test fails and says how to install it.
final class ReportFormatsTests: XCTestCase {
    typealias Result = CLI.Result
    static let root = CLI.root
    static var planPath: String { root.appendingPathComponent("Scenarios/province-plan-2024-2025.yaml").path }
    static let allFiles = ["communes.csv", "districts.csv", "funding.csv", "report.html", "report.ipynb", "report.xlsx", "summary.md", "tiers.csv"]
    /// The run workbook's sheets, named in the report's language (Vietnamese by default).
    static let sheets = ["Mức đạt chuẩn", "Nguồn vốn", "Xã", "Huyện", "Tiêu chí", "Mục tiêu", "Thông tin"]

    struct MissingTool: Error {}

    // MARK: helpers (the lookup of CLITests)

    private func binary() throws -> String { try CLI.binary() }

    private func tempFolder() throws -> URL { try cliTempFolder("ntm-format-tests") }

    /// Runs a program with `args`; output goes through files so a large output cannot block the pipe.
    private func exec(_ program: String, _ args: [String], cwd: URL? = nil) throws -> Result { try CLI.exec(program, args, cwd: cwd, scratch: try tempFolder()) }

    private func ntm(_ args: [String]) throws -> Result { try exec(try binary(), args) }

    /// The repository root as working directory, so the scenario's relative paths hold.
    private func ntmAtRoot(_ args: [String]) throws -> Result { try exec(try binary(), args, cwd: Self.root) }

    private func files(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    private func read(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    /// `ntm run` of the province plan with 50 draws in every format, into a new folder.
    private func runAll(lang: String = "vi", extra: [String] = []) throws -> URL {
        let out = try tempFolder().appendingPathComponent("r")
        let r = try ntmAtRoot(["run", "Scenarios/province-plan-2024-2025.yaml", "--draws", "50", "--format", "md,csv,html,xlsx,ipynb",
                               "--out", out.path, "--lang", lang] + extra)
        XCTAssertEqual(r.status, 0, "stderr: \(r.stderr)")
        return out
    }

    /// Python 3 with the given modules, or a failure that says how to install them.
    private func python(_ script: String, needs modules: [String]) throws -> Result {
        let env = "/usr/bin/env"
        let probe = try exec(env, ["python3", "-c", modules.map { "import \($0)" }.joined(separator: "; ")])
        guard probe.status == 0 else {
            XCTFail("python3 with \(modules.joined(separator: ", ")) is needed to read the report back: pip install \(modules.joined(separator: " ")) (.ci/run installs them). \(probe.stderr)")
            throw MissingTool()
        }
        return try exec(env, ["python3", "-c", script])
    }

    private func chromium() throws -> String {
        for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        XCTFail("headless Chromium is needed to render report.html: apt-get install -y chromium (.ci/run installs it)")
        throw MissingTool()
    }

    private func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    // MARK: formats

    func testAllFormatsAreWritten() throws {
        let out = try runAll()
        XCTAssertEqual(try files(out), Self.allFiles)
        for f in Self.allFiles {
            let size = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(f).path)[.size] as? Int ?? 0
            XCTAssertGreaterThan(size, 100, "\(f) has content")
        }
        XCTAssertTrue(try files(out.deletingLastPathComponent()).allSatisfy { !$0.contains(".tmp-") && !$0.contains(".old-") })
    }

    func testDefaultFormatsAreMarkdownCSVAndHTML() throws {
        let out = try tempFolder().appendingPathComponent("d")
        let r = try ntmAtRoot(["run", Self.planPath, "--draws", "20", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try files(out), ["communes.csv", "districts.csv", "funding.csv", "report.html", "summary.md", "tiers.csv"])
        // Only the page: summary.md is not written, and the notebook brings its CSVs along.
        let html = try tempFolder().appendingPathComponent("h")
        XCTAssertEqual(try ntmAtRoot(["run", Self.planPath, "--draws", "20", "--format", "html", "--out", html.path]).status, 0)
        XCTAssertEqual(try files(html), ["report.html"])
        let nb = try tempFolder().appendingPathComponent("n")
        XCTAssertEqual(try ntmAtRoot(["run", Self.planPath, "--draws", "20", "--format", "ipynb", "--out", nb.path]).status, 0)
        XCTAssertEqual(try files(nb), ["communes.csv", "districts.csv", "funding.csv", "report.ipynb", "tiers.csv"])
    }

    func testUnknownFormatIsACommandLineError() throws {
        let tmp = try tempFolder()
        let out = tmp.appendingPathComponent("x")
        for bad in ["md,pdf", "html,", "XLSX;csv"] {
            let r = try ntm(["run", Self.planPath, "--draws", "5", "--format", bad, "--out", out.path])
            XCTAssertEqual(r.status, 64, "\(bad): a wrong command line exits 64; stderr: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("md, csv, html, xlsx, ipynb"), "\(bad): lists the allowed formats: \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(bad): writes nothing")
        }
        // Case and spaces do not matter.
        let ok = try ntm(["run", Self.planPath, "--draws", "5", "--format", "MD, csv", "--out", out.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    func testSameSeedGivesTheSameBytes() throws {
        let a = try runAll(), b = try runAll(extra: ["--threads", "1"])
        for f in ["report.html", "report.xlsx", "report.ipynb"] {
            XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(f)), try Data(contentsOf: b.appendingPathComponent(f)), "\(f) is reproducible")
        }
    }

    // MARK: HTML

    func testHTMLIsSelfContainedWithChartsAndTables() throws {
        let out = try runAll()
        let html = try read(out, "report.html")
        let lower = html.lowercased()
        XCTAssertTrue(lower.hasPrefix("<!doctype html>"))
        for forbidden in ["http://", "https://", "<script", "<link", "<img", "<iframe", "@import", "url(", "src="] {
            XCTAssertFalse(lower.contains(forbidden), "nothing to load: found \(forbidden)")
        }
        XCTAssertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), "readable on a phone")
        XCTAssertTrue(html.contains("@media print"), "print styles")
        XCTAssertTrue(html.contains("@media (max-width"), "narrow-screen styles")
        XCTAssertTrue(html.contains("<html lang=\"vi\">"))

        // Charts: every <svg> draws shapes.
        let svgs = html.components(separatedBy: "<svg").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        XCTAssertGreaterThanOrEqual(svgs.count, 4, "tiers, funding, criteria map, districts")
        for svg in svgs {
            XCTAssertTrue(svg.contains("<path") || svg.contains("<rect") || svg.contains("<polyline"), "a chart with shapes: \(svg.prefix(200))")
        }
        XCTAssertEqual(count("<polyline", in: html), 3, "standard, advanced, model lines")
        XCTAssertGreaterThanOrEqual(count("fill-opacity=\"0.18\"", in: html), 3, "their P10–P90 bands")
        // The map: one cell per commune and criterion, by district.
        XCTAssertEqual(count("rx=\"2\" fill=\"#009E73\"><title>", in: html) + count("rx=\"2\" fill=\"#F0E442\"><title>", in: html)
                       + count("rx=\"2\" fill=\"#D55E00\"><title>", in: html), 80 * 19, "80 communes × 19 criteria")
        XCTAssertTrue(html.contains("Có khả năng đạt"), "the map's rule, in Vietnamese")

        // Vietnamese labels and numbers: the province's funding in 2024 is 185.253 million VND.
        XCTAssertTrue(html.contains("Số xã theo mức đạt chuẩn, theo năm"))
        XCTAssertTrue(html.contains("185.253"), "Vietnamese thousands separator")
        // The summary's tables.
        XCTAssertGreaterThanOrEqual(count("<table>", in: html), 5)
        XCTAssertTrue(html.contains("Huyện được công nhận đạt chuẩn"))
    }

    func testHTMLInEnglish() throws {
        let out = try runAll(lang: "en")
        let html = try read(out, "report.html")
        XCTAssertTrue(html.contains("<html lang=\"en\">"))
        XCTAssertTrue(html.contains("Communes by tier and year"))
        XCTAssertTrue(html.contains("Funding available and needed, by source"))
        XCTAssertTrue(html.contains("185,253"), "English thousands separator")
        XCTAssertFalse(html.contains("Số xã theo mức"), "no Vietnamese headings")
    }

    /// A real browser: loads the page from disk with no network, without console errors, and draws the charts.
    func testHTMLRendersInHeadlessChromium() throws {
        let browser = try chromium()
        let out = try runAll()
        let page = out.appendingPathComponent("report.html")
        let profile = try tempFolder()
        let common = ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0"]
        let dom = try exec(browser, common + ["--dump-dom", page.absoluteString])
        XCTAssertEqual(dom.status, 0, dom.stderr)
        // Chromium logs console messages as `…:CONSOLE(line)] "Uncaught …"`; the page has no script, so it has none.
        let console = dom.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") || $0.contains("net::ERR") }
        XCTAssertTrue(console.isEmpty, "no console messages or failed loads: \(console.joined(separator: "\n"))")
        XCTAssertGreaterThanOrEqual(count("<svg", in: dom.stdout), 4, "the charts are in the rendered DOM")
        XCTAssertGreaterThanOrEqual(count("<polyline", in: dom.stdout), 3)
        XCTAssertGreaterThanOrEqual(count("<rect", in: dom.stdout), 80 * 19)
        XCTAssertTrue(dom.stdout.contains("</html>"))

        let png = profile.appendingPathComponent("page.png")
        let shot = try exec(browser, common + ["--screenshot=\(png.path)", "--window-size=412,2400", page.absoluteString])
        XCTAssertEqual(shot.status, 0, shot.stderr)
        let bytes = try Data(contentsOf: png)
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG")
        XCTAssertGreaterThan(bytes.count, 20_000, "a page with content, not a blank one")
    }

    // MARK: workbook

    func testWorkbookReadsBackInOpenpyxl() throws {
        let out = try runAll()
        let script = """
        import json, openpyxl
        wb = openpyxl.load_workbook(\(String(reflecting: out.appendingPathComponent("report.xlsx").path)))
        res = {"sheets": wb.sheetnames}
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            res[ws.title] = {
                "header": list(rows[0]), "rows": len(rows) - 1, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
                "first": [type(v).__name__ for v in rows[1]],
                "formats": sorted({c.number_format for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, (int, float))}),
                "sample": [list(r) for r in rows[1:4]],
            }
        print(json.dumps(res, ensure_ascii=False, default=str))
        """
        let r = try python(script, needs: ["openpyxl"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
        XCTAssertEqual(json["sheets"] as? [String], Self.sheets)
        for name in Self.sheets {
            let s = try XCTUnwrap(json[name] as? [String: Any], name)
            XCTAssertEqual(s["freeze"] as? String, "A2", "\(name): header row frozen")
            XCTAssertTrue((s["filter"] as? String)?.hasPrefix("A1:") ?? false, "\(name): filter on the header row")
            XCTAssertGreaterThan(s["rows"] as? Int ?? 0, 0, name)
        }
        let tiers = try XCTUnwrap(json[Self.sheets[0]] as? [String: Any])
        XCTAssertEqual(tiers["header"] as? [String], ["Đại lượng", "Năm", "Thống kê", "Số xã"], "Vietnamese headers, the measure first")
        XCTAssertEqual(tiers["rows"] as? Int, 5 * 3 * 4, "5 measures × 3 years × 4 statistics")
        let tierTypes = try XCTUnwrap(tiers["first"] as? [String])
        XCTAssertEqual(tierTypes.prefix(3), ["str", "int", "str"], "the measure, the year as a number, the statistic")
        XCTAssertTrue(["int", "float"].contains(tierTypes[3]), "the count is a number: \(tierTypes)")
        XCTAssertEqual((tiers["sample"] as? [[Any]])?.first?.compactMap { $0 as? String }, ["Đạt chuẩn NTM", "Trung bình"])
        XCTAssertTrue((tiers["formats"] as? [String] ?? []).contains("#,##0.0"), "\(tiers["formats"] ?? "")")
        let funding = try XCTUnwrap(json[Self.sheets[1]] as? [String: Any])
        XCTAssertEqual(funding["rows"] as? Int, 4 * 2 * 9, "4 measures × 2 years × 9 sources")
        let fundingTypes = try XCTUnwrap(funding["first"] as? [String])
        XCTAssertEqual(fundingTypes.prefix(3), ["str", "int", "str"])
        XCTAssertTrue(["int", "float"].contains(fundingTypes[3]), "money is a number: \(fundingTypes)")
        XCTAssertTrue((funding["formats"] as? [String] ?? []).contains("#,##0"), "VND as #,##0: \(funding["formats"] ?? "")")
        let communes = try XCTUnwrap(json[Self.sheets[2]] as? [String: Any])
        XCTAssertEqual(communes["rows"] as? Int, 4 * 3 * 80)
        XCTAssertTrue((communes["formats"] as? [String] ?? []).contains("0%"), "probabilities as percentages")
        let criteria = try XCTUnwrap(json[Self.sheets[4]] as? [String: Any])
        XCTAssertEqual(criteria["rows"] as? Int, 19 * 80)
    }

    /// A sheet longer than a sheet may be (Excel's 1,048,576 rows; 4 here, to keep the test small) goes on in
    /// sheets named "… (2)", "… (3)", each with the header, every row once and in order; the others are as they were.
    func testWorkbookContinuesLongSheetsOnFurtherSheets() throws {
        let long = Workbook.Sheet(name: "Kế hoạch", header: ["Năm", "Xã"], rows: (1...7).map { [.number(Double($0), .year), .text("Xã \($0)")] })
        let short = Workbook.Sheet(name: "Chính sách", header: ["Giá trị"], rows: [[.number(1.5, .oneDecimal)]])
        let wide = Workbook.Sheet(name: String(repeating: "x", count: 31), header: ["a"], rows: (1...4).map { _ in [.text("v")] })
        let file = try tempFolder().appendingPathComponent("long.xlsx")
        try Workbook(sheets: [short, long, wide]).data(rowsPerSheet: 4).write(to: file)
        let script = """
        import json, openpyxl
        wb = openpyxl.load_workbook(\(String(reflecting: file.path)))
        print(json.dumps({ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}, ensure_ascii=False))
        """
        let r = try python(script, needs: ["openpyxl"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [[Any]]], r.stdout)
        let x31 = String(repeating: "x", count: 31), x27 = String(repeating: "x", count: 27)
        XCTAssertEqual(Set(json.keys), ["Chính sách", "Kế hoạch", "Kế hoạch (2)", "Kế hoạch (3)", x31, x27 + " (2)"], "names within 31 characters")
        XCTAssertEqual(json["Chính sách"]?.count, 2)
        var years: [Int] = []
        for name in ["Kế hoạch", "Kế hoạch (2)", "Kế hoạch (3)"] {
            let rows = try XCTUnwrap(json[name])
            XCTAssertEqual(rows.first as? [String], ["Năm", "Xã"], "\(name): the header again")
            XCTAssertLessThanOrEqual(rows.count, 4, name)
            years += rows.dropFirst().compactMap { $0.first as? Int }
        }
        XCTAssertEqual(years, Array(1...7), "every row once, in order")
        XCTAssertEqual(json[x31]?.count, 4)
        XCTAssertEqual(json[x27 + " (2)"]?.count, 2)
    }

    // MARK: notebook

    func testNotebookValidates() throws {
        let out = try runAll(lang: "en")
        let path = out.appendingPathComponent("report.ipynb").path
        let script = """
        import json, nbformat
        nb = nbformat.read(\(String(reflecting: path)), as_version=4)
        nbformat.validate(nb)
        print(json.dumps({"major": nb.nbformat, "minor": nb.nbformat_minor,
                          "types": [c.cell_type for c in nb.cells], "code": [c.source for c in nb.cells if c.cell_type == "code"],
                          "first": nb.cells[0].source}))
        """
        let r = try python(script, needs: ["nbformat"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
        XCTAssertEqual(json["major"] as? Int, 4)
        XCTAssertEqual(json["minor"] as? Int, 5)
        let types = try XCTUnwrap(json["types"] as? [String])
        XCTAssertGreaterThanOrEqual(types.filter { $0 == "markdown" }.count, 5, "the summary's sections as Markdown cells")
        let code = (json["code"] as? [String] ?? []).joined(separator: "\n")
        XCTAssertTrue(code.contains("import pandas as pd"))
        for f in ["tiers.csv", "communes.csv", "funding.csv", "districts.csv"] {
            XCTAssertTrue(code.contains("pd.read_csv(\"\(f)\""), "loads \(f) by a relative path")
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "\(f) sits beside the notebook")
        }
        XCTAssertTrue((json["first"] as? String ?? "").hasPrefix("# Projection: province-plan-2024-2025"))
    }

    // MARK: baseline

    func testBaselineInEveryFormat() throws {
        let help = try ntm(["baseline", "--help"])
        guard help.stdout.contains("--format") else { throw XCTSkip("ntm baseline has no --format yet") }
        let out = try tempFolder().appendingPathComponent("b")
        let r = try ntmAtRoot(["baseline", "--format", "md,csv,html,xlsx,ipynb", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try files(out), ["baseline-communes.csv", "baseline.html", "baseline.ipynb", "baseline.md", "baseline.xlsx"])
        let html = try read(out, "baseline.html").lowercased()
        for forbidden in ["http://", "https://", "<script", "<link", "src="] { XCTAssertFalse(html.contains(forbidden), forbidden) }
        XCTAssertGreaterThanOrEqual(count("<svg", in: html), 2)
        let script = """
        import json, openpyxl, nbformat
        wb = openpyxl.load_workbook(\(String(reflecting: out.appendingPathComponent("baseline.xlsx").path)))
        nbformat.validate(nbformat.read(\(String(reflecting: out.appendingPathComponent("baseline.ipynb").path)), as_version=4))
        print(json.dumps({"sheets": wb.sheetnames, "freeze": [ws.freeze_panes for ws in wb.worksheets],
                          "total": [r[2] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if r[1] == "Toàn tỉnh"]}))
        """
        let py = try python(script, needs: ["openpyxl", "nbformat"])
        XCTAssertEqual(py.status, 0, py.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: Any], py.stdout)
        XCTAssertEqual(json["sheets"] as? [String], ["Mức đạt chuẩn", "Xã", "Tiêu chí"], "sheet names in Vietnamese by default")
        XCTAssertEqual(json["freeze"] as? [String], ["A2", "A2", "A2"])
        XCTAssertEqual(json["total"] as? [Int], [70, 20, 2, 10], "the report's 70 standard / 20 advanced / 2 model / 10 below")
    }

    /// The commune × criterion map is written piece by piece (a cell's tooltip from the commune's, the criterion's
    /// and the category's text): names holding characters to escape, ASCII or not, come out escaped in the row
    /// labels, the tooltips and the district headings, never raw.
    func testCriteriaMapEscapesNames() throws {
        let data = try tempFolder().appendingPathComponent("d")
        let synth = try ntm(["data", "synth", "--communes", "40", "--provinces", "1", "--out", data.path])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        for (file, renames) in [("communes.csv", [(",Xã 1,", ",\"Xã <1> & \"\"A\"\"\","), (",Xã 2,", ",Xã 2 'ề' & x,"), (",Huyện 1-1,", ",Huyện <1> & 1,")]),
                                ("districts.csv", [(",Huyện 1-1,", ",Huyện <1> & 1,")])] {
            let url = data.appendingPathComponent(file)
            var text = try String(contentsOf: url, encoding: .utf8)
            for (old, new) in renames {
                XCTAssertTrue(text.contains(old), "\(file) holds \(old)")
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let out = try tempFolder().appendingPathComponent("b")
        let r = try ntm(["baseline", "--dataset", data.path, "--format", "html", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let html = try read(out, "baseline.html")
        XCTAssertEqual(count(">Xã &lt;1&gt; &amp; &quot;A&quot;</text>", in: html), 1, "the row label")
        XCTAssertEqual(count("<title>Xã &lt;1&gt; &amp; &quot;A&quot; · ", in: html), 19, "a tooltip per criterion")
        XCTAssertEqual(count("<title>Xã 2 &#39;ề&#39; &amp; x · ", in: html), 19)
        XCTAssertTrue(html.contains("<h3>Huyện &lt;1&gt; &amp; 1 ("), "the district's heading")
        XCTAssertFalse(html.contains("<1>"), "no name left raw")
        XCTAssertFalse(html.contains("'ề'"))
    }
}
