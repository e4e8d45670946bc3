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
        precondition(!result.indicators[yi].isEmpty, "the criteria outlook needs the mean indicator values (Model.keepIndicatorMeans)")
        // The base year's criteria, and the year's standard tested on the expected values (the result holds them
        // in the dataset's layout).
        let columns = ds.columns(for: cat)
        let base = CriteriaGrader(ds, catalogue: cat, tier: .standard, year: nil, columns: columns)
        let expected = CriteriaGrader(ds, catalogue: cat, tier: .standard, year: result.years[yi], columns: columns,
                                      values: result.indicators[yi])
        return ds.communes.indices.map { c in
            cat.criteria.indices.map { j in
                !expected.meets(c, criterion: j) ? .unlikely : base.meets(c, criterion: j) ? .met : .likely
            }
        }
    }
}
