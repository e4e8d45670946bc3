import NTMCatalogue

/// `ntm baseline`: the dataset at its base year, set beside the report it was built from.
public struct BaselineReport {
    public let dataset: Dataset
    public let catalogue: Catalogue
    public let labels: Labels

    public init(dataset: Dataset, catalogue: Catalogue, lang: Language) {
        self.dataset = dataset
        self.catalogue = catalogue
        labels = Labels(lang)
    }

    public static let communeColumns = ["gso_code", "commune", "district", "tier", "criteria_met_count", "criteria_met",
                                        "criteria_missing", "standard", "advanced", "model", "district_gso_code", "households", "hamlets"]

    /// One row per commune. `tier` is the highest tier; `standard`, `advanced`, `model` say (0/1) whether the
    /// commune is at or above each tier, so counts by tier are column sums.
    public func communesCSV() -> String {
        var w = CSVWriter(header: Self.communeColumns)
        let metBy = criteriaMetByCommune()
        for (c, m) in dataset.communes.enumerated() {
            let met = metBy[c], missing = self.missing(met)
            w.row([m.code, m.name, m.district, m.tier.id, String(met.count), met.map(String.init).joined(separator: ";"),
                   missing.map(String.init).joined(separator: ";"),
                   m.tier >= .standard ? "1" : "0", m.tier >= .advanced ? "1" : "0", m.tier >= .model ? "1" : "0",
                   m.districtCode, String(m.households), String(m.hamlets)])
        }
        return w.text
    }

    /// The standard tier's test for every commune: one grader, the dataset's columns looked up once (not per
    /// commune: a national dataset has 8,177 communes).
    func standardGrader() -> CriteriaGrader {
        CriteriaGrader(dataset, catalogue: catalogue, tier: .standard, year: nil, columns: dataset.columns(for: catalogue))
    }

    /// Each commune's criteria met at standard.
    func criteriaMetByCommune() -> [[Int]] {
        let grader = standardGrader()
        return dataset.communes.indices.map { grader.criteriaMet($0) }
    }

    /// The criteria not in `met`, in increasing number.
    func missing(_ met: [Int]) -> [Int] {
        catalogue.criteria.map(\.number).filter { !met.contains($0) }.sorted()
    }

    /// Per district, in the dataset's order, its communes (indices), found in one pass over the communes.
    func communesOfDistricts() -> [[Int]] {
        let byCode = dataset.communesByDistrict()
        return dataset.districts.map { byCode[$0.code] ?? [] }
    }

    public func markdown() -> String {
        let L = labels
        var s = "# \(L[.baselineTitle]): \(dataset.province), \(dataset.baseYear)\n\n"
        s += "- \(L[.dataset]): `\(dataset.name)`\n- \(L[.baseYear]): \(dataset.baseYear)\n"
        let avg = dataset.averageCriteria(catalogue: catalogue)
        s += "- \(L[.averageCriteria]): \(L.number(avg, decimals: 3))"
        if let r = dataset.recipe?.totals["average_criteria"] { s += " (\(L[.reportValue]): \(L.number(r.value, decimals: r.decimals ?? 2)))" }
        s += "\n\n## \(L[.tiersByDistrict])\n\n"
        var t = MarkdownTable([L[.district], L[.communes], L.tier(.standard), L.tier(.advanced), L.tier(.model), L.tier(.below), L[.status]],
                              rightAligned: [1, 2, 3, 4, 5])
        // Counts with the language's thousands separator (a national dataset has 8.177 communes).
        func counts(_ cs: [Int]) -> [String] {
            [L.number(cs.count)] + tierCounts(cs.map { dataset.communes[$0] }).map { L.number($0) }
        }
        for (d, members) in zip(dataset.districts, communesOfDistricts()) {
            t.add([L.district(d)] + counts(members) + [L.districtStatus(d.status)])
        }
        t.add(["**\(L[.total])**"] + counts(Array(dataset.communes.indices)).map { "**\($0)**" } + [""])
        s += t.text + "\n" + L[.tierNote] + "\n\n"
        // Appendix II layout.
        s += "## \(L[.belowTable])\n\n"
        let header = [L[.appendixNo], L[.appendixCommune], L[.appendixDistrict], L[.appendixCount], L[.appendixMet], L[.appendixMissing]]
        var b = MarkdownTable(header, rightAligned: [0, 3])
        // In the report's order where the dataset has its Appendix II, then any other commune below standard.
        let listed = dataset.appendixRows().compactMap(\.commune).filter { dataset.communes[$0].tier == .below }
        let isListed = Set(listed)
        let order = listed + dataset.communes.indices.filter { dataset.communes[$0].tier == .below && !isListed.contains($0) }
        let grader = standardGrader()
        for (i, c) in order.enumerated() {
            let m = dataset.communes[c], n = i + 1
            let met = grader.criteriaMet(c)
            b.add([String(n), m.name, m.district, String(met.count), met.map(String.init).joined(separator: ","),
                   missing(met).map(String.init).joined(separator: ",")])
        }
        s += b.text + "\n"
        // Province indicators.
        s += "## \(L[.indicators])\n\n"
        var p = MarkdownTable([L[.indicator], L[.reportValue], L[.datasetValue], L[.source]], rightAligned: [1, 2])
        for ind in catalogue.indicators {
            guard let fig = dataset.recipe?.figures[ind.id], let v = dataset.provinceValue(ind) else { continue }
            let reported: String, have: String
            switch fig.kind {
            case .mean(let target, let dec):
                reported = L.number(target, decimals: dec); have = L.number(v, decimals: max(dec, 2))
            case .count(let count, let of):
                let denom = dataset.communes.indices.reduce(0.0) { $0 + dataset.weight(of, commune: $1) }
                reported = "\(L.number(Double(count))) / \(L.number(denom))"; have = L.number(v, decimals: 2) + " %"
            case .communesAt(let count, let value, _):
                let k = dataset.column(ind.id)!
                let at = dataset.communes.indices.filter { abs(dataset.value(commune: $0, indicator: k) - value) < 1e-9 }.count
                reported = "\(L.number(Double(count)))/\(L.number(Double(dataset.communeCount))) @ \(L.number(value))"
                have = "\(L.number(Double(at)))/\(L.number(Double(dataset.communeCount))) @ \(L.number(value))"
            case .total(let total, _):
                reported = L.number(Double(total)); have = L.number(v)
            }
            p.add([ind.name(L.lang), reported, have, fig.source])
        }
        s += p.text + "\n"
        if let refs = dataset.recipe?.references, !refs.isEmpty {
            s += "## \(L[.reference])\n\n"
            var r = MarkdownTable([L[.indicator], L[.value], L[.source]], rightAligned: [1])
            for f in refs { r.add([L.lang == .vi ? f.vi : f.en, L.number(f.value, decimals: 2), f.source]) }
            s += r.text + "\n"
        }
        s += "## \(L[.districtStatus])\n\n"
        var dt = MarkdownTable([L[.district], L[.status], L[.districtCriteriaMet], L[.source]])
        for d in dataset.districts {
            dt.add([d.name, L.districtStatus(d.status), d.criteriaMet.sorted().map(String.init).joined(separator: ", "), d.source])
        }
        s += dt.text + "\n"
        s += "## \(L[.provenanceTitle])\n\n"
        var pv = MarkdownTable([L[.provenance], L[.values]], rightAligned: [1])
        for p in Provenance.allCases { pv.add([L.provenance(p), L.number(dataset.provenance.filter { $0 == p }.count)]) }
        s += pv.text + "\n"
        let checks = dataset.factChecks(catalogue: catalogue)
        let failing = checks.filter { !$0.holds }
        s += "## \(L[.factsTitle])\n\n"
        s += L.fill(.factsMatch, L.number(checks.count - failing.count), L.number(checks.count)) + "\n"
        for f in failing { s += "- \(f.key): \(L[.reportValue]) \(f.reported), \(L[.datasetValue]) \(f.dataset)\n" }
        return s
    }
}
