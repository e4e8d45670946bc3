import NTMCatalogue

// Words of `ntm propose`: the headers of the report's Appendix II and III and what surrounds them.
extension Labels.Key {
    static let proposalTitle = Labels.Key("Dự thảo mục tiêu xây dựng nông thôn mới năm {1}", "Draft New Rural Development targets for {1}")
    static let proposalIntro = Labels.Key(
        "Kịch bản `{1}`, phương án phân bổ {2}, {3} lần mô phỏng. Xã được cấp gói và kinh phí theo phương án; mức và tiêu chí mỗi xã phấn đấu đạt theo mô hình kỳ vọng (không nhiễu, được công nhận ngay khi đạt đủ tiêu chí); xác suất là tỷ lệ số lần mô phỏng Monte Carlo trong đó xã đạt mức đề xuất đến cuối năm. Kinh phí mỗi gói: số tiền trung bình mô phỏng Monte Carlo chi cho gói, tính bằng triệu đồng, không kể duy tu.",
        "Scenario `{1}`, allocation policy {2}, {3} draws. Communes funded and their money as the plan has them; the tier and criteria each works towards from the expected-value model (no noise, recognised as soon as every criterion is met); a probability is the share of Monte Carlo draws in which the commune is at its proposed tier by the end of the year. A package's cost is the mean the Monte Carlo engine spends on it, in million VND, upkeep excluded.")
    static let proposalAgainstTargets = Labels.Key("So với mục tiêu của kịch bản", "Against the scenario's targets")
    static let proposalNoTargets = Labels.Key("Kịch bản không đặt mục tiêu cho năm {1}.", "The scenario sets no target for {1}.")
    static let proposalTargetNote = Labels.Key(
        "\"Đạt\" khi xác suất đạt mục tiêu từ {1} % trở lên.", "\"Met\" when the probability of reaching the target is at least {1} %.")
    static let jointProbability = Labels.Key("Xác suất đạt cùng lúc mọi mục tiêu năm {1}: {2} %.", "Probability of reaching every target of {1} at once: {2} %.")
    static let seeFundingPlan = Labels.Key("Kinh phí ít nhất để đạt mục tiêu, theo nguồn: xem funding-plan.md.",
                                           "The least money that would reach the targets, by source: see funding-plan.md.")
    static let seeBelow = Labels.Key("Kinh phí ít nhất để đạt mục tiêu, theo nguồn: xem bên dưới.",
                                     "The least money that would reach the targets, by source: see below.")
    static let proposalCounts = Labels.Key("Số xã đề xuất", "Communes proposed")
    static let proposedInYear = Labels.Key("Xã được cấp gói để đạt trong năm (phương án)", "Funded to reach it in the year (plan)")
    static let againCount = Labels.Key("{1} (thêm {2} xã °)", "{1} (+{2} °)")
    static let cumulativeEnd = Labels.Key("Lũy kế cuối năm nếu mọi xã được cấp gói đều đạt (phương án)", "Total at year end if every funded commune gets there (plan)")
    static let addedMC = Labels.Key("Thêm trong năm (trung bình mô phỏng)", "Added in the year (mean of draws)")
    static let cumulativeMC = Labels.Key("Lũy kế cuối năm (trung bình mô phỏng)", "Total at year end (mean of draws)")
    static let draftTarget = Labels.Key("Mục tiêu dự thảo (thêm, đạt với xác suất ≥ {1} %)", "Draft target (added, reached with ≥ {1} % probability)")
    static let draftTargetNote = Labels.Key(
        "Số xã thêm trong mô phỏng khác số xã được cấp gói: không phải xã nào được cấp gói cũng đạt trong năm (chỉ tiêu biến động, việc công nhận có xác suất), xã được cấp gói năm trước có thể đạt trong năm nay, và xã không được cấp gói vẫn có thể đạt nhờ xu hướng của chỉ tiêu. \"Mục tiêu dự thảo\" là số xã thêm nhiều nhất mà phương án đạt được trong ít nhất {1} % số lần mô phỏng: con số đề nghị đưa vào kế hoạch của năm.",
        "The draws add a different number of communes from the number the plan funds: not every funded commune reaches its tier within the year (indicators vary, recognition is uncertain), a commune funded the year before may reach it this year, and a commune not funded may reach it on the indicators' trend. The \"draft target\" is the most communes added that the plan reaches in at least {1} % of the draws: the figure to put in the year's plan.")
    static let sectionStandard = Labels.Key("I. Xã phấn đấu đạt chuẩn nông thôn mới (bố cục Phụ lục II)",
                                            "I. Communes working towards standard (Appendix II layout)")
    static let sectionAdvanced = Labels.Key("II. Xã phấn đấu đạt chuẩn nông thôn mới nâng cao",
                                            "II. Communes working towards advanced")
    static let sectionModel = Labels.Key("III. Xã phấn đấu đạt chuẩn nông thôn mới kiểu mẫu",
                                         "III. Communes working towards model")
    static let sectionDistricts = Labels.Key("IV. Huyện, thị xã đề xuất công nhận đạt chuẩn nông thôn mới",
                                             "IV. Districts proposed for recognition")
    static let criteriaAtStandard = Labels.Key("Tiêu chí tính theo ngưỡng xã đạt chuẩn của năm. Xã in đậm: đề xuất đạt chuẩn trong năm.",
                                               "Criteria counted at the year's standard thresholds. Communes in bold: proposed to reach standard in the year.")
    static let criteriaAtAdvanced = Labels.Key("Tiêu chí tính theo ngưỡng nâng cao. Xã in đậm: đề xuất đạt trong năm; các xã khác được cấp kinh phí nhưng chưa đạt.",
                                               "Criteria counted at the advanced thresholds. Communes in bold: proposed in the year; the others are funded but not yet there.")
    static let criteriaAtModel = Labels.Key("Tiêu chí tính theo ngưỡng kiểu mẫu. Xã in đậm: đề xuất đạt trong năm; xã đánh dấu °: đã đạt NTM kiểu mẫu theo phương án, được cấp kinh phí lại; các xã khác được cấp kinh phí nhưng chưa đạt.",
                                            "Criteria counted at the model thresholds. Communes in bold: proposed in the year; marked °: already model in the plan, funded again; the others are funded but not yet there.")
    static let noCommunes = Labels.Key("Không có xã nào.", "None.")
    static let planHeader = Labels.Key("Kế hoạch phấn đấu đến cuối năm {1}", "Plan to the end of {1}")
    static let planCount = Labels.Key("Số TC", "No. of criteria")
    static let planNames = Labels.Key("Tên tiêu chí phấn đấu đạt", "Criteria to reach")
    static let planCumulative = Labels.Key("Lũy kế", "Cumulative")
    static let successProbability = Labels.Key("Xác suất đạt", "Probability")
    static let cost = Labels.Key("Kinh phí (triệu đồng)", "Cost (million VND)")
    static let fundedShare = Labels.Key("Tỷ lệ kinh phí được cấp (mô phỏng)", "Funded share (draws)")
    static let fundedShareNote = Labels.Key(
        "\"Tỷ lệ kinh phí được cấp (mô phỏng)\": số tiền trung bình xã nhận được trong mô phỏng Monte Carlo so với kinh phí của gói: năm đầu của kế hoạch là 100 % (mọi lần mô phỏng bắt đầu từ cùng giá trị); dưới 100 % khi ở một số lần mô phỏng nguồn vốn đã hết trước khi đến lượt xã (xã được cấp theo thứ tự danh sách).",
        "\"Funded share (draws)\": the mean money the commune received in the Monte Carlo engine against its package's cost: 100 % in the plan's first year (every draw starts from the same values); below 100 % when, in some draws, a source was spent before the commune's turn (communes are funded in list order).")
    static let againNote = Labels.Key(
        "°: đã đạt NTM kiểu mẫu theo phương án từ đầu năm, nhưng phải đạt lại ngưỡng tăng của năm (cột \"Tiêu chí phải nâng\") hoặc chưa đạt trong một số lần mô phỏng; phương án tiếp tục cấp kinh phí. Kinh phí là mức trung bình trên mọi lần mô phỏng, kể cả những lần không cần chi. Không tính vào cột \"Xã được cấp gói để đạt trong năm\" của bảng số xã.",
        "°: already model in the plan at the start of the year, but it must meet a threshold that rises in the year (\"Criteria to raise\") or is not model in some draws; the plan funds it again. Its cost is the mean over all draws, including those that need nothing. Not counted in \"Funded to reach it in the year\" of the counts table.")
    static let startTier = Labels.Key("Mức đầu năm", "Tier at the start")
    static let aimTier = Labels.Key("Mức phấn đấu", "Aiming at")
    static let lostCriteria = Labels.Key("Tiêu chí có thể mất (ngưỡng tăng)", "Criteria at risk (rising threshold)")
    static let costByCriterion = Labels.Key("Kinh phí theo tiêu chí", "Cost by criterion")
    static let costByCriterionNote = Labels.Key(
        "\"Kinh phí theo tiêu chí\": phần kinh phí của gói chi cho từng tiêu chí; có thể gồm tiêu chí đã đạt đầu năm (ngưỡng của năm tăng, hoặc ở một số lần mô phỏng chỉ tiêu giảm xuống dưới ngưỡng).",
        "\"Cost by criterion\": the package's money by criterion; it can include criteria met at the start (the year's threshold rises, or in some draws an indicator falls back below it).")
    static let fundedAgain = Labels.Key("Cấp lại (°)", "Funded again (°)")
    static let raisedCriteria = Labels.Key("Tiêu chí phải nâng (ngưỡng tăng)", "Criteria to raise (rising threshold)")
    static let raisedNote = Labels.Key("Cột \"Tiêu chí phải nâng\": tiêu chí đạt đầu năm theo ngưỡng năm trước nhưng chưa đạt ngưỡng của năm (ngưỡng tăng); phương án cấp kinh phí để đạt lại, và tiêu chí vẫn được tính trong Lũy kế.",
                                       "\"Criteria to raise\": met at the start at the year before's threshold but short of this year's (the threshold rises); the plan funds them to meet it again, and they still count in Cumulative.")
    static let lostNote = Labels.Key("Cột \"Tiêu chí có thể mất\": tiêu chí đạt đầu năm nhưng không giữ được đến cuối năm theo phương án (ngưỡng của năm tăng); Lũy kế = Số tiêu chí đạt + Số TC − số tiêu chí có thể mất.",
                                     "\"Criteria at risk\": met at the start of the year but not kept to its end under the plan (the year's threshold rises); Cumulative = criteria met + criteria to reach − criteria at risk.")
    static let expectedCriteriaMC = Labels.Key("Số TC chuẩn kỳ vọng (mô phỏng)", "Expected standard criteria (draws)")
    static let districtProposed = Labels.Key("Đề xuất công nhận", "Proposed")
    static let communesStillBelow = Labels.Key("Xã chưa đạt chuẩn cuối năm", "Communes still below standard at year end")
    static let districtCriteriaMissing = Labels.Key("Tiêu chí huyện chưa đạt (năm gốc)", "District criteria not met (base year)")
    static let districtsNote = Labels.Key(
        "Huyện được đề xuất khi mọi xã đạt chuẩn đến cuối năm theo phương án; còn phải hoàn thành các tiêu chí huyện chưa đạt (Quyết định 320/QĐ-TTg). Xác suất: tỷ lệ số lần mô phỏng trong đó huyện được công nhận đến cuối năm. Huyện đã được đề xuất ở năm trước của phương án không nhắc lại.",
        "A district is proposed when all its communes are standard by the end of the year under the plan; it must still complete the district criteria it lacks (Decision 320/QĐ-TTg). Probability: the share of draws in which it is recognised by the end of the year. A district proposed in an earlier year of the plan is not listed again.")
    static let allRecognised = Labels.Key("Mọi huyện, thị xã đã được công nhận.", "Every district is recognised.")
    static let outcome = Labels.Key("Kết quả", "Outcome")
    static let targetMet = Labels.Key("Đạt", "Met")
    static let targetShort = Labels.Key("Thiếu", "Short")
    static let proposedAdded = Labels.Key("Phương án (thêm, nếu mọi xã được cấp gói đều đạt)", "Plan (added, if every funded commune gets there)")
    static let meanAdded = Labels.Key("Trung bình mô phỏng (thêm)", "Mean of draws (added)")

    // Funding plan (Appendix III).
    static let fundingPlanTitle = Labels.Key("Kế hoạch huy động nguồn lực thực hiện Chương trình năm {1}",
                                             "Resources to mobilise for the programme, {1}")
    static let fundingPlanIntro = Labels.Key(
        "Kịch bản `{1}`, phương án phân bổ {2}. \"Nguồn vốn dự kiến\": số tiền của kịch bản (mỗi số có nguồn trong tệp kịch bản). \"Kế hoạch sử dụng\": duy tu (trừ trước) cộng đầu tư cho các xã được cấp gói; phần còn lại phương án không sử dụng (cột \"Chưa sử dụng\" trong funding-plan.csv).",
        "Scenario `{1}`, allocation policy {2}. \"Expected\": the scenario's money (each amount's source is in the scenario file). \"Planned use\": upkeep (paid first) plus investment in the communes the plan funds; the rest is not used by the plan (\"Unused\" in funding-plan.csv).")
    static let unitMillion = Labels.Key("Đơn vị tính: triệu đồng", "Unit: million VND")
    static let appendixSTT = Labels.Key("STT", "No.")
    static let appendixItem = Labels.Key("Nội dung chỉ tiêu", "Item")
    static let grandTotal = Labels.Key("TỔNG SỐ", "TOTAL")
    static let expectedIn = Labels.Key("Nguồn vốn dự kiến năm {1}", "Expected {1}")
    static let plannedIn = Labels.Key("Kế hoạch sử dụng năm {1}", "Planned use {1}")
    static let upkeepIn = Labels.Key("Duy tu năm {1}", "Upkeep {1}")
    static let packagesIn = Labels.Key("Đầu tư cho các xã đề xuất năm {1}", "Investment in proposed communes {1}")
    static let unused = Labels.Key("Chưa sử dụng", "Unused")
    static let expectedMoney = Labels.Key("Nguồn vốn dự kiến", "Expected")
    static let upkeep = Labels.Key("Duy tu", "Upkeep")
    static let packages = Labels.Key("Đầu tư cho các xã đề xuất", "Investment in proposed communes")
    static let plannedUse = Labels.Key("Kế hoạch sử dụng", "Planned use")
    static let leastCostFor = Labels.Key("Phương án chi phí thấp nhất (mục tiêu {1})", "Least-cost plan (targets of {1})")
    static let extraFor = Labels.Key("Cần thêm (mục tiêu {1})", "Extra (targets of {1})")
    static let planSplit = Labels.Key("Kế hoạch sử dụng: duy tu và đầu tư cho các xã đề xuất", "Planned use: upkeep and investment in the communes proposed")
    static let shortfallTitle = Labels.Key("Kinh phí ít nhất để đạt mục tiêu {1} đến năm {2}", "Least money to reach {1} by {2}")
    static let shortfallReachable = Labels.Key(
        "Phương án đã chọn đạt mọi mục tiêu với xác suất {3} %, thấp hơn mức yêu cầu. Phương án chi phí thấp nhất đạt mục tiêu trong giới hạn từng nguồn vốn, với xác suất {1} % (yêu cầu {2} %): chỉ cần phân bổ lại, không cần thêm tiền.",
        "The chosen plan reaches every target with probability {3} %, below what was asked. The least-cost plan reaches them within each source's limits, with probability {1} % (asked: {2} %): it takes a re-allocation, no extra money.")
    static let shortfallExtra = Labels.Key(
        "Phương án đã chọn đạt mọi mục tiêu với xác suất {3} %, thấp hơn mức yêu cầu. Trong giới hạn các nguồn vốn không phương án nào đạt: phương án chi phí thấp nhất cần thêm số tiền ở cột \"Cần thêm\", và với số tiền đó đạt mọi mục tiêu với xác suất {1} % (yêu cầu {2} %), khi nhắm tới {4}.",
        "The chosen plan reaches every target with probability {3} %, below what was asked. No plan reaches them within the sources' limits: the least-cost plan needs the money in the \"Extra\" column, and with it reaches every target with probability {1} % (asked: {2} %), aiming at {4}.")
    static let shortfallUnsure = Labels.Key(
        "Phương án đã chọn đạt mọi mục tiêu với xác suất {3} %, thấp hơn mức yêu cầu. Phương án chi phí thấp nhất có số xã kỳ vọng đạt mục tiêu, trong giới hạn từng nguồn vốn; trong mô phỏng nó đạt với xác suất {1} % (yêu cầu {2} %), khi nhắm tới {4}.",
        "The chosen plan reaches every target with probability {3} %, below what was asked. The least-cost plan's expected communes reach them within each source's limits; in the Monte Carlo engine it does with probability {1} % (asked: {2} %), aiming at {4}.")
    static let availableAfterUpkeepIn = Labels.Key("Có sẵn sau duy tu {1}", "Available after upkeep {1}")
    static let chosenPlan = Labels.Key("Phương án đã chọn {1}", "Chosen plan {1}")
    static let leastCostPlan = Labels.Key("Phương án chi phí thấp nhất {1}", "Least-cost plan {1}")
    static let extraIn = Labels.Key("Cần thêm {1}", "Extra {1}")
    static let shortfallNote = Labels.Key("Đầu tư cho các gói (không kể duy tu), triệu đồng; \"Cần thêm\" là phần vượt quá số tiền nguồn vốn có sau duy tu, đặt vào nguồn có nhiều tiền nhất trong các nguồn được phép chi cho hạng mục.",
                                          "Investment in packages (upkeep excluded), million VND; \"Extra\" is what goes beyond what the source has after upkeep, put on the source with the most money among those allowed to pay for the item.")
    static let allTargetsMet = Labels.Key("Phương án đã chọn đạt mọi mục tiêu của kịch bản với xác suất yêu cầu ({1} %).",
                                          "The chosen plan meets every target of the scenario with the probability asked ({1} %).")
}

extension Labels {
    /// Communes added at each tier, in tier order: "Đạt chuẩn NTM +5, NTM nâng cao +9".
    func added(_ counts: [Tier: Int]) -> String {
        Tier.graded.compactMap { t in counts[t].map { "\(tier(t)) +\($0)" } }.joined(separator: ", ")
    }

    /// A funding-source family as Appendix III heads it.
    public func sourceFamily(_ family: String) -> String {
        switch (family, lang) {
        case ("central", .vi): "NGÂN SÁCH TRUNG ƯƠNG"
        case ("local", .vi): "NGÂN SÁCH ĐỊA PHƯƠNG"
        case ("integrated", .vi): "VỐN LỒNG GHÉP"
        case ("credit", .vi): "VỐN TÍN DỤNG"
        case ("enterprises", .vi): "VỐN DOANH NGHIỆP"
        case ("people", .vi): "HUY ĐỘNG TỪ NGƯỜI DÂN VÀ CỘNG ĐỒNG"
        case ("central", .en): "CENTRAL BUDGET"
        case ("local", .en): "LOCAL BUDGET"
        case ("integrated", .en): "INTEGRATED FROM OTHER PROGRAMMES"
        case ("credit", .en): "CREDIT"
        case ("enterprises", .en): "ENTERPRISES"
        case ("people", .en): "PEOPLE AND COMMUNITY"
        default: family.uppercased()
        }
    }

    /// Roman numerals for Appendix III's families (I, II, …).
    public static func roman(_ n: Int) -> String {
        let table: [(Int, String)] = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var n = n, s = ""
        for (v, r) in table { while n >= v { s += r; n -= v } }
        return s
    }
}
