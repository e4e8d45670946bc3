import ArgumentParser
import Foundation
import NTMCalibration
import NTMCatalogue
import NTMEngine
import NTMReports

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Measure a forecast's error against observed outcomes.",
        discussion: """
        Projects the scenario (default \(defaultBacktestScenario), which starts from the end-2022 dataset) and sets \
        what OBSERVED.yaml says happened beside it: each observed count of communes by tier (and the average \
        criteria) against the forecast's P10–P90 band; the Brier score and a reliability table of the \
        commune-level probabilities of reaching each tier, over the communes whose outcome is named or follows \
        from the counts; the rank of each commune actually recognised in the forecast's ranking; and the \
        districts. Prints the report and writes backtest.md and backtest.csv to --out (default \
        notebooks-out/backtest-<scenario-name>).
        """)

    @Argument(help: "Observed outcomes (YAML), e.g. \(defaultObserved).")
    var observed: String

    @Argument(help: "The scenario whose forecast is checked.")
    var scenario: String = defaultBacktestScenario

    @OptionGroup var options: ProjectionOptions

    @Option(name: .long, help: "Output folder (default: notebooks-out/backtest-<scenario-name>).")
    var out: String?

    @OptionGroup var language: LanguageOption

    @OptionGroup var output: OutputOptions

    func run() throws {
        try guarded {
            let sc = try options.load(scenario)
            let model = try Model.load(scenario: sc)
            let obs = try ObservedOutcomes.load(path: observed, catalogue: model.catalogue, dataset: model.dataset)
            for y in obs.years where !model.years.contains(y.year) {
                throw InputError(file: observed, line: y.tiers.values.first?.location.line ?? 0, key: "years.\(y.year)",
                                 "\(y.year) is not projected by \(sc.name) (\(model.years.first!)–\(model.years.last!))")
            }
            let result = options.project(model)
            let report = BacktestReport(backtest: try Backtest(result: result, observed: obs), lang: language.lang)
            let folder = out ?? "notebooks-out/backtest-\(sc.name)"
            let md = report.markdown()
            try OutputFolder.write([("backtest.md", md), ("backtest.csv", report.csv())], to: folder, force: output.force,
                                  inputs: sc.inputs + [observed])
            print(md)
            print("\(folder)/backtest.md")
        }
    }
}
