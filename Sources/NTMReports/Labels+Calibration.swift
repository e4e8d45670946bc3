import NTMCatalogue

// Phrases of the fit report (`ntm calibrate`) and the backtest (`ntm backtest`), Vietnamese and English.
extension Labels.Key {
    static let calibrationTitle = Labels.Key("Hiệu chỉnh tham số theo năm {1}", "Calibration on {1}")
    static let calibrationIntro = Labels.Key(
        "Tính lại năm {1} từ bộ dữ liệu cuối năm {2} với nguồn lực thực tế năm {1} (kịch bản `{3}`), rồi chọn các tham số sao cho kết quả gần nhất với số liệu quan sát (`{4}`). Mỗi lần tính dùng cùng {5} lần mô phỏng và cùng hạt giống {6}, nên so sánh giữa các bộ tham số là theo cặp; tìm kiếm bằng các điểm mẫu Halton, quét từng tham số rồi Nelder–Mead, {7} lần tính.",
        "Year {1} is replayed from the end-{2} dataset with {1}'s actual resources (scenario `{3}`), and the parameters are chosen so that the replay comes closest to what was observed (`{4}`). Every replay uses the same {5} draws and seed {6}, so parameter sets are compared on common random numbers; search by Halton samples, a coordinate scan and Nelder–Mead, {7} replays.")
    static let fitTargets = Labels.Key("Quan sát và kết quả tính lại", "Observed and replayed")
    static let observed = Labels.Key("Quan sát", "Observed")
    static let atCatalogue = Labels.Key("Với tham số gốc", "Catalogue values")
    static let replayed = Labels.Key("Tính lại (trung bình)", "Replayed (mean)")
    static let residual = Labels.Key("Sai lệch (quan sát − tính lại)", "Residual (observed − replayed)")
    static let withinRounding = Labels.Key("Trong phạm vi làm tròn", "Within the report's rounding")
    static let band = Labels.Key("Khoảng P10–P90", "P10–P90 band")
    static let notReproduced = Labels.Key(
        "Không tái tạo được trong phạm vi làm tròn: {1}. Các số này nằm ngoài những gì các tham số có thể điều chỉnh cùng lúc: chẳng hạn số xã nâng cao và kiểu mẫu đi cùng số xã đạt chuẩn qua cùng biên an toàn và cùng nhiễu, và đường thôn, đường nội đồng chỉ tăng khi được cấp tiền.",
        "Not reproduced within the report's rounding: {1}. These lie beyond what the parameters can set at once: advanced and model communes move with standard ones through the same planning margin and noise, for instance, and hamlet and field roads rise only when money reaches them.")
    static let fittedParameters = Labels.Key("Tham số đã hiệu chỉnh", "Fitted parameters")
    static let parameter = Labels.Key("Tham số", "Parameter")
    static let meaning = Labels.Key("Ý nghĩa", "Meaning")
    static let startValue = Labels.Key("Giá trị gốc", "Catalogue value")
    static let fittedValue = Labels.Key("Giá trị hiệu chỉnh", "Fitted value")
    static let standardError = Labels.Key("Sai số chuẩn", "Standard error")
    static let atBound = Labels.Key("ở biên khoảng tìm kiếm", "at the edge of the range searched")
    static let notIdentified = Labels.Key("không xác định được", "not identified")
    static let objectiveLine = Labels.Key("Hàm mục tiêu (tổng bình phương sai lệch chia cho thang đo của từng con số: nửa xã với số xã, hai lần mức làm tròn với các con số khác): {1} với tham số gốc, {2} sau hiệu chỉnh.",
                                          "Objective (sum of squared residuals, each over its scale: half a commune for counts, twice the report's rounding for the other figures): {1} at the catalogue's values, {2} fitted.")
    static let identificationNote = Labels.Key(
        "Cần thận trọng: chỉ có một năm số liệu tổng hợp toàn tỉnh ({1} con số) cho {2} tham số, nên các tham số chỉ được xác định yếu. Sai số chuẩn lấy từ độ cong của hàm mục tiêu (cộng phần tiên nghiệm, nếu có) tại điểm tối ưu (sai phân trung tâm), coi thang đo là độ lệch chuẩn, và bỏ qua sai số Monte Carlo; {3}. Tham số \"không xác định được\" là tham số mà hàm mục tiêu phẳng hoặc không lồi theo hướng đó: số liệu không nói gì về nó, giá trị ghi lại chỉ là nơi tìm kiếm dừng. Mô phỏng có những bước nhảy: biên an toàn và nhiễu bù trừ cho nhau (một khoảng thiếu đã lấp giữ được qua nhiễu của năm với xác suất tăng theo biên an toàn), và khi đơn giá cao đến mức không đủ tiền duy tu thì các tiêu chí mất hàng loạt. Bộ dữ liệu cuối năm 2022 có nhiều giả định (xem dataset.yaml của nó), và các giả định này đi vào kết quả hiệu chỉnh.",
        "Caution: one year of province totals ({1} figures) for {2} parameters identifies them only weakly. Standard errors come from the curvature of the objective (with the priors' part, if any) at the optimum (central differences), reading the scales as standard deviations and ignoring Monte Carlo error; {3}. A parameter marked \"not identified\" is one along which the objective is flat or bends down: the data say nothing about it, and the value written is only where the search stopped. The replay has jumps, and parameters trade off: the planning margin and noise pull against each other (a closed gap survives the year's noise with a probability that rises with the margin), and once unit costs are high enough that upkeep cannot be paid, criteria are lost wholesale. The end-2022 dataset rests on many assumptions (see its dataset.yaml), and they pass into the fit.")
    static let jointErrors = Labels.Key("các sai số là sai số đồng thời (ma trận độ cong khả nghịch)", "the errors are joint (the curvature matrix could be inverted)")
    static let conditionalErrors = Labels.Key("ma trận độ cong không xác định dương, nên mỗi sai số tính khi giữ nguyên các tham số khác (nhỏ hơn sai số thật)",
                                              "the curvature matrix is not positive definite, so each error is with the other parameters held (smaller than the joint error would be)")
    static let calibrationWritten = Labels.Key("Các tham số được ghi vào `{1}` (mỗi giá trị có `source: calibrated …`); các kịch bản đi kèm kế thừa tệp này qua `extends`.",
                                               "The parameters are written to `{1}` (each value with `source: calibrated …`); the shipped scenarios inherit them through `extends`.")
    static let sources = Labels.Key("Nguồn số liệu quan sát", "Sources of the observed figures")
    static let priorSpread = Labels.Key("Độ rộng tiên nghiệm", "Prior spread")
    static let priorLine = Labels.Key(
        "Mỗi tham số có cột \"Độ rộng tiên nghiệm\" được kéo về giá trị gốc của danh mục: việc tìm kiếm cực tiểu hóa hàm mục tiêu cộng với ((giá trị − giá trị gốc) / độ rộng)² của từng tham số, theo thang tìm kiếm (hệ số nhân đơn giá theo logarit tự nhiên: ln 2 là \"trong khoảng gấp đôi\"). Như vậy tham số mà số liệu một năm ít nói tới sẽ ở gần giả định của danh mục. Phần tiên nghiệm tại điểm hiệu chỉnh: {1}.",
        "Each parameter with a \"Prior spread\" is drawn toward the catalogue's value: the search minimises the objective plus ((value − catalogue value) / spread)² for each, on the search scale (unit-cost multipliers in natural logarithms: ln 2 is \"within a factor of two\"). So a parameter one year's figures say little about stays near the catalogue's assumption. The priors' part at the fitted values: {1}.")
    static let priors = Labels.Key("Tiên nghiệm", "Priors")

    static let backtestTitle = Labels.Key("Kiểm tra dự báo `{1}` với kết quả thực tế `{2}`", "Backtest of `{1}` against `{2}`")
    static let backtestIntro = Labels.Key(
        "Dự báo bắt đầu từ cuối năm {1}. Mỗi con số thực tế được đặt cạnh khoảng P10–P90 của dự báo (80 % số lần mô phỏng nằm trong khoảng này); một dự báo tốt để khoảng 8 trên 10 con số thực tế rơi vào trong khoảng.",
        "The forecast starts at the end of {1}. Each observed figure is set beside the forecast's P10–P90 band (80 % of draws fall inside it); a well-calibrated forecast has about 8 in 10 observed figures inside their bands.")
    static let countsAgainstBands = Labels.Key("Số xã thực tế so với khoảng dự báo", "Observed counts against the forecast bands")
    static let forecastMean = Labels.Key("Dự báo (trung bình)", "Forecast (mean)")
    static let inside = Labels.Key("Trong khoảng", "Inside")
    static let bandsSummary = Labels.Key("{1} trên {2} con số thực tế nằm trong khoảng P10–P90 của dự báo.",
                                         "{1} of {2} observed figures lie inside the forecast's P10–P90 band.")
    static let brierTitle = Labels.Key("Điểm Brier của xác suất từng xã", "Brier score of commune probabilities")
    static let brierIntro = Labels.Key(
        "Với mỗi mức, dự báo cho mỗi xã chưa đạt mức đó ở năm gốc một xác suất đạt được trong năm. Điểm Brier là trung bình của (xác suất − kết quả)², kết quả là 1 nếu xã đạt, 0 nếu không: 0 là hoàn hảo, 0,25 là luôn nói 50 %. Chỉ tính các xã biết kết quả: được nêu tên trong nguồn, hoặc suy ra từ số lượng (khi các xã nêu tên đã đủ số, các xã còn lại không đạt; khi số lượng chỉ còn đúng các xã chưa nêu tên, các xã đó đạt). Kết quả suy ra dựa vào mức đạt chuẩn của từng xã ở năm gốc trong bộ dữ liệu; ở đâu bộ dữ liệu giả định, kết quả suy ra cũng là giả định.",
        "For each tier, the forecast gives every commune below that tier in the base year a probability of reaching it. The Brier score is the mean of (probability − outcome)², the outcome 1 if the commune reached the tier and 0 if not: 0 is perfect, 0.25 is always saying 50 %. Only communes whose outcome is known count: named in a source, or deduced from the count (when the named communes already make the count, the others did not reach it; when the count leaves exactly the unnamed communes, they did). Deduced outcomes rest on each commune's tier in the base dataset; where the dataset assumes it, the deduction is an assumption too.")
    static let atRisk = Labels.Key("Xã chưa đạt ở năm gốc", "Below the tier at base")
    static let known = Labels.Key("Biết kết quả", "Outcome known")
    static let reachedCount = Labels.Key("Đã đạt", "Reached")
    static let expectedReached = Labels.Key("Dự báo số xã đạt", "Forecast number reaching")
    static let brier = Labels.Key("Điểm Brier", "Brier score")
    static let overallBrier = Labels.Key("Điểm Brier chung ({1} cặp xã–mức): {2}.", "Overall Brier score ({1} commune–tier pairs): {2}.")
    static let noKnownOutcome = Labels.Key("Không có xã nào biết kết quả.", "No commune with a known outcome.")
    static let reliabilityTitle = Labels.Key("Bảng độ tin cậy", "Reliability table")
    static let reliabilityIntro = Labels.Key(
        "Các xác suất được chia thành nhóm; trong mỗi nhóm, một dự báo đáng tin có tỷ lệ thực tế gần với xác suất trung bình. Với ít xã, mỗi nhóm chỉ có vài trường hợp: đọc bảng như một chỉ dẫn, không phải phép thử.",
        "Probabilities are grouped into bins; within a bin, a trustworthy forecast has an observed frequency close to its mean probability. With few communes each bin holds few cases: read the table as a pointer, not a test.")
    static let probabilityBin = Labels.Key("Nhóm xác suất", "Probability bin")
    static let meanForecast = Labels.Key("Xác suất trung bình", "Mean forecast")
    static let observedFrequency = Labels.Key("Tỷ lệ thực tế", "Observed frequency")
    static let cases = Labels.Key("Số trường hợp", "n")
    static let ranksTitle = Labels.Key("Thứ hạng của các xã thực tế được công nhận", "Rank of the communes actually recognised")
    static let ranksIntro = Labels.Key(
        "Các xã chưa đạt mức ở năm gốc được xếp theo xác suất dự báo, từ cao xuống thấp (1 = dự báo chắc nhất). Một dự báo tốt xếp các xã thực tế được công nhận ở gần đầu.",
        "The communes below a tier in the base year are ranked by their forecast probability, highest first (1 = the forecast's surest). A good forecast ranks the communes actually recognised near the top.")
    static let rank = Labels.Key("Thứ hạng", "Rank")
    static let ranksTiedNote = Labels.Key(
        "Các xã có cùng xác suất cùng chia một khoảng thứ hạng (chẳng hạn \"4–80\": xã được dự báo 0 % cùng với mọi xã khác được dự báo 0 %); một khoảng rộng nghĩa là dự báo không phân biệt được xã này.",
        "Communes with the same probability share a range of ranks (\"4–80\", say: a commune given 0 % along with every other commune given 0 %); a wide range means the forecast did not single this commune out.")
    static let evidence = Labels.Key("Căn cứ", "Evidence")
    static let evidenceNamed = Labels.Key("nêu tên", "named")
    static let evidenceDeduced = Labels.Key("suy ra từ số lượng", "deduced from the count")
    static let noRanks = Labels.Key("Không có xã được công nhận nào được nêu tên hoặc suy ra được.", "No recognised commune is named or can be deduced.")
    static let districtsTitle = Labels.Key("Huyện", "Districts")
    static let recognisedObserved = Labels.Key("Thực tế được công nhận", "Actually recognised")
    static let districtBrier = Labels.Key("Điểm Brier của các huyện: {1}.", "Brier score of the districts: {1}.")
    static let inSampleNote = Labels.Key(
        "Lưu ý: nếu các tham số của kịch bản được hiệu chỉnh trên chính năm này (`ntm calibrate`), phép kiểm tra là trong mẫu: nó cho thấy mô hình tái tạo năm đó tốt đến đâu, không phải dự báo một năm mới tốt đến đâu.",
        "Note: if the scenario's parameters were calibrated on this same year (`ntm calibrate`), the backtest is in-sample: it shows how well the engine reproduces that year, not how well it forecasts a new one.")
    static let countStandard = Labels.Key("Số xã đạt chuẩn NTM", "Communes standard")
    static let countAdvanced = Labels.Key("Số xã NTM nâng cao", "Communes advanced")
    static let countModel = Labels.Key("Số xã NTM kiểu mẫu", "Communes model")
}
