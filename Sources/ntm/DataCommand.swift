import ArgumentParser
import Foundation
import NTMCatalogue
import NTMReports

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Build and check datasets.", subcommands: [Impute.self, Synth.self])
}

struct Impute: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Regenerate a dataset's communes.csv and indicators.csv from its dataset.yaml, deterministically.",
        discussion: """
        Reads dataset.yaml, the communes list and Appendix II from --dataset (default: the embedded Sóc Trăng \
        dataset) and writes communes.csv and indicators.csv to --out (default: the dataset folder itself). \
        The result must reproduce every fact of dataset.yaml, or nothing is written. In another --out folder, \
        files of those names are replaced only with --force. With --check, compares with the files in the \
        folder instead and fails if they differ by a byte.
        """)

    @Option(name: .long, help: "The dataset folder holding dataset.yaml.")
    var dataset: String?

    @Option(name: .long, help: "A criteria catalogue YAML file (default: the embedded catalogue).")
    var catalogue: String?

    @Option(name: .long, help: "Where to write communes.csv and indicators.csv.")
    var out: String?

    @Flag(name: .long, help: "Compare with the committed files instead of writing.")
    var check = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        try guarded {
            let cat = try catalogue.map { try Catalogue.load(path: $0) } ?? Catalogue.embedded()
            guard let folder = dataset ?? DatasetLoader.embeddedFolder() else {
                throw InputError(file: "", line: 0, key: "--dataset", "no dataset folder given and none embedded")
            }
            let recipe = try DatasetRecipe.load(path: folder + "/dataset.yaml", displayName: "dataset.yaml")
            let result = try Imputation(catalogue: cat, recipe: recipe, folder: folder).run()
            // Check the facts on the result before writing anything.
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ntm-impute-\(getpid())")
            try? FileManager.default.removeItem(at: tmp)
            try FileManager.default.copyItem(atPath: folder, toPath: tmp.path)
            defer { try? FileManager.default.removeItem(at: tmp) }
            try Data(result.communesCSV.utf8).write(to: tmp.appendingPathComponent("communes.csv"))
            try Data(result.indicatorsCSV.utf8).write(to: tmp.appendingPathComponent("indicators.csv"))
            let ds = try DatasetLoader.load(folder: tmp.path, catalogue: cat)
            let failing = ds.factChecks(catalogue: cat).filter { !$0.holds }
            if !failing.isEmpty {
                throw InputErrors(failing.map { InputError(file: "dataset.yaml", line: 0, key: $0.key, "the imputed dataset gives \($0.dataset); the report says \($0.reported)") })
            }
            if check {
                var differ: [String] = []
                for (name, text) in [("communes.csv", result.communesCSV), ("indicators.csv", result.indicatorsCSV)] {
                    let have = FileManager.default.contents(atPath: folder + "/" + name)
                    if have != Data(text.utf8) { differ.append(name) }
                }
                if !differ.isEmpty {
                    say("differs from a fresh imputation: \(differ.joined(separator: ", "))")
                    throw ExitCode(1)
                }
                print("ok: \(folder) matches a fresh imputation byte for byte")
                return
            }
            // The two files are regenerated in the dataset folder itself; elsewhere they replace files of those
            // names only with --force. Both are written before either is moved into place.
            let dest = out ?? folder, fm = FileManager.default
            let files: [(name: String, content: OutputFolder.Content)] = [("communes.csv", .text(result.communesCSV)),
                                                                         ("indicators.csv", .text(result.indicatorsCSV))]
            if OutputFolder.realPath(dest) != OutputFolder.realPath(folder) && !output.force,
               let there = files.first(where: { fm.fileExists(atPath: dest + "/" + $0.name) }) {
                throw InputError(file: dest, line: 0, key: "--out",
                                 "already holds \(there.name); choose another --out, or add --force to replace it")
            }
            if PathKind.of(dest) == .file {
                throw InputError(file: dest, line: 0, key: "--out", "is a file, not a folder; choose another --out")
            }
            try OutputFolder.checkParents(of: URL(fileURLWithPath: dest), file: dest, key: "--out")
            try fm.createDirectory(atPath: dest, withIntermediateDirectories: true)
            try OutputFolder.writeBeside(files, in: URL(fileURLWithPath: dest))
            print("\(dest)/communes.csv\n\(dest)/indicators.csv")
        }
    }
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a synthetic national-scale dataset (tier shares of June 2023) for national runs and benchmarks.",
        discussion: """
        Writes dataset.yaml, communes.csv, indicators.csv, districts.csv and aliases.csv to --out. Communes are \
        grouped into districts of about 12 and spread over --provinces; tiers follow the national shares of \
        June 2023 and indicator values are drawn around the Sóc Trăng dataset within each commune's tier. \
        The same arguments give the same files.
        """)

    @Option(name: .long, help: "Number of communes.")
    var communes: Int = Synthesis.nationalCommunes

    @Option(name: .long, help: "Number of provinces.")
    var provinces: Int = 63

    @Option(name: .long, help: "Seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Output folder.")
    var out: String = "notebooks-out/national-synthetic"

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(10...200_000).contains(communes) { throw ValidationError("--communes must be between 10 and 200,000") }
        if provinces < 1 || provinces > communes { throw ValidationError("--provinces must be between 1 and --communes") }
    }

    func run() throws {
        try guarded {
            let cat = try Catalogue.embedded()
            let template = try DatasetLoader.embedded(catalogue: cat)
            let files = try Synthesis(communes: communes, provinces: provinces, seed: seed, catalogue: cat, template: template).run().files
            // Check the dataset loads (tiers consistent with values) before writing it where asked.
            let check = FileManager.default.temporaryDirectory.appendingPathComponent("ntm-synth-\(getpid())").path
            try? FileManager.default.removeItem(atPath: check)
            defer { try? FileManager.default.removeItem(atPath: check) }
            try OutputFolder.write(files, to: check, force: true)
            _ = try DatasetLoader.load(folder: check, catalogue: cat)
            try OutputFolder.write(files, to: out, force: output.force)
            print(out)
        }
    }
}
