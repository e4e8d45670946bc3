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
        let year = result.years[yi]
        return ds.communes.indices.map { c in
            let base = Set(ds.criteriaMet(c, catalogue: cat))
            return cat.criteria.map { crit in
                let likely = crit.indicators.allSatisfy { ind in
                    guard let v = result.indicator(ind.id, commune: c, year: yi) else { return false }
                    return ind.meets(v, tier: .standard, year: year)
                }
                return !likely ? .unlikely : base.contains(crit.number) ? .met : .likely
            }
        }
    }
}
