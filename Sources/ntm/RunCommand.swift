import ArgumentParser
import Foundation
import NTMCatalogue
import NTMEngine
import NTMReports

struct ProjectionOptions: ParsableArguments {
    @Option(name: .long, help: "Monte Carlo draws (default: the scenario's).")
    var draws: Int?

    @Option(name: .long, help: "Random seed (default: the scenario's).")
    var seed: UInt64?

    @Option(name: .long, help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if let d = draws, !(1...1_000_000).contains(d) { throw ValidationError("--draws must be between 1 and 1,000,000") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func load(_ path: String) throws -> Scenario {
        var s = try Scenario.load(path: path)
        if let d = draws { s.draws = d }
        if let x = seed { s.seed = x }
        return s
    }

    /// Runs a projection, showing progress on standard error when it takes longer than a second.
    func project(_ model: Model) -> ProjectionResult {
        let start = Date()
        let shown = ProgressLine()
        let result = Projection(model: model).run(threads: threads) { done, total in
            if Date().timeIntervalSince(start) > 1 { shown.show("ntm: \(model.scenario.name): \(100 * done / total) %") }
        }
        shown.finish()
        return result
    }
}

/// One line on standard error, rewritten in place, and only when its text changes.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var used = false
    private var last = ""
    func show(_ s: String) {
        lock.withLock {
            guard s != last else { return }
            used = true
            last = s
            FileHandle.standardError.write(Data("\r\(s)".utf8))
        }
    }
    func finish() { lock.withLock { if used { FileHandle.standardError.write(Data("\n".utf8)) } } }
}

/// `--format`: which files a report command writes. Shared by every command that writes a report.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Files to write, comma-separated: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = ReportFormat.defaults.map(\.rawValue).joined(separator: ",")

    func validate() throws {
        do { _ = try ReportFormat.parse(format) } catch let e as ReportFormatError { throw ValidationError(e.description) }
    }

    /// The formats asked for (valid once `validate()` has passed).
    var list: [ReportFormat] { (try? ReportFormat.parse(format)) ?? ReportFormat.defaults }
}

let defaultScenario = "Scenarios/province-plan-2024-2025.yaml"

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Project a scenario year by year: tiers, criteria, districts and funding, with Monte Carlo bands.",
        discussion: """
        Writes to --out (default notebooks-out/<scenario-name>/), all at once: a run that fails leaves the \
        folder as it was. --format chooses the files: md (summary.md), csv (tiers.csv, communes.csv, \
        funding.csv, districts.csv), html (report.html: charts and tables in one page that opens offline), \
        xlsx (report.xlsx: one sheet per table), ipynb (report.ipynb: the summary and the CSVs loaded with \
        pandas; it brings the CSV files along).
        """)

    @Argument(help: "The scenario file.")
    var scenario: String = defaultScenario

    @OptionGroup var options: ProjectionOptions

    @Option(name: .long, help: "Output folder (default: notebooks-out/<scenario-name>).")
    var out: String?

    @OptionGroup var language: LanguageOption

    @OptionGroup var formats: FormatOptions

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Also write the compiled model's arrays to this folder, for the benchmark's NumPy peer.", visibility: .hidden))
    var exportModel: String?

    @Flag(name: .long, help: "Print how long loading, the projection and the reports took, and the projection's throughput, on standard error.")
    var timings = false

    func run() throws {
        try guarded {
            var clock = Date()
            func lap(_ what: String, _ extra: String = "") {
                let now = Date()
                if timings { say("timing \(what): \(formatNumber(now.timeIntervalSince(clock), decimals: 3)) s\(extra)") }
                clock = now
            }
            let sc = try options.load(scenario)
            var model = try Model.load(scenario: sc)
            // The communes' mean indicator values only when a file asked for reads them (a national run's values
            // are otherwise summed for nothing, draw after draw).
            model.keepIndicatorMeans = RunReport.readsIndicatorMeans(formats.list)
            lap("load")
            if let dir = exportModel { try model.exportForPeer(to: dir); lap("export") } // not part of the projection's time
            let result = options.project(model)
            let units = Double(model.C * sc.draws * model.years.count), took = Date().timeIntervalSince(clock)
            lap("projection", " (\(model.C) communes × \(sc.draws) draws × \(model.years.count) years, \(options.threads) threads: "
                + "\(formatNumber(units / max(took, 1e-9), decimals: 0)) commune·draw·years per second)")
            let folder = out ?? "notebooks-out/\(sc.name)"
            let files = try RunReport(result: result, lang: language.lang, version: ntmVersion).files(formats: formats.list)
            try OutputFolder.write(files, to: folder, force: output.force, inputs: sc.inputs)
            lap("reports")
            // The file to open first: the summary, else the page, else whatever was written.
            let first = ["summary.md", "report.html"].first { n in files.contains { $0.name == n } } ?? files.first?.name ?? ""
            print("\(folder)/\(first)")
        }
    }
}
