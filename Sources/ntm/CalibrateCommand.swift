import ArgumentParser
import Foundation
import NTMCalibration
import NTMCatalogue
import NTMEngine
import NTMReports

let defaultBacktestScenario = "Scenarios/backtest-2023.yaml"
let defaultObserved = "Scenarios/observed/soc-trang-2023.yaml"

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the dynamics (trends, unit costs, noise, planning margin, recognition) so that replaying a year reproduces what was observed.",
        discussion: """
        Replays the scenario (default \(defaultBacktestScenario): 2023 from the end-2022 dataset with 2023's actual \
        resources) and searches nine parameters (the poverty and near-poverty trends, the yearly progress toward a \
        model commune's stand-out field, a unit-cost multiplier for infrastructure and one for the other kinds, a noise \
        multiplier for each of the two, the planning margin past a threshold, and the probability that a commune \
        meeting every criterion of advanced or model is recognised that year) so that the replay's tier \
        counts, average criteria and province indicators come closest to --observed. Overrides of these \
        parameters already in the scenario are ignored: the fit starts from the catalogue. Writes the fitted \
        overrides, each with `source: calibrated …`, to --write (default Scenarios/calibrated-<year>.yaml, which \
        the shipped scenarios extend) and the fit report (calibration.md, residuals.csv, parameters.csv) to --out. \
        --write replaces only a file that ntm calibrate wrote (add --force for another), and never the scenario \
        being calibrated, the observed file, the dataset or the catalogue.
        """)

    @Argument(help: "The replay scenario.")
    var scenario: String = defaultBacktestScenario

    @Option(name: .long, help: "Observed outcomes (YAML).")
    var observed: String = defaultObserved

    @Option(name: .long, help: "The observed year to fit (default: the scenario's horizon).")
    var year: Int?

    @Option(name: .long, help: "Draws per replay (common random numbers).")
    var draws: Int = 150

    @Option(name: .long, help: "Random seed (default: the scenario's).")
    var seed: UInt64?

    @Option(name: .long, help: "Replays the sampling and simplex stages of the search share. The coordinate scans (5 a parameter, from each of two starts) and the standard errors' curvature (about 2 a parameter pair) come on top; the report gives the total used.")
    var maxEvaluations: Int = 1_200

    @Option(name: .long, help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Where to write the calibrated overrides (default Scenarios/calibrated-<year>.yaml).")
    var write: String?

    @Flag(name: .long, help: "Do not write the overrides file; only the report.")
    var noWrite = false

    @Option(name: .long, help: "Output folder for the fit report (default notebooks-out/calibrate-<year>).")
    var out: String?

    @OptionGroup var language: LanguageOption

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(2...100_000).contains(draws) { throw ValidationError("--draws must be between 2 and 100,000") }
        if !(10...100_000).contains(maxEvaluations) { throw ValidationError("--max-evaluations must be between 10 and 100,000") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try guarded {
            var sc = try Scenario.load(path: scenario)
            sc.draws = draws
            if let s = seed { sc.seed = s }
            let base = try Model.load(scenario: sc)
            let obs = try ObservedOutcomes.load(path: observed, catalogue: base.catalogue, dataset: base.dataset)
            let y = year ?? sc.horizon
            let targets = obs.targets(year: y)
            if targets.isEmpty {
                throw InputError(file: observed, line: 0, key: "years.\(y)", "no observed figures for \(y) to fit")
            }
            if y <= base.baseYear { throw InputError(file: observed, line: 0, key: "years.\(y)", "\(y) is not after the base year \(base.baseYear)") }
            sc.horizon = y
            let dest = write ?? "Scenarios/calibrated-\(y).yaml"
            if !noWrite { try checkOverridesTarget(dest, scenario: sc) } // before the fit, which takes a while
            let cat = try sc.cataloguePath.map { try Catalogue.load(path: $0) } ?? Catalogue.embedded()
            let calibration = try Calibration(catalogue: cat, dataset: base.dataset, scenario: sc,
                                              parameters: CalibrationParameter.defaults(catalogue: cat), targets: targets)
            let start = calibration.replayed(try calibration.replay(calibration.start, threads: threads))
            let fit = try calibration.fit(maxEvaluations: maxEvaluations, threads: threads)
            let yaml = fit.overridesYAML(scenario: sc.name, observed: obs.name, year: y, catalogue: cat)
            let report = CalibrationReport(fit: fit, start: start, scenario: sc, observed: obs, year: y, baseYear: base.baseYear,
                                           overridesFile: noWrite ? "calibrated-\(y).yaml" : dest, lang: language.lang)
            let folder = out ?? "notebooks-out/calibrate-\(y)"
            let md = report.markdown(catalogue: cat)
            try OutputFolder.write([("calibration.md", md), ("residuals.csv", report.residualsCSV()),
                                    ("parameters.csv", report.parametersCSV()), ("calibrated-\(y).yaml", yaml)],
                                   to: folder, force: output.force, inputs: sc.inputs + [observed] + (noWrite ? [] : [dest]))
            if !noWrite {
                try FileManager.default.createDirectory(atPath: (dest as NSString).deletingLastPathComponent.isEmpty ? "." : (dest as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try Data(yaml.utf8).write(to: URL(fileURLWithPath: dest), options: .atomic)
            }
            print(md)
            print("\(folder)/calibration.md")
            if !noWrite { print(dest) }
        }
    }
}

extension Calibrate {
    /// `--write` replaces only a file `ntm calibrate` wrote (its first line says so), unless `--force`; never the
    /// scenario being calibrated, the observed file, the dataset or catalogue, nor a folder. Checked before
    /// anything is written.
    func checkOverridesTarget(_ dest: String, scenario sc: Scenario) throws {
        let untouchable = [sc.chain.first].compactMap { $0 } + [observed] + [sc.datasetPath, sc.cataloguePath].compactMap { $0 }
        if let hit = untouchable.first(where: { OutputFolder.realPath($0) == OutputFolder.realPath(dest) }) {
            throw InputError(file: dest, line: 0, key: "--write", "is \(hit), which this command reads; choose another --write")
        }
        try OutputFolder.checkParents(of: URL(fileURLWithPath: dest), file: dest, key: "--write")
        guard let kind = PathKind.of(dest) else { return }
        if kind == .folder { throw InputError(file: dest, line: 0, key: "--write", "is a folder; give a file path") }
        let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: dest)).read(upToCount: 64)) ?? nil
        let ours = head.map { String(decoding: $0, as: UTF8.self).hasPrefix("# Written by `ntm calibrate`") } ?? false
        if !ours && !output.force {
            throw InputError(file: dest, line: 0, key: "--write",
                             "exists and was not written by ntm calibrate; choose another --write, or add --force to replace it")
        }
    }
}
