import Foundation
import NTMCalibration
import NTMCatalogue
import NTMEngine

/// `ntm calibrate`: the fit report (observed against replayed, residuals, fitted parameters with their
/// uncertainty, and what the fit can and cannot say), its CSV tables, and the calibrated overrides file.
public struct CalibrationReport {
    public let fit: CalibrationFit
    /// The replay at the catalogue's values, for comparison.
    public let start: [Replayed]
    public let scenario: Scenario
    public let observed: ObservedOutcomes
    public let year: Int
    public let baseYear: Int
    public let overridesFile: String
    public let labels: Labels

    public init(fit: CalibrationFit, start: [Replayed], scenario: Scenario, observed: ObservedOutcomes, year: Int, baseYear: Int,
                overridesFile: String, lang: Language) {
        self.fit = fit; self.start = start; self.scenario = scenario; self.observed = observed
        self.year = year; self.baseYear = baseYear; self.overridesFile = overridesFile
        labels = Labels(lang)
    }

    func targetName(_ t: CalibrationTarget, catalogue: Catalogue?) -> String {
        switch t.kind {
        case .tier(let tier): return [Tier.standard: labels[.countStandard], .advanced: labels[.countAdvanced], .model: labels[.countModel]][tier] ?? tier.id
        case .averageCriteria: return labels[.averageCriteria]
        case .indicator(let id): return catalogue?.indicator(id)?.name(labels.lang) ?? id
        }
    }

    static func decimals(_ t: CalibrationTarget) -> Int {
        switch t.kind {
        case .tier: 1
        case .averageCriteria: 2
        case .indicator: t.rounding < 0.05 ? 2 : 1
        }
    }

    public func markdown(catalogue: Catalogue? = nil) -> String {
        let L = labels
        var s = "# " + L.fill(.calibrationTitle, String(year)) + "\n\n"
        s += L.fill(.calibrationIntro, String(year), String(baseYear), scenario.name, observed.name, L.number(Double(fit.draws)), String(fit.seed),
                    L.number(Double(fit.evaluations))) + "\n\n"
        s += "## " + L[.fitTargets] + "\n\n"
        var t = MarkdownTable([L[.measure], L[.observed], L[.atCatalogue], L[.replayed], L[.band], L[.residual], L[.withinRounding]],
                              rightAligned: Set(1...5))
        for (i, target) in fit.targets.enumerated() {
            let d = Self.decimals(target), r = fit.replayed[i]
            let band = target.kind == .tier(.standard) || target.kind == .tier(.advanced) || target.kind == .tier(.model) || target.kind == .averageCriteria
                ? "\(L.number(r.p10, decimals: d))–\(L.number(r.p90, decimals: d))" : "—"
            t.add([targetName(target, catalogue: catalogue), L.number(target.observed, decimals: d), L.number(start[i].mean, decimals: d),
                   L.number(r.mean, decimals: d), band, L.number(fit.residuals[i], decimals: d + 1), fit.withinRounding(i) ? L[.yes] : L[.no]])
        }
        s += t.text + "\n"
        let missed = fit.targets.indices.filter { i in
            if case .indicator = fit.targets[i].kind { return false }
            return !fit.withinRounding(i)
        }
        if !missed.isEmpty {
            s += L.fill(.notReproduced, missed.map { targetName(fit.targets[$0], catalogue: catalogue) }.joined(separator: ", ")) + "\n\n"
        }
        s += L.fill(.objectiveLine, L.number(fit.startObjective, decimals: 2), L.number(fit.objective, decimals: 2)) + "\n\n"
        let withPriors = fit.parameters.contains { $0.prior != nil }
        if withPriors { s += L.fill(.priorLine, L.number(fit.priorTerm, decimals: 2)) + "\n\n" }
        s += "## " + L[.fittedParameters] + "\n\n"
        var p = MarkdownTable([L[.parameter], L[.meaning], L[.startValue]] + (withPriors ? [L[.priorSpread]] : []) + [L[.fittedValue], L[.standardError]],
                              rightAligned: withPriors ? [2, 3, 4, 5] : [2, 3, 4])
        for (i, par) in fit.parameters.enumerated() {
            p.add(["`\(par.id)`", par.describe(L.lang, catalogue: catalogue), L.number(par.start, decimals: 3)]
                  + (withPriors ? [par.prior.map { L.number($0.spread, decimals: 3) + (par.logScale ? " (ln)" : "") } ?? "—"] : [])
                  + [L.number(fit.values[i], decimals: 3) + (fit.atBound(i) ? " (" + L[.atBound] + ")" : ""),
                     fit.standardErrors[i].map { L.number($0, decimals: 3) } ?? L[.notIdentified]])
        }
        s += p.text + "\n"
        s += L.fill(.identificationNote, String(fit.targets.count), String(fit.parameters.count),
                    fit.jointErrors ? L[.jointErrors] : L[.conditionalErrors]) + "\n\n"
        s += L.fill(.calibrationWritten, overridesFile) + "\n\n"
        s += "## " + L[.sources] + "\n\n"
        for target in fit.targets { s += "- \(targetName(target, catalogue: catalogue)): \(target.source)\n" }
        if withPriors {
            s += "\n## " + L[.priors] + "\n\n"
            for par in fit.parameters { if let prior = par.prior { s += "- `\(par.id)`: \(prior.reason)\n" } }
        }
        return s
    }

    public func residualsCSV() -> String {
        var w = CSVWriter(header: ["target", "observed", "catalogue_mean", "replayed_mean", "replayed_p10", "replayed_p90", "residual",
                                   "scale", "within_rounding", "source"])
        for (i, target) in fit.targets.enumerated() {
            let r = fit.replayed[i]
            w.row([target.id, formatNumber(target.observed), formatNumber(start[i].mean), formatNumber(r.mean), formatNumber(r.p10),
                   formatNumber(r.p90), formatNumber(fit.residuals[i]), formatNumber(target.scale), fit.withinRounding(i) ? "yes" : "no", target.source])
        }
        return w.text
    }

    public func parametersCSV() -> String {
        var w = CSVWriter(header: ["parameter", "start", "lower", "upper", "fitted", "standard_error", "identified", "at_bound",
                                   "prior_spread", "prior_term", "prior_source"])
        for (i, par) in fit.parameters.enumerated() {
            w.row([par.id, formatNumber(par.start), formatNumber(par.lower), formatNumber(par.upper), formatNumber(fit.values[i]),
                   fit.standardErrors[i].map { formatNumber($0) } ?? "", fit.standardErrors[i] == nil ? "no" : "yes", fit.atBound(i) ? "yes" : "no",
                   par.prior.map { formatNumber($0.spread) } ?? "", formatNumber(par.penalty(fit.values[i])), par.prior?.reason ?? ""])
        }
        return w.text
    }
}
