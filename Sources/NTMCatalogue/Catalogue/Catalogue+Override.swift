extension Catalogue {
    /// Paths a scenario may override, for suggestions in error messages.
    public var overridePaths: [String] {
        var out = ModelParameters.keys.map { "model.\($0)" }
        for ind in indicators {
            for f in ["unit_cost", "trend", "decay", "noise"] { out.append("indicator.\(ind.id).\(f)") }
            for t in ind.thresholds.keys.sorted() { out.append("indicator.\(ind.id).threshold.\(t.id)") }
        }
        return out
    }

    /// Sets one parameter by path, as a scenario's `overrides:` asks:
    /// `model.<key>`, `indicator.<id>.unit_cost|trend|decay|noise` (a number, in the form the catalogue gives:
    /// relative or points), `indicator.<id>.threshold.<tier>` (all years) or `indicator.<id>.threshold.<tier>.<year>`.
    /// The value's `source` records where the override comes from (a scenario's is checked as it is read, by
    /// `YAMLNode.source()`).
    public mutating func override(_ path: String, value: Double, source: String, at node: Location) throws {
        let parts = path.split(separator: ".").map(String.init)
        func unknown() -> InputError {
            let hint = closestMatch(to: path, in: overridePaths).map { " (did you mean '\($0)'?)" } ?? ""
            return node.error("unknown parameter path '\(path)'\(hint)")
        }
        func check(_ r: ClosedRange<Double>) throws {
            if !r.contains(value) { throw node.error("\(value) is out of range for \(path); expected \(r.lowerBound) to \(r.upperBound)") }
        }
        if parts.count == 2, parts[0] == "model" {
            switch parts[1] {
            case "max_steps_per_year": try check(1...3); model.maxStepsPerYear = Sourced(value, source: source)
            case "recognition_probability": try check(0...1); model.recognitionProbability = Sourced(value, source: source)
            case "maintenance_share": try check(0...1); model.maintenanceShare = Sourced(value, source: source)
            case "headroom_share": try check(0.001...1); model.headroomShare = Sourced(value, source: source)
            case "district_criterion_completion": try check(0...1); model.districtCriterionCompletion = Sourced(value, source: source)
            case "lapse_revokes_recognition": try check(0...1); model.lapseRevokesRecognition = Sourced(value, source: source)
            case "planning_margin": try check(0...5); model.planningMargin = Sourced(value, source: source)
            case "recognition_probability_upper": try check(0...1); model.upperRecognitionProbability = Sourced(value, source: source)
            default: throw unknown()
            }
            return
        }
        guard parts.count >= 3, parts[0] == "indicator" else { throw unknown() }
        guard let ci = criteria.firstIndex(where: { $0.indicators.contains { $0.id == parts[1] } }),
              let ii = criteria[ci].indicators.firstIndex(where: { $0.id == parts[1] }) else { throw unknown() }
        var ind = criteria[ci].indicators[ii]
        switch (parts[2], parts.count) {
        case ("unit_cost", 3): try check(0.000001...1e9); ind.unitCost = Sourced(value, source: source)
        case ("trend", 3):
            if ind.trend.value.isRelative { try check(-1...10); ind.trend = Sourced(.relative(value), source: source) }
            else { try check(-(ind.range.upperBound - ind.range.lowerBound)...(ind.range.upperBound - ind.range.lowerBound)); ind.trend = Sourced(.points(value), source: source) }
        case ("decay", 3): try check(0...1); ind.decay = Sourced(value, source: source)
        case ("noise", 3):
            try check(0...(ind.noise.value.isRelative ? 1 : ind.range.upperBound - ind.range.lowerBound))
            ind.noise = Sourced(ind.noise.value.isRelative ? .relative(value) : .points(value), source: source)
        case ("threshold", 4), ("threshold", 5):
            guard let tier = Tier(id: parts[3]), tier != .below else { throw unknown() }
            try check(ind.range)
            if parts.count == 4 {
                ind.thresholds[tier] = Threshold(value: value, source: source)
            } else {
                guard let year = Int(parts[4]), (1990...2100).contains(year) else { throw node.error("'\(parts[4])' is not a year") }
                var entries = ind.thresholds[tier]?.byYear.filter { $0.year != 0 && $0.year != year } ?? []
                if let t = ind.thresholds[tier], t.isConstant { entries = [(year: year - 1, value: t.byYear[0].value)] }
                entries.append((year: year, value: value))
                ind.thresholds[tier] = Threshold(byYear: entries, source: source)
            }
            try Catalogue.checkNesting(ind.thresholds, direction: ind.direction, node: node)
        default: throw unknown()
        }
        criteria[ci].indicators[ii] = ind
    }
}
