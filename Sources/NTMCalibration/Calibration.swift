import Foundation
import NTMCatalogue
import NTMEngine

/// A group of catalogue parameters moved together by one number the calibration fits.
public struct CalibrationParameter: Sendable {
    public enum Kind: Sendable, Equatable {
        /// The yearly trend of one indicator, in the catalogue's form (a share for relative trends, points otherwise).
        case trend(String)
        /// Multiplies the unit cost of every indicator of these kinds.
        case unitCost([IndicatorKind])
        /// Multiplies the noise of every indicator of these kinds (searched on a linear scale, so it can reach 0).
        case noise([IndicatorKind])
        /// One engine parameter (`model.<key>` of the catalogue), its value itself.
        case model(String)
    }
    public var id: String
    public var kind: Kind
    /// Where the search starts (the catalogue's value for a trend, 1 for a multiplier) and the values allowed.
    public var start: Double
    public var lower: Double
    public var upper: Double
    /// What is believed before the data, if anything: the fit draws the parameter toward `start` (the catalogue's
    /// value) by adding ((value − start) / spread)² to the objective, both on the search scale (see `logScale`).
    public var prior: Prior?

    /// A prior's spread on the search scale (a multiplier's is in natural-log units: ln 2 is "within a factor of
    /// two"), and why it is that wide.
    public struct Prior: Sendable {
        public var spread: Double
        public var reason: String
        public init(spread: Double, reason: String) { self.spread = spread; self.reason = reason }
    }

    public init(id: String, kind: Kind, start: Double, lower: Double, upper: Double, prior: Prior? = nil) {
        self.id = id; self.kind = kind; self.start = start; self.lower = lower; self.upper = upper; self.prior = prior
    }

    /// The prior's term at value `v` (0 without a prior, and at the catalogue's value).
    public func penalty(_ v: Double) -> Double { penalty(search: toSearch(v)) }

    /// The prior's term at search coordinate `u`. The search may step past the range (the engine then gets the
    /// range's end): the term keeps growing there, so the prior also has a curvature at the range's ends.
    func penalty(search u: Double) -> Double {
        guard let prior, prior.spread > 0 else { return 0 }
        let r = (u - toSearch(start)) / prior.spread
        return r * r
    }

    /// Unit-cost multipliers are searched on a log scale (a factor of 2 up is as far as a factor of 2 down);
    /// trends and noise multipliers on a linear one.
    public var logScale: Bool { if case .unitCost = kind { true } else { false } }
    func toSearch(_ v: Double) -> Double { logScale ? log(v) : v }
    func fromSearch(_ u: Double) -> Double { min(upper, max(lower, logScale ? exp(u) : u)) }
}

/// An observed province outcome the replay must reproduce.
public struct CalibrationTarget: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Communes at or above a tier (standard, advanced, model).
        case tier(Tier)
        /// Average number of criteria met per commune.
        case averageCriteria
        /// An indicator's province value (weighted as the catalogue says).
        case indicator(String)
    }
    public var id: String
    public var kind: Kind
    public var observed: Double
    /// How far off counts as one unit of misfit (the objective adds squared residuals in these units).
    public var scale: Double
    /// Half the last printed digit of the observed figure: "reproduced within the report's rounding".
    public var rounding: Double
    public var source: String

    public init(id: String, kind: Kind, observed: Double, scale: Double, rounding: Double, source: String) {
        self.id = id; self.kind = kind; self.observed = observed; self.scale = scale; self.rounding = rounding; self.source = source
    }
}

/// What one replay gives for a target: the mean over draws and, for tier counts and the average, the P10–P90
/// band and the variance over draws.
public struct Replayed: Sendable {
    public var mean: Double
    public var p10: Double
    public var p90: Double
    public var variance: Double
}

/// Fits a few groups of dynamics parameters so that replaying one year from a base dataset with that year's
/// actual resources reproduces the observed outcomes.
///
/// The objective is weighted least squares on the replay's means: the sum over targets of
/// ((observed − replayed mean) / scale)², where a target's scale is how far off still counts as close (half a
/// commune for tier counts, twice the report's rounding for the average and the indicators). Read as a
/// −2 log-likelihood with those scales as standard deviations, its curvature at the optimum gives the
/// parameters' standard errors. Noise enters through the means (the engine's yearly noise takes criteria away
/// from communes near their thresholds), not through the spread of one observed year, which cannot be seen.
/// Every replay uses the same seed and draws (common random numbers), so the objective is a deterministic
/// function of the parameters; the search samples the parameters' ranges (Halton points), scans coordinates
/// from the best sample, then refines with Nelder–Mead (unit-cost multipliers on a log scale).
///
/// Parameters with a `prior` are drawn toward the catalogue's values: the search minimises the objective plus
/// each prior's term (a maximum a posteriori fit, the priors read as normal on the search scale), so a parameter
/// the year's figures say little about stays near what the catalogue assumed instead of wandering to wherever a
/// rugged objective happens to be lowest, and the curvature includes the priors. `CalibrationFit` keeps the two
/// parts apart: `objective` is the misfit to the data alone.
public struct Calibration: Sendable {
    public let catalogue: Catalogue
    public let dataset: Dataset
    public let scenario: Scenario
    public let parameters: [CalibrationParameter]
    public let targets: [CalibrationTarget]

    public init(catalogue: Catalogue, dataset: Dataset, scenario: Scenario, parameters: [CalibrationParameter],
                targets: [CalibrationTarget]) throws {
        self.catalogue = catalogue
        self.dataset = dataset
        var s = scenario
        // The fit starts from the catalogue: overrides of the paths it fits (an earlier calibration) are dropped.
        let fitted = Set(Self.paths(parameters, catalogue: catalogue))
        s.overrides.removeAll { fitted.contains($0.path) }
        self.scenario = s
        self.parameters = parameters
        self.targets = targets
        for t in targets {
            if case .indicator(let id) = t.kind, dataset.column(id) == nil {
                throw InputError(file: scenario.file, line: 0, key: t.id, "unknown indicator '\(id)'")
            }
        }
        for p in parameters {
            if case .trend(let id) = p.kind, catalogue.indicator(id) == nil {
                throw InputError(file: scenario.file, line: 0, key: p.id, "unknown indicator '\(id)'")
            }
        }
    }

    static func paths(_ parameters: [CalibrationParameter], catalogue: Catalogue) -> [String] {
        parameters.flatMap { p -> [String] in
            switch p.kind {
            case .trend(let id): ["indicator.\(id).trend"]
            case .unitCost(let kinds): catalogue.indicators.filter { kinds.contains($0.kind) }.map { "indicator.\($0.id).unit_cost" }
            case .noise(let kinds): catalogue.indicators.filter { kinds.contains($0.kind) && $0.noise.value.value != 0 }.map { "indicator.\($0.id).noise" }
            case .model(let key): ["model.\(key)"]
            }
        }
    }

    /// The catalogue overrides that parameter values `theta` stand for, each path with its value.
    public func overrides(_ theta: [Double]) -> [(path: String, value: Double, parameter: Int)] {
        var out: [(String, Double, Int)] = []
        for (i, p) in parameters.enumerated() {
            let v = theta[i]
            switch p.kind {
            case .trend(let id): out.append(("indicator.\(id).trend", v, i))
            case .unitCost(let kinds):
                for ind in catalogue.indicators where kinds.contains(ind.kind) {
                    out.append(("indicator.\(ind.id).unit_cost", max(0.000001, ind.unitCost.value * v), i))
                }
            case .noise(let kinds):
                for ind in catalogue.indicators where kinds.contains(ind.kind) && ind.noise.value.value != 0 {
                    out.append(("indicator.\(ind.id).noise", ind.noise.value.value * v, i))
                }
            case .model(let key): out.append(("model.\(key)", v, i))
            }
        }
        return out.map { (path: $0.0, value: $0.1, parameter: $0.2) }
    }

    /// The scenario with the overrides of `theta` (and `draws`, `seed` if given).
    public func scenario(_ theta: [Double], draws: Int? = nil, seed: UInt64? = nil) -> Scenario {
        var s = scenario
        for o in overrides(theta) {
            s.overrides.append((o.path, o.value, "calibrated", Location(file: "calibration", line: 0, key: o.path)))
        }
        if let d = draws { s.draws = d }
        if let x = seed { s.seed = x }
        return s
    }

    /// Replays the scenario with parameter values `theta`.
    public func replay(_ theta: [Double], draws: Int? = nil, seed: UInt64? = nil, threads: Int = 1) throws -> ProjectionResult {
        let model = try Model(catalogue: catalogue, dataset: dataset, scenario: scenario(theta, draws: draws, seed: seed))
        return Projection(model: model).run(threads: threads)
    }

    /// What a result gives for each target, in its last year.
    public func replayed(_ r: ProjectionResult) -> [Replayed] {
        Self.outcomes(r, targets: targets)
    }

    /// What a result gives for each target in its last year (also used to make synthetic observations).
    public static func outcomes(_ r: ProjectionResult, targets: [CalibrationTarget]) -> [Replayed] {
        let yi = r.years.count - 1
        let ds = r.model.dataset
        return targets.map { t in
            func field(_ f: Int) -> Replayed {
                let s = r.summary(year: yi, field: f)
                let v = r.perDraw[yi].map { $0[f] }
                let variance = v.reduce(0) { $0 + ($1 - s.mean) * ($1 - s.mean) } / Double(max(v.count - 1, 1))
                return Replayed(mean: s.mean, p10: s.p10, p90: s.p90, variance: variance)
            }
            switch t.kind {
            case .tier(let tier):
                return field(tier == .standard ? 0 : tier == .advanced ? 1 : tier == .model ? 2 : 3)
            case .averageCriteria:
                return field(4)
            case .indicator(let id):
                let ind = r.model.catalogue.indicator(id)!
                let k = ds.column(id)!
                let v = ds.provinceValue(ind) { r.indicators[yi][$0 * r.model.K + k] } ?? 0
                return Replayed(mean: v, p10: v, p90: v, variance: 0)
            }
        }
    }

    /// The objective for replayed outcomes (see the type's documentation).
    public func objective(_ out: [Replayed]) -> Double {
        zip(targets, out).reduce(0) { j, p in
            let r = (p.0.observed - p.1.mean) / p.0.scale
            return j + r * r
        }
    }

    public func objective(_ theta: [Double], draws: Int? = nil, seed: UInt64? = nil) throws -> Double {
        objective(replayed(try replay(theta, draws: draws, seed: seed)))
    }

    public var start: [Double] { parameters.map(\.start) }

    /// The priors' terms at parameter values `theta` (see `CalibrationParameter.prior`).
    public func prior(_ theta: [Double]) -> Double { prior(search: zip(parameters, theta).map { $0.toSearch($1) }) }

    /// The priors' terms at search coordinates `u` (what the search minimises beside the objective).
    func prior(search u: [Double]) -> Double { zip(parameters, u).reduce(0) { $0 + $1.0.penalty(search: $1.1) } }

    /// Fits the parameters: Nelder–Mead from `start`, then the curvature of the objective at the optimum for
    /// standard errors.
    public func fit(maxEvaluations: Int = 1_200, samples: Int = 100,
                    threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> CalibrationFit {
        var evaluations = 0
        var firstError: Error?
        let f: ([Double]) -> Double = { u in
            evaluations += 1
            let theta = zip(parameters, u).map { $0.fromSearch($1) }
            do { return objective(replayed(try replay(theta, threads: threads))) + prior(search: u) } catch {
                if firstError == nil { firstError = error }
                return .infinity
            }
        }
        let n = parameters.count
        let u0 = parameters.map { $0.toSearch($0.start) }
        let steps = parameters.map { $0.logScale ? 0.4 : max(0.1, 0.3 * abs($0.start)) }
        // The objective is rugged: whole communes cross thresholds, and where upkeep stops being affordable the
        // replay falls off a cliff. A local search from the catalogue's values stalls, so the search is global
        // first: `samples` points of a Halton sequence over the parameters' ranges (deterministic); from the best
        // of them and from a noiseless start, a coordinate scan then Nelder–Mead; from the better of the two,
        // Nelder–Mead once more with a fresh, smaller simplex.
        var best: (point: [Double], value: Double) = (u0, f(u0))
        let lo = parameters.map { $0.toSearch($0.lower) }, hi = parameters.map { $0.toSearch($0.upper) }
        for i in 1...max(min(samples, maxEvaluations / 3), 1) {
            let u = (0..<n).map { lo[$0] + (hi[$0] - lo[$0]) * Self.halton(i, base: Self.primes[$0 % Self.primes.count]) }
            let v = f(u)
            if v < best.value { best = (u, v) }
        }
        // A second start at the catalogue's values with no noise at all: zero noise is a corner the samples
        // rarely reach and the replay jumps there (see above).
        var quiet = u0
        for (i, p) in parameters.enumerated() { if case .noise = p.kind { quiet[i] = lo[i] } }
        var starts: [(point: [Double], value: Double)] = [best, (quiet, f(quiet))]
        let rest = max(maxEvaluations - evaluations, 4 * (n + 1))
        for (si, start) in starts.enumerated() {
            let scan = CoordinateScan.minimise(f, start: start.point, lower: lo, upper: hi, points: 5, passes: 1)
            var b = scan.value < start.value ? scan : start
            let first = NelderMead.minimise(f, start: b.point, steps: steps, maxEvaluations: rest / 3)
            if first.value < b.value { b = first }
            starts[si] = b
        }
        best = starts.min { $0.value < $1.value }!
        let second = NelderMead.minimise(f, start: best.point, steps: steps.map { $0 / 3 }, maxEvaluations: rest / 3)
        if second.value < best.value { best = second }
        let theta = zip(parameters, best.point).map { $0.fromSearch($1) }
        // Curvature in the search scale by central differences; covariance = 2 H⁻¹ (the objective is −2 log L).
        let h = parameters.map { $0.logScale ? 0.15 : max(0.02, 0.15 * abs($0.start)) }
        let f0 = best.value
        var H = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var plus = [Double](repeating: 0, count: n), minus = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var u = best.point; u[i] += h[i]; plus[i] = f(u)
            u[i] -= 2 * h[i]; minus[i] = f(u)
            H[i][i] = (plus[i] - 2 * f0 + minus[i]) / (h[i] * h[i])
        }
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) {
            var u = best.point
            u[i] += h[i]; u[j] += h[j]; let pp = f(u)
            u[j] -= 2 * h[j]; let pm = f(u)
            u[i] -= 2 * h[i]; let mm = f(u)
            u[j] += 2 * h[j]; let mp = f(u)
            H[i][j] = (pp - pm - mp + mm) / (4 * h[i] * h[j]); H[j][i] = H[i][j]
        } }
        let cov = try Self.invertPositiveDefinite(H).map { m in m.map { row in row.map { 2 * $0 } } }
        var sd = [Double?](repeating: nil, count: n)
        for i in 0..<n {
            // The joint error when the whole curvature matrix is positive definite; otherwise the error of each
            // parameter with the others held (smaller, and said so in the report); none where the objective is
            // flat or bends down along the parameter.
            let variance = cov?[i][i] ?? (H[i][i] > 1e-9 ? 2 / H[i][i] : nil)
            if let v = variance, v > 0, H[i][i] > 1e-9 {
                let s = v.squareRoot()
                // Back to the parameter's own scale: a multiplier's band is exp(u ± s).
                let p = parameters[i]
                sd[i] = p.logScale ? theta[i] * s : s
            }
        }
        let result = try replay(theta, threads: threads)
        return CalibrationFit(parameters: parameters, targets: targets, values: theta, standardErrors: sd, jointErrors: cov != nil,
                              curvature: H, replayed: replayed(result), objective: objective(replayed(result)),
                              priorTerm: prior(search: best.point),
                              startObjective: try objective(start), evaluations: evaluations,
                              overrides: overrides(theta), draws: scenario.draws, seed: scenario.seed)
    }

    static let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]

    /// The i-th element of the van der Corput sequence in `base` (one coordinate of a Halton point), in (0, 1).
    static func halton(_ i: Int, base: Int) -> Double {
        var f = 1.0, r = 0.0, k = i
        while k > 0 { f /= Double(base); r += f * Double(k % base); k /= base }
        return r
    }

    /// The inverse of a symmetric matrix by Cholesky (LAPACK's dpotrf and dpotri, from OpenBLAS, see `LAPACK`), or
    /// nil when it is not positive definite (a pivot at or below 1e-12). Throws `LibraryError` without OpenBLAS.
    public static func invertPositiveDefinite(_ a: [[Double]]) throws -> [[Double]]? {
        let n = a.count
        guard n > 0 else { return [] }
        // Symmetric, so the row-major flattening is also the column-major matrix.
        var m = a.flatMap { $0 }
        var size = Int32(n), lda = Int32(n), info: Int32 = 0
        var lower = CChar(UInt8(ascii: "L"))
        let (dpotrf, dpotri) = try LAPACK.routines.get()
        dpotrf(&lower, &size, &m, &lda, &info, 1)
        guard info == 0, (0..<n).allSatisfy({ m[$0 * n + $0] * m[$0 * n + $0] > 1e-12 }) else { return nil }
        dpotri(&lower, &size, &m, &lda, &info, 1)
        guard info == 0 else { return nil }
        // The inverse is in the lower triangle (column-major): element (i, j), i ≥ j, at j·n + i.
        var inv = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n { for i in j..<n { inv[i][j] = m[j * n + i]; inv[j][i] = m[j * n + i] } }
        return inv
    }
}

/// The outcome of a fit.
public struct CalibrationFit: Sendable {
    public var parameters: [CalibrationParameter]
    public var targets: [CalibrationTarget]
    public var values: [Double]
    /// One standard error on the parameter's own scale, or nil where the objective is flat or not convex there
    /// (the parameter is not identified by these data).
    public var standardErrors: [Double?]
    /// Whether the errors are joint (the curvature matrix could be inverted) or each with the others held.
    public var jointErrors: Bool
    public var curvature: [[Double]]
    public var replayed: [Replayed]
    /// The misfit to the data at the fitted values (the priors' part is `priorTerm`; the search minimised the sum).
    public var objective: Double
    public var priorTerm: Double
    public var startObjective: Double
    public var evaluations: Int
    public var overrides: [(path: String, value: Double, parameter: Int)]
    public var draws: Int
    public var seed: UInt64

    /// Whether the fitted value of parameter `i` sits at an end of the range searched (the data push it further).
    public func atBound(_ i: Int) -> Bool {
        let p = parameters[i], tol = 1e-3 * max(1, abs(p.upper - p.lower))
        return abs(values[i] - p.lower) < tol || abs(values[i] - p.upper) < tol
    }

    /// Residual (observed − replayed mean) of each target.
    public var residuals: [Double] { zip(targets, replayed).map { $0.observed - $1.mean } }

    /// Whether the replayed mean rounds to the observed figure (within half its last printed digit).
    public func withinRounding(_ i: Int) -> Bool { abs(residuals[i]) <= targets[i].rounding + 1e-9 }
}

/// Nelder–Mead simplex search (standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½),
/// deterministic for a deterministic function.
public enum NelderMead {
    public static func minimise(_ f: ([Double]) -> Double, start: [Double], steps: [Double], maxEvaluations: Int,
                                tolerance: Double = 1e-4) -> (point: [Double], value: Double) {
        let n = start.count
        var simplex = [start]
        for i in 0..<n { var p = start; p[i] += steps[i]; simplex.append(p) }
        var values = simplex.map(f)
        var used = n + 1
        while used < maxEvaluations {
            let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
            simplex = order.map { simplex[$0] }; values = order.map { values[$0] }
            if abs(values[n] - values[0]) <= tolerance * (abs(values[0]) + tolerance) { break }
            var centroid = [Double](repeating: 0, count: n)
            for p in simplex.dropLast() { for i in 0..<n { centroid[i] += p[i] / Double(n) } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let r = along(-1), fr = f(r); used += 1
            if fr < values[0] {
                let e = along(-2), fe = f(e); used += 1
                if fe < fr { simplex[n] = e; values[n] = fe } else { simplex[n] = r; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = r; values[n] = fr
            } else {
                let c = fr < values[n] ? along(-0.5) : along(0.5)
                let fc = f(c); used += 1
                if fc < min(fr, values[n]) { simplex[n] = c; values[n] = fc } else {
                    for i in 1...n {
                        simplex[i] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i]); used += 1
                    }
                }
            }
        }
        let i = values.indices.min { (values[$0], $0) < (values[$1], $1) }!
        return (simplex[i], values[i])
    }
}

/// Coordinate search over a grid: each coordinate in turn is set to the best of `points` evenly spaced values
/// between its bounds (the others held), `passes` times over. Deterministic; ties keep the earlier point.
public enum CoordinateScan {
    public static func minimise(_ f: ([Double]) -> Double, start: [Double], lower: [Double], upper: [Double], points: Int,
                                passes: Int) -> (point: [Double], value: Double) {
        var x = start, fx = f(start)
        for _ in 0..<passes {
            for i in x.indices {
                for g in 0..<points {
                    var y = x
                    y[i] = lower[i] + (upper[i] - lower[i]) * Double(g) / Double(max(points - 1, 1))
                    let fy = f(y)
                    if fy < fx { x = y; fx = fy }
                }
            }
        }
        return (x, fx)
    }
}
