import Foundation

/// Builds a dataset's commune values from the province's facts (`dataset.yaml`), deterministically.
///
/// The procedure, indicator by indicator in catalogue order:
/// 1. **Limits.** Each commune gets an interval from the indicator's range, narrowed by what its tier and
///    Appendix II say: a criterion it meets at a tier puts the indicator at or past that tier's threshold in
///    the base year (past it by `clearance` years of the indicator's noise, if the recipe asks); a criterion
///    it misses puts the indicator that carries the gap (`gaps:`) short of it.
///    Standard communes that are not advanced are given 1–4 advanced gaps, advanced communes that are not
///    model 1–2 model gaps, drawn by a hash of the commune code.
/// 2. **Profile.** A commune's starting value is the province figure (or the `typical` mean) plus a spread
///    times a normal deviate drawn from a hash of (seed, commune code, indicator): no state, no order effects.
/// 3. **Fit.** One common shift, found by bisection, moves all communes (each clamped to its interval) until
///    the weighted mean equals the province figure. Counts (poor households, hamlets with a cultural house)
///    are then made whole numbers that add up exactly (largest remainder, within the intervals).
/// 4. **Check.** The result must give back the tier counts, the criteria of Appendix II, the average criteria
///    and every province figure; otherwise nothing is written.
/// Values keep 4 decimals. A value is `reported` when the report gives it for every commune, `derived` when
/// the limits leave only one value, `imputed` otherwise.
public struct Imputation {
    public let catalogue: Catalogue
    public let recipe: DatasetRecipe
    public let folder: String

    public init(catalogue: Catalogue, recipe: DatasetRecipe, folder: String) {
        self.catalogue = catalogue
        self.recipe = recipe
        self.folder = folder
    }

    func err(_ line: Int, _ key: String, _ message: String) -> InputError {
        InputError(file: recipe.file, line: line, key: key, message)
    }

    // MARK: Deterministic draws

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func fnv(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    func uniform(_ code: String, _ key: String, _ salt: UInt64 = 0, seed: UInt64? = nil) -> Double {
        let h = Self.mix((seed ?? recipe.seed) ^ Self.mix(Self.fnv(code) ^ Self.mix(Self.fnv(key) &+ salt)))
        return (Double(h >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    func normal(_ code: String, _ key: String, seed: UInt64? = nil) -> Double {
        let u1 = uniform(code, key, 1, seed: seed), u2 = uniform(code, key, 2, seed: seed)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    // MARK: Result

    public struct Output {
        public var communes: [Commune]
        public var indicatorIDs: [String]
        public var values: [Double]
        public var provenance: [Provenance]
        public var communesCSV: String
        public var indicatorsCSV: String
    }

    // MARK: Procedure

    public func run() throws -> Output {
        let base = try loadBaseCommunes()
        let names = try loadNames(base: base)
        var communes = base
        let n = communes.count
        // Tiers.
        var metStandard = [Set<Int>](repeating: Set(catalogue.criteria.map(\.number)), count: n)
        let index = Dictionary(uniqueKeysWithValues: communes.enumerated().map { ($1.code, $0) })
        var assigned: [String: Int] = [:]
        let appendix = try AppendixRow.parseTable(path: folder + "/" + recipe.appendixFile, displayName: recipe.appendixFile)
        for row in appendix {
            guard case .success(let code) = names.commune(row.commune, district: row.district), let c = index[code] else {
                throw InputError(file: recipe.appendixFile, line: row.line, key: "Tên xã", "cannot match '\(row.commune)' (\(row.district)) to a commune")
            }
            if let prev = assigned[code] { throw InputError(file: recipe.appendixFile, line: row.line, key: "Tên xã", "'\(row.commune)' is already row \(prev)") }
            assigned[code] = row.number
            communes[c].tier = .below
            communes[c].tierSource = "\(recipe.appendixSource) row \(row.number)"
            metStandard[c] = Set(row.met)
        }
        var named = Set<String>()
        for nt in recipe.namedTiers {
            guard case .success(let code) = names.commune(nt.commune), let c = index[code] else {
                throw err(nt.line, "tiers.\(nt.tier.id)", "no commune named '\(nt.commune)'")
            }
            if assigned[code] != nil { throw err(nt.line, "tiers.\(nt.tier.id)", "'\(nt.commune)' is below standard in Appendix II") }
            if !named.insert(code).inserted { throw err(nt.line, "tiers.\(nt.tier.id)", "'\(nt.commune)' is named twice") }
            communes[c].tier = nt.tier
            communes[c].tierSource = nt.source
        }
        for c in 0..<n where communes[c].tierSource.isEmpty { communes[c].tierSource = recipe.otherStandardSource }
        try checkTierTotals(communes)
        try assignSizes(&communes)
        // Gaps at the next tier.
        var failAt = [[Int: Tier]](repeating: [:], count: n) // indicator column -> tier it must fail
        let ids = catalogue.indicators.map(\.id)
        func column(_ id: String, _ key: String) throws -> Int {
            guard let k = ids.firstIndex(of: id) else { throw err(0, key, "unknown indicator '\(id)'") }
            return k
        }
        for c in 0..<n {
            switch communes[c].tier {
            case .below:
                for crit in catalogue.criteria.map(\.number) where !metStandard[c].contains(crit) {
                    guard let g = recipe.belowGaps.indicators.first(where: { $0.criterion == crit }) else {
                        throw err(0, "gaps.below_standard", "criterion \(crit) is missed by \(communes[c].name) but no indicator carries it")
                    }
                    failAt[c][try column(g.indicator, "gaps.below_standard")] = .standard
                }
            case .standard:
                for g in try pickGaps(recipe.advancedGaps, code: communes[c].code, key: "advanced") {
                    failAt[c][try column(g, "gaps.advanced")] = .advanced
                }
            case .advanced:
                for g in try pickGaps(recipe.modelGaps, code: communes[c].code, key: "model") {
                    failAt[c][try column(g, "gaps.model")] = .model
                }
            case .model: break
            }
        }
        // Values.
        let K = ids.count
        var values = [Double](repeating: 0, count: n * K)
        var prov = [Provenance](repeating: .imputed, count: n * K)
        for (k, ind) in catalogue.indicators.enumerated() {
            var lo = [Double](repeating: ind.range.lowerBound, count: n)
            var hi = [Double](repeating: ind.range.upperBound, count: n)
            for c in 0..<n {
                for tier in Tier.graded {
                    guard let th = ind.thresholds[tier] else { continue }
                    let T = th.value(in: recipe.baseYear)
                    let mustMeet = communes[c].tier >= tier || (tier == .standard && metStandard[c].contains(ind.criterion))
                    if mustMeet {
                        // Past the threshold by the recipe's clearance (in years of noise), within the range.
                        let noise = ind.noise.value.isRelative ? ind.noise.value.value * abs(T) : ind.noise.value.value
                        let room = recipe.clearance * noise
                        if ind.direction == .higher { lo[c] = max(lo[c], min(T + room, ind.range.upperBound)) }
                        else { hi[c] = min(hi[c], max(T - room, ind.range.lowerBound)) }
                    }
                    if failAt[c][k] == tier {
                        // A commune short of a threshold is short by a varying amount, not all by the same.
                        let unitStep = ind.unit == "level" || ind.unit == "count"
                        let margin = Self.margin(ind, T) * (unitStep ? 1 : 1 + 4 * uniform(communes[c].code, ind.id + ".gap"))
                        // Never past the limit a lower tier already set: then halfway between the two.
                        if ind.direction == .higher { hi[c] = min(hi[c], T - margin < lo[c] ? (lo[c] + T) / 2 : T - margin) }
                        else { lo[c] = max(lo[c], T + margin > hi[c] ? (hi[c] + T) / 2 : T + margin) }
                    }
                }
                if lo[c] > hi[c] + 1e-9 {
                    throw err(recipe.figures[ind.id]?.line ?? 0, ind.id,
                              "\(communes[c].name) would need a value between \(formatNumber(lo[c])) and \(formatNumber(hi[c])); the catalogue's thresholds and the facts disagree")
                }
            }
            let column = try imputeIndicator(ind, k: k, communes: communes, lo: lo, hi: hi, done: values, K: K)
            // A figure that gives every commune's value is the report's only when its source is: one taken from
            // another year ("assumption: …") or worked out ("derived: …") does not make the values reported.
            let source = recipe.figures[ind.id]?.source.lowercased() ?? ""
            let published = !source.hasPrefix("assumption") && !source.hasPrefix("derived")
            for c in 0..<n {
                values[c * K + k] = column.values[c]
                prov[c * K + k] = column.reported && published ? .reported : (hi[c] - lo[c] < 1e-9 ? .derived : .imputed)
            }
        }
        let out = Output(communes: communes, indicatorIDs: ids, values: values, provenance: prov,
                         communesCSV: Self.communesCSV(communes), indicatorsCSV: Self.indicatorsCSV(communes, ids, values, prov))
        return out
    }

    /// How far a commune that misses a threshold falls short, at the least: one step of a level or count, else 2 % of
    /// the threshold or 0.05 points (assumption: small enough that a year's progress can close it, large enough to be a
    /// real shortfall); callers widen it by up to four more (assumption: shortfalls vary).
    static func margin(_ ind: Indicator, _ T: Double) -> Double {
        if ind.unit == "level" || ind.unit == "count" { return 1 }
        return max(0.02 * abs(T), 0.05)
    }

    func pickGaps(_ rule: GapRule, code: String, key: String) throws -> [String] {
        guard !rule.indicators.isEmpty else { return [] }
        let span = rule.max - rule.min + 1
        let count = min(rule.indicators.count, rule.min + Int(uniform(code, "gaps." + key) * Double(span)))
        let ranked = rule.indicators.sorted {
            uniform(code, "gap.\(key).\($0.criterion)") < uniform(code, "gap.\(key).\($1.criterion)")
        }
        return ranked.prefix(count).map(\.indicator)
    }

    func loadBaseCommunes() throws -> [Commune] {
        let t = try CSVTable.load(path: folder + "/" + recipe.communesFile, displayName: recipe.communesFile)
        try t.expectColumns(["gso_code", "commune", "district_gso_code", "district", "district_kind"])
        var seen = Set<String>()
        return try t.rows.map { row in
            let f = row.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if !seen.insert(f[0]).inserted { throw InputError(file: t.file, line: row.line, key: "gso_code", "code \(f[0]) appears twice") }
            return Commune(code: f[0], name: f[1].precomposedStringWithCanonicalMapping, districtCode: f[2], district: f[3], districtKind: f[4],
                           tier: .standard, tierSource: "", households: 0, hamlets: 0)
        }
    }

    func loadNames(base: [Commune]) throws -> NameMatcher {
        let aliases = try DatasetLoader.loadAliases(folder: folder)
        var districts: [NameMatcher.Entry] = []
        for c in base where !districts.contains(where: { $0.code == c.districtCode }) {
            districts.append(.init(code: c.districtCode, name: c.district, districtCode: c.districtCode))
        }
        return NameMatcher(communes: base.map { .init(code: $0.code, name: $0.name, districtCode: $0.districtCode) },
                           districts: districts, aliases: aliases)
    }

    func checkTierTotals(_ communes: [Commune]) throws {
        for tier in Tier.graded {
            let have = communes.filter { $0.tier >= tier }.count
            let want = Int(recipe.total(tier.id)!)
            if have != want {
                throw err(0, "totals.\(tier.id)", "the tiers named give \(have) communes at \(tier.id) or above; the report says \(want)")
            }
        }
        if communes.count != Int(recipe.total("communes")!) {
            throw err(0, "totals.communes", "\(recipe.communesFile) lists \(communes.count) communes; the report says \(Int(recipe.total("communes")!))")
        }
    }

    func assignSizes(_ communes: inout [Commune]) throws {
        let n = communes.count
        let hamletTotal = Int(recipe.total("hamlets")!), householdTotal = Int(recipe.total("households")!)
        let b = recipe.hamletBounds
        let meanH = Double(hamletTotal) / Double(n)
        let target = communes.map { meanH * (1 + b.spread * normal($0.code, "hamlets", seed: recipe.sizesSeed)) }
        let h = try Self.wholeNumbers(target, lo: Array(repeating: b.min, count: n), hi: Array(repeating: b.max, count: n),
                                      total: hamletTotal, key: "sizes.hamlets", file: recipe.file)
        let perHamlet = Double(householdTotal) / Double(hamletTotal)
        let hhTarget = communes.indices.map { Double(h[$0]) * perHamlet * (1 + recipe.householdSpread * normal(communes[$0].code, "households", seed: recipe.sizesSeed)) }
        let scale = Double(householdTotal) / hhTarget.reduce(0, +)
        // assumption: at least 100 households a commune (the smallest rural commune is far larger).
        let hh = try Self.wholeNumbers(hhTarget.map { $0 * scale }, lo: Array(repeating: 100, count: n),
                                       hi: Array(repeating: 1_000_000, count: n), total: householdTotal, key: "totals.households", file: recipe.file)
        for c in 0..<n { communes[c].hamlets = h[c]; communes[c].households = hh[c] }
    }

    /// Whole numbers near `target`, within [lo, hi], adding up to `total` (largest remainder, ties by position).
    static func wholeNumbers(_ target: [Double], lo: [Int], hi: [Int], total: Int, key: String, file: String) throws -> [Int] {
        let n = target.count
        guard lo.reduce(0, +) <= total, hi.reduce(0, +) >= total else {
            throw InputError(file: file, line: 0, key: key, "cannot make \(total) from \(n) whole numbers within their limits")
        }
        // Shift the targets so their clamped sum is the total, then round down and hand out the remainder.
        let f: (Double) -> Double = { s in (0..<n).reduce(0) { $0 + min(Double(hi[$1]), max(Double(lo[$1]), target[$1] + s)) } }
        let s = bisect(f, target: Double(total), span: Double(hi.max()! - lo.min()!) + (target.map(abs).max() ?? 0) + 1)
        let x = (0..<n).map { min(Double(hi[$0]), max(Double(lo[$0]), target[$0] + s)) }
        var u = (0..<n).map { min(hi[$0], max(lo[$0], Int(x[$0].rounded(.down)))) }
        var rest = total - u.reduce(0, +)
        let order = (0..<n).sorted { (x[$0] - x[$0].rounded(.down), -$0) > (x[$1] - x[$1].rounded(.down), -$1) }
        while rest != 0 {
            var moved = false
            for c in (rest > 0 ? order : order.reversed()) where rest != 0 {
                if rest > 0, u[c] < hi[c] { u[c] += 1; rest -= 1; moved = true }
                else if rest < 0, u[c] > lo[c] { u[c] -= 1; rest += 1; moved = true }
            }
            if !moved { throw InputError(file: file, line: 0, key: key, "cannot make \(total) within the limits") }
        }
        return u
    }

    /// The shift s for which the increasing function f(s) reaches target.
    static func bisect(_ f: (Double) -> Double, target: Double, span: Double) -> Double {
        var a = -span, b = span
        for _ in 0..<200 {
            let m = (a + b) / 2
            if f(m) < target { a = m } else { b = m }
        }
        return (a + b) / 2
    }

    struct Column { var values: [Double]; var reported: Bool }

    func imputeIndicator(_ ind: Indicator, k: Int, communes: [Commune], lo: [Double], hi: [Double], done: [Double], K: Int) throws -> Column {
        let n = communes.count
        let width = ind.range.upperBound - ind.range.lowerBound
        let figure = recipe.figures[ind.id]
        let line = figure?.line ?? 0
        func weights(_ a: Aggregate) -> [Double] {
            communes.map { a == .households ? Double($0.households) : a == .hamlets ? Double($0.hamlets) : 1 }
        }
        func fit(target: Double, spread: Double, w: [Double], lo: [Double], hi: [Double]) throws -> [Double] {
            let base = communes.map { target + spread * normal($0.code, ind.id) }
            let W = w.reduce(0, +)
            let f: (Double) -> Double = { s in (0..<n).reduce(0) { $0 + w[$1] * min(hi[$1], max(lo[$1], base[$1] + s)) } / W }
            let reach = (f(-2 * width - abs(target)), f(2 * width + abs(target)))
            guard reach.0 <= target + 1e-9, reach.1 >= target - 1e-9 else {
                throw err(line, ind.id, "the figure \(formatNumber(target)) cannot be reached: communes' limits allow \(formatNumber(reach.0)) to \(formatNumber(reach.1))")
            }
            let s = Self.bisect(f, target: target, span: 2 * width + abs(target))
            return (0..<n).map { ((min(hi[$0], max(lo[$0], base[$0] + s))) * 10_000).rounded() / 10_000 }
        }
        /// Spread of communes around the province figure, in the indicator's units (assumption, unless `spread:` in
        /// dataset.yaml says otherwise: 10 % of the figure, at most 5 % of the indicator's range).
        func spreadFor(_ target: Double) -> Double { recipe.spread[ind.id] ?? min(0.1 * abs(target), 0.05 * width) }
        switch figure?.kind {
        case .mean(let target, let decimals)?:
            guard ind.aggregate != .sum else { throw err(line, ind.id, "a summed indicator needs 'total', not 'mean'") }
            let v = try fit(target: target, spread: spreadFor(target), w: weights(ind.aggregate), lo: lo, hi: hi)
            let everyone = (target == ind.range.upperBound || target == ind.range.lowerBound)
            _ = decimals
            return Column(values: v, reported: everyone)
        case .count(let count, let of)?:
            let w = weights(of)
            let W = w.reduce(0, +)
            let share = Double(count) / W * 100
            let x = try fit(target: share, spread: spreadFor(share), w: w, lo: lo, hi: hi)
            let target = (0..<n).map { x[$0] * w[$0] / 100 }
            let ulo = (0..<n).map { Int((lo[$0] * w[$0] / 100 - 1e-9).rounded(.up)) }
            let uhi = (0..<n).map { Int((hi[$0] * w[$0] / 100 + 1e-9).rounded(.down)) }
            let u = try Self.wholeNumbers(target, lo: ulo, hi: uhi, total: count, key: ind.id, file: recipe.file)
            return Column(values: (0..<n).map { (Double(u[$0]) / w[$0] * 100 * 10_000).rounded() / 10_000 }, reported: false)
        case .communesAt(let count, let value, let others)?:
            let must = (0..<n).filter { lo[$0] >= value - 1e-9 }
            let cannot = Set((0..<n).filter { hi[$0] < value - 1e-9 })
            if must.contains(where: { lo[$0] > value + 1e-9 }) { throw err(line, ind.id, "a commune needs more than \(formatNumber(value))") }
            guard must.count <= count, n - cannot.count >= count else {
                throw err(line, ind.id, "\(must.count) communes must be at \(formatNumber(value)) and \(cannot.count) cannot be; \(count) cannot be met")
            }
            let free = (0..<n).filter { !must.contains($0) && !cannot.contains($0) }
                .sorted { uniform(communes[$0].code, ind.id + ".at") < uniform(communes[$1].code, ind.id + ".at") }
            let high = Set(must + free.prefix(count - must.count))
            var v = [Double](repeating: value, count: n)
            let step = Self.margin(ind, value)
            let lowSet = (0..<n).filter { !high.contains($0) }
            if let o = others {
                for c in lowSet {
                    guard o >= lo[c] - 1e-9, o <= hi[c] + 1e-9 else { throw err(line, ind.id, "\(communes[c].name) cannot take the value \(formatNumber(o))") }
                    v[c] = o
                }
            } else if !lowSet.isEmpty {
                guard let t = recipe.typical[ind.id] else { throw err(line, ind.id, "the communes not at \(formatNumber(value)) need a typical value under 'typical:'") }
                let sublo = lowSet.map { lo[$0] }, subhi = lowSet.map { min(hi[$0], value - step) }
                let base = lowSet.map { t.mean * (1 + t.spread * normal(communes[$0].code, ind.id)) }
                let f: (Double) -> Double = { s in (0..<lowSet.count).reduce(0) { $0 + min(subhi[$1], max(sublo[$1], base[$1] + s)) } / Double(lowSet.count) }
                let s = Self.bisect(f, target: t.mean, span: 2 * width)
                for (i, c) in lowSet.enumerated() { v[c] = (min(subhi[i], max(sublo[i], base[i] + s)) * 10_000).rounded() / 10_000 }
            }
            return Column(values: v, reported: count == n)
        case .total(let total, let atMost)?:
            var ihi = hi.map { Int($0.rounded(.down)) }
            if let cap = atMost {
                guard let kc = recipe.figures.keys.contains(cap) ? catalogue.indicators.firstIndex(where: { $0.id == cap }) : nil, kc < k else {
                    throw err(line, ind.id, "'at_most: \(cap)' must name an indicator with a figure listed before this one")
                }
                for c in 0..<n { ihi[c] = min(ihi[c], Int(done[c * K + kc])) }
            }
            let mean = Double(total) / Double(n)
            // assumption: counts per commune (markets, cooperatives…) spread ±50 % around the mean.
            let target = communes.map { max(0, mean * (1 + 0.5 * normal($0.code, ind.id))) }
            let u = try Self.wholeNumbers(target, lo: lo.map { Int($0.rounded(.up)) }, hi: ihi, total: total, key: ind.id, file: recipe.file)
            return Column(values: u.map(Double.init), reported: false)
        case nil:
            if let t = recipe.typical[ind.id] {
                return Column(values: try fit(target: t.mean, spread: t.spread * abs(t.mean), w: weights(ind.aggregate == .sum ? .communes : ind.aggregate), lo: lo, hi: hi), reported: false)
            }
            if (0..<n).allSatisfy({ hi[$0] - lo[$0] < 1e-9 }) { return Column(values: lo, reported: false) }
            throw err(0, ind.id, "indicator '\(ind.id)' has neither a province figure nor a typical value, and the facts do not fix it")
        }
    }

    // MARK: Files

    public static let communeColumns = ["gso_code", "commune", "district_gso_code", "district", "district_kind", "tier", "tier_source", "households", "hamlets"]
    public static let indicatorColumns = ["gso_code", "indicator", "value", "provenance"]

    static func communesCSV(_ communes: [Commune]) -> String {
        var w = CSVWriter(header: communeColumns)
        for c in communes {
            w.row([c.code, c.name, c.districtCode, c.district, c.districtKind, c.tier.id, c.tierSource, String(c.households), String(c.hamlets)])
        }
        return w.text
    }

    static func indicatorsCSV(_ communes: [Commune], _ ids: [String], _ values: [Double], _ prov: [Provenance]) -> String {
        var w = CSVWriter(header: indicatorColumns)
        for (c, commune) in communes.enumerated() {
            for (k, id) in ids.enumerated() {
                w.row([commune.code, id, formatNumber(values[c * ids.count + k]), prov[c * ids.count + k].rawValue])
            }
        }
        return w.text
    }
}
