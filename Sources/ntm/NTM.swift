import ArgumentParser
import Foundation
import NTMCatalogue
import NTMReports

@main
struct NTM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ntm",
        abstract: "Simulation and forecasting for the New Rural Development programme (nông thôn mới).",
        discussion: """
        Exit codes: 0 success; 2 bad input (a catalogue, dataset or scenario file: the message names the file, \
        line and key); 64 a wrong command line; 1 an internal failure; 130 interrupted (Ctrl-C: any half-written \
        output is removed).
        """,
        version: ntmVersion,
        subcommands: [Run.self, Compare.self, Allocate.self, Propose.self, Calibrate.self, BacktestCommand.self, Baseline.self,
                      Validate.self, DataCommand.self])
}

extension NTM {
    /// Removes half-written output on Ctrl-C, then runs the command line.
    static func main() {
        Interrupts.install()
        main(nil)
    }
}

let ntmVersion = "0.1.0"

/// Runs a command body: input errors go to standard error, one per line, and exit with status 2.
func guarded(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as InputError {
        FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
        throw ExitCode(2)
    } catch let e as InputErrors {
        for x in e.errors { FileHandle.standardError.write(Data("error: \(x.description)\n".utf8)) }
        throw ExitCode(2)
    }
}

extension Language: ExpressibleByArgument {}

struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "A dataset folder (default: the embedded Sóc Trăng end-2023 dataset).")
    var dataset: String?

    @Option(name: .long, help: "A criteria catalogue YAML file (default: the embedded catalogue).")
    var catalogue: String?

    func load() throws -> (Catalogue, Dataset) {
        let cat = try catalogue.map { try Catalogue.load(path: $0) } ?? Catalogue.embedded()
        let ds = try dataset.map { try DatasetLoader.load(folder: $0, catalogue: cat) } ?? DatasetLoader.embedded(catalogue: cat)
        return (cat, ds)
    }
}

func say(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// `--lang`: the language of a report's labels and headers. Shared by every command that writes one.
struct LanguageOption: ParsableArguments {
    @Option(name: .long, help: "Language of labels and headers: vi or en.")
    var lang: Language = .vi
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Write into an --out folder that ntm did not create (its other files are kept).")
    var force = false
}
