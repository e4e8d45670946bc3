import Foundation

/// One fact of the report set beside what the dataset gives.
public struct FactCheck: Sendable {
    public var key: String
    public var reported: String
    public var dataset: String
    public var holds: Bool
    public var source: String
}

extension Dataset {
    /// The rows of the recipe's Appendix II table, each with the index of the commune it names (nil if none).
    public func appendixRows() -> [(row: AppendixRow, commune: Int?)] {
        guard let r = recipe, let folder,
              let rows = try? AppendixRow.parseTable(path: folder + "/" + r.appendixFile, displayName: r.appendixFile) else { return [] }
        return rows.map { row in
            guard case .success(let code) = names.commune(row.commune, district: row.district) else { return (row, nil) }
            return (row, communes.firstIndex { $0.code == code })
        }
    }

    /// Compares the dataset with every fact of its recipe: tier counts, Appendix II, the average number of
    /// criteria and the province figures (to the report's rounding).
    public func factChecks(catalogue: Catalogue) -> [FactCheck] {
        guard let r = recipe else { return [] }
        var out: [FactCheck] = []
        let counts = tierCounts()
        for tier in Tier.graded {
            let want = Int(r.total(tier.id) ?? -1)
            out.append(FactCheck(key: "tier.\(tier.id)", reported: String(want), dataset: String(counts[tier]!),
                                 holds: want == counts[tier]!, source: r.totals[tier.id]?.source ?? ""))
        }
        let below = counts[.below]!, wantBelow = Int(r.total("communes")! - r.total("standard")!)
        out.append(FactCheck(key: "tier.below", reported: String(wantBelow), dataset: String(below), holds: below == wantBelow, source: "derived: communes − standard"))
        if let avg = r.totals["average_criteria"] {
            let a = averageCriteria(catalogue: catalogue)
            let dec = avg.decimals ?? 2
            let half = 0.5 * pow(10, -Double(dec))
            out.append(FactCheck(key: "average_criteria", reported: formatNumber(avg.value, decimals: dec), dataset: formatNumber(a, decimals: 4),
                                 holds: abs(a - avg.value) <= half + 1e-9, source: avg.source))
        }
        for key in ["hamlets", "households"] {
            guard let t = r.totals[key] else { continue }
            let have = communes.reduce(0) { $0 + (key == "hamlets" ? $1.hamlets : $1.households) }
            out.append(FactCheck(key: key, reported: formatNumber(t.value), dataset: String(have), holds: Double(have) == t.value, source: t.source))
        }
        if let folder, let rows = try? AppendixRow.parseTable(path: folder + "/" + r.appendixFile, displayName: r.appendixFile) {
            for row in rows {
                var holds = false, have = "no match"
                if case .success(let code) = names.commune(row.commune, district: row.district), let c = communes.firstIndex(where: { $0.code == code }) {
                    let met = criteriaMet(c, catalogue: catalogue)
                    have = "\(communes[c].name): \(met.map(String.init).joined(separator: ","))"
                    holds = met == row.met.sorted() && communes[c].tier == .below
                }
                out.append(FactCheck(key: "appendix_ii.\(row.number)", reported: "\(row.commune): \(row.met.map(String.init).joined(separator: ","))",
                                     dataset: have, holds: holds, source: "\(r.appendixSource) row \(row.number)"))
            }
        }
        for ind in catalogue.indicators {
            guard let fig = r.figures[ind.id], let k = column(ind.id) else { continue }
            let v = provinceValue(ind) ?? .nan
            switch fig.kind {
            case .mean(let target, let dec):
                let half = 0.5 * pow(10, -Double(dec))
                out.append(FactCheck(key: ind.id, reported: formatNumber(target, decimals: dec), dataset: formatNumber(v, decimals: 4),
                                     holds: abs(v - target) <= half + 1e-9, source: fig.source))
            case .count(let count, let of):
                let units = communes.indices.reduce(0.0) { $0 + value(commune: $1, indicator: k) / 100 * weight(of, commune: $1) }
                out.append(FactCheck(key: ind.id, reported: String(count), dataset: formatNumber(units, decimals: 2),
                                     holds: abs(units - Double(count)) < 0.5, source: fig.source))
            case .communesAt(let count, let value, _):
                let have = communes.indices.filter { abs(self.value(commune: $0, indicator: k) - value) < 1e-9 }.count
                out.append(FactCheck(key: ind.id, reported: "\(count) at \(formatNumber(value))", dataset: "\(have) at \(formatNumber(value))",
                                     holds: have == count, source: fig.source))
            case .total(let total, _):
                out.append(FactCheck(key: ind.id, reported: String(total), dataset: formatNumber(v), holds: abs(v - Double(total)) < 1e-9, source: fig.source))
            }
        }
        return out
    }
}
