import CGLPK
import Foundation

/// The allocation problem, as data: each path's value and cost per commune (from the Monte Carlo engine, see
/// `AllocationStudy`), and the money each source has.
///
/// Each year a commune either receives the whole "package" that closes its gaps to its next tier, or
/// nothing. A commune's *path* is the set of years it is funded (2^years paths); each path has a value (the
/// weighted tiers it reaches, year by year) and a cost per year and per eligibility group (indicators paid
/// by the same set of sources). Sources have money per year. A plan picks one path per commune such that,
/// every year, the groups' costs can be paid by sources allowed to pay them.
public struct PackageProblem: Sendable {
    public var communes: Int
    public var years: Int
    public var sources: Int
    /// Funding paths: `paths[j][t]` is true when path j funds year t. Path 0 funds nothing.
    public var paths: [[Bool]]
    /// Eligibility groups: the sources allowed to pay each.
    public var groups: [[Int]]
    /// value[c][j]
    public var value: [[Double]]
    /// cost[c][j][t][g], million VND.
    public var cost: [[[[Double]]]]
    /// available[s][t], million VND.
    public var available: [[Double]]
    /// Whether commune c may take path j (false where a year's package is beyond what it can absorb).
    public var allowed: [[Bool]]? = nil
    /// Local sources must pay at least `ratio` times what central sources pay, each year.
    public var coFinancing: (local: [Int], central: [Int], ratio: Double)? = nil

    public init(communes: Int, years: Int, sources: Int, paths: [[Bool]], groups: [[Int]], value: [[Double]],
                cost: [[[[Double]]]], available: [[Double]]) {
        self.communes = communes
        self.years = years
        self.sources = sources
        self.paths = paths
        self.groups = groups
        self.value = value
        self.cost = cost
        self.available = available
    }

    /// Every subset of `years` years, the empty one first.
    public static func allPaths(years: Int) -> [[Bool]] {
        (0..<(1 << years)).map { mask in (0..<years).map { mask & (1 << $0) != 0 } }
    }

    /// The path index funding exactly the years in `funded`.
    public func pathIndex(_ funded: [Bool]) -> Int { paths.firstIndex(of: funded)! }

    /// A plan: one path per commune, and what each source pays each group each year.
    public struct Plan: Sendable {
        public var path: [Int]
        /// flow[g][s][t]
        public var flow: [[[Double]]]
    }

    public func objective(_ path: [Int]) -> Double { (0..<communes).reduce(0) { $0 + value[$1][path[$1]] } }

    /// Total cost per group and year of a choice of paths.
    public func demand(_ path: [Int]) -> [[Double]] {
        var d = [[Double]](repeating: [Double](repeating: 0, count: years), count: groups.count)
        for c in 0..<communes { for t in 0..<years { for g in groups.indices { d[g][t] += cost[c][path[c]][t][g] } } }
        return d
    }

    /// Whether `flow` pays every group's demand from allowed sources within what each source has.
    public func isFeasible(_ plan: Plan, tolerance: Double = 1e-6) -> Bool {
        let d = demand(plan.path)
        for t in 0..<years {
            for g in groups.indices {
                var paid = 0.0
                for s in 0..<sources {
                    let f = plan.flow[g][s][t]
                    if f < -tolerance { return false }
                    if f > tolerance && !groups[g].contains(s) { return false }
                    paid += f
                }
                if abs(paid - d[g][t]) > tolerance * max(1, d[g][t]) { return false }
            }
            for s in 0..<sources {
                let used = groups.indices.reduce(0.0) { $0 + plan.flow[$1][s][t] }
                if used > available[s][t] * (1 + tolerance) + tolerance { return false }
            }
            if let cf = coFinancing {
                let local = cf.local.reduce(0.0) { a, s in a + groups.indices.reduce(0.0) { $0 + plan.flow[$1][s][t] } }
                let central = cf.central.reduce(0.0) { a, s in a + groups.indices.reduce(0.0) { $0 + plan.flow[$1][s][t] } }
                if local + tolerance * max(1, central) < cf.ratio * central { return false }
            }
        }
        if let a = allowed, (0..<communes).contains(where: { !a[$0][plan.path[$0]] }) { return false }
        return true
    }

    public struct Solution: Sendable {
        public var plan: Plan
        public var objective: Double
        /// The LP relaxation's objective (rounded down when values are whole numbers): no plan can do better.
        public var lpBound: Double
        /// True when GLPK proved optimality; false when the time limit stopped it at `plan`, the incumbent.
        public var optimal: Bool
        /// False when the LP relaxation rounded down came within `PackageProblem.closeEnough` of the bound and
        /// branch and bound was not run.
        public var searched = true
        /// Relative distance from the incumbent to the LP bound (0 when proved optimal).
        public var gap: Double { optimal || lpBound <= 0 ? 0 : max(0, (lpBound - objective) / lpBound) }
    }

    /// The programme both questions share: a binary column per commune and path, a flow column per group,
    /// allowed source and year, one path per commune, each group's cost paid each year, and each source's
    /// limit (with an extra-money column per source and year when `extra`). Rows and coefficients are kept
    /// here until `load`, so a caller can add rows of its own first.
    final class Programme {
        let lp: OpaquePointer
        var xCol: [[Int32]] = []
        var fCol: [(g: Int, s: Int, t: Int)] = []
        var extraBase = 0
        var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
        var row: Int32 = 0

        init(_ p: PackageProblem, extra: Bool) {
            // GLPK's cut generators print to the terminal even with messages off; a report's stdout stays clean.
            glp_term_out(GLP_OFF)
            lp = glp_create_prob()!
            let P = p.paths.count, nx = p.communes * P
            glp_add_cols(lp, Int32(nx))
            var col: Int32 = 1
            xCol = (0..<p.communes).map { _ in (0..<P).map { _ in defer { col += 1 }; glp_set_col_kind(lp, col, GLP_BV); return col } }
            for g in p.groups.indices { for s in p.groups[g] { for t in 0..<p.years { fCol.append((g, s, t)) } } }
            extraBase = nx + fCol.count
            let added = fCol.count + (extra ? p.sources * p.years : 0)
            if added > 0 { glp_add_cols(lp, Int32(added)) }
            for i in 0..<added { glp_set_col_bnds(lp, Int32(nx + 1 + i), GLP_LO, 0, 0) }
            for c in 0..<p.communes {
                let r = newRow(GLP_FX, 1, 1)
                for j in 0..<P { add(r, xCol[c][j], 1) }
            }
            for g in p.groups.indices {
                for t in 0..<p.years {
                    let r = newRow(GLP_FX, 0, 0)
                    for (i, f) in fCol.enumerated() where f.g == g && f.t == t { add(r, flowCol(i), 1) }
                    for c in 0..<p.communes { for j in 0..<P where p.cost[c][j][t][g] != 0 { add(r, xCol[c][j], -p.cost[c][j][t][g]) } }
                }
            }
            for s in 0..<p.sources {
                for t in 0..<p.years {
                    let r = newRow(GLP_UP, 0, max(0, p.available[s][t]))
                    for (i, f) in fCol.enumerated() where f.s == s && f.t == t { add(r, flowCol(i), 1) }
                    if extra { add(r, extraCol(s, t, years: p.years), -1) }
                }
            }
            if let cf = p.coFinancing {
                for t in 0..<p.years {
                    let r = newRow(GLP_LO, 0, 0)
                    for (i, f) in fCol.enumerated() where f.t == t {
                        if cf.local.contains(f.s) { add(r, flowCol(i), 1) }
                        if cf.central.contains(f.s) { add(r, flowCol(i), -cf.ratio) }
                    }
                }
            }
            if let a = p.allowed {
                for c in 0..<p.communes { for j in 0..<P where !a[c][j] { glp_set_col_bnds(lp, xCol[c][j], GLP_FX, 0, 0) } }
            }
        }
        deinit { glp_delete_prob(lp) }

        func flowCol(_ i: Int) -> Int32 { Int32(xCol.count * (xCol.first?.count ?? 0) + 1 + i) }
        func extraCol(_ s: Int, _ t: Int, years: Int) -> Int32 { Int32(extraBase + 1 + s * years + t) }
        func newRow(_ type: Int32, _ lo: Double, _ hi: Double) -> Int32 {
            row += 1
            glp_add_rows(lp, 1)
            glp_set_row_bnds(lp, row, type, lo, hi)
            return row
        }
        func add(_ r: Int32, _ c: Int32, _ v: Double) { ia.append(r); ja.append(c); ar.append(v) }
        func load() { glp_load_matrix(lp, Int32(ia.count - 1), &ia, &ja, &ar) }

        /// Runs branch and bound; the chosen path per commune and the flows, or nil when no plan was found.
        func integerSolution(_ p: PackageProblem, timeLimitSeconds: Double) -> (plan: Plan, optimal: Bool)? {
            var iocp = glp_iocp()
            glp_init_iocp(&iocp)
            iocp.msg_lev = GLP_MSG_OFF
            iocp.tm_lim = Int32(max(1, timeLimitSeconds * 1000))
            iocp.presolve = GLP_ON
            iocp.gmi_cuts = GLP_ON
            iocp.mir_cuts = GLP_ON
            iocp.cov_cuts = GLP_ON
            iocp.clq_cuts = GLP_ON
            let rc = glp_intopt(lp, &iocp)
            let status = glp_mip_status(lp)
            guard status == GLP_OPT || status == GLP_FEAS else { return nil }
            let path = xCol.map { cols in cols.indices.max { glp_mip_col_val(lp, cols[$0]) < glp_mip_col_val(lp, cols[$1]) } ?? 0 }
            var flow = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: p.years), count: p.sources), count: p.groups.count)
            for (i, f) in fCol.enumerated() { flow[f.g][f.s][f.t] = max(0, glp_mip_col_val(lp, flowCol(i))) }
            return (Plan(path: path, flow: flow), rc == 0 && status == GLP_OPT)
        }
    }

    /// How close to the LP bound (relative) the relaxation rounded down must come for `solve` to keep it without
    /// branch and bound.
    public static let closeEnough = 1e-4

    /// Solves the mixed-integer programme with GLPK: binary path choices, continuous flows, value maximised.
    /// Among plans of equal value the cheaper path is then kept for each commune (see `cheapened`).
    public func solve(timeLimitSeconds: Double = 30) -> Solution? {
        let m = Programme(self, extra: false)
        glp_set_obj_dir(m.lp, GLP_MAX)
        for c in 0..<communes { for j in paths.indices { glp_set_obj_coef(m.lp, m.xCol[c][j], value[c][j]) } }
        m.load()
        var smcp = glp_smcp()
        glp_init_smcp(&smcp)
        smcp.msg_lev = GLP_MSG_OFF
        // The LP presolver first: on the national problem (32,708 path columns) the relaxation took a third less
        // time with it (the whole command 104 s → 69 s), the same bound and plan.
        smcp.presolve = GLP_ON
        guard glp_simplex(m.lp, &smcp) == 0, glp_get_status(m.lp) == GLP_OPT else { return nil }
        let lpBound = glp_get_obj_val(m.lp)
        // The relaxation rounded down: each commune whose path the LP leaves whole keeps it, the others (at most
        // about one per budget row) take no package; it costs no more than the LP's plan in any group and year.
        // Branch and bound can run out of time on a national problem before it finds any plan; then, or when it
        // finds a worse one, this one stands.
        let rounded = (0..<communes).map { c in paths.indices.first { glp_get_col_prim(m.lp, m.xCol[c][$0]) > 1 - 1e-6 } ?? 0 }
        let fallback = flows(for: rounded).map { Plan(path: rounded, flow: $0) }
        // When that plan is already within `closeEnough` of the bound, no plan can add more than that: branch and
        // bound is not run (on the national problem it spent its whole time limit, and about 20 s presolving, without
        // finding a better plan).
        var found: (plan: Plan, optimal: Bool)? = nil, searched = true
        if let f = fallback, lpBound - objective(f.path) <= Self.closeEnough * max(1, abs(lpBound)) {
            found = (f, false)
            searched = false
        } else {
            found = m.integerSolution(self, timeLimitSeconds: timeLimitSeconds)
        }
        if let f = fallback, objective(f.path) > found.map({ objective($0.plan.path) }) ?? -.infinity { found = (f, false) }
        guard let found else { return nil }
        let plan = cheapened(found.plan)
        let obj = objective(plan.path)
        // With whole-number values (whole weights), no plan can beat the bound rounded down.
        let integral = value.allSatisfy { $0.allSatisfy { $0 == $0.rounded() } }
        let bound = integral ? (lpBound + 1e-6).rounded(.down) : lpBound
        return Solution(plan: plan, objective: obj, lpBound: max(bound, obj), optimal: found.optimal || obj >= bound - 1e-9,
                        searched: searched)
    }

    /// Flows that pay for a fixed choice of paths within every rule (budgets, eligibility, co-financing), or nil.
    public func flows(for path: [Int]) -> [[[Double]]]? {
        let m = Programme(self, extra: false)
        glp_set_obj_dir(m.lp, GLP_MIN)
        for c in 0..<communes { for j in paths.indices { let v = j == path[c] ? 1.0 : 0; glp_set_col_bnds(m.lp, m.xCol[c][j], GLP_FX, v, v) } }
        for c in 0..<communes { for j in paths.indices { glp_set_col_kind(m.lp, m.xCol[c][j], GLP_CV) } }
        m.load()
        var smcp = glp_smcp()
        glp_init_smcp(&smcp)
        smcp.msg_lev = GLP_MSG_OFF
        guard glp_simplex(m.lp, &smcp) == 0, glp_get_status(m.lp) == GLP_OPT else { return nil }
        var flow = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: years), count: sources), count: groups.count)
        for (i, f) in m.fCol.enumerated() { flow[f.g][f.s][f.t] = max(0, glp_get_col_prim(m.lp, m.flowCol(i))) }
        return flow
    }

    /// Keeps each commune on the cheapest path of the same value whose cost is no higher in any group and
    /// year (so the flows still cover it), then scales the flows down to the new demand (or works them out
    /// again where scaling would break co-financing).
    public func cheapened(_ plan: Plan) -> Plan {
        var path = plan.path
        let before = demand(path)
        for c in 0..<communes {
            let j = path[c]
            var best = j, bestCost = totalCost(c, j)
            for k in paths.indices where k != j && value[c][k] >= value[c][j] - 1e-9 {
                let cheaper = (0..<years).allSatisfy { t in groups.indices.allSatisfy { cost[c][k][t][$0] <= cost[c][j][t][$0] + 1e-9 } }
                if cheaper && totalCost(c, k) < bestCost { best = k; bestCost = totalCost(c, k) }
            }
            path[c] = best
        }
        let after = demand(path)
        var flow = plan.flow
        for g in groups.indices {
            for t in 0..<years where before[g][t] > 0 {
                let f = after[g][t] / before[g][t]
                for s in 0..<sources { flow[g][s][t] *= f }
            }
        }
        let cheaper = Plan(path: path, flow: flow)
        if path == plan.path || isFeasible(cheaper) { return cheaper }
        // Scaling each group's flows can break co-financing (groups shrink unevenly, and each has its own mix of
        // local and central money): the flows are then worked out again, or the plan kept as it was.
        if let f = flows(for: path) { return Plan(path: path, flow: f) }
        return plan
    }

    func totalCost(_ c: Int, _ j: Int) -> Double { (0..<years).reduce(0.0) { t, y in t + cost[c][j][y].reduce(0, +) } }

    /// The least money that reaches a target: at least `required[i].count` communes expected at or above
    /// `required[i].tier` (1 standard … 3 model) at the end of year `required[i].year`, where `reach[c][j][t][i]`
    /// is the share of draws in which commune c is at or above tier i + 1 at the end of year t on path j (0 or 1
    /// for a plan without chance). Sources keep their limits; when they cannot reach the target,
    /// `extra` says the least money to add, by source and year (and the plan then uses it).
    public struct LeastCost: Sendable {
        public var plan: Plan
        /// money[s][t] spent on packages.
        public var money: [[Double]]
        /// extra[s][t] beyond what the source has; all zero when the target is reachable.
        public var extra: [[Double]]
        public var optimal: Bool
        public var reachable: Bool { extra.allSatisfy { $0.allSatisfy { $0 < 0.5 } } }
    }

    public func leastCost(required: [(year: Int, tier: Int, count: Int)], reach: [[[[Double]]]], timeLimitSeconds: Double = 30) -> LeastCost? {
        let m = Programme(self, extra: true)
        glp_set_obj_dir(m.lp, GLP_MIN)
        // Extra money costs far more than money the sources have, so it is used only when needed; and among the
        // sources that may pay a group, it goes to the one that has the most already (the smallest increase on
        // what it has: 1000.5 a million for the largest source of the year, towards 1001 for one with nothing),
        // not wherever the simplex happens to put it.
        for i in m.fCol.indices { glp_set_obj_coef(m.lp, m.flowCol(i), 1) }
        for t in 0..<years {
            let largest = (0..<sources).map { max(0, available[$0][t]) }.max() ?? 0
            for s in 0..<sources {
                let share = largest > 0 ? max(0, available[s][t]) / largest : 1
                glp_set_obj_coef(m.lp, m.extraCol(s, t, years: years), 1000 + 1 / (1 + share))
            }
        }
        for req in required {
            let r = m.newRow(GLP_LO, Double(req.count), 0)
            for c in 0..<communes {
                for j in paths.indices where reach[c][j][req.year][req.tier - 1] > 0 { m.add(r, m.xCol[c][j], reach[c][j][req.year][req.tier - 1]) }
            }
        }
        m.load()
        guard let found = m.integerSolution(self, timeLimitSeconds: timeLimitSeconds) else { return nil }
        var money = [[Double]](repeating: [Double](repeating: 0, count: years), count: sources)
        for g in groups.indices { for s in 0..<sources { for t in 0..<years { money[s][t] += found.plan.flow[g][s][t] } } }
        let extra = (0..<sources).map { s in (0..<years).map { max(0, glp_mip_col_val(m.lp, m.extraCol(s, $0, years: years))) } }
        return LeastCost(plan: found.plan, money: money, extra: extra, optimal: found.optimal)
    }
}
