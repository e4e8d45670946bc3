import Foundation
import NTMCatalogue

extension CalibrationParameter {
    /// The groups `ntm calibrate` fits by default: the two poverty trends (each has its own observed rate), the
    /// yearly progress toward a model commune's stand-out field (the only way the observed +2 model communes can
    /// happen without programme money), one unit-cost multiplier for infrastructure and one for the other kinds
    /// (economic and administrative), a noise multiplier for each of the same two groups, and how far past a
    /// threshold a commune closing a gap aims (`model.planning_margin`, in years of noise), and the probability
    /// that a commune meeting every criterion of advanced or model is recognised that year. Nine numbers, not
    /// one per indicator: one year of province figures cannot tell more apart. Noise multipliers may reach 0.
    /// Margin and noise trade off: with half a year's noise as margin, any noise at all takes a closed gap away
    /// about three times in ten.
    ///
    /// Each has a prior centred on the catalogue's value (`prior`, with its reason): one year's nine figures
    /// for nine parameters leave the objective flat or rugged along several of them, and without priors the
    /// search stopped wherever the ruggedness caught it (a worse fit of the data than the one found with them).
    public static func defaults(catalogue: Catalogue) -> [CalibrationParameter] {
        var out: [CalibrationParameter] = []
        for id in ["poverty_rate", "near_poverty_rate", "model_field_excellence"] {
            guard let ind = catalogue.indicator(id) else { continue }
            let v = ind.trend.value.value
            // A trend keeps its direction (poverty does not rise by itself): relative trends up to 70 % a year,
            // point trends up to six times the catalogue's.
            let range: ClosedRange<Double> = ind.trend.value.isRelative ? (v < 0 ? -0.7...0 : 0...0.7)
                : (v >= 0 ? 0...(6 * v + 5) : (6 * v - 5)...0)
            out.append(CalibrationParameter(id: "trend.\(id)", kind: .trend(id), start: v, lower: range.lowerBound, upper: range.upperBound,
                                            prior: .init(spread: max(0.05, 0.5 * abs(v)), reason: Prior.trend)))
        }
        out.append(CalibrationParameter(id: "unit_cost.infrastructure", kind: .unitCost([.infrastructure]), start: 1, lower: 0.2, upper: 5,
                                        prior: .init(spread: log(2), reason: Prior.unitCost)))
        out.append(CalibrationParameter(id: "unit_cost.economic_administrative", kind: .unitCost([.economic, .administrative]),
                                        start: 1, lower: 0.2, upper: 5, prior: .init(spread: log(2), reason: Prior.unitCost)))
        out.append(CalibrationParameter(id: "noise.infrastructure", kind: .noise([.infrastructure]), start: 1, lower: 0, upper: 2,
                                        prior: .init(spread: 0.5, reason: Prior.noise)))
        out.append(CalibrationParameter(id: "noise.economic_administrative", kind: .noise([.economic, .administrative]), start: 1, lower: 0, upper: 2,
                                        prior: .init(spread: 0.5, reason: Prior.noise)))
        out.append(CalibrationParameter(id: "planning_margin", kind: .model("planning_margin"),
                                        start: catalogue.model.planningMargin.value, lower: 0, upper: 3,
                                        prior: .init(spread: 0.5, reason: Prior.margin)))
        let upper = catalogue.model.upperRecognitionProbability ?? catalogue.model.recognitionProbability
        out.append(CalibrationParameter(id: "recognition_probability_upper", kind: .model("recognition_probability_upper"),
                                        start: upper.value, lower: 0.2, upper: 1, prior: .init(spread: 0.2, reason: Prior.recognition)))
        return out
    }

    /// What the parameter moves, in words: indicators by their names in `catalogue`, kinds in the language's words.
    public func describe(_ lang: Language, catalogue: Catalogue?) -> String {
        let indicator = { (id: String) in catalogue?.indicator(id)?.name(lang) ?? id }
        let kinds = { (k: [IndicatorKind]) in k.map { $0.name(lang) }.joined(separator: ", ") }
        switch (kind, lang) {
        case (.trend(let id), .vi): return "Xu hướng hằng năm của \(indicator(id))"
        case (.trend(let id), .en): return "Yearly trend of \(indicator(id))"
        case (.unitCost(let k), .vi): return "Hệ số nhân đơn giá (\(kinds(k)))"
        case (.unitCost(let k), .en): return "Unit-cost multiplier (\(kinds(k)))"
        case (.noise(let k), .vi): return "Hệ số nhân nhiễu (\(kinds(k)))"
        case (.noise(let k), .en): return "Noise multiplier (\(kinds(k)))"
        case (.model("planning_margin"), .vi): return "Biên an toàn khi lập kế hoạch (số năm nhiễu vượt ngưỡng)"
        case (.model("planning_margin"), .en): return "Planning margin past a threshold (years of noise)"
        case (.model("recognition_probability_upper"), .vi): return "Xác suất được công nhận nâng cao, kiểu mẫu khi đủ tiêu chí"
        case (.model("recognition_probability_upper"), .en): return "Probability of recognition as advanced or model once every criterion is met"
        case (.model(let key), _): return "model.\(key)"
        }
    }
}

extension CalibrationParameter.Prior {
    static let trend = "assumption: the catalogue's trends are judgements from the report's figures; half the catalogue's yearly trend either way (at least 0.05)"
    static let unitCost = "assumption: the catalogue's unit costs are derived from the report's spending or judged (each one's source says which), to within about a factor of two"
    static let noise = "assumption: the catalogue's yearly noise is a judgement; half of it either way"
    static let margin = "assumption: the catalogue's margin (half a year's noise) is a judgement; half a year's noise either way"
    static let recognition = "assumption: the catalogue's 0.9 is a judgement; 0.2 either way"
}

extension CalibrationFit {
    /// "value ± standard error", or "value (not identified)".
    public func formatted(_ i: Int) -> String {
        let v = formatNumber(values[i], decimals: 3)
        if let s = standardErrors[i] { return "\(v) ± \(formatNumber(s, decimals: 3))" }
        return "\(v) (not identified)"
    }

    /// The fitted parameters as a scenario file of overrides, each with `source: calibrated …`, for the shipped
    /// scenarios to extend.
    public func overridesYAML(scenario: String, observed: String, year: Int, catalogue: Catalogue) -> String {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var s = """
        # Written by `ntm calibrate` (do not edit by hand; run it again): the dynamics fitted so that replaying \(year)
        # from the base dataset of \(scenario) with \(year)'s actual resources reproduces \(observed)
        # (\(draws) draws, seed \(seed), objective \(formatNumber(startObjective, decimals: 2)) at the catalogue's values,
        # \(formatNumber(objective, decimals: 2)) fitted\(parameters.contains { $0.prior != nil } ? ", plus \(formatNumber(priorTerm, decimals: 2)) from the priors that draw each parameter toward the catalogue's value" : "")).
        # Scenarios that extend this file run with these dynamics.
        # One year of province figures identifies these parameters only weakly: see calibration.md beside the fit.
        #
        """
        s += "\n"
        for (i, p) in parameters.enumerated() {
            s += "#   \(p.id) = \(formatted(i))" + (p.prior.map { " (prior: catalogue \(formatNumber(p.start, decimals: 4)), spread \(formatNumber($0.spread, decimals: 3))\(p.logScale ? " in ln" : ""))" } ?? "") + "\n"
        }
        s += """
        scenario:
          name: calibrated-\(year)
          description: \(q("Tham số động học hiệu chỉnh theo năm \(year) / Dynamics calibrated on \(year)"))
        overrides:

        """
        for o in overrides {
            let p = parameters[o.parameter]
            let what: String
            switch p.kind {
            case .trend: what = "\(p.id) = \(formatted(o.parameter)); catalogue \(formatNumber(p.start, decimals: 4))"
            case .unitCost:
                let base = catalogue.indicator(String(o.path.split(separator: ".")[1]))?.unitCost.value ?? 0
                what = "\(p.id) multiplier \(formatted(o.parameter)) × catalogue \(formatNumber(base))"
            case .noise:
                let base = catalogue.indicator(String(o.path.split(separator: ".")[1]))?.noise.value.value ?? 0
                what = "noise multiplier \(formatted(o.parameter)) × catalogue \(formatNumber(base))"
            case .model:
                what = "\(p.id) = \(formatted(o.parameter)); catalogue \(formatNumber(p.start, decimals: 4))"
            }
            s += "  \(o.path): {value: \(formatNumber(o.value, decimals: 6)), source: \(q("calibrated on \(year) by ntm calibrate (\(observed)): \(what)"))}\n"
        }
        return s
    }
}
