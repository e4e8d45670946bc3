import Foundation
import NTMCatalogue
import NTMEngine

/// `ntm run`: what a projection says, as files a planner can read (summary.md) and load (CSV).
public struct RunReport {
    public let result: ProjectionResult
    public let labels: Labels
    public let version: String

    public init(result: ProjectionResult, lang: Language, version: String) {
        self.result = result
        labels = Labels(lang)
        self.version = version
    }

    var model: Model { result.model }

    public func files() -> [(name: String, content: String)] {
        [("summary.md", summary()), ("tiers.csv", tiersCSV()), ("communes.csv", communesCSV()),
         ("funding.csv", fundingCSV()), ("districts.csv", districtsCSV())]
    }

    static func n(_ v: Double, _ d: Int = 4) -> String { formatNumber(v, decimals: d) }

    public func tiersCSV() -> String {
        var w = CSVWriter(header: ["year", "stat", "standard", "advanced", "model", "below", "avg_criteria"])
        for (yi, year) in result.years.enumerated() {
            let s = (0..<5).map { result.summary(year: yi, field: $0) }
            for (stat, pick) in [("mean", { (x: ProjectionResult.Summary) in x.mean }), ("p10", { $0.p10 }), ("p50", { $0.p50 }), ("p90", { $0.p90 })] {
                w.row([String(year), stat] + s.map { Self.n(pick($0)) })
            }
        }
        return w.text
    }

    public func communesCSV() -> String {
        var w = CSVWriter(header: ["year", "gso_code", "commune", "district", "p_standard", "p_advanced", "p_model", "expected_criteria"])
        for (yi, year) in result.years.enumerated() {
            for (c, m) in model.dataset.communes.enumerated() {
                let v = result.communes[yi][c]
                w.row([String(year), m.code, m.name, m.district, Self.n(v[0]), Self.n(v[1]), Self.n(v[2]), Self.n(v[3])])
            }
        }
        return w.text
    }

    public func fundingCSV() -> String {
        var w = CSVWriter(header: ["year", "source", "available", "needed", "allocated", "gap"])
        for (yi, year) in model.years.enumerated() {
            for (s, id) in model.sourceIDs.enumerated() {
                let f = result.funding[yi][s]
                w.row([String(year), id, Self.n(f[0], 1), Self.n(f[1], 1), Self.n(f[2], 1), Self.n(f[3], 1)])
            }
        }
        return w.text
    }

    public func districtsCSV() -> String {
        var w = CSVWriter(header: ["year", "district", "p_recognised"])
        for (yi, year) in result.years.enumerated() {
            for (i, d) in model.dataset.districts.enumerated() { w.row([String(year), d.name, Self.n(result.districts[yi][i])]) }
        }
        return w.text
    }

    func pct(_ p: Double) -> String { labels.number(100 * p, decimals: 0) + " %" }

    public func summary() -> String {
        let L = labels, vi = L.lang == .vi
        let sc = model.scenario
        var s = "# \(vi ? "Kết quả mô phỏng" : "Projection"): \(sc.name)\n\n"
        if !sc.description.isEmpty { s += "\(sc.description)\n\n" }
        s += vi ? "## Đã chạy gì\n\n" : "## What ran\n\n"
        let rows: [(String, String)] = [
            (vi ? "Kịch bản" : "Scenario", "`\(sc.file)`" + (sc.chain.count > 1 ? " (\(vi ? "kế thừa" : "extends") \(sc.chain.dropFirst().map { "`\(($0 as NSString).lastPathComponent)`" }.joined(separator: ", ")))" : "")),
            (vi ? "Bộ dữ liệu" : "Dataset", "`\(model.dataset.name)` (\(model.dataset.province), \(vi ? "năm gốc" : "base year") \(model.baseYear), \(model.C) \(vi ? "xã" : "communes"))"),
            (vi ? "Bộ tiêu chí" : "Catalogue", model.catalogue.name + (sc.overrides.isEmpty ? "" : vi ? " (\(sc.overrides.count) tham số ghi đè)" : " (\(sc.overrides.count) parameters overridden)")),
            (vi ? "Số lần mô phỏng, hạt giống" : "Draws, seed", "\(sc.draws), \(sc.seed)"),
            (vi ? "Chính sách phân bổ" : "Allocation policy", sc.policy),
            (vi ? "Phiên bản" : "Version", "ntm \(version)"),
        ]
        var t = MarkdownTable([vi ? "Mục" : "Item", vi ? "Giá trị" : "Value"])
        for r in rows { t.add([r.0, r.1]) }
        s += t.text + "\n"
        // Tier counts.
        s += vi ? "## Số xã theo mức, theo năm (trung bình; khoảng P10–P90 giữa các lần mô phỏng)\n\n"
                : "## Communes by tier and year (mean; P10–P90 across draws)\n\n"
        let tierNames = [L.tier(.standard), L.tier(.advanced), L.tier(.model), L.tier(.below), L[.averageCriteria]]
        var tt = MarkdownTable([vi ? "Năm" : "Year"] + tierNames, rightAligned: Set(1...5))
        for (yi, year) in result.years.enumerated() {
            var row = [String(year)]
            for f in 0..<5 {
                let x = result.summary(year: yi, field: f)
                let d = f == 4 ? 3 : 1
                row.append(yi == 0 ? L.number(x.mean, decimals: d) : "\(L.number(x.mean, decimals: d)) (\(L.number(x.p10, decimals: d))–\(L.number(x.p90, decimals: d)))")
            }
            tt.add(row)
        }
        s += tt.text + "\n"
        s += vi ? "Các mức lồng nhau: xã nâng cao cũng được tính là xã đạt chuẩn. Năm \(model.baseYear) là số liệu gốc.\n\n"
                : "Tiers nest: an advanced commune also counts as standard. \(model.baseYear) is the dataset.\n\n"
        // Targets.
        if !sc.targets.isEmpty {
            s += vi ? "## So với mục tiêu của kịch bản\n\n" : "## Against the scenario's targets\n\n"
            var tg = MarkdownTable([vi ? "Năm" : "Year", vi ? "Mức" : "Tier", vi ? "Mục tiêu (thêm)" : "Target (added)",
                                    vi ? "Dự báo thêm (P10–P90)" : "Forecast added (P10–P90)", vi ? "Xác suất đạt" : "Probability met"], rightAligned: [2, 3, 4])
            for year in sc.targets.keys.sorted() {
                guard let yi = result.years.firstIndex(of: year), yi > 0 else { continue }
                for (f, tier) in [(0, Tier.standard), (1, .advanced), (2, .model)] {
                    guard let want = sc.targets[year]?[tier] else { continue }
                    let added = result.perDraw[yi].indices.map { result.perDraw[yi][$0][f] - result.perDraw[yi - 1][$0][f] }.sorted()
                    let p = Double(added.filter { $0 >= Double(want) }.count) / Double(added.count)
                    let mean = added.reduce(0, +) / Double(added.count)
                    tg.add([String(year), L.tier(tier), "+\(want)",
                            "+\(L.number(mean, decimals: 1)) (\(L.number(ProjectionResult.quantile(added, 0.1), decimals: 0))–\(L.number(ProjectionResult.quantile(added, 0.9), decimals: 0)))", pct(p)])
                }
            }
            s += tg.text + "\n"
            if let src = sc.targetSource { s += "\(L[.source]): \(src)\n\n" }
        }
        // Districts.
        s += vi ? "## Huyện được công nhận đạt chuẩn (xác suất)\n\n" : "## Districts recognised (probability)\n\n"
        var dt = MarkdownTable([L[.district]] + result.years.map(String.init), rightAligned: Set(1...result.years.count))
        for (i, d) in model.dataset.districts.enumerated() {
            dt.add(["\(d.name) (\(d.kind))"] + result.years.indices.map { pct(result.districts[$0][i]) })
        }
        s += dt.text + "\n"
        // Funding.
        s += vi ? "## Nguồn vốn: có sẵn, cần, đã phân bổ (triệu đồng, trung bình)\n\n"
                : "## Funding: available, needed, allocated (million VND, mean)\n\n"
        var ft = MarkdownTable([vi ? "Năm" : "Year", vi ? "Nguồn" : "Source", vi ? "Có sẵn" : "Available", vi ? "Cần" : "Needed",
                                vi ? "Phân bổ" : "Allocated", vi ? "Thiếu" : "Gap"], rightAligned: [2, 3, 4, 5])
        for (yi, year) in model.years.enumerated() {
            var tot = [0.0, 0, 0, 0]
            for (si, src) in model.catalogue.sources.enumerated() {
                let f = result.funding[yi][si]
                for i in 0..<4 { tot[i] += f[i] }
                ft.add([String(year), src.name(L.lang)] + f.map { L.number($0) })
            }
            ft.add([String(year), "**\(L[.total])**"] + tot.map { "**\(L.number($0))**" })
        }
        s += ft.text + "\n"
        s += vi ? "\"Cần\" là chi phí để mỗi xã đạt mức kế tiếp cộng duy tu, phần do nguồn này chi trả; \"Thiếu\" là phần chưa có tiền.\n\n"
                : "\"Needed\" is what it costs each commune to reach its next tier plus upkeep, the part this source would pay; \"Gap\" is the part left unfunded.\n\n"
        // Communes most likely to change tier.
        let last = result.years.count - 1
        s += vi ? "## Các xã có khả năng lên mức cao nhất đến năm \(result.years[last])\n\n"
                : "## Communes most likely to move up by \(result.years[last])\n\n"
        var movers: [(c: Int, tier: Tier, p: Double)] = []
        for (c, m) in model.dataset.communes.enumerated() where m.tier < .model {
            let next = Tier(rawValue: m.tier.rawValue + 1)!
            movers.append((c, next, result.communes[last][c][next.rawValue - 1]))
        }
        movers.sort { ($0.p, -$0.c) > ($1.p, -$1.c) }
        var mt = MarkdownTable([vi ? "Xã" : "Commune", L[.district], vi ? "Hiện nay" : "Now", vi ? "Lên mức" : "Moves to",
                                vi ? "Xác suất" : "Probability", vi ? "Số tiêu chí kỳ vọng" : "Expected criteria"], rightAligned: [4, 5])
        for mv in movers.prefix(15) {
            let m = model.dataset.communes[mv.c]
            mt.add([m.name, m.district, L.tier(m.tier), L.tier(mv.tier), pct(mv.p), L.number(result.communes[last][mv.c][3], decimals: 1)])
        }
        s += mt.text + "\n"
        s += vi ? "Xác suất và khoảng tin cậy phản ánh các giả định của bộ tiêu chí và kịch bản (mỗi số có nguồn trong tệp YAML); xem communes.csv cho từng xã.\n"
                : "Probabilities and bands reflect the catalogue's and the scenario's assumptions (each number's source is in its YAML file); see communes.csv for every commune.\n"
        return s
    }
}
