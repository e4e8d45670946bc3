import Foundation

extension Catalogue {
    /// The catalogue shipped with ntm (Decision 318 criteria, Mekong Delta; see the file's header).
    public static func embedded() throws -> Catalogue {
        guard let url = Bundle.module.url(forResource: "catalogue", withExtension: "yaml") else {
            throw InputError(file: "catalogue.yaml", line: 0, key: "", "the embedded catalogue is missing from the build")
        }
        return try load(path: url.path, displayName: "catalogue.yaml (embedded)")
    }

    public static var embeddedPath: String? { Bundle.module.url(forResource: "catalogue", withExtension: "yaml")?.path }

    public static func load(path: String, displayName: String? = nil) throws -> Catalogue {
        try parse(YAMLNode.load(path: path, displayName: displayName))
    }

    /// Reads a catalogue, reporting every problem found (not only the first).
    public static func parse(_ root: YAMLNode) throws -> Catalogue {
        var d = Diagnostics()
        let top = try root.mapping(allowed: ["catalogue", "model", "funding_sources", "criteria", "district_criteria"])
        var name = "catalogue", nameEn: String?
        if let meta = top["catalogue"] {
            d.attempt {
                let m = try meta.mapping(allowed: ["name_vi", "name_en", "region", "decisions"])
                name = try m.required("name_vi").nonEmptyString()
                nameEn = try m["name_en"]?.nonEmptyString()
            }
        }
        let model = d.attempt { try parseModel(top.required("model")) }
        var sources: [FundingSource] = []
        if let list = d.attempt({ try top.required("funding_sources").sequence() }) {
            for node in list { if let s = d.attempt({ try parseSource(node) }) { sources.append(s) } }
            var seen = Set<String>()
            for (s, node) in zip(sources, list) where !seen.insert(s.id).inserted {
                d.add(node.error("funding source '\(s.id)' is defined twice"))
            }
        }
        let sourceIDs = sources.map(\.id)
        var criteria: [Criterion] = []
        var indicatorNodes: [String: YAMLNode] = [:]
        if let list = d.attempt({ try top.required("criteria").sequence() }) {
            for node in list {
                var inner = Diagnostics()
                do {
                    criteria.append(try parseCriterion(node, sourceIDs: sourceIDs, diagnostics: &inner, seen: &indicatorNodes))
                } catch let e as InputError { inner.add(e) }
                d.add(inner.errors)
            }
            let numbers = criteria.map(\.number)
            if Set(numbers).count != numbers.count {
                d.add(top.owner.error("criterion numbers must be unique; found \(numbers)"))
            }
        }
        // Resolve default funding (by kind) and check every indicator can be paid for.
        for ci in criteria.indices {
            for ii in criteria[ci].indicators.indices {
                var ind = criteria[ci].indicators[ii]
                if ind.funding.isEmpty {
                    ind.funding = sources.filter { $0.paysFor.contains(ind.kind) }.map(\.id)
                    if ind.funding.isEmpty, let n = indicatorNodes[ind.id] {
                        d.add(n.error("no funding source pays for kind '\(ind.kind.rawValue)'"))
                    }
                }
                criteria[ci].indicators[ii] = ind
            }
        }
        var districtCriteria: [DistrictCriterion] = []
        if let list = d.attempt({ try top.required("district_criteria").sequence() }) {
            for node in list {
                d.attempt {
                    let m = try node.mapping(allowed: ["number", "vi", "en", "group", "source"])
                    districtCriteria.append(DistrictCriterion(
                        number: try m.required("number").int(in: 1...99), vi: try m.required("vi").nonEmptyString(),
                        en: try m.required("en").nonEmptyString(), group: try m.required("group").nonEmptyString(),
                        source: try m.required("source").source()))
                }
            }
        }
        try d.throwIfAny()
        return Catalogue(name: name, nameEn: nameEn, criteria: criteria, districtCriteria: districtCriteria, sources: sources, model: model!)
    }

    static func sourced(_ node: YAMLNode, in range: ClosedRange<Double> = -1e12...1e12) throws -> Sourced<Double> {
        let m = try node.mapping(allowed: ["value", "source"])
        return Sourced(try m.required("value").double(in: range), source: try m.required("source").source())
    }

    /// - Parameter pointsRange: the points a year may move (a year's move can at most cross the indicator's range).
    static func rate(_ node: YAMLNode, relativeRange: ClosedRange<Double> = -1...10, pointsRange: ClosedRange<Double>) throws -> Sourced<Rate> {
        let m = try node.mapping(allowed: ["relative", "points", "source"])
        let source = try m.required("source").source()
        switch (m["relative"], m["points"]) {
        case (let r?, nil): return Sourced(.relative(try r.double(in: relativeRange)), source: source)
        case (nil, let p?): return Sourced(.points(try p.double(in: pointsRange)), source: source)
        default: throw node.error("give exactly one of 'relative' (a share a year) or 'points' (a year)")
        }
    }

    static func parseModel(_ node: YAMLNode) throws -> ModelParameters {
        let m = try node.mapping(allowed: ModelParameters.keys)
        var p = ModelParameters(
            maxStepsPerYear: try sourced(m.required("max_steps_per_year"), in: 1...3),
            recognitionProbability: try sourced(m.required("recognition_probability"), in: 0...1),
            maintenanceShare: try sourced(m.required("maintenance_share"), in: 0...1),
            headroomShare: try sourced(m.required("headroom_share"), in: 0.001...1),
            districtCriterionCompletion: try sourced(m.required("district_criterion_completion"), in: 0...1),
            lapseRevokesRecognition: try sourced(m.required("lapse_revokes_recognition"), in: 0...1))
        if let margin = m.optional("planning_margin") { p.planningMargin = try sourced(margin, in: 0...5) }
        if let upper = m.optional("recognition_probability_upper") { p.upperRecognitionProbability = try sourced(upper, in: 0...1) }
        return p
    }

    static func parseSource(_ node: YAMLNode) throws -> FundingSource {
        let m = try node.mapping(allowed: ["id", "family", "vi", "en", "pays_for", "maintenance", "source"])
        let kinds = try m.required("pays_for").sequence().map { try $0.oneOf(IndicatorKind.self) }
        return FundingSource(id: try m.required("id").nonEmptyString(), family: try m.required("family").nonEmptyString(),
                             vi: try m.required("vi").nonEmptyString(), en: try m.required("en").nonEmptyString(),
                             paysFor: Set(kinds), maintenance: try m.required("maintenance").bool(),
                             source: try m.required("source").source())
    }

    static func parseCriterion(_ node: YAMLNode, sourceIDs: [String], diagnostics d: inout Diagnostics,
                               seen: inout [String: YAMLNode]) throws -> Criterion {
        let m = try node.mapping(allowed: ["number", "vi", "en", "group", "indicators"])
        let number = try m.required("number").int(in: 1...99)
        var indicators: [Indicator] = []
        let list = try m.required("indicators").sequence()
        if list.isEmpty { throw try m.required("indicators").error("a criterion needs at least one indicator") }
        for n in list {
            if let ind = d.attempt({ try parseIndicator(n, criterion: number, sourceIDs: sourceIDs) }) {
                if let first = seen[ind.id] {
                    d.add(n.error("indicator id '\(ind.id)' is already used at line \(first.line)"))
                } else {
                    seen[ind.id] = n
                    indicators.append(ind)
                }
            }
        }
        return Criterion(number: number, vi: try m.required("vi").nonEmptyString(), en: try m.required("en").nonEmptyString(),
                         group: try m.required("group").nonEmptyString(), indicators: indicators)
    }

    static let indicatorKeys = ["id", "vi", "en", "unit", "direction", "kind", "range", "aggregate", "size", "thresholds",
                                "funding", "unit_cost", "trend", "decay", "noise"]

    static func parseIndicator(_ node: YAMLNode, criterion: Int, sourceIDs: [String]) throws -> Indicator {
        let m = try node.mapping(allowed: indicatorKeys)
        let id = try m.required("id").nonEmptyString()
        let unit = try m.required("unit").nonEmptyString()
        let (range, rangeSource) = try parseRange(m.required("range"), unit: unit)
        let direction = try m.required("direction").oneOf(Direction.self)
        var thresholds: [Tier: Threshold] = [:]
        if let tn = m["thresholds"] {
            let tm = try tn.mapping(allowed: ["standard", "advanced", "model"])
            for (key, value) in tm.entries {
                let tier = Tier(id: key)!
                thresholds[tier] = try parseThreshold(value, range: range)
            }
            try checkNesting(thresholds, direction: direction, node: tn.location, at: Dictionary(uniqueKeysWithValues: tm.entries.map { (Tier(id: $0.key)!, $0.value.location) }))
        }
        var funding: [String] = []
        if let fn = m["funding"] {
            for f in try fn.sequence() {
                let s = try f.nonEmptyString()
                guard sourceIDs.contains(s) else {
                    let hint = closestMatch(to: s, in: sourceIDs).map { " (did you mean '\($0)'?)" } ?? ""
                    throw f.error("unknown funding source '\(s)'\(hint)")
                }
                funding.append(s)
            }
            if funding.isEmpty { throw fn.error("list at least one funding source, or leave the key out") }
        }
        let trendNode = try m.required("trend")
        let width = range.upperBound - range.lowerBound
        let trend = try rate(trendNode, pointsRange: -width...width)
        if try m.required("kind").oneOf(IndicatorKind.self) == .infrastructure,
           (direction == .higher ? trend.value.value : -trend.value.value) > 0 {
            throw trendNode.error("an infrastructure indicator improves only when paid for: its trend cannot be an improvement")
        }
        let decay = try m.required("decay")
        let dm = try decay.mapping(allowed: ["relative", "source"])
        return Indicator(
            id: id, criterion: criterion, vi: try m.required("vi").nonEmptyString(), en: try m.required("en").nonEmptyString(),
            unit: unit, direction: direction, kind: try m.required("kind").oneOf(IndicatorKind.self),
            range: range, rangeSource: rangeSource, aggregate: try m.required("aggregate").oneOf(Aggregate.self), size: try m.required("size").oneOf(SizeBasis.self),
            thresholds: thresholds, funding: funding,
            unitCost: try sourced(m.required("unit_cost"), in: 0.000001...1e9),
            trend: trend,
            decay: Sourced(try dm.required("relative").double(in: 0...1), source: try dm.required("source").source()),
            noise: try rate(m.required("noise"), relativeRange: 0...1, pointsRange: 0...width))
    }

    /// `range:` as `{min: …, max: …, source: "…"}`, or as a plain `[min, max]` when it needs no source: only a
    /// percentage's [0, 100] does not (it bounds values and is where spending saturates, so any other range is a
    /// choice that must say where it comes from).
    static func parseRange(_ node: YAMLNode, unit: String) throws -> (ClosedRange<Double>, source: String) {
        switch node.node {
        case .mapping:
            let m = try node.mapping(allowed: ["min", "max", "source"])
            let lo = try m.required("min").double(), hi = try m.required("max").double()
            guard lo < hi else { throw node.error("expected min < max, found min \(formatNumber(lo)) and max \(formatNumber(hi))") }
            return (lo...hi, try m.required("source").source())
        case .sequence:
            let bounds = try node.sequence().map { try $0.double() }
            guard bounds.count == 2, bounds[0] < bounds[1] else { throw node.error("expected [min, max] with min < max") }
            guard unit == "percent", bounds == [0, 100] else {
                let (lo, hi) = (formatNumber(bounds[0]), formatNumber(bounds[1]))
                throw node.error("range [\(lo), \(hi)] needs its source (only a percentage's [0, 100] goes without one): write {min: \(lo), max: \(hi), source: \"…\"}")
            }
            return (bounds[0]...bounds[1], Indicator.percentRangeSource)
        default:
            throw node.error("expected [min, max] or {min: …, max: …, source: \"…\"}")
        }
    }

    static func parseThreshold(_ node: YAMLNode, range: ClosedRange<Double>) throws -> Threshold {
        let m = try node.mapping(allowed: ["value", "by_year", "source"])
        let source = try m.required("source").source()
        switch (m["value"], m["by_year"]) {
        case (let v?, nil):
            return Threshold(value: try v.double(in: range), source: source)
        case (nil, let by?):
            var entries: [(Int, Double)] = []
            for (k, v) in try by.openMapping() {
                guard let year = Int(k), (1990...2100).contains(year) else { throw v.error("'\(k)' is not a year") }
                entries.append((year, try v.double(in: range)))
            }
            if entries.isEmpty { throw by.error("list at least one year") }
            return Threshold(byYear: entries.map { (year: $0.0, value: $0.1) }, source: source)
        default:
            throw node.error("give exactly one of 'value' or 'by_year'")
        }
    }

    /// Advanced must be at least as strict as standard, and model as advanced, in every listed year.
    static func checkNesting(_ t: [Tier: Threshold], direction: Direction, node: Location, at places: [Tier: Location] = [:]) throws {
        let years = Set(t.values.flatMap { $0.byYear.map(\.year) }).sorted()
        for year in years {
            var prev: (Tier, Double)?
            for tier in Tier.graded {
                guard let th = t[tier] else { continue }
                let v = th.value(in: year)
                if let (pt, pv) = prev {
                    let weaker = direction == .higher ? v < pv : v > pv
                    if weaker {
                        let y = year == 0 ? "" : " in \(year)"
                        throw (places[tier] ?? node).error("the \(tier.id) threshold (\(formatNumber(v))) is weaker than the \(pt.id) threshold (\(formatNumber(pv)))\(y); tiers must nest")
                    }
                }
                prev = (tier, v)
            }
        }
    }
}
