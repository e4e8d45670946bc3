import NTMAllocation
import NTMCatalogue
import NTMEngine

/// `ntm propose`: the year's draft in the province's own table layouts: `proposal-<year>.md` (targets, the
/// communes and criteria of Appendix II for each tier, the districts) and `funding-plan.md` (Appendix III).
public struct ProposalReport {
    public let proposal: Proposal
    public let labels: Labels

    public init(proposal: Proposal, lang: Language) {
        self.proposal = proposal
        labels = Labels(lang)
    }

    var model: Model { proposal.study.model }
    var catalogue: Catalogue { model.catalogue }

    /// The files for the formats asked: Markdown and CSV.
    public func files(formats: [ReportFormat]) -> [(name: String, content: OutputFolder.Content)] {
        var out: [(name: String, content: OutputFolder.Content)] = []
        for y in proposal.years {
            if formats.contains(.md) { out.append(("proposal-\(y).md", .text(markdown(year: y)))) }
            if formats.contains(.csv) { out.append(("proposal-\(y).csv", .text(csv(year: y)))) }
        }
        if formats.contains(.md) { out.append(("funding-plan.md", .text(fundingMarkdown()))) }
        if formats.contains(.csv) { out.append(("funding-plan.csv", .text(fundingCSV()))) }
        return out
    }

    static func list(_ criteria: [Int], _ sep: String = ",") -> String { criteria.map(String.init).joined(separator: sep) }

    /// Where a row's money goes: each criterion with its share of the cost, largest first ("10: 92 %, 13: 5 %"),
    /// those under half a percent left out.
    static func byCriterion(_ r: Proposal.Row, _ L: Labels) -> String {
        let total = r.totalCost
        guard total > 0 else { return "" }
        return r.costByCriterion.filter { $0.amount >= 0.005 * total }
            .map { "\($0.criterion): \(L.number(100 * $0.amount / total, decimals: 0)) %" }.joined(separator: ", ")
    }

    // MARK: Appendix II

    public func markdown(year: Int) -> String {
        let L = labels
        var s = "# " + L.fill(.proposalTitle, String(year)) + "\n\n"
        s += L.fill(.proposalIntro, model.scenario.name, L.policy(proposal.policy), L.number(Double(model.scenario.draws))) + "\n\n"
        s += "## \(L[.proposalAgainstTargets])\n\n" + targetsTable(years: [year])
        s += "## \(L[.proposalCounts])\n\n"
        let t = model.years.firstIndex(of: year)!
        let confidence = L.number(100 * proposal.confidence, decimals: 0)
        var counts = MarkdownTable([L[.tier], L[.proposedInYear], L[.cumulativeEnd], L[.addedMC], L[.cumulativeMC],
                                    L.fill(.draftTarget, confidence)], rightAligned: [1, 2, 3, 4, 5])
        let rows = proposal.rows(year: year)
        for tier in Tier.graded {
            let f = tier.rawValue - 1
            let end = (0..<model.C).filter { proposal.expected.communes[t + 1][$0][f] > 0.5 }.count
            let mean = proposal.evaluation.summary(year: t + 1, field: f).mean, before = proposal.evaluation.summary(year: t, field: f).mean
            let draft = proposal.draftTargets[year]?[tier] ?? 0
            let proposed = rows.filter { $0.aim == tier && $0.proposed }.count, again = rows.filter { $0.aim == tier && $0.again }.count
            // Counts with the language's thousands separator, as the means beside them (a national proposal has thousands).
            counts.add([L.tier(tier), again > 0 ? L.fill(.againCount, L.number(proposed), L.number(again)) : L.number(proposed), L.number(end),
                        L.number(mean - before, decimals: 1), L.number(mean, decimals: 1), "**\(draft >= 0 ? "+" : "")\(L.number(draft))**"])
        }
        s += counts.text + "\n" + L.fill(.draftTargetNote, confidence) + "\n\n"
        for (tier, heading, note) in [(Tier.standard, Labels.Key.sectionStandard, Labels.Key.criteriaAtStandard),
                                      (.advanced, .sectionAdvanced, .criteriaAtAdvanced), (.model, .sectionModel, .criteriaAtModel)] {
            s += "## \(L[heading])\n\n"
            let section = rows.filter { $0.aim == tier }
            if section.isEmpty { s += L[.noCommunes] + "\n\n"; continue }
            s += L[note] + "\n\n" + appendixII(section, year: year)
        }
        s += "## \(L[.sectionDistricts])\n\n" + districtsTable(year: year)
        s += "## \(L[.criteria])\n\n"
        s += catalogue.criteria.map { "\($0.number). \($0.name(L.lang))" }.joined(separator: "; ") + ".\n"
        return s
    }

    func appendixII(_ rows: [Proposal.Row], year: Int) -> String {
        let L = labels
        let plan = L.fill(.planHeader, String(year))
        let lost = rows.contains { !$0.lost.isEmpty }, raised = rows.contains { !$0.raised.isEmpty }
        var header = [L[.appendixNo], L[.appendixCommune], L[.appendixDistrict], L[.appendixCount], L[.appendixMet],
                      "\(plan): \(L[.planCount])", "\(plan): \(L[.planNames])", "\(plan): \(L[.planCumulative])"]
        if raised { header.append(L[.raisedCriteria]) }
        if lost { header.append(L[.lostCriteria]) }
        header += [L[.successProbability], L[.cost], L[.costByCriterion], L[.fundedShare]]
        var t = MarkdownTable(header, rightAligned: Set([0, 3, 5, 7] + [header.count - 4, header.count - 3, header.count - 1]))
        for (i, r) in rows.enumerated() {
            let c = model.dataset.communes[r.commune]
            var f = [String(i + 1), r.proposed ? "**\(c.name)**" : r.again ? "\(c.name) °" : c.name, c.district, String(r.met.count), Self.list(r.met),
                     String(r.planned.count), Self.list(r.planned), String(r.cumulative.count)]
            if raised { f.append(Self.list(r.raised)) }
            if lost { f.append(Self.list(r.lost)) }
            f += [L.number(100 * r.probability, decimals: 0) + " %", L.number(r.totalCost), Self.byCriterion(r, L),
                  r.fundedShare.map { L.number(100 * $0, decimals: 0) + " %" } ?? ""]
            t.add(f)
        }
        var total = ["", "**\(L[.total])**", "", "", "", "", "", ""]
        if raised { total.append("") }
        if lost { total.append("") }
        total += ["", "**\(L.number(rows.reduce(0) { $0 + $1.totalCost }))**", "", ""]
        t.add(total)
        return t.text + "\n" + L[.fundedShareNote] + " " + L[.costByCriterionNote] + (raised ? " " + L[.raisedNote] : "") + (lost ? " " + L[.lostNote] : "")
            + (rows.contains { $0.again } ? " " + L[.againNote] : "") + "\n\n"
    }

    /// The targets of `years` against the plan; `inFundingPlan` for funding-plan.md itself, where the least money
    /// that would close a shortfall follows below rather than in another file.
    func targetsTable(years: [Int], inFundingPlan: Bool = false) -> String {
        let L = labels
        let checks = proposal.targets.filter { years.contains($0.year) }
        guard !checks.isEmpty else { return years.map { L.fill(.proposalNoTargets, String($0)) }.joined(separator: " ") + "\n\n" }
        var t = MarkdownTable([L[.year], L[.tier], L[.target], L[.proposedAdded], L[.meanAdded], L[.probabilityMet], L[.outcome]],
                              rightAligned: [2, 3, 4, 5])
        for c in checks {
            t.add([String(c.year), L.tier(c.tier), "+" + L.number(c.target), "+" + L.number(c.proposed), L.number(c.mean, decimals: 1),
                   L.number(100 * c.probability, decimals: 0) + " %", c.met ? L[.targetMet] : "**\(L[.targetShort])**"])
        }
        var note = L.fill(.proposalTargetNote, L.number(100 * proposal.confidence, decimals: 0))
        for y in years { if let p = proposal.targetProbability[y] { note += " " + L.fill(.jointProbability, String(y), L.number(100 * p, decimals: 0)) } }
        if checks.contains(where: { !$0.met }) { note += " " + L[inFundingPlan ? .seeBelow : .seeFundingPlan] }
        return t.text + "\n" + note + "\n\n"
    }

    func districtsTable(year: Int) -> String {
        let L = labels
        let lines = proposal.districts.filter { $0.year == year }
        guard !lines.isEmpty else { return L[.allRecognised] + "\n\n" }
        var t = MarkdownTable([L[.appendixNo], L[.appendixDistrict], L[.status], L[.districtProposed], L[.communesStillBelow],
                               L[.districtCriteriaMissing], L[.pRecognised]], rightAligned: [0, 6])
        for (i, d) in lines.enumerated() {
            let dist = model.dataset.districts[d.district]
            let missing = d.criteriaMissing.compactMap { n in catalogue.districtCriteria.first { $0.number == n }.map { "\(n). \($0.name(L.lang))" } }
            t.add([String(i + 1), d.proposed ? "**\(dist.name)**" : dist.name, L.districtStatus(dist.status), d.proposed ? L[.yes] : L[.no],
                   d.communesBelow.map { model.dataset.communes[$0].name }.joined(separator: ", "), missing.joined(separator: "; "),
                   L.number(100 * d.probability, decimals: 0) + " %"])
        }
        return t.text + "\n" + L[.districtsNote] + "\n\n"
    }

    /// One row per commune and section, every number plain (no grouping), lists separated by `;`.
    public func csv(year: Int) -> String {
        let L = labels
        var header = [L[.year], L[.appendixNo], L[.communeCode], L[.appendixCommune], L[.appendixDistrict], L[.startTier], L[.aimTier],
                      L[.districtProposed], L[.appendixCount], L[.appendixMet], L[.planCount], L[.planNames], L[.planCumulative],
                      L[.raisedCriteria], L[.lostCriteria], L[.fundedAgain], L[.successProbability], L[.expectedCriteriaMC], L[.cost],
                      L[.fundedShare], L[.costByCriterion]]
        header += catalogue.sources.map { "\(L[.cost]): \($0.name(L.lang))" }
        var w = CSVWriter(header: header)
        for tier in Tier.graded {
            for (i, r) in proposal.rows(year: year).filter({ $0.aim == tier }).enumerated() {
                let c = model.dataset.communes[r.commune]
                let byCriterion: String = r.costByCriterion.map { "\($0.criterion):\(formatNumber($0.amount, decimals: 1))" }.joined(separator: ";")
                var f: [String] = [String(year), String(i + 1), c.code, c.name, c.district, L.tier(r.start), L.tier(r.aim), r.proposed ? "1" : "0"]
                f += [String(r.met.count), Self.list(r.met, ";"), String(r.planned.count), Self.list(r.planned, ";")]
                f += [String(r.cumulative.count), Self.list(r.raised, ";"), Self.list(r.lost, ";"), r.again ? "1" : "0"]
                f += [formatNumber(r.probability, decimals: 3), formatNumber(r.expectedCriteria, decimals: 2), formatNumber(r.totalCost, decimals: 1)]
                f += [r.fundedShare.map { formatNumber($0, decimals: 3) } ?? "", byCriterion]
                w.row(f + r.cost.map { formatNumber($0, decimals: 1) })
            }
        }
        return w.text
    }

    // MARK: Appendix III

    /// A line of Appendix III: the total, a family of sources (I, II, …) or one of its sources (1, 2).
    struct FundingLine {
        var stt: String
        var label: String
        var id: String
        var sources: [Int]
        var heading: Bool
    }

    /// The lines in the report's order: the total, then each family with its sources beneath it when it has more than one.
    var fundingLines: [FundingLine] {
        let L = labels
        let sources = catalogue.sources
        var families: [String] = []
        for s in sources where !families.contains(s.family) { families.append(s.family) }
        var out = [FundingLine(stt: "", label: L[.grandTotal], id: "total", sources: Array(sources.indices), heading: true)]
        for (i, f) in families.enumerated() {
            let members = sources.indices.filter { sources[$0].family == f }
            out.append(FundingLine(stt: Labels.roman(i + 1), label: L.sourceFamily(f), id: members.count == 1 ? sources[members[0]].id : f,
                                   sources: members, heading: true))
            guard members.count > 1 else { continue }
            for (j, s) in members.enumerated() {
                // "Ngân sách trung ương – Đầu tư phát triển" is "Đầu tư phát triển" under its family.
                let name = sources[s].name(L.lang).components(separatedBy: " – ").last ?? sources[s].name(L.lang)
                out.append(FundingLine(stt: String(j + 1), label: name.prefix(1).uppercased() + name.dropFirst(), id: sources[s].id,
                                       sources: [s], heading: false))
            }
        }
        return out
    }

    /// Appendix III with the given columns, each a value per source.
    func appendixIII(_ columns: [(header: String, value: (Int) -> Double)]) -> String {
        let L = labels
        var t = MarkdownTable([L[.appendixSTT], L[.appendixItem]] + columns.map(\.header), rightAligned: Set(2..<(2 + columns.count)))
        for line in fundingLines {
            let cells = columns.map { col in L.number(line.sources.reduce(0) { $0 + col.value($1) }) }
            t.add(line.heading ? [line.stt, "**\(line.label)**"] + cells.map { "**\($0)**" } : [line.stt, line.label] + cells)
        }
        return t.text
    }

    public func fundingMarkdown() -> String {
        let L = labels
        let span = proposal.years.count == 1 ? String(proposal.years[0]) : "\(proposal.years.first!)–\(proposal.years.last!)"
        var s = "# " + L.fill(.fundingPlanTitle, span) + "\n\n"
        s += L.fill(.fundingPlanIntro, model.scenario.name, L.policy(proposal.policy)) + "\n\n" + "*\(L[.unitMillion])*\n\n"
        var columns: [(header: String, value: (Int) -> Double)] = []
        for y in proposal.years {
            let t = model.years.firstIndex(of: y)!
            columns.append((L.fill(.expectedIn, String(y)), { proposal.available[$0][t] }))
            columns.append((L.fill(.plannedIn, String(y)), { proposal.planned($0, t) }))
        }
        s += appendixIII(columns) + "\n"
        s += "## \(L[.planSplit])\n\n"
        var split: [(header: String, value: (Int) -> Double)] = []
        for y in proposal.years {
            let t = model.years.firstIndex(of: y)!
            split.append((L.fill(.upkeepIn, String(y)), { proposal.upkeep[$0][t] }))
            split.append((L.fill(.packagesIn, String(y)), { proposal.packages[$0][t] }))
        }
        s += appendixIII(split) + "\n"
        s += "## \(L[.proposalAgainstTargets])\n\n" + targetsTable(years: proposal.years, inFundingPlan: true)
        if proposal.shortfalls.isEmpty && proposal.targets.contains(where: { !$0.met }) == false && !proposal.targets.isEmpty {
            s += L.fill(.allTargetsMet, L.number(100 * proposal.confidence, decimals: 0)) + "\n\n"
        }
        for sf in proposal.shortfalls { s += shortfallMarkdown(sf) }
        return s
    }

    func shortfallMarkdown(_ sf: Proposal.Shortfall) -> String {
        let L = labels
        let tiers = L.added(sf.target)
        var s = "## " + L.fill(.shortfallTitle, tiers, String(sf.year)) + "\n\n"
        let chosen = proposal.targetProbability[sf.year] ?? 0
        let key: Labels.Key = !sf.result.reachable ? .shortfallExtra : sf.probability >= proposal.confidence ? .shortfallReachable : .shortfallUnsure
        let aimed = L.added(sf.aimed)
        s += L.fill(key, L.number(100 * sf.probability, decimals: 0), L.number(100 * proposal.confidence, decimals: 0),
                    L.number(100 * chosen, decimals: 0), aimed)
        if sf.probability < proposal.confidence {
            s += " " + L.fill(sf.raisesSpent != nil ? .raiseLimitNote : .noHigherNote, String(sf.raisesSpent ?? 0))
        }
        s += "\n\n"
        var columns: [(header: String, value: (Int) -> Double)] = []
        for (t, y) in model.years.enumerated() where y <= sf.year {
            columns.append((L.fill(.availableAfterUpkeepIn, String(y)), { proposal.study.problem.available[$0][t] }))
            columns.append((L.fill(.chosenPlan, String(y)), { proposal.packages[$0][t] }))
            columns.append((L.fill(.leastCostPlan, String(y)), { sf.result.money[$0][t] }))
            columns.append((L.fill(.extraIn, String(y)), { sf.result.extra[$0][t] }))
        }
        s += appendixIII(columns) + "\n" + L[.shortfallNote] + "\n\n"
        return s
    }

    /// One row per year and Appendix III line; with a shortfall, the least-cost plan and the extra money beside.
    public func fundingCSV() -> String {
        let L = labels
        // The money columns say their unit, as proposal-<year>.csv's "Kinh phí (triệu đồng)" does: the file has no other place for it.
        let unit = " (\(L[.millionVND]))"
        var header = [L[.year], L[.appendixSTT], L[.appendixItem], "id"]
            + [L[.expectedMoney], L[.upkeep], L[.packages], L[.plannedUse], L[.unused]].map { $0 + unit }
        for sf in proposal.shortfalls {
            header += [L.fill(.leastCostFor, String(sf.year)) + unit, L.fill(.extraFor, String(sf.year)) + unit]
        }
        var w = CSVWriter(header: header)
        for y in proposal.years {
            let t = model.years.firstIndex(of: y)!
            for line in fundingLines {
                let sum = { (f: (Int) -> Double) in formatNumber(line.sources.reduce(0) { $0 + f($1) }, decimals: 1) }
                var row = [String(y), line.stt, line.label, line.id, sum { proposal.available[$0][t] }, sum { proposal.upkeep[$0][t] },
                           sum { proposal.packages[$0][t] }, sum { proposal.planned($0, t) },
                           sum { max(0, proposal.available[$0][t] - proposal.planned($0, t)) }]
                for sf in proposal.shortfalls { row += [sum { sf.result.money[$0][t] }, sum { sf.result.extra[$0][t] }] }
                w.row(row)
            }
        }
        return w.text
    }
}
