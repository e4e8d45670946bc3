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
        /// How many communes the LP relaxation was solved without all their paths (held by sifting, see `relax`;
        /// 0 when it was solved whole).
        public var heldBySifting = 0
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
        /// The row of group g's cost in year t is `demandBase + g × years + t + 1` (after one row per commune).
        var demandBase: Int32 = 0

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
            demandBase = row
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

        /// The duals of the groups' cost rows, `[g][t]`, of the solution GLPK left.
        func demandPrices(_ p: PackageProblem) -> [[Double]] {
            p.groups.indices.map { g in (0..<p.years).map { t in glp_get_row_dual(lp, demandBase + Int32(g * p.years + t + 1)) } }
        }

        /// Every path column back within 0 and 1 (those not allowed stay at 0).
        func freeAll(_ p: PackageProblem) {
            for c in 0..<p.communes {
                for j in p.paths.indices where p.isAllowed(c, j) { glp_set_col_bnds(lp, xCol[c][j], GLP_DB, 0, 1) }
            }
        }
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

    /// From how many communes on `solve` works out the LP relaxation by sifting (`relax`).
    public static let siftingFrom = 2_000

    /// The programme whose relaxation `solve` works out: value maximised.
    func programme() -> Programme {
        let m = Programme(self, extra: false)
        glp_set_obj_dir(m.lp, GLP_MAX)
        for c in 0..<communes { for j in paths.indices { glp_set_obj_coef(m.lp, m.xCol[c][j], value[c][j]) } }
        m.load()
        return m
    }

    /// Solves the LP relaxation of `m` (made by `programme`), leaving its solution there: how many communes sifting
    /// held to one path to the end (0 without sifting), or nil when GLPK finds no optimum.
    ///
    /// The simplex on a national problem (8,177 communes, 32,708 path columns) takes 22,500 iterations of about 1.2 ms,
    /// each over a basis of a row per commune; yet at the optimum all but at most a few dozen communes (one per row of
    /// the groups' costs and the sources' money) take one whole path, the one worth most at the LP's prices of money.
    /// So with `sifting` it solves a smaller programme first and then only what it must (sifting, as in Bixby et al.
    /// 1992, "Very large-scale linear programming"): the prices of money come from the LP of a sample of the communes
    /// (every k-th, about a thousand, each budget shared in proportion); a commune whose path under the
    /// cost-effectiveness rule is the best at those prices keeps only that path; then, over and over, the programme is
    /// solved on what is left and every commune held to one path is priced at the programme's own prices: one with
    /// another path worth more there gets all its paths back. When none has, the duals prove the solution optimal for
    /// the whole programme (no left-out column's reduced cost is above 0), so the bound is the same; a commune the LP
    /// leaves fractional is always among those with all their paths. National problem: 7,488 communes held at first,
    /// 248 given back after the first round, none after the second; 0.1 and 0.2 s.
    func relax(_ m: Programme, sifting: Bool) -> Int? {
        func whole() -> Int? { Self.simplex(m) ? 0 : nil }
        guard sifting, communes > 1, paths.count > 1 else { return whole() }
        // Prices of money from a sample: its LP's dual of each group's cost row, per year.
        let step = max(1, communes / 1_000)
        var sample = self
        let picked = Array(stride(from: 0, to: communes, by: step))
        sample.communes = picked.count
        sample.value = picked.map { value[$0] }
        sample.cost = picked.map { cost[$0] }
        sample.allowed = allowed.map { a in picked.map { a[$0] } }
        sample.available = available.map { $0.map { $0 * Double(picked.count) / Double(communes) } }
        let sm = sample.programme()
        guard Self.simplex(sm) else { return whole() }
        var price = sm.demandPrices(sample)
        // A commune whose path under the cost-effectiveness rule (a plan within every budget, so what is held can be
        // paid) is worth strictly more than each of its other paths at those prices keeps only that path. The rule
        // is applied without co-financing (which it would meet by working out the flows again and again); should
        // the paths held then break it, the whole programme is solved instead. (Only the priority rule reads a
        // standing; cost-effectiveness needs none.)
        var rule = self
        rule.coFinancing = nil
        let start = rule.plan(.greedy, standing: Standing(tier: [], criteria: [])).path
        var held = [Bool](repeating: false, count: communes)
        for c in 0..<communes {
            let mine = score(c, start[c], price)
            held[c] = paths.indices.allSatisfy { j in j == start[c] || !isAllowed(c, j) || score(c, j, price) < mine }
            if held[c] { for j in paths.indices where j != start[c] { glp_set_col_bnds(m.lp, m.xCol[c][j], GLP_FX, 0, 0) } }
        }
        // Each round gives back at least one commune, so the rounds end; should they not settle within a few dozen
        // (never seen: the national problem takes two), the whole programme is solved instead.
        for _ in 0..<Self.siftingRounds {
            guard Self.simplex(m) else { m.freeAll(self); return whole() }
            price = m.demandPrices(self)
            var freed = 0
            for c in 0..<communes where held[c] {
                let mine = score(c, start[c], price), tolerance = 1e-9 * max(1, abs(mine))
                guard paths.indices.contains(where: { j in j != start[c] && isAllowed(c, j) && score(c, j, price) > mine + tolerance }) else { continue }
                held[c] = false
                freed += 1
                for j in paths.indices where isAllowed(c, j) { glp_set_col_bnds(m.lp, m.xCol[c][j], GLP_DB, 0, 1) }
            }
            if freed == 0 { return held.lazy.filter { $0 }.count }
        }
        m.freeAll(self)
        return whole()
    }

    /// How many rounds `relax` may take before it solves the whole programme.
    static let siftingRounds = 30

    /// A path's value less its costs at the given prices of money (`price[g][t]`, the dual of the row of group g's
    /// cost in year t: its reduced cost plus the commune's own dual).
    private func score(_ c: Int, _ j: Int, _ price: [[Double]]) -> Double {
        var s = value[c][j]
        for t in 0..<years { for g in groups.indices { s += price[g][t] * cost[c][j][t][g] } }
        return s
    }

    private func isAllowed(_ c: Int, _ j: Int) -> Bool { allowed?[c][j] ?? true }

    /// GLPK's primal simplex, after its LP presolver (on the national problem the relaxation took a third less time
    /// with it, the same bound and plan).
    static func simplex(_ m: Programme) -> Bool {
        var smcp = glp_smcp()
        glp_init_smcp(&smcp)
        smcp.msg_lev = GLP_MSG_OFF
        smcp.presolve = GLP_ON
        return glp_simplex(m.lp, &smcp) == 0 && glp_get_status(m.lp) == GLP_OPT
    }

    /// Solves the mixed-integer programme with GLPK: binary path choices, continuous flows, value maximised.
    /// Among plans of equal value the cheaper path is then kept for each commune (see `cheapened`).
    ///
    /// - Parameter sifting: solve the LP relaxation by sifting (see `relax`); by default only a problem of more than
    ///   `siftingFrom` communes is.
    public func solve(timeLimitSeconds: Double = 30, sifting: Bool? = nil) -> Solution? {
        let m = programme()
        guard let held = relax(m, sifting: sifting ?? (communes > Self.siftingFrom)) else { return nil }
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
            m.freeAll(self) // sifting left most path columns out of the relaxation; the search needs them all
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
                        searched: searched, heldBySifting: held)
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
