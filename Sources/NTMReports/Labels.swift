import NTMCatalogue

/// User-facing words, one table per language (Vietnamese by default, English with `--lang en`).
public struct Labels: Sendable {
    public let lang: Language
    public init(_ lang: Language) { self.lang = lang }

    public func tier(_ t: Tier) -> String {
        switch (t, lang) {
        case (.below, .vi): "Chưa đạt chuẩn"
        case (.standard, .vi): "Đạt chuẩn NTM"
        case (.advanced, .vi): "NTM nâng cao"
        case (.model, .vi): "NTM kiểu mẫu"
        case (.below, .en): "Below standard"
        case (.standard, .en): "Standard"
        case (.advanced, .en): "Advanced"
        case (.model, .en): "Model"
        }
    }

    public func provenance(_ p: Provenance) -> String {
        switch (p, lang) {
        case (.reported, .vi): "báo cáo"
        case (.derived, .vi): "suy ra"
        case (.imputed, .vi): "ước tính"
        case (.reported, .en): "reported"
        case (.derived, .en): "derived"
        case (.imputed, .en): "imputed"
        }
    }

    /// A phrase by key; the English is the key's meaning.
    public subscript(_ key: Key) -> String { lang == .vi ? key.vi : key.en }

    public struct Key: Sendable {
        public let vi: String
        public let en: String
        public init(_ vi: String, _ en: String) { self.vi = vi; self.en = en }
    }

    /// Numbers as the language writes them: 1.234.567,8 in Vietnamese, 1,234,567.8 in English.
    public func number(_ v: Double, decimals: Int = 0) -> String {
        let s = formatNumber(v, decimals: decimals)
        let neg = s.hasPrefix("-")
        let body = neg ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        var intPart = String(parts[0])
        var grouped = ""
        let sep = lang == .vi ? "." : ","
        while intPart.count > 3 {
            grouped = sep + intPart.suffix(3) + grouped
            intPart = String(intPart.dropLast(3))
        }
        grouped = intPart + grouped
        if parts.count > 1 { grouped += (lang == .vi ? "," : ".") + parts[1] }
        return (neg ? "-" : "") + grouped
    }
}

extension Labels.Key {
    static let baselineTitle = Labels.Key("Hiện trạng nông thôn mới", "New Rural Development baseline")
    static let dataset = Labels.Key("Bộ dữ liệu", "Dataset")
    static let baseYear = Labels.Key("Năm gốc", "Base year")
    static let district = Labels.Key("Huyện, thị xã", "District")
    static let communes = Labels.Key("Số xã", "Communes")
    static let total = Labels.Key("Toàn tỉnh", "Province")
    static let tiersByDistrict = Labels.Key("Số xã theo mức đạt chuẩn, theo huyện", "Communes by tier and district")
    static let tierNote = Labels.Key("Các mức lồng nhau: xã NTM nâng cao cũng là xã đạt chuẩn NTM; xã kiểu mẫu cũng là xã nâng cao.",
                                     "Tiers nest: an advanced commune is also standard, a model commune also advanced.")
    static let belowTable = Labels.Key("Chi tiết kết quả thực hiện Bộ tiêu chí tại các xã chưa đạt chuẩn (bố cục Phụ lục II)",
                                       "Criteria met by the communes below standard (Appendix II layout)")
    static let averageCriteria = Labels.Key("Số tiêu chí bình quân/xã", "Average criteria met per commune")
    static let indicators = Labels.Key("Chỉ tiêu toàn tỉnh so với báo cáo", "Province indicators against the report")
    static let indicator = Labels.Key("Chỉ tiêu", "Indicator")
    static let reportValue = Labels.Key("Báo cáo", "Report")
    static let datasetValue = Labels.Key("Bộ dữ liệu", "Dataset")
    static let matches = Labels.Key("Khớp", "Matches")
    static let source = Labels.Key("Nguồn", "Source")
    static let yes = Labels.Key("có", "yes")
    static let no = Labels.Key("không", "no")
    static let districtStatus = Labels.Key("Tình trạng cấp huyện", "District status")
    static let districtCriteriaMet = Labels.Key("Tiêu chí huyện đạt", "District criteria met")
    static let status = Labels.Key("Tình trạng", "Status")
    static let reference = Labels.Key("Số liệu tham khảo (không mô hình hóa theo xã)", "Reference figures (not modelled by commune)")
    static let provenanceTitle = Labels.Key("Nguồn gốc giá trị chỉ tiêu của các xã", "Where commune indicator values come from")
    static let factsTitle = Labels.Key("Đối chiếu với báo cáo", "Checked against the report")
    static let value = Labels.Key("Giá trị", "Value")
    static let provenance = Labels.Key("Nguồn gốc", "Provenance")
    static let values = Labels.Key("Số giá trị", "Values")
}

extension Labels {
    public func districtStatus(_ s: String) -> String {
        switch (s, lang) {
        case ("recognised", .vi): "Đã đạt chuẩn/hoàn thành nhiệm vụ NTM"
        case ("applied", .vi): "Đã trình công nhận"
        case ("preparing", .vi): "Đang hoàn thiện hồ sơ"
        case ("in_progress", .vi): "Đang xây dựng"
        case ("recognised", .en): "Recognised / task completed"
        case ("applied", .en): "Applied for recognition"
        case ("preparing", .en): "Preparing its file"
        case ("in_progress", .en): "In progress"
        default: s
        }
    }
}
