import ArgumentParser
import NTMCatalogue
import NTMReports

struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the dataset's base year as the province reports it: tiers by district, the communes below standard, province indicators.",
        discussion: """
        Writes baseline.md, baseline-communes.csv and baseline.html to --out (default notebooks-out/baseline). \
        --format chooses the files: md (baseline.md), csv (baseline-communes.csv), html (baseline.html), xlsx \
        (baseline.xlsx), ipynb (baseline.ipynb).
        """)

    @OptionGroup var data: DataOptions

    @Option(name: .long, help: "Output folder.")
    var out: String = "notebooks-out/baseline"

    @OptionGroup var output: OutputOptions

    @OptionGroup var language: LanguageOption

    @OptionGroup var formats: FormatOptions

    func run() throws {
        try guarded {
            let (cat, ds) = try data.load()
            let report = BaselineReport(dataset: ds, catalogue: cat, lang: language.lang)
            let files = try report.files(formats: formats.list)
            try OutputFolder.write(files, to: out, force: output.force)
            print("\(out)/\(files.first { $0.name == "baseline.md" }?.name ?? files.first?.name ?? "")")
        }
    }
}
