import Foundation

/// Reads a dataset folder: `dataset.yaml` (facts and recipe), `communes.csv`, `indicators.csv`,
/// `districts.csv` and `aliases.csv`, checking each against the catalogue. Every problem found is reported
/// with its file, line and key.
public enum DatasetLoader {
    public static let defaultName = "soc-trang-2023"

    /// The folder of a dataset shipped with ntm.
    public static func embeddedFolder(_ name: String = defaultName) -> String? {
        guard let url = Bundle.module.url(forResource: "datasets", withExtension: nil) else { return nil }
        let path = url.appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: path + "/dataset.yaml") ? path : nil
    }

    public static func embedded(catalogue: Catalogue, name: String = defaultName) throws -> Dataset {
        guard let folder = embeddedFolder(name) else {
            throw InputError(file: name, line: 0, key: "", "no embedded dataset of that name")
        }
        return try load(folder: folder, catalogue: catalogue)
    }

    static func display(_ folder: String, _ file: String) -> String {
        (folder as NSString).lastPathComponent + "/" + file
    }

    public static func loadAliases(folder: String) throws -> [(alias: String, kind: String, target: String)] {
        let path = folder + "/aliases.csv"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let t = try CSVTable.load(path: path, displayName: display(folder, "aliases.csv"))
        try t.expectColumns(["alias", "kind", "target", "source"])
        return try t.rows.map { r in
            guard ["commune", "district"].contains(r.fields[1]) else {
                throw InputError(file: t.file, line: r.line, key: "kind", "'\(r.fields[1])' is not commune or district")
            }
            return (r.fields[0], r.fields[1], r.fields[2])
        }
    }

    /// `Provenance(rawValue:)`, comparing with the usual value first.
    @inline(__always)
    static func provenance(_ s: String) -> Provenance? {
        s == "imputed" ? .imputed : s == "reported" ? .reported : s == "derived" ? .derived : Provenance(rawValue: s)
    }

    /// `s.precomposedStringWithCanonicalMapping`, skipping Foundation when `s` is already NFC: every scalar
    /// below U+0300 (Latin-1, Latin Extended-A/B, IPA, spacing modifiers) or in Latin Extended Additional
    /// (U+1E00–U+1EFF, Vietnamese letters with their tone marks) is a starter that NFC leaves alone and that
    /// never composes with another of them.
    public static func nfc(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value < 0x300 || (0x1E00...0x1EFF).contains($0.value) }) { return s }
        return s.precomposedStringWithCanonicalMapping
    }

    public static func load(folder: String, catalogue: Catalogue) throws -> Dataset {
        var d = Diagnostics()
        let recipe = try DatasetRecipe.load(path: folder + "/dataset.yaml", displayName: display(folder, "dataset.yaml"))
        // Communes.
        let ct = try CSVTable.load(path: folder + "/communes.csv", displayName: display(folder, "communes.csv"))
        try ct.expectColumns(Imputation.communeColumns)
        var communes: [Commune] = []
        var lineOf: [String: Int] = [:]
        for r in ct.rows {
            let f = r.fields
            if let first = lineOf[f[0]] {
                d.add(InputError(file: ct.file, line: r.line, key: "gso_code", "commune code \(f[0]) is already used at line \(first)"))
                continue
            }
            if f[0].isEmpty || !f[0].allSatisfy(\.isNumber) {
                d.add(InputError(file: ct.file, line: r.line, key: "gso_code", "'\(f[0])' is not a statistics-office code (digits)"))
            }
            // A bad field is reported once; the commune is still registered so its indicator rows are not
            // reported again as belonging to an unknown commune.
            let tier = Tier(id: f[5])
            if tier == nil { d.add(InputError(file: ct.file, line: r.line, key: "tier", "'\(f[5])' is not one of below, standard, advanced, model")) }
            let hh = Int(f[7]).flatMap { $0 > 0 ? $0 : nil }
            if hh == nil { d.add(InputError(file: ct.file, line: r.line, key: "households", "'\(f[7])' is not a positive whole number")) }
            let hm = Int(f[8]).flatMap { $0 > 0 ? $0 : nil }
            if hm == nil { d.add(InputError(file: ct.file, line: r.line, key: "hamlets", "'\(f[8])' is not a positive whole number")) }
            lineOf[f[0]] = r.line
            communes.append(Commune(code: f[0], name: nfc(f[1]), districtCode: f[2], district: f[3],
                                    districtKind: f[4], tier: tier ?? .below, tierSource: f[6], households: hh ?? 1, hamlets: hm ?? 1))
        }
        let ids = catalogue.indicators.map(\.id)
        let K = ids.count
        let row = Dictionary(uniqueKeysWithValues: communes.enumerated().map { ($1.code, $0) })
        // First index of each id, as `ids.firstIndex(of:)` gives.
        let column = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // Indicators.
        let it = try CSVTable.load(path: folder + "/indicators.csv", displayName: display(folder, "indicators.csv"))
        try it.expectColumns(Imputation.indicatorColumns)
        var values = [Double](repeating: .nan, count: communes.count * K)
        var prov = [Provenance](repeating: .imputed, count: communes.count * K)
        var valueLine = [Int](repeating: 0, count: communes.count * K)
        let ranges = catalogue.indicators.map(\.range)
        let isFirst = ids.indices.map { column[ids[$0]] == $0 }
        // Files list a commune's rows together, indicators in catalogue order: try the previous row's commune
        // and the next indicator before hashing.
        var lastCode = "", lastC = -1, lastK = -1
        for r in it.rows {
            let f = r.fields
            let c: Int
            if lastC >= 0 && f[0] == lastCode { c = lastC } else {
                guard let found = row[f[0]] else {
                    d.add(InputError(file: it.file, line: r.line, key: "gso_code", "unknown commune code \(f[0]) (not in communes.csv)")); continue
                }
                c = found; lastCode = f[0]; lastC = found
            }
            let k: Int
            if lastK + 1 < K && isFirst[lastK + 1] && ids[lastK + 1] == f[1] { k = lastK + 1 } else {
                guard let found = column[f[1]] else {
                    let hint = closestMatch(to: f[1], in: ids).map { " (did you mean '\($0)'?)" } ?? ""
                    d.add(InputError(file: it.file, line: r.line, key: f[1], "unknown indicator\(hint)")); continue
                }
                k = found
            }
            lastK = k
            guard let v = Double(f[2]), v.isFinite else {
                d.add(InputError(file: it.file, line: r.line, key: f[1], "'\(f[2])' is not a number")); continue
            }
            if !ranges[k].contains(v) {
                let ind = catalogue.indicators[k]
                d.add(InputError(file: it.file, line: r.line, key: f[1], "\(f[2]) is out of range; expected \(formatNumber(ind.range.lowerBound)) to \(formatNumber(ind.range.upperBound)) \(ind.unit)"))
            }
            guard let p = provenance(f[3]) else {
                d.add(InputError(file: it.file, line: r.line, key: "provenance", "'\(f[3])' is not one of reported, derived, imputed")); continue
            }
            if valueLine[c * K + k] != 0 {
                d.add(InputError(file: it.file, line: r.line, key: f[1], "commune \(f[0]) already has a value at line \(valueLine[c * K + k])")); continue
            }
            values[c * K + k] = v
            prov[c * K + k] = p
            valueLine[c * K + k] = r.line
        }
        for (c, commune) in communes.enumerated() {
            let missing = (0..<K).filter { valueLine[c * K + $0] == 0 }.map { ids[$0] }
            if !missing.isEmpty {
                d.add(InputError(file: it.file, line: 0, key: missing[0], "commune \(commune.code) (\(commune.name)) has no value for \(missing.joined(separator: ", "))"))
            }
        }
        // Districts.
        var districts: [District] = []
        let dt = try CSVTable.load(path: folder + "/districts.csv", displayName: display(folder, "districts.csv"))
        try dt.expectColumns(["district_gso_code", "district", "kind", "status", "criteria_met", "source"])
        let dcNumbers = Set(catalogue.districtCriteria.map(\.number))
        var districtCodes = Set<String>()
        for r in dt.rows {
            let f = r.fields
            var met = Set<Int>()
            for part in f[4].split(separator: ";") {
                guard let v = Int(part), dcNumbers.contains(v) else {
                    d.add(InputError(file: dt.file, line: r.line, key: "criteria_met", "'\(part)' is not a district criterion number")); continue
                }
                met.insert(v)
            }
            let statuses = ["recognised", "applied", "preparing", "in_progress"]
            if !statuses.contains(f[3]) {
                d.add(InputError(file: dt.file, line: r.line, key: "status", "'\(f[3])' is not one of \(statuses.joined(separator: ", "))"))
            }
            if !districtCodes.insert(f[0]).inserted {
                d.add(InputError(file: dt.file, line: r.line, key: "district_gso_code", "district \(f[0]) appears twice"))
            }
            districts.append(District(code: f[0], name: f[1], kind: f[2], status: f[3], criteriaMet: met, source: f[5]))
        }
        for c in communes where !districtCodes.contains(c.districtCode) {
            d.add(InputError(file: ct.file, line: lineOf[c.code] ?? 0, key: "district_gso_code", "district \(c.districtCode) of \(c.name) is not in districts.csv"))
        }
        try d.throwIfAny()
        let names = NameMatcher(communes: communes.map { .init(code: $0.code, name: $0.name, districtCode: $0.districtCode) },
                                districts: districts.map { .init(code: $0.code, name: $0.name, districtCode: $0.code) },
                                aliases: try loadAliases(folder: folder))
        let dataset = Dataset(name: recipe.name, province: recipe.province, baseYear: recipe.baseYear, communes: communes,
                              districts: districts, indicatorIDs: ids, values: values, provenance: prov, names: names,
                              recipe: recipe, folder: folder)
        // Tiers must agree with the indicators, and recognised districts with their communes.
        let columns = dataset.columns(for: catalogue)
        let graders = Tier.graded.map { CriteriaGrader(dataset, catalogue: catalogue, tier: $0, columns: columns) }
        for (c, commune) in communes.enumerated() {
            let fromValues = CriteriaGrader.tierFromIndicators(c, graders: graders)
            if commune.tier > fromValues {
                let lacking = Set(catalogue.criteria.map(\.number)).subtracting(dataset.criteriaMet(c, tier: commune.tier == .below ? .standard : Tier(rawValue: fromValues.rawValue + 1)!, catalogue: catalogue)).sorted()
                d.add(InputError(file: ct.file, line: lineOf[commune.code] ?? 0, key: "tier",
                                 "\(commune.name) is '\(commune.tier.id)' but its indicators do not meet criteria \(lacking.map(String.init).joined(separator: ", ")) at the \(Tier(rawValue: fromValues.rawValue + 1)!.id) thresholds of \(recipe.baseYear)"))
            }
            if commune.tier == .below && fromValues >= .standard {
                d.add(InputError(file: ct.file, line: lineOf[commune.code] ?? 0, key: "tier",
                                 "\(commune.name) is 'below' but its indicators meet all \(catalogue.criteria.count) criteria at standard"))
            }
        }
        // Each district's first commune below standard.
        var firstBelow: [String: Int] = [:]
        for (c, commune) in communes.enumerated() where commune.tier == .below && firstBelow[commune.districtCode] == nil {
            firstBelow[commune.districtCode] = c
        }
        for dist in districts where dist.isRecognised {
            if let c = firstBelow[dist.code].map({ communes[$0] }) {
                d.add(InputError(file: dt.file, line: 0, key: "status", "\(dist.name) is recognised but \(c.name) is below standard"))
            }
        }
        try d.throwIfAny()
        return dataset
    }
}
