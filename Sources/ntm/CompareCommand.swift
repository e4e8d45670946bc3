import ArgumentParser
import Foundation
import NTMCatalogue
import NTMEngine
import NTMReports

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run several scenarios on the same random numbers and set their headline figures side by side.",
        discussion: """
        Every scenario runs with the first one's draws and seed, so the same draw sees the same noise in each: \
        the differences are paired. Prints a Markdown table and writes compare.md and compare.csv to --out \
        (default notebooks-out/compare).
        """)

    @Argument(help: "Two or more scenario files; the first is the reference.")
    var scenarios: [String]

    @OptionGroup var options: ProjectionOptions

    @Option(name: .long, help: "Output folder.")
    var out: String = "notebooks-out/compare"

    @OptionGroup var output: OutputOptions

    @OptionGroup var language: LanguageOption

    func validate() throws {
        if scenarios.count < 2 { throw ValidationError("give at least two scenario files") }
    }

    func run() throws {
        try guarded {
            var loaded = try scenarios.map { try options.load($0) }
            for i in loaded.indices.dropFirst() { loaded[i].draws = loaded[0].draws; loaded[i].seed = loaded[0].seed }
            // The comparison reads tiers, districts and money, not the communes' mean indicator values.
            let results = try loaded.map { sc in
                var model = try Model.load(scenario: sc)
                model.keepIndicatorMeans = false
                return options.project(model)
            }
            let report = try CompareReport(results: results, lang: language.lang)
            try OutputFolder.write([("compare.md", report.markdown()), ("compare.csv", report.csv())], to: out, force: output.force,
                                  inputs: loaded.flatMap(\.inputs))
            print(report.markdown())
            print("\(out)/compare.md")
        }
    }
}
