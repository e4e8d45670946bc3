import NTMCatalogue

/// User-facing words, one table per language (Vietnamese by default, English with `--lang en`).
public struct Labels: Sendable {
    public let lang: Language
    public init(_ lang: Language) { self.lang = lang }

    /// A district's name with its kind (huyện, thị xã, thành phố: the dataset's words) in the report's language.
    public func district(_ d: District) -> String { "\(d.name) (\(districtKind(d.kind)))" }

    public func districtKind(_ kind: String) -> String {
        guard lang == .en else { return kind }
        switch kind.lowercased() {
        case "huyện": return "district"
        case "thị xã": return "town"
        case "thành phố": return "city"
        default: return kind
        }
    }

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

    /// A count, grouped by thousands as `number(_:decimals:)` groups them.
    public func number(_ n: Int) -> String { number(Double(n)) }

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

extension Labels.Key {
    // Run, compare and baseline reports.
    static let projectionTitle = Labels.Key("Kết quả mô phỏng", "Projection")
    static let whatRan = Labels.Key("Đã chạy gì", "What ran")
    static let extends = Labels.Key("kế thừa", "extends")
    static let baseYearLower = Labels.Key("năm gốc", "base year")
    static let communesLower = Labels.Key("xã", "communes")
    static let parametersOverridden = Labels.Key("{1} tham số ghi đè", "{1} parameters overridden")
    static let drawsSeed = Labels.Key("Số lần mô phỏng, hạt giống", "Draws, seed")
    static let allocationPolicy = Labels.Key("Phương án phân bổ", "Allocation policy")
    static let tiersByYear = Labels.Key("Số xã theo mức, theo năm (trung bình; khoảng P10–P90 giữa các lần mô phỏng)", "Communes by tier and year (mean; P10–P90 across draws)")
    static let tiersNestBaseYear = Labels.Key("Các mức lồng nhau: xã nâng cao cũng được tính là xã đạt chuẩn. Năm {1} là số liệu gốc.", "Tiers nest: an advanced commune also counts as standard. {1} is the dataset.")
    static let againstTargets = Labels.Key("So với mục tiêu của kịch bản", "Against the scenario's targets")
    static let tier = Labels.Key("Mức", "Tier")
    static let targetAdded = Labels.Key("Mục tiêu (thêm)", "Target (added)")
    static let districtsRecognised = Labels.Key("Huyện được công nhận đạt chuẩn (xác suất)", "Districts recognised (probability)")
    static let fundingTitle = Labels.Key("Nguồn vốn: có sẵn, cần, đã phân bổ (triệu đồng, trung bình)", "Funding: available, needed, allocated (million VND, mean)")
    static let fundingNote = Labels.Key("\"Cần\" là chi phí để mỗi xã đạt mức kế tiếp cộng duy tu, phần do nguồn này chi trả; \"Thiếu\" là phần chưa có tiền.", "\"Needed\" is what it costs each commune to reach its next tier plus upkeep, the part this source would pay; \"Gap\" is the part left unfunded.")
    // "lên mức cao nhất" would read "reach the highest tier"; the table is each commune's next tier.
    static let moversTitle = Labels.Key("Các xã có xác suất lên mức kế tiếp cao nhất đến năm {1}", "Communes most likely to move up a tier by {1}")
    static let now = Labels.Key("Hiện nay", "Now")
    static let movesTo = Labels.Key("Lên mức", "Moves to")
    static let probability = Labels.Key("Xác suất", "Probability")
    static let assumptionsNote = Labels.Key("Xác suất và khoảng tin cậy phản ánh các giả định của bộ tiêu chí và kịch bản (mỗi số có nguồn trong tệp YAML); xem communes.csv cho từng xã.", "Probabilities and bands reflect the catalogue's and the scenario's assumptions (each number's source is in its YAML file); see communes.csv for every commune.")
    static let compareTitle = Labels.Key("So sánh kịch bản (cùng số ngẫu nhiên; chênh lệch theo cặp so với `{1}`)", "Scenarios compared (common random numbers; paired differences from `{1}`)")
    static let compareNote = Labels.Key("Trong ngoặc: chênh lệch trung bình so với kịch bản đầu, và khoảng P10…P90 của chênh lệch giữa các lần mô phỏng.", "In brackets: the mean difference from the first scenario, and the P10…P90 range of the per-draw difference.")
    static let appendixNo = Labels.Key("TT", "No.")
    static let appendixCommune = Labels.Key("Tên xã", "Commune")
    static let appendixDistrict = Labels.Key("Tên huyện, thị xã", "District")
    static let appendixCount = Labels.Key("Số tiêu chí đạt", "Criteria met")
    static let appendixMet = Labels.Key("Tên tiêu chí đạt", "Criteria met (numbers)")
    static let appendixMissing = Labels.Key("Tiêu chí chưa đạt", "Criteria missing")
    static let factsMatch = Labels.Key("{1}/{2} số liệu khớp với báo cáo.", "{1} of {2} figures match the report.")
}

extension Labels.Key {
    // Allocation.
    static let allocationTitle = Labels.Key("So sánh phương án phân bổ", "Allocation policies compared")
    static let allocationIntro = Labels.Key(
        "Mỗi phương án chọn xã được cấp đủ kinh phí để lên mức kế tiếp trong từng năm. Hàm mục tiêu: số xã kỳ vọng đạt chuẩn, nâng cao, kiểu mẫu cuối mỗi năm, cộng dồn qua các năm, theo mô phỏng Monte Carlo với mỗi xã theo lộ trình cấp vốn của mình (kinh phí gói tính theo mức trung bình mô phỏng, trong giới hạn các nguồn vốn). Số xã theo năm là trung bình Monte Carlo của phương án với số tiền thực có, trên cùng bộ số ngẫu nhiên.",
        "Each policy chooses which communes get the whole package that lifts them a tier, year by year. Objective: communes expected at standard, advanced and model at the end of each year, summed over the years, from the Monte Carlo engine with each commune on its funding path (packages costed at the engine's mean spending, within the sources' limits). Communes by year are the plan's Monte Carlo means with the money there is, on the same random numbers.")
    // Not "Mục tiêu", which the reports use for the scenario's targets ("Mục tiêu (thêm)", "đạt mục tiêu").
    static let objectiveEV = Labels.Key("Hàm mục tiêu", "Objective")
    static let spent = Labels.Key("Đã chi, kể cả duy tu (triệu đồng)", "Spent incl. upkeep (million VND)")
    static let unspent = Labels.Key("Chưa chi (triệu đồng)", "Unspent (million VND)")
    static let gapToOptimum = Labels.Key("Chênh lệch so với tối ưu", "Gap to optimum")
    static let optimumProved = Labels.Key("Tối ưu (GLPK, đã chứng minh): {1}; cận trên của bài toán nới lỏng LP: {2}.", "Optimum (GLPK, proved): {1}; bound of the LP relaxation: {2}.")
    static let optimumClose = Labels.Key("Nghiệm bài toán nới lỏng LP làm tròn xuống (GLPK): {1}; cận trên LP {2}, chênh lệch không quá {4} % nên không chạy phương pháp nhánh cận.",
                                         "The LP relaxation rounded down (GLPK): {1}; LP bound {2}, within {4} % of it, so branch and bound was not run.")
    static let optimumIncumbent = Labels.Key("Nghiệm tốt nhất khi hết thời gian (GLPK): {1}; cận trên LP {2} (khoảng cách {3} %).", "Best plan when the time limit stopped GLPK: {1}; LP bound {2} (gap {3} %).")
    static let leastCostTitle = Labels.Key("Kinh phí ít nhất để đạt mục tiêu {1} đến năm {2}", "Least money to reach {1} by {2}")
    static let leastCostReached = Labels.Key("Đạt mục tiêu với xác suất {1} % (yêu cầu {2} %) trong giới hạn từng nguồn vốn.",
                                             "Reaches the target with probability {1} % (asked: {2} %) within each source's limits.")
    static let leastCostShort = Labels.Key("Không đạt được trong giới hạn các nguồn vốn: phương án chi phí thấp nhất cần thêm số tiền ở cột \"Cần thêm\", và với số tiền đó đạt mục tiêu với xác suất {1} % (yêu cầu {2} %), khi nhắm tới {4}.",
                                           "Not reachable within the sources' limits: the least-cost plan needs the money in the \"Extra\" column, and with it reaches the target with probability {1} % (asked: {2} %), aiming at {4}.")
    /// Followed by `raiseLimitNote` or `noHigherNote` (why the search stopped).
    static let leastCostUnsure = Labels.Key(
        "Phương án rẻ nhất có số xã kỳ vọng đạt mục tiêu (nhắm tới {4}); trong mô phỏng Monte Carlo nó đạt với xác suất {1} % (yêu cầu {2} %).",
        "The cheapest plan whose expected communes reach the target (aiming at {4}); in the Monte Carlo engine it reaches it with probability {1} % (asked: {2} %).")
    static let raiseLimitNote = Labels.Key("Việc tìm kiếm dừng sau {1} lần nâng mức nhắm (giới hạn của nó), nên một phương án nhắm cao hơn vẫn có thể đạt.",
                                           "The search stopped after raising the aim {1} times (its limit), so a plan aiming higher may still reach it.")
    static let noHigherNote = Labels.Key("Không phương án nào kỳ vọng được nhiều xã hơn ở các mức còn thiếu.",
                                         "No plan can expect more communes at the tiers that fell short.")
    static let extraNeeded = Labels.Key("Cần thêm", "Extra")
    // The least-cost table's money is what each source has once upkeep is paid: not the run's "Có sẵn".
    static let availableAfterUpkeep = Labels.Key("Có sẵn sau duy tu", "Available after upkeep")
    static let leastCostNote = Labels.Key("Số tiền cho các gói (triệu đồng), sau phần duy tu; chi tiết theo nguồn trong least-cost.csv. Phần cần thêm cho một hạng mục được đặt vào nguồn có nhiều tiền nhất trong các nguồn được phép chi cho hạng mục đó.",
                                          "Money for packages (million VND), after upkeep; by source in least-cost.csv. The extra for an item is put on the source that has the most money among those allowed to pay for it.")
    static let optimumFailed = Labels.Key("GLPK không giải được bài toán.", "GLPK did not solve the programme.")
    static let allocationNote = Labels.Key(
        "Kinh phí duy tu được trừ trước; phần còn lại chia cho các gói. Chi tiết từng khoản trong plan-<phương án>.csv.",
        "Upkeep is paid first; the rest goes to packages. Every amount is in plan-<policy>.csv.")
    static let noPackageNote = Labels.Key("Không cấp gói nào (chỉ chi duy tu): {1}.", "No package funded (upkeep only): {1}.")
}

extension Labels {
    /// A phrase with its placeholders {1}, {2}, … filled in order.
    public func fill(_ key: Key, _ args: String...) -> String {
        var s = self[key]
        for (i, a) in args.enumerated() { s = s.replacingOccurrences(of: "{\(i + 1)}", with: a) }
        return s
    }

    /// An allocation policy's name in the report's language (`code`: its `--policies` / scenario value; an unknown
    /// code is shown as it is).
    public func policyName(_ code: String) -> String {
        switch (code, lang) {
        case ("proportional", .vi): "Chia theo tỷ lệ nhu cầu"
        case ("equal_per_commune", .vi): "Chia đều cho các xã"
        case ("closest_to_standard", .vi): "Ưu tiên xã gần đạt chuẩn"
        case ("cost_effectiveness", .vi): "Ưu tiên hiệu quả chi phí"
        case ("optimal", .vi): "Tối ưu"
        case ("proportional", .en): "In proportion to need"
        case ("equal_per_commune", .en): "Equal share per commune"
        case ("closest_to_standard", .en): "Closest to standard first"
        case ("cost_effectiveness", .en): "Most cost-effective first"
        case ("optimal", .en): "Optimum"
        default: code
        }
    }

    /// The policy's name with its code, the value the command line and scenarios take: "Tối ưu (optimal)".
    public func policy(_ code: String) -> String {
        let name = policyName(code)
        return name == code ? code : "\(name) (\(code))"
    }

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

// Words of the HTML page, the workbook and the notebook.
extension Labels.Key {
    static let projection = Labels.Key("Kết quả mô phỏng", "Projection")
    static let year = Labels.Key("Năm", "Year")
    static let forecastFor = Labels.Key("Dự báo năm", "Forecast for")
    static let bandNote = Labels.Key("trung bình; trong ngoặc: khoảng P10–P90 giữa các lần mô phỏng",
                                     "mean; in brackets: P10–P90 across draws")
    static let contents = Labels.Key("Nội dung", "Contents")
    static let charts = Labels.Key("Biểu đồ", "Charts")
    static let tables = Labels.Key("Bảng số liệu", "Tables")
    static let tiersChart = Labels.Key("Số xã theo mức đạt chuẩn, theo năm", "Communes by tier and year")
    static let tiersChartNote = Labels.Key("Đường: trung bình giữa các lần mô phỏng; vùng tô: khoảng P10–P90 (8 trên 10 lần mô phỏng nằm trong vùng). Năm đầu là số liệu gốc. Các mức lồng nhau: xã nâng cao cũng được tính là xã đạt chuẩn.",
                                           "Lines: the mean across draws; shaded: the P10–P90 band (8 draws in 10 fall inside). The first year is the dataset. Tiers nest: an advanced commune also counts as standard.")
    static let fundingChart = Labels.Key("Nguồn vốn có sẵn và cần, theo nguồn", "Funding available and needed, by source")
    static let fundingChartNote = Labels.Key("Triệu đồng, trung bình giữa các lần mô phỏng. \"Cần\" là chi phí để mỗi xã đạt mức kế tiếp cộng duy tu, phần do nguồn này chi trả; cùng một thang đo cho mọi năm.",
                                             "Million VND, mean across draws. \"Needed\" is what it costs each commune to reach its next tier plus upkeep, the part this source would pay; one scale for every year.")
    static let available = Labels.Key("Có sẵn", "Available")
    static let needed = Labels.Key("Cần", "Needed")
    static let allocated = Labels.Key("Phân bổ", "Allocated")
    static let gap = Labels.Key("Thiếu", "Gap")
    static let millionVND = Labels.Key("triệu đồng", "million VND")
    static let criteriaMap = Labels.Key("Tiêu chí của từng xã", "Criteria by commune")
    static let criteriaMapRule = Labels.Key("Mỗi ô là một tiêu chí (cột, theo số thứ tự) của một xã (hàng) trong năm cuối của kịch bản. \"Có khả năng đạt\": mọi chỉ tiêu của tiêu chí, lấy giá trị trung bình giữa các lần mô phỏng, đạt ngưỡng chuẩn NTM của năm đó. \"Đã đạt\": có khả năng đạt và đã đạt ở năm gốc. \"Khó đạt\": các trường hợp còn lại, kể cả tiêu chí đã đạt ở năm gốc nhưng giá trị kỳ vọng xuống dưới ngưỡng. Đây là giá trị kỳ vọng, không phải xác suất: xem communes.csv cho xác suất đạt chuẩn của từng xã.",
                                            "Each cell is one criterion (column, by number) of one commune (row) in the scenario's last year. \"Likely\": every indicator of the criterion, at its mean value across draws, meets that year's standard threshold. \"Met\": likely, and already met in the base year. \"Unlikely\": all other cases, including a criterion met in the base year whose expected values fall below the threshold. These are expected values, not probabilities: communes.csv gives each commune's probability of reaching standard.")
    static let met = Labels.Key("Đã đạt", "Met")
    static let likely = Labels.Key("Có khả năng đạt", "Likely")
    static let unlikely = Labels.Key("Khó đạt", "Unlikely")
    static let criterion = Labels.Key("Tiêu chí", "Criterion")
    static let criteria = Labels.Key("Các tiêu chí", "The criteria")
    static let commune = Labels.Key("Xã", "Commune")
    static let communeCode = Labels.Key("Mã xã", "Commune code")
    static let districtsChart = Labels.Key("Xác suất huyện được công nhận đạt chuẩn NTM", "Probability each district is recognised")
    static let districtsChartNote = Labels.Key("Tỷ lệ số lần mô phỏng trong đó huyện được công nhận, theo năm.",
                                               "Share of draws in which the district is recognised, by year.")
    static let madeBy = Labels.Key("Tạo bởi", "Made by")
    static let selfContained = Labels.Key("Trang này tự chứa: không tải gì từ mạng, không cần JavaScript.",
                                          "This page is self-contained: it loads nothing from the network and needs no JavaScript.")
    static let measure = Labels.Key("Đại lượng", "Measure")
    static let statistic = Labels.Key("Thống kê", "Statistic")
    static let mean = Labels.Key("Trung bình", "Mean")
    static let fundingSource = Labels.Key("Nguồn vốn", "Funding source")
    static let item = Labels.Key("Mục", "Item")
    static let scenario = Labels.Key("Kịch bản", "Scenario")
    static let catalogue = Labels.Key("Bộ tiêu chí", "Catalogue")
    // Workbook sheet names (at most 31 characters, none of : \\ / ? * [ ]).
    static let sheetTiers = Labels.Key("Mức đạt chuẩn", "tiers")
    static let sheetFunding = Labels.Key("Nguồn vốn", "funding")
    static let sheetCommunes = Labels.Key("Xã", "communes")
    static let sheetDistricts = Labels.Key("Huyện", "districts")
    static let sheetCriteria = Labels.Key("Tiêu chí", "criteria")
    static let sheetTargets = Labels.Key("Mục tiêu", "targets")
    static let sheetRun = Labels.Key("Thông tin", "run")
    static let sheetPolicies = Labels.Key("Chính sách", "policies")
    static let sheetPlans = Labels.Key("Phương án", "plans")
    static let sheetLeastCost = Labels.Key("Chi phí thấp nhất", "least-cost")
    static let draws = Labels.Key("Số lần mô phỏng", "Draws")
    static let seed = Labels.Key("Hạt giống", "Seed")
    static let policy = Labels.Key("Phương án phân bổ", "Allocation policy")
    static let version = Labels.Key("Phiên bản", "Version")
    static let horizon = Labels.Key("Năm cuối", "Horizon")
    static let pStandard = Labels.Key("Xác suất đạt chuẩn NTM", "Probability standard")
    static let pAdvanced = Labels.Key("Xác suất NTM nâng cao", "Probability advanced")
    static let pModel = Labels.Key("Xác suất NTM kiểu mẫu", "Probability model")
    static let expectedCriteria = Labels.Key("Số tiêu chí kỳ vọng", "Expected criteria met")
    static let pRecognised = Labels.Key("Xác suất được công nhận", "Probability recognised")
    static let target = Labels.Key("Mục tiêu (thêm)", "Target (added)")
    static let forecastAdded = Labels.Key("Dự báo thêm", "Forecast added")
    static let probabilityMet = Labels.Key("Xác suất đạt mục tiêu", "Probability target met")
    static let loadData = Labels.Key("Tải dữ liệu", "Load the data")
    static let loadDataNote = Labels.Key("Các bảng CSV nằm cùng thư mục với sổ tay này. Ô dưới đây đọc chúng bằng pandas; tên cột giải thích trong README của ntm.",
                                         "The CSV tables sit in the same folder as this notebook. The cell below reads them with pandas; the README of ntm explains the columns.")
    static let note = Labels.Key("Ghi chú", "Note")
    static let notMet = Labels.Key("Chưa đạt", "Not met")
    static let tierLabel = Labels.Key("Mức đạt chuẩn", "Tier")
    static let criteriaMetMap = Labels.Key("Tiêu chí đã đạt của từng xã", "Criteria met by commune")
    static let criteriaMetRule = Labels.Key("Mỗi ô là một tiêu chí (cột, theo số thứ tự) của một xã (hàng) ở năm gốc: đạt khi mọi chỉ tiêu của tiêu chí đạt ngưỡng chuẩn NTM, theo giá trị trong bộ dữ liệu.",
                                            "Each cell is one criterion (column, by number) of one commune (row) in the base year: met when every indicator of the criterion meets its standard threshold, by the dataset's values.")
    static let criteriaMetCount = Labels.Key("Số tiêu chí đạt", "Criteria met")
    static let households = Labels.Key("Số hộ", "Households")
    static let hamlets = Labels.Key("Số ấp", "Hamlets")
    static let workbookNote = Labels.Key("Mỗi trang tính là một bảng theo dạng dài: cột đầu là đại lượng, để lọc được. Tiền tính bằng triệu đồng.",
                                         "Each sheet is one table in long layout: the first column is the measure, so it can be filtered. Money is in million VND.")
}
