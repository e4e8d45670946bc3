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
        // Looked up once, not per commune: the base year's grader and each indicator's column in the result.
        let base = CriteriaGrader(ds, catalogue: cat, tier: .standard, year: nil, columns: ds.columns(for: cat))
        let inds = cat.criteria.map { crit in crit.indicators.map { (ind: $0, k: ds.column($0.id)) } }
        let numbers = cat.criteria.map(\.number)
        return ds.communes.indices.map { c in
            let met = base.criteriaMet(c)
            return cat.criteria.indices.map { j in
                let likely = inds[j].allSatisfy { ind, k in
                    guard let k else { return false }
                    return ind.meets(values[c * K + k], tier: .standard, year: year)
                }
                return !likely ? .unlikely : met.contains(numbers[j]) ? .met : .likely
            }
        }
    }
}
