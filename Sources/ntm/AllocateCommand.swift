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
        criterion, indicator, source, amount in million VND) to --out (default notebooks-out/<scenario>-allocation).
        Policies: \(AllocationRule.allCases.map(\.rawValue).joined(separator: ", ")), optimal.
        """)

    @Argument(help: "The scenario file.")
    var scenario: String = defaultScenario

    @Option(name: .long, help: "Policies to compare: all, or a comma-separated list.")
    var policies: String = "all"

    @Option(name: .long, help: "Seconds GLPK may search before it reports its best plan and the gap.")
    var timeLimit: Double = 30

    @OptionGroup var options: ProjectionOptions

    @Option(name: .long, help: "Output folder.")
    var out: String?

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Language of labels: vi or en.")
    var lang: Language = .vi

    func chosen() throws -> [String] {
        let all = AllocationRule.allCases.map(\.rawValue) + ["optimal"]
        if policies == "all" { return all }
        let list = policies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for p in list where !all.contains(p) {
            throw ValidationError("unknown policy '\(p)' in --policies; allowed: all, \(all.joined(separator: ", "))")
        }
        return list
    }

    func validate() throws {
        _ = try chosen()
        if timeLimit <= 0 { throw ValidationError("--time-limit must be positive") }
    }

    func run() throws {
        try guarded {
            let sc = try options.load(scenario)
            let model = try Model.load(scenario: sc)
            let study = try AllocationStudy(model: model)
            var rows: [AllocationReport.Row] = []
            var optimum: PackageProblem.Solution?
            for name in try chosen() {
                let plan: PackageProblem.Plan
                if let rule = AllocationRule(rawValue: name) {
                    plan = study.problem.plan(rule, standing: study.standing)
                } else {
                    guard let o = study.problem.solve(timeLimitSeconds: timeLimit) else { continue }
                    optimum = o
                    plan = o.plan
                }
                rows.append(.init(policy: name, plan: plan, result: study.evaluate(plan, threads: options.threads)))
            }
            let report = AllocationReport(study: study, rows: rows, optimum: optimum, lang: lang)
            let folder = out ?? "notebooks-out/\(sc.name)-allocation"
            try OutputFolder.write(report.files(), to: folder, force: output.force)
            print(report.markdown())
            print("\(folder)/allocation.md")
        }
    }
}
