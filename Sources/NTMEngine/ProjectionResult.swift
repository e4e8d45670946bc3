import Foundation
import NTMCatalogue

/// The merged outcome of a projection: the base year from the dataset, then every projected year.
public struct ProjectionResult: Sendable {
    public let model: Model
    /// Base year first, then the projected years.
    public let years: [Int]
    /// Per year, per draw: communes at ≥ standard, ≥ advanced, model, below; average criteria met.
    public let perDraw: [[[Double]]]
    /// Per year, per commune: share of draws at ≥ standard, ≥ advanced, model; expected criteria met.
    public let communes: [[[Double]]]
    /// Per year, per district: share of draws in which it is recognised.
    public let districts: [[Double]]
    /// Per projected year, per source: mean available, needed, allocated, gap (million VND).
    public let funding: [[[Double]]]
    /// Per projected year, per indicator: mean spending (million VND).
    public let spending: [[Double]]
    /// Per year, per commune and indicator (C × K, row-major): the indicator's mean value over draws (for a
    /// projected year, empty when the model did not keep them: `Model.keepIndicatorMeans`).
    public let indicators: [[Double]]
    /// Per projected year, C × K: mean money paid for each commune's indicator, every source together
    /// (investment; empty unless the model was run with `recordPaid`).
    public let paid: [[Double]]

    /// The mean value of indicator `id` for commune `c` in year index `yi` (nil when the model did not keep them).
    public func indicator(_ id: String, commune c: Int, year yi: Int) -> Double? {
        guard let k = model.dataset.column(id), !indicators[yi].isEmpty else { return nil }
        return indicators[yi][c * model.K + k]
    }

    public static let fields = ["standard", "advanced", "model", "below", "avg_criteria"]

    init(model: Model, totals t: Accumulator, threads: Int) {
        self.model = model
        let ds = model.dataset, cat = model.catalogue
        let D = model.scenario.draws, C = model.C, K = model.K
        years = [model.baseYear] + model.years
        /// One year's tables: per draw, per commune, per district, per commune and indicator.
        typealias Year = (perDraw: [[Double]], communes: [[Double]], districts: [Double], indicators: [Double])
        // The base year, the same in every draw.
        let baseYear = { () -> Year in
            let grader = CriteriaGrader(ds, catalogue: cat, tier: .standard)
            let crit0 = (0..<C).map { Double(grader.countMet($0)) }
            let t0 = ds.communes.map(\.tier)
            let tiers = ds.tierCounts() // at or above each tier, and below standard
            let base: [Double] = [.standard, .advanced, .model, .below].map { Double(tiers[$0] ?? 0) }
                + [crit0.reduce(0, +) / Double(max(C, 1))]
            return (Array(repeating: base, count: D),
                    (0..<C).map { c in [t0[c] >= .standard ? 1.0 : 0, t0[c] >= .advanced ? 1.0 : 0, t0[c] >= .model ? 1.0 : 0, crit0[c]] },
                    ds.districts.map { $0.isRecognised ? 1.0 : 0 }, ds.values)
        }
        let sign = model.sign.map(Double.init)
        let projected = { (yi: Int) -> Year in
            let dc = t.drawCounts[yi]
            let communes = Double(C)
            let perDraw = (0..<D).map { (d: Int) -> [Double] in
                var row = (0..<5).map { Double(dc[d * 5 + $0]) }
                row[4] /= communes
                return row
            }
            // (Commune by commune, indicator by indicator: no division to find each value's indicator.)
            let kept = !t.indicatorSums[yi].isEmpty
            let inds = [Double](unsafeUninitializedCapacity: kept ? C * K : 0) { out, filled in
                guard kept else { filled = 0; return }
                t.indicatorSums[yi].withUnsafeBufferPointer { sums in
                    for c in 0..<C { for k in 0..<K { out[c * K + k] = sums[c * K + k] / Double(D) * sign[k] } }
                }
                filled = C * K
            }
            return (perDraw, (0..<C).map { c in (0..<4).map { Double(t.communeCounts[yi][c * 4 + $0]) / Double(D) } },
                    t.districtCounts[yi].map { Double($0) / Double(D) }, inds)
        }
        // Year by year side by side (a national run's tables are tens of megabytes, new memory to fill); nothing
        // here throws.
        let made = try! concurrently([baseYear] + model.years.indices.map { yi in { projected(yi) } }, threads: threads)
        perDraw = made.map(\.perDraw)
        communes = made.map(\.communes)
        districts = made.map(\.districts)
        funding = t.funding.map { f in (0..<model.S).map { s in (0..<4).map { f[s * 4 + $0] / Double(D) } } }
        spending = t.spending.map { $0.map { $0 / Double(D) } }
        indicators = made.map(\.indicators)
        paid = t.paid.map { $0.map { $0 / Double(D) } }
    }

    /// Quantile with linear interpolation between order statistics (NumPy's default).
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = q * Double(sorted.count - 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    public struct Summary: Sendable {
        public var mean: Double, p10: Double, p50: Double, p90: Double
        public init(mean: Double, p10: Double, p50: Double, p90: Double) {
            self.mean = mean; self.p10 = p10; self.p50 = p50; self.p90 = p90
        }
    }

    /// Mean and P10/P50/P90 over draws of a field (`fields` index) in a year (index into `years`).
    public func summary(year yi: Int, field f: Int) -> Summary {
        let v = perDraw[yi].map { $0[f] }.sorted()
        return Summary(mean: v.reduce(0, +) / Double(max(v.count, 1)), p10: Self.quantile(v, 0.1),
                       p50: Self.quantile(v, 0.5), p90: Self.quantile(v, 0.9))
    }
}
