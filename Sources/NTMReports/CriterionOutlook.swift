import NTMCatalogue
import NTMEngine

/// Where a commune stands on one criterion in a projected year, judged on its expected indicator values:
/// the cells of the report's commune × criterion map.
///
/// - `likely`: every indicator of the criterion, at its mean value across draws in that year, meets that
///   year's standard threshold;
/// - `met`: likely, and already met in the base year;
/// - `unlikely`: every other case, including a criterion met in the base year whose expected values fall
///   below a threshold that has risen or that decay has crossed.
///
/// Expected values are not probabilities: a criterion whose mean sits just above its threshold is `likely`
/// though it fails in many draws. The commune's probability of each tier is in `ProjectionResult.communes`.
public enum CriterionOutlook: Int, CaseIterable, Sendable {
    case met, likely, unlikely

    /// For each commune (dataset order) and criterion (catalogue order), in year index `yi` of the result.
    public static func grid(_ result: ProjectionResult, year yi: Int) -> [[CriterionOutlook]] {
        let model = result.model, cat = model.catalogue, ds = model.dataset
        let year = result.years[yi], values = result.indicators[yi], K = model.K
        // Looked up once, not per commune: the base year's grader, and each indicator's column in the result and
        // its bound as `Indicator.meets` draws it (the threshold less or plus its tolerance; none: always met).
        let base = CriteriaGrader(ds, catalogue: cat, tier: .standard, year: nil, columns: ds.columns(for: cat))
        let tests: [[Test]] = cat.criteria.map { crit in
            crit.indicators.map { ind in
                guard let k = ds.column(ind.id) else { return Test(column: -1, graded: false, higher: true, bound: 0) }
                guard let t = ind.thresholds[.standard] else { return Test(column: k, graded: false, higher: true, bound: 0) }
                let th = t.value(in: year), tol = Indicator.tolerance(th)
                return ind.direction == .higher ? Test(column: k, graded: true, higher: true, bound: th - tol)
                                                : Test(column: k, graded: true, higher: false, bound: th + tol)
            }
        }
        let numbers = cat.criteria.map(\.number)
        return ds.communes.indices.map { c in
            let met = base.criteriaMet(c)
            return cat.criteria.indices.map { j in
                let likely = tests[j].allSatisfy { t in
                    guard t.column >= 0 else { return false }
                    guard t.graded else { return true }
                    let v = values[c * K + t.column]
                    return t.higher ? v >= t.bound : v <= t.bound
                }
                return !likely ? .unlikely : met.contains(numbers[j]) ? .met : .likely
            }
        }
    }

    /// One indicator's test: its column in the result (-1: missing, never met), whether the tier grades it
    /// (if not, always met) and the bound its value must reach.
    struct Test { var column: Int, graded: Bool, higher: Bool, bound: Double }
}
