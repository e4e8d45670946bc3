import Foundation
import NTMCalibration
import NTMCatalogue

/// `ntm backtest`: a forecast's error against observed outcomes, explained in plain words.
public struct BacktestReport {
    public let backtest: Backtest
    public let labels: Labels

    public init(backtest: Backtest, lang: Language) {
        self.backtest = backtest
        labels = Labels(lang)
    }

    func measureName(_ key: String) -> String {
        switch key {
        case "standard": labels[.countStandard]
        case "advanced": labels[.countAdvanced]
        case "model": labels[.countModel]
        default: labels[.averageCriteria]
        }
    }

    func evidence(_ e: Backtest.Evidence) -> String { e == .named ? labels[.evidenceNamed] : labels[.evidenceDeduced] }

    public func markdown() -> String {
        let L = labels, b = backtest
        var s = "# " + L.fill(.backtestTitle, b.scenario, b.observedName) + "\n\n"
        s += L.fill(.backtestIntro, String(b.baseYear)) + "\n\n"
        s += "## " + L[.countsAgainstBands] + "\n\n"
        var t = MarkdownTable([L[.measure], L[.year], L[.observed], L[.forecastMean], "P10", "P50", "P90", L[.inside]], rightAligned: Set(1...6))
        for r in b.bands {
            let d = r.key == "average_criteria" ? 2 : 1
            t.add([measureName(r.key), String(r.year), L.number(r.observed, decimals: r.key == "average_criteria" ? 2 : 0), L.number(r.mean, decimals: d),
                   L.number(r.p10, decimals: d), L.number(r.p50, decimals: d), L.number(r.p90, decimals: d), r.inside ? L[.yes] : L[.no]])
        }
        s += t.text + "\n"
        s += L.fill(.bandsSummary, String(b.bands.filter(\.inside).count), String(b.bands.count)) + "\n\n"
        s += "## " + L[.brierTitle] + "\n\n" + L[.brierIntro] + "\n\n"
        var sc = MarkdownTable([L[.year], L[.tierLabel], L[.atRisk], L[.expectedReached], L[.known], L[.reachedCount], L[.brier]], rightAligned: Set(2...6))
        for r in b.scores {
            sc.add([String(r.year), L.tier(r.tier), String(r.atRisk), L.number(r.expected, decimals: 1), String(r.known), String(r.reached),
                    r.brier.map { L.number($0, decimals: 3) } ?? "—"])
        }
        s += sc.text + "\n"
        if let br = b.brier { s += L.fill(.overallBrier, String(b.outcomes.count), L.number(br, decimals: 3)) + "\n\n" }
        else { s += L[.noKnownOutcome] + "\n\n" }
        s += "## " + L[.reliabilityTitle] + "\n\n" + L[.reliabilityIntro] + "\n\n"
        var rt = MarkdownTable([L[.probabilityBin], L[.meanForecast], L[.observedFrequency], L[.cases]], rightAligned: [1, 2, 3])
        for bin in b.reliability {
            rt.add(["\(L.number(bin.lower * 100))–\(L.number(bin.upper * 100)) %", bin.meanForecast.map { L.number($0 * 100, decimals: 1) + " %" } ?? "—",
                    bin.observedFrequency.map { L.number($0 * 100, decimals: 1) + " %" } ?? "—", String(bin.count)])
        }
        s += rt.text + "\n"
        s += "## " + L[.ranksTitle] + "\n\n" + L[.ranksIntro] + "\n\n"
        if b.ranks.isEmpty { s += L[.noRanks] + "\n\n" } else {
            var rk = MarkdownTable([L[.year], L[.tierLabel], L[.commune], L[.meanForecast], L[.rank], L[.evidence]], rightAligned: [3, 4])
            for r in b.ranks {
                // Tied communes share a range of ranks: "4–80 / 80" for a 0 % forecast, not "4 / 80".
                let rank = r.lastRank > r.rank ? "\(r.rank)–\(r.lastRank)" : String(r.rank)
                rk.add([String(r.year), L.tier(r.tier), r.name, L.number(r.probability * 100, decimals: 1) + " %", "\(rank) / \(r.of)", evidence(r.evidence)])
            }
            s += rk.text + "\n"
            if b.ranks.contains(where: { $0.lastRank > $0.rank }) { s += L[.ranksTiedNote] + "\n\n" }
        }
        if !b.districts.isEmpty {
            s += "## " + L[.districtsTitle] + "\n\n"
            var dt = MarkdownTable([L[.year], L[.district], L[.pRecognised], L[.recognisedObserved]], rightAligned: [2])
            for d in b.districts {
                dt.add([String(d.year), d.name, L.number(d.probability * 100, decimals: 1) + " %", d.recognised ? L[.yes] : L[.no]])
            }
            s += dt.text + "\n"
            if let db = b.districtBrier { s += L.fill(.districtBrier, L.number(db, decimals: 3)) + "\n\n" }
        }
        s += L[.inSampleNote] + "\n\n"
        s += "## " + L[.sources] + "\n\n" + b.sources.map { "- \($0)\n" }.joined()
        return s
    }

    /// One row per measure: bands, scores, reliability bins, ranks and districts in long layout. A rank row's
    /// `rank` and `rank_last` are the best and worst ranks it shares with the communes tied with it.
    public func csv() -> String {
        let b = backtest
        var w = CSVWriter(header: ["table", "year", "tier", "name", "observed", "forecast", "p10", "p90", "inside", "rank", "of", "n", "brier", "evidence",
                                   "rank_last"])
        for r in b.bands {
            w.row(["band", String(r.year), r.key, "", formatNumber(r.observed), formatNumber(r.mean), formatNumber(r.p10), formatNumber(r.p90),
                   r.inside ? "yes" : "no", "", "", "", "", "", ""])
        }
        for r in b.scores {
            w.row(["brier", String(r.year), r.tier.id, "", String(r.reached), formatNumber(r.expected), "", "", "", "", String(r.atRisk),
                   String(r.known), r.brier.map { formatNumber($0) } ?? "", "", ""])
        }
        for o in b.outcomes {
            w.row(["commune", String(o.year), o.tier.id, o.name, o.reached ? "1" : "0", formatNumber(o.probability), "", "", "", "", "", "", "",
                   o.evidence.rawValue, ""])
        }
        for bin in b.reliability {
            w.row(["reliability", "", "", "\(formatNumber(bin.lower))-\(formatNumber(bin.upper))", bin.observedFrequency.map { formatNumber($0) } ?? "",
                   bin.meanForecast.map { formatNumber($0) } ?? "", "", "", "", "", "", String(bin.count), "", "", ""])
        }
        for r in b.ranks {
            w.row(["rank", String(r.year), r.tier.id, r.name, "1", formatNumber(r.probability), "", "", "", String(r.rank), String(r.of), "", "",
                   r.evidence.rawValue, String(r.lastRank)])
        }
        for d in b.districts {
            w.row(["district", String(d.year), "", d.name, d.recognised ? "1" : "0", formatNumber(d.probability), "", "", "", "", "", "", "", "", ""])
        }
        return w.text
    }
}
