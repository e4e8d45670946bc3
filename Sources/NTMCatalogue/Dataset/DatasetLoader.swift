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

    public static func embedded(catalogue: Catalogue, name: String = defaultName, prefetched: Prefetch? = nil) throws -> Dataset {
        guard let folder = embeddedFolder(name) else {
            throw InputError(file: name, line: 0, key: "", "no embedded dataset of that name")
        }
        return try load(folder: folder, catalogue: catalogue, prefetched: prefetched)
    }

    /// A dataset folder's two tables read from disk on another thread (`communes.csv` parsed, the bytes of
    /// `indicators.csv`), so that the caller can parse the catalogue meanwhile. `load` takes them where it would
    /// have read them, and throws what reading them threw at that same point.
    public final class Prefetch: @unchecked Sendable {
        public let folder: String
        private var communes: Result<CSVTable, Error>?
        private var indicators: FileBytes?
        private let done = DispatchGroup()

        public init(folder: String) {
            self.folder = folder
            done.enter()
            DispatchQueue.global().async { [self] in
                communes = Result { try CSVTable.load(path: folder + "/communes.csv", displayName: display(folder, "communes.csv")) }
                indicators = FileBytes(path: folder + "/indicators.csv")
                done.leave()
            }
        }

        /// What was read, once it has been (nil for the indicators: the file could not be read). For one `load`:
        /// the reader unquotes the indicators' bytes in place.
        func take() -> (communes: Result<CSVTable, Error>, indicators: FileBytes?) {
            done.wait()
            return (communes!, indicators)
        }
    }

    static func display(_ folder: String, _ file: String) -> String {
        (folder as NSString).lastPathComponent + "/" + file
    }

    /// - Parameter codes: when given, the commune and district codes an alias may point at.
    public static func loadAliases(folder: String, codes: (communes: Set<String>, districts: Set<String>)? = nil) throws
        -> [(alias: String, kind: String, target: String)] {
        let path = folder + "/aliases.csv"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let t = try CSVTable.load(path: path, displayName: display(folder, "aliases.csv"))
        try t.expectColumns(["alias", "kind", "target", "source"])
        return try t.rows.map { r in
            guard ["commune", "district"].contains(r.fields[1]) else {
                throw InputError(file: t.file, line: r.line, key: "kind", "'\(r.fields[1])' is not commune or district")
            }
            if let codes, !(r.fields[1] == "commune" ? codes.communes : codes.districts).contains(r.fields[2]) {
                throw InputError(file: t.file, line: r.line, key: "target", "'\(r.fields[2])' is not a \(r.fields[1]) code of this dataset")
            }
            return (r.fields[0], r.fields[1], r.fields[2])
        }
    }

    /// `Provenance(rawValue:)`, comparing with the usual value first.
    @inline(__always)
    static func provenance(_ s: String) -> Provenance? {
        s == "imputed" ? .imputed : s == "reported" ? .reported : s == "derived" ? .derived : Provenance(rawValue: s)
    }

    /// `provenance` of a field's UTF-8 bytes: the three values by their bytes, anything else as a String
    /// (which compares by canonical equivalence, not bytes).
    @inline(__always)
    static func provenance(_ bytes: UnsafeBufferPointer<UInt8>) -> Provenance? {
        func `is`(_ s: StaticString) -> Bool {
            bytes.count == s.utf8CodeUnitCount && memcmp(bytes.baseAddress!, s.utf8Start, bytes.count) == 0
        }
        return `is`("imputed") ? .imputed : `is`("reported") ? .reported : `is`("derived") ? .derived
            : provenance(String(decoding: bytes, as: UTF8.self))
    }

    /// `Double(String(decoding: bytes, as: UTF8.self))` for the plain decimals datasets hold, without the
    /// String: an optional minus, at most 15 digits in all, an optional point followed by digits. The digits
    /// make an integer below 2^53 and the divisor a power of ten below 2^53, both exact, so the one division
    /// rounds the decimal's exact value to nearest, as `strtod` does. Nil for anything else (exponents,
    /// longer numbers, `inf`, signs, spaces, text): the caller asks `Double(_:)`.
    @inline(__always)
    public static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = bytes.count
        guard n > 0, n <= 17 else { return nil }
        var i = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var w: UInt64 = 0, digits = 0, point = -1
        while i < n {
            let b = bytes[i]
            if b &- UInt8(ascii: "0") < 10 {
                w = w * 10 + UInt64(b &- UInt8(ascii: "0")); digits += 1
            } else if b == UInt8(ascii: ".") && point < 0 && digits > 0 {
                point = digits
            } else { return nil }
            i += 1
        }
        guard digits > 0, digits <= 15, point != digits else { return nil }
        let scale = point < 0 ? 0 : digits - point
        let v = scale == 0 ? Double(w) : Double(w) / powersOfTenDouble[scale]
        return negative ? -v : v
    }

    private static let powersOfTenDouble: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

    /// `s.precomposedStringWithCanonicalMapping`, skipping Foundation when `s` is already NFC: every scalar
    /// below U+0300 (Latin-1, Latin Extended-A/B, IPA, spacing modifiers) or in Latin Extended Additional
    /// (U+1E00–U+1EFF, Vietnamese letters with their tone marks) is a starter that NFC leaves alone and that
    /// never composes with another of them.
    public static func nfc(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value < 0x300 || (0x1E00...0x1EFF).contains($0.value) }) { return s }
        return s.precomposedStringWithCanonicalMapping
    }

    /// - Parameter prefetched: the folder's tables, read beforehand (`Prefetch`); ignored if for another folder.
    public static func load(folder: String, catalogue: Catalogue, prefetched: Prefetch? = nil) throws -> Dataset {
        var d = Diagnostics()
        let recipe = try DatasetRecipe.load(path: folder + "/dataset.yaml", displayName: display(folder, "dataset.yaml"))
        let read = prefetched.flatMap { $0.folder == folder ? $0.take() : nil }
        // Communes.
        let ct = try read?.communes.get() ?? CSVTable.load(path: folder + "/communes.csv", displayName: display(folder, "communes.csv"))
        try ct.expectColumns(Imputation.communeColumns)
        var communes: [Commune] = []
        var lineOf: [String: Int] = [:]
        for r in ct.rows {
            let f = r.fields
            if let first = lineOf[f[0]] {
                d.add(InputError(file: ct.file, line: r.line, key: "gso_code", "commune code \(f[0]) is already used at line \(first)"))
                continue
            }
            // (ASCII digits are numbers; any other text is asked character by character.)
            if f[0].isEmpty || !(f[0].utf8.allSatisfy { $0 &- UInt8(ascii: "0") < 10 } || f[0].allSatisfy(\.isNumber)) {
                d.add(InputError(file: ct.file, line: r.line, key: "gso_code", "'\(f[0])' is not a statistics-office code (digits)"))
            }
            // A bad field is reported once; the commune is still registered so its indicator rows are not
            // reported again as belonging to an unknown commune.
            let tier = Tier(id: f[5])
            if tier == nil { d.add(InputError(file: ct.file, line: r.line, key: "tier", "'\(f[5])' is not one of below, standard, advanced, model")) }
            // Bounds far above any commune (assumption: the largest have tens of thousands of households and a few
            // dozen hamlets), so that sums over a whole country cannot overflow.
            func count(_ text: String, _ key: String, max top: Int) -> Int? {
                guard let n = Int(text), n > 0 else {
                    d.add(InputError(file: ct.file, line: r.line, key: key, "'\(text)' is not a positive whole number")); return nil
                }
                guard n <= top else {
                    d.add(InputError(file: ct.file, line: r.line, key: key, "\(text) is out of range: at most \(top) in a commune")); return nil
                }
                return n
            }
            let hh = count(f[7], "households", max: 1_000_000), hm = count(f[8], "hamlets", max: 1_000)
            lineOf[f[0]] = r.line
            communes.append(Commune(code: f[0], name: nfc(f[1]), districtCode: f[2], district: f[3],
                                    districtKind: f[4], tier: tier ?? .below, tierSource: f[6], households: hh ?? 1, hamlets: hm ?? 1))
        }
        let ids = catalogue.indicators.map(\.id)
        let K = ids.count
        let row = Dictionary(uniqueKeysWithValues: communes.enumerated().map { ($1.code, $0) })
        // First index of each id, as `ids.firstIndex(of:)` gives.
        let column = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // Indicators: 41 rows a commune, read on the file's bytes (see `IndicatorRecords`). A large file with clean
        // records is read in two halves side by side; anything else, or anything the halves find wrong, is read
        // (again) from the start in one pass, which reports every problem in line order.
        let indicatorsFile = display(folder, "indicators.csv")
        var values = [Double](repeating: .nan, count: communes.count * K)
        var prov = [Provenance](repeating: .imputed, count: communes.count * K)
        var valueLine = [Int](repeating: 0, count: communes.count * K)
        let reader = IndicatorRecords(file: indicatorsFile, catalogue: catalogue, row: row, column: column)
        let path = folder + "/indicators.csv"
        let header = try CSVTable.withFileBytes(displayName: indicatorsFile,
                                                contents: read.map { $0.indicators } ?? FileBytes(path: path)) { bytes in
            if readInTwo(bytes, reader: reader, values: &values, provenance: &prov, lines: &valueLine) { return Imputation.indicatorColumns }
            values = [Double](repeating: .nan, count: communes.count * K)
            prov = [Provenance](repeating: .imputed, count: communes.count * K)
            valueLine = [Int](repeating: 0, count: communes.count * K)
            var reader = reader
            return try CSVTable.scan(utf8: bytes, file: indicatorsFile, header: { $0 == Imputation.indicatorColumns }) { line, f in
                let (r, errors) = reader.read(line: line, f)
                d.add(errors)
                guard let r else { return }
                let slot = r.c * K + r.k
                if valueLine[slot] != 0 {
                    d.add(InputError(file: indicatorsFile, line: line, key: f.string(1), "commune \(f.string(0)) already has a value at line \(valueLine[slot])")); return
                }
                values[slot] = r.value
                prov[slot] = r.provenance
                valueLine[slot] = line
            }
        }
        try CSVTable(file: indicatorsFile, header: header, rows: []).expectColumns(Imputation.indicatorColumns)
        for (c, commune) in communes.enumerated() {
            let missing = (0..<K).filter { valueLine[c * K + $0] == 0 }.map { ids[$0] }
            if !missing.isEmpty {
                d.add(InputError(file: indicatorsFile, line: 0, key: missing[0], "commune \(commune.code) (\(commune.name)) has no value for \(missing.joined(separator: ", "))"))
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
        // A commune's district name and kind are those districts.csv gives its district code.
        let districtOf = Dictionary(districts.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for c in communes {
            guard let dd = districtOf[c.districtCode] else { continue }
            // Bytes first (the usual case: the same spelling); Swift then compares by canonical equivalence.
            if !dd.name.utf8.elementsEqual(c.district.utf8) && dd.name != c.district {
                d.add(InputError(file: ct.file, line: lineOf[c.code] ?? 0, key: "district",
                                 "'\(c.district)', but districts.csv names district \(c.districtCode) '\(dd.name)'"))
            }
            if dd.kind != c.districtKind {
                d.add(InputError(file: ct.file, line: lineOf[c.code] ?? 0, key: "district_kind",
                                 "'\(c.districtKind)', but districts.csv gives district \(c.districtCode) the kind '\(dd.kind)'"))
            }
        }
        try d.throwIfAny()
        let names = NameMatcher(communes: communes.map { .init(code: $0.code, name: $0.name, districtCode: $0.districtCode) },
                                districts: districts.map { .init(code: $0.code, name: $0.name, districtCode: $0.code) },
                                aliases: try loadAliases(folder: folder, codes: (Set(communes.map(\.code)), districtCodes)))
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
        // dataset.yaml's counts of communes, tiers, hamlets and households are those of communes.csv (checked once
        // the tiers agree with the indicators, so that a wrong tier is reported as such).
        let counts = dataset.tierCounts()
        let have: [(String, Int)] = [("communes", communes.count), ("standard", counts[.standard]!), ("advanced", counts[.advanced]!),
                                     ("model", counts[.model]!), ("hamlets", communes.reduce(0) { $0 + $1.hamlets }),
                                     ("households", communes.reduce(0) { $0 + $1.households })]
        for (key, n) in have {
            guard let t = recipe.totals[key], t.value != Double(n) else { continue }
            d.add(InputError(file: display(folder, "dataset.yaml"), line: t.line, key: "totals.\(key)",
                             "says \(formatNumber(t.value)), but communes.csv gives \(n)"))
        }
        try d.throwIfAny()
        return dataset
    }

    /// Reads `indicators.csv` in two halves at once, when it is large (a national dataset is 13 MB), has no
    /// quoted field (a quote could hide a line break, so the halves could not be cut at one) and starts with the
    /// expected header. The file is cut at the start of the first line after its middle. The first half writes
    /// the values; the second keeps its records, added after it. False, leaving the arrays to be filled again,
    /// at the first thing that is not a clean record in either half (a wrong field count, an unknown commune or
    /// indicator, a value that is not a number or out of range, a bad provenance, a commune's second value for
    /// an indicator): the one-pass read then reports it, in its words and order. So line numbers serve only to
    /// report, and the second half counts its lines from the cut: after a clean read, `lines` only marks which
    /// values were given.
    static func readInTwo(_ bytes: UnsafeMutableBufferPointer<UInt8>, reader: IndicatorRecords, values: inout [Double],
                          provenance: inout [Provenance], lines: inout [Int]) -> Bool {
        let n = bytes.count
        let head = Array((Imputation.indicatorColumns.joined(separator: ",") + "\n").utf8)
        guard n >= 1 << 20, let p = bytes.baseAddress, firstOffset(of: UInt8(ascii: "\""), in: p, from: 0, to: n) == nil,
              memcmp(p, head, head.count) == 0,
              let cut = firstOffset(of: UInt8(ascii: "\n"), in: p, from: n / 2, to: n).map({ $0 + 1 }),
              cut < n
        else { return false }
        let first = UnsafeMutableBufferPointer(rebasing: bytes[head.count..<cut])
        let second = UnsafeMutableBufferPointer(rebasing: bytes[cut..<n])
        return values.withUnsafeMutableBufferPointer { values in provenance.withUnsafeMutableBufferPointer { provenance in
            lines.withUnsafeMutableBufferPointer { lines in
                let halves = TwoHalves(reader: reader, first: first, second: second,
                                       values: values, provenance: provenance, lines: lines)
                DispatchQueue.concurrentPerform(iterations: 2) { halves.read($0) }
                guard !halves.firstFailed, !halves.secondFailed else { return false }
                for (i, slot) in halves.slots.enumerated() {
                    if lines[slot] != 0 { return false }
                    values[slot] = halves.kept[i].value
                    provenance[slot] = halves.kept[i].provenance
                    lines[slot] = halves.kept[i].line
                }
                return true
            }
        }}
    }
}

/// The records of `indicators.csv`: each one's commune, indicator, value and provenance, or what is wrong with
/// it. A String is made of a field only where the bytes do not settle it (and for errors), so every answer is
/// the String comparison's.
struct IndicatorRecords {
    let file: String
    let catalogue: Catalogue
    let row: [String: Int], column: [String: Int]
    let ids: [String], idBytes: [[UInt8]], isFirst: [Bool], ranges: [ClosedRange<Double>]
    // Files list a commune's rows together, indicators in catalogue order: try the previous row's commune and
    // the next indicator before hashing.
    var lastCode = "", lastCodeBytes: [UInt8] = [], lastC = -1, lastK = -1

    init(file: String, catalogue: Catalogue, row: [String: Int], column: [String: Int]) {
        self.file = file; self.catalogue = catalogue; self.row = row; self.column = column
        ids = catalogue.indicators.map(\.id)
        idBytes = ids.map { Array($0.utf8) }
        isFirst = ids.indices.map { [ids] i in column[ids[i]] == i }
        ranges = catalogue.indicators.map(\.range)
    }

    /// The record on `line`, and the problems found in it (an out-of-range value is reported and still read).
    mutating func read(line: Int, _ f: CSVFields) -> (record: (c: Int, k: Int, value: Double, provenance: Provenance)?, errors: [InputError]) {
        let c: Int
        if lastC >= 0 && f.equals(0, lastCodeBytes) { c = lastC } else {
            let code = f.string(0)
            if lastC >= 0 && code == lastCode { c = lastC } else {
                guard let found = row[code] else {
                    return (nil, [InputError(file: file, line: line, key: "gso_code", "unknown commune code \(code) (not in communes.csv)")])
                }
                c = found; lastCode = code; lastCodeBytes = Array(f[0]); lastC = found
            }
        }
        let k: Int, next = lastK + 1, K = ids.count
        if next < K && isFirst[next] && f.equals(1, idBytes[next]) { k = next } else {
            let id = f.string(1)
            if next < K && isFirst[next] && ids[next] == id { k = next } else {
                guard let found = column[id] else {
                    let hint = closestMatch(to: id, in: ids).map { " (did you mean '\($0)'?)" } ?? ""
                    return (nil, [InputError(file: file, line: line, key: id, "unknown indicator\(hint)")])
                }
                k = found
            }
        }
        lastK = k
        guard let v = DatasetLoader.decimal(f[2]) ?? Double(f.string(2)), v.isFinite else {
            return (nil, [InputError(file: file, line: line, key: f.string(1), "'\(f.string(2))' is not a number")])
        }
        var errors: [InputError] = []
        if !ranges[k].contains(v) {
            let ind = catalogue.indicators[k]
            errors.append(InputError(file: file, line: line, key: f.string(1), "\(f.string(2)) is out of range; expected \(formatNumber(ind.range.lowerBound)) to \(formatNumber(ind.range.upperBound)) \(ind.unit)"))
        }
        guard let p = DatasetLoader.provenance(f[3]) else {
            errors.append(InputError(file: file, line: line, key: "provenance", "'\(f.string(3))' is not one of reported, derived, imputed"))
            return (nil, errors)
        }
        return ((c, k, v, p), errors)
    }
}

/// `DatasetLoader.readInTwo`'s two halves, read at once: the first into the arrays, the second into its own
/// list. Each half reads with its own copy of the reader (which keeps its place in the file) and touches only its
/// own bytes.
private final class TwoHalves: @unchecked Sendable {
    let reader: IndicatorRecords
    let first: UnsafeMutableBufferPointer<UInt8>, second: UnsafeMutableBufferPointer<UInt8>
    let values: UnsafeMutableBufferPointer<Double>, provenance: UnsafeMutableBufferPointer<Provenance>
    let lines: UnsafeMutableBufferPointer<Int>
    /// Set by each half's own thread only.
    var firstFailed = false, secondFailed = false
    /// The second half's records: slot (commune × K + indicator) and what goes there.
    var slots: [Int] = [], kept: [(value: Double, provenance: Provenance, line: Int)] = []

    init(reader: IndicatorRecords, first: UnsafeMutableBufferPointer<UInt8>, second: UnsafeMutableBufferPointer<UInt8>,
         values: UnsafeMutableBufferPointer<Double>, provenance: UnsafeMutableBufferPointer<Provenance>, lines: UnsafeMutableBufferPointer<Int>) {
        self.reader = reader
        self.first = first; self.second = second
        self.values = values; self.provenance = provenance; self.lines = lines
    }

    func read(_ half: Int) {
        var reader = reader, bad = false
        let K = reader.ids.count
        var slots: [Int] = [], kept: [(value: Double, provenance: Provenance, line: Int)] = []
        if half == 1 { slots.reserveCapacity(second.count / 32); kept.reserveCapacity(second.count / 32) }
        let part = half == 0 ? first : second
        let clean = Self.forEachRecord(part, firstLine: half == 0 ? 2 : 1, fields: Imputation.indicatorColumns.count) { line, f in
            let (r, errors) = reader.read(line: line, f)
            guard let r, errors.isEmpty else { return false }
            let slot = r.c * K + r.k
            if half == 0 {
                if lines[slot] != 0 { return false }
                values[slot] = r.value; provenance[slot] = r.provenance; lines[slot] = line
            } else {
                slots.append(slot); kept.append((r.value, r.provenance, line))
            }
            return true
        }
        bad = !clean
        if half == 0 { firstFailed = bad } else { secondFailed = bad; self.slots = slots; self.kept = kept }
    }

    /// The records of a part of a file with no quote in it (`readInTwo` checks), as `CSVTable.scan` reads them,
    /// found with `memchr`: a record is a line, less a CR just before its line feed (or the part's end); a blank
    /// line is no record. Calls `body` with each record and its line (the part's first line is `firstLine`)
    /// while it returns true. False when `body` does, or at a line `scan` would read otherwise or reject: one with
    /// a CR anywhere else, or without exactly `fields` fields. The one-pass read then reads the file again and
    /// reports what is wrong.
    static func forEachRecord(_ part: UnsafeMutableBufferPointer<UInt8>, firstLine: Int, fields: Int,
                              _ body: (Int, CSVFields) -> Bool) -> Bool {
        guard let p = part.baseAddress, fields > 0 else { return part.isEmpty }
        let n = part.count, comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * fields) { bounds in
            var start = 0, line = firstLine
            while start < n {
                let lineEnd = firstOffset(of: lf, in: p, from: start, to: n) ?? n
                var end = lineEnd
                if end > start && p[end - 1] == cr { end -= 1 }
                if end > start {
                    guard firstOffset(of: cr, in: p, from: start, to: end) == nil else { return false }
                    var from = start
                    for f in 0..<fields {
                        let last = f == fields - 1
                        let next = firstOffset(of: comma, in: p, from: from, to: end)
                        if last ? next != nil : next == nil { return false } // too many fields, or too few
                        let stop = next ?? end
                        bounds[2 * f] = from; bounds[2 * f + 1] = stop
                        from = stop + 1
                    }
                    guard body(line, CSVFields(base: p, bounds: UnsafeBufferPointer(bounds))) else { return false }
                }
                start = lineEnd + 1
                line += 1
            }
            return true
        }
    }
}

/// Where the first `byte` of `p[from..<to]` is (an offset from `p`), found by `memchr`; nil if there is none.
@inline(__always) private func firstOffset(of byte: UInt8, in p: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> Int? {
    memchr(p + from, Int32(byte), to - from).map { UnsafeRawPointer(p).distance(to: $0) }
}
