import ArgumentParser
import Foundation
import NTMAllocation
import NTMCatalogue
import NTMEngine
import NTMReports

struct Allocate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare allocation policies with the exact optimum (GLPK) and evaluate each plan by Monte Carlo.",
        discussion: """
        Writes allocation.md, allocation.csv (one row per policy) and plan-<policy>.csv (year, commune, \
        criterion, indicator, source, amount in million VND) to --out (default notebooks-out/<scenario>-allocation), \
        and with --format also allocation.html, allocation.xlsx and allocation.ipynb (default md,csv,html).
        Policies: \(AllocationStudy.policyNames.joined(separator: ", ")).
        """)

    @Argument(help: "The scenario file.")
    var scenario: String = defaultScenario

    @Option(name: .long, help: "Policies to compare: all, or a comma-separated list.")
    var policies: String = "all"

    @Option(name: .long, help: "Seconds GLPK may search before it reports its best plan and the gap.")
    var timeLimit: Double = 30

    @Option(name: .long, help: "A target: communes to add by tier, e.g. standard:+5,advanced:+9,model:+1 (needs --by).")
    var target: String?

    @Option(name: .long, help: "The year the target is for.")
    var by: Int?

    @Option(name: .long, help: "Probability with which the least-cost plan must reach the target.")
    var confidence: Double = 0.8

    @OptionGroup var options: ProjectionOptions

    @Option(name: .long, help: "Output folder.")
    var out: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var language: LanguageOption

    @OptionGroup var formats: FormatOptions

    func chosen() throws -> [String] {
        let all = AllocationStudy.policyNames
        if policies == "all" { return all }
        let list = policies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for p in list where !all.contains(p) {
            throw ValidationError("unknown policy '\(p)' in --policies; allowed: all, \(all.joined(separator: ", "))")
        }
        return list
    }

    func parsedTarget() throws -> [Tier: Int]? {
        guard let text = target else { return nil }
        var out: [Tier: Int] = [:]
        for part in text.split(separator: ",") {
            let kv = part.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let tier = Tier(id: kv[0]), tier != .below, let n = Int(kv[1].replacingOccurrences(of: "+", with: "")), n >= 0 else {
                throw ValidationError("--target: '\(part)' is not TIER:+N with TIER standard, advanced or model")
            }
            out[tier] = n
        }
        return out
    }

    func validate() throws {
        _ = try chosen()
        if timeLimit <= 0 { throw ValidationError("--time-limit must be positive") }
        if try parsedTarget() != nil && by == nil { throw ValidationError("--target needs --by YEAR") }
        if !(0...1).contains(confidence) { throw ValidationError("--confidence must be between 0 and 1") }
    }

    func run() throws {
        try guarded {
            let sc = try options.load(scenario)
            let model = try Model.load(scenario: sc)
            let study = try AllocationStudy(model: model, threads: options.threads)
            var rows: [AllocationReport.Row] = []
            var optimum: PackageProblem.Solution?
            for name in try chosen() {
                guard let (plan, solution) = study.plan(named: name, timeLimitSeconds: timeLimit) else { continue }
                if let solution { optimum = solution }
                rows.append(.init(policy: name, plan: plan, result: study.evaluate(plan, threads: options.threads)))
            }
            var report = AllocationReport(study: study, rows: rows, optimum: optimum, lang: language.lang)
            if let t = try parsedTarget(), let year = by {
                guard model.years.contains(year) else {
                    throw ValidationError("--by \(year) is not a projected year of the scenario (\(model.years.map(String.init).joined(separator: ", ")))")
                }
                if let found = try study.leastCost(target: t, year: year, confidence: confidence, threads: options.threads, timeLimitSeconds: timeLimit) {
                    report.leastCost = .init(target: t, year: year, confidence: confidence, result: found.result,
                                             probability: found.probability, aimed: found.aimed, raisesSpent: found.raisesSpent)
                }
            }
            let folder = out ?? "notebooks-out/\(sc.name)-allocation"
            try OutputFolder.write(try report.files(formats: formats.list), to: folder, force: output.force, inputs: sc.inputs)
            print(report.markdown())
            print("\(folder)/allocation.md")
        }
    }
}
