import ArgumentParser
import NTMCatalogue
import NTMReports

struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the dataset's base year as the province reports it: tiers by district, the communes below standard, province indicators.",
        discussion: "Writes baseline.md and baseline-communes.csv to --out (default notebooks-out/baseline).")

    @OptionGroup var data: DataOptions

    @Option(name: .long, help: "Output folder.")
    var out: String = "notebooks-out/baseline"

    @Option(name: .long, help: "Language of labels: vi or en.")
    var lang: Language = .vi

    func run() throws {
        try guarded {
            let (cat, ds) = try data.load()
            let report = BaselineReport(dataset: ds, catalogue: cat, lang: lang)
            try OutputFolder.write([("baseline.md", report.markdown()), ("baseline-communes.csv", report.communesCSV())], to: out)
            print("\(out)/baseline.md")
        }
    }
}
