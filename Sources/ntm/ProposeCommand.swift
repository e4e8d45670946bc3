import ArgumentParser
import Foundation
import NTMAllocation
import NTMCatalogue
import NTMEngine
import NTMReports

struct Propose: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draft the year's targets and their funding plan in the province's table layouts (Appendix II and III).",
        discussion: """
        From the chosen allocation (--policy, default optimal), writes for each of --years proposal-<year>.md and \
        proposal-<year>.csv: the communes proposed to reach standard, advanced and model, and for each the criteria \
        it meets, those it is to reach and the cumulative count (the layout of Appendix II), with its probability \
        of success (share of Monte Carlo draws) and its cost; the districts proposed for recognition and what each \
        still lacks; the scenario's targets met or short; and each tier's draft target, the most communes added that \
        the plan reaches in at least --confidence of the draws. funding-plan.md and funding-plan.csv give the money by \
        source and sub-source, by year (the layout of Appendix III), and for a target that falls short the least \
        extra money by source that would close it. Written to --out (default notebooks-out/<scenario>-proposal).
        Policies: \(AllocationRule.allCases.map(\.rawValue).joined(separator: ", ")), optimal.
        """)

    @Argument(help: "The scenario file.")
    var scenario: String = defaultScenario

    @Option(name: .long, help: "Years to draft, comma-separated (default: every projected year of the scenario).")
    var years: String?

    @Option(name: .long, help: "The allocation the proposal follows: optimal, or one of the rules.")
    var policy: String = "optimal"

    @Option(name: .long, help: "Probability at which a target counts as met (and at which the draft targets are reached).")
    var confidence: Double = 0.8

    @Option(name: .long, help: "Seconds GLPK may search for each plan.")
    var timeLimit: Double = 30

    @OptionGroup var options: ProjectionOptions

    @Option(name: .long, help: "Output folder (default: notebooks-out/<scenario-name>-proposal).")
    var out: String?

    @OptionGroup var language: LanguageOption

    @Option(name: .long, help: "Files to write, comma-separated: md, csv.")
    var format: String = "md,csv"

    @OptionGroup var output: OutputOptions

    static let policies = AllocationStudy.policyNames

    func parsedYears() throws -> [Int]? {
        guard let text = years else { return nil }
        let list = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try list.map { y in
            guard let v = Int(y) else { throw ValidationError("--years: '\(y)' is not a year; e.g. --years 2024,2025") }
            return v
        }
    }

    func formats() throws -> [ReportFormat] {
        let list: [ReportFormat]
        do { list = try ReportFormat.parse(format) } catch let e as ReportFormatError { throw ValidationError(e.description) }
        if let other = list.first(where: { $0 != .md && $0 != .csv }) {
            throw ValidationError("--format: propose writes md and csv, not \(other.rawValue)")
        }
        return list
    }

    func validate() throws {
        guard Self.policies.contains(policy) else {
            throw ValidationError("unknown policy '\(policy)' in --policy; allowed: \(Self.policies.joined(separator: ", "))")
        }
        _ = try parsedYears()
        _ = try formats()
        if timeLimit <= 0 { throw ValidationError("--time-limit must be positive") }
        if !(0...1).contains(confidence) { throw ValidationError("--confidence must be between 0 and 1") }
    }

    func run() throws {
        try guarded {
            let sc = try options.load(scenario)
            let model = try Model.load(scenario: sc)
            let chosenYears = try parsedYears() ?? model.years
            for y in chosenYears where !model.years.contains(y) {
                throw ValidationError("--years: \(y) is not a projected year of the scenario (\(model.years.map(String.init).joined(separator: ", ")))")
            }
            let study = try AllocationStudy(model: model, threads: options.threads)
            guard let (plan, _) = study.plan(named: policy, timeLimitSeconds: timeLimit) else {
                throw InputError(file: sc.file, line: 0, key: "allocation", "GLPK found no plan within the scenario's money and rules")
            }
            let proposal = try Proposal(study: study, plan: plan, policy: policy, years: chosenYears, confidence: confidence,
                                        threads: options.threads, timeLimitSeconds: timeLimit)
            let files = ProposalReport(proposal: proposal, lang: language.lang).files(formats: try formats())
            let folder = out ?? "notebooks-out/\(sc.name)-proposal"
            try OutputFolder.write(files, to: folder, force: output.force, inputs: sc.inputs)
            for f in files where f.name.hasSuffix(".md") { print("\(folder)/\(f.name)") }
            if !files.contains(where: { $0.name.hasSuffix(".md") }) { for f in files { print("\(folder)/\(f.name)") } }
        }
    }
}
