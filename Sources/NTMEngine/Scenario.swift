import Foundation
import NTMCatalogue

/// A what-if: which dataset, how far, how many draws, how much money from each source each year, which
/// allocation policy, the targets, shocks and parameter overrides. Read from a YAML file that may `extend`
/// another and change only what differs (mappings merge key by key, lists and values replace).
public struct Scenario: Sendable {
    public var name: String
    public var file: String
    public var description: String
    /// The last year projected.
    public var horizon: Int
    public var draws: Int
    public var seed: UInt64
    /// A dataset folder, or nil for the embedded default.
    public var datasetPath: String?
    public var cataloguePath: String?
    /// Million VND by source id and year.
    public var funding: [String: [Int: Double]]
    public var fundingSources: [String: String]
    public var policy: String
    public var targets: [Int: [Tier: Int]]
    public var targetSource: String?
    public var shocks: [Shock]
    public var overrides: [(path: String, value: Double, source: String, at: Location)]
    /// Where each funding source and shock was given, for errors found against the catalogue.
    public var fundingLocations: [String: Location] = [:]
    public var shockLocations: [Location] = []
    public var horizonLocation: Location?
    public var drawsLocation: Location?
    public var targetLocations: [Int: Location] = [:]
    /// Caps on recognitions a year, by tier (nil: no cap).
    public var recognitionCap: [Tier: Int]
    /// Scales every indicator's noise (1 = as the catalogue says, 0 = none).
    public var noiseScale: Double
    /// The noise scale the planning margin is worked out with, when not `noiseScale` (not read from files):
    /// the expected-value model has no noise, yet its communes aim past a threshold as the Monte Carlo engine's
    /// do, so that a package costs what the engine will spend on it.
    public var marginNoiseScale: Double?
    /// The files read, the scenario's own first, then what it extends.
    public var chain: [String]
    /// Every file and folder the scenario reads: its chain, and its dataset folder and catalogue when given.
    public var inputs: [String] { chain + [datasetPath, cataloguePath].compactMap { $0 } }
    public var allocation = AllocationSettings()

    /// What `ntm allocate` optimises and the rules it must respect.
    public struct AllocationSettings: Sendable {
        /// Weights of communes at or above each tier, counted each year, and (negative) of communes below 15 criteria.
        public var standard = 1.0, advanced = 1.0, model = 1.0, below15 = 0.0
        /// Most money one commune can absorb in a year (million VND), if set.
        public var absorptionCap: Double?
        /// Local sources must put in at least `ratio` times what the central sources put in, each year.
        public var coFinancing: (local: [String], central: [String], ratio: Double)?
        public var location: Location?
        public init() {}
    }

    public struct Shock: Sendable {
        public enum Effect: Sendable {
            /// Adds to the yearly trend (a share for relative trends, points for point trends).
            case trend(Double)
            /// Moves the indicator by points once, in that year.
            case points(Double)
            /// Scales a funding source's money that year.
            case funding(Double)
        }
        public var year: Int
        public var indicators: [String]
        public var kinds: [IndicatorKind]
        public var fundingSource: String?
        public var effect: Effect
        public var source: String
    }

    public static let policies = Policy.allCases.map(\.rawValue)
    /// The most money a source can bring in a year (million VND): see `funding` below.
    public static let maxAmount = 1e10

    static let keys = ["scenario", "extends", "horizon", "draws", "seed", "dataset", "catalogue", "funding", "policy",
                       "targets", "shocks", "overrides", "recognition_cap", "noise_scale", "allocation"]
}

extension Scenario {
    /// Reads a scenario file and everything it extends, then checks it against the catalogue and dataset years.
    public static func load(path: String) throws -> Scenario {
        var layers: [(node: YAMLNode, map: YAMLMapping, dir: String)] = []
        var seen: [String] = []
        var current: String? = path
        var from: YAMLNode?
        while let p = current {
            let url = URL(fileURLWithPath: p).standardizedFileURL
            if seen.contains(url.path) {
                throw (from ?? YAMLNode(node: .scalar(.init("")), file: p, path: "extends"))
                    .error("extends '\(p)' again: the chain \(seen.map { ($0 as NSString).lastPathComponent }.joined(separator: " → ")) is circular")
            }
            switch PathKind.of(url.path) {
            case nil:
                if let f = from { throw f.error("extends '\(p)', which does not exist") }
                throw InputError(file: p, line: 0, key: "", "no such scenario file")
            case .folder:
                if let f = from { throw f.error("extends '\(p)', which is a folder, not a scenario file") }
                throw InputError(file: p, line: 0, key: "", "is a folder, not a scenario file")
            case .file: break
            }
            seen.append(url.path)
            let node = try YAMLNode.load(path: url.path, displayName: p)
            let map = try node.mapping(allowed: keys)
            layers.append((node, map, url.deletingLastPathComponent().path))
            if let e = map["extends"] {
                from = e
                let rel = try e.nonEmptyString()
                current = rel.hasPrefix("/") ? rel : url.deletingLastPathComponent().appendingPathComponent(rel).path
            } else { current = nil }
        }
        // Apply from the root of the chain to the file itself.
        var s = Scenario(name: (path as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: ""), file: path,
                         description: "", horizon: 2025, draws: 1000, seed: 1, datasetPath: nil, cataloguePath: nil,
                         funding: [:], fundingSources: [:], policy: "proportional", targets: [:], targetSource: nil,
                         shocks: [], overrides: [], recognitionCap: [:], noiseScale: 1, chain: seen)
        var yearNodes: [(year: Int, node: YAMLNode)] = []
        var pathChecks: [String: () throws -> Void] = [:]
        for layer in layers.reversed() {
            try s.apply(layer.map, dir: layer.dir, yearNodes: &yearNodes, pathChecks: &pathChecks)
        }
        // The dataset and catalogue are looked for once the chain is applied, where the last file to name them
        // says: a scenario may give its own in place of one its parent names but this machine lacks (as
        // national-2025.yaml's folder before `make national` makes it).
        for key in ["dataset", "catalogue"] { try pathChecks[key]?() }
        s.name = (path as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: "")
        if let meta = layers[0].map["scenario"], let n = try meta.mapping(allowed: ["name", "description"])["name"] {
            s.name = try n.nonEmptyString()
        }
        for (year, node) in yearNodes where year > s.horizon {
            throw node.error("year \(year) is after the horizon (\(s.horizon))")
        }
        return s
    }

    static func resolve(_ p: String, dir: String) -> String {
        p.hasPrefix("/") ? p : URL(fileURLWithPath: dir).appendingPathComponent(p).standardizedFileURL.path
    }

    /// Applies one file of the chain. `pathChecks` gets, per path key, the check of the path this file names
    /// (nil where it names an embedded one), run by `load` once every file is applied.
    mutating func apply(_ m: YAMLMapping, dir: String, yearNodes: inout [(year: Int, node: YAMLNode)],
                        pathChecks: inout [String: () throws -> Void]) throws {
        if let n = m["scenario"] {
            let mm = try n.mapping(allowed: ["name", "description"])
            if let d = mm["description"] { description = try d.string() }
        }
        if let n = m["horizon"] { horizon = try n.int(in: 2000...2100); horizonLocation = n.location }
        if let n = m["draws"] { draws = try n.int(in: 1...1_000_000); drawsLocation = n.location }
        if let n = m["seed"] { seed = UInt64(try n.int(in: 0...Int.max)) }
        if let n = m["dataset"] {
            let v = try n.nonEmptyString()
            if v.hasPrefix("embedded:") {
                // Another dataset shipped with ntm, by name (e.g. `embedded:soc-trang-2022`).
                let name = String(v.dropFirst("embedded:".count))
                guard let folder = DatasetLoader.embeddedFolder(name) else {
                    throw n.error("no embedded dataset '\(name)'")
                }
                datasetPath = folder
                pathChecks["dataset"] = nil
            } else {
                datasetPath = v == "embedded" ? nil : Self.resolve(v, dir: dir)
                pathChecks["dataset"] = datasetPath.map { folder in {
                    guard let kind = PathKind.of(folder) else { throw n.error("folder \(folder) does not exist") }
                    guard kind == .folder else { throw n.error("\(folder) is a file; give the dataset's folder") }
                    guard FileManager.default.fileExists(atPath: folder + "/dataset.yaml") else {
                        throw n.error("folder \(folder) has no dataset.yaml: it is not a dataset")
                    }
                }}
            }
        }
        if let n = m["catalogue"] {
            let v = try n.nonEmptyString()
            cataloguePath = v == "embedded" ? nil : Self.resolve(v, dir: dir)
            pathChecks["catalogue"] = cataloguePath.map { file in {
                guard let kind = PathKind.of(file) else { throw n.error("file \(file) does not exist") }
                guard kind == .file else { throw n.error("\(file) is a folder; give the catalogue's YAML file") }
            }}
        }
        if let n = m["policy"] {
            let p = try n.nonEmptyString()
            guard Self.policies.contains(p) else {
                let hint = closestMatch(to: p, in: Self.policies).map { " (did you mean '\($0)'?)" } ?? ""
                throw n.error("unknown policy '\(p)'\(hint); available: \(Self.policies.joined(separator: ", "))")
            }
            policy = p
        }
        if let n = m["noise_scale"] { noiseScale = try n.double(in: 0...10) }
        if let n = m["allocation"] {
            let am = try n.mapping(allowed: ["objective", "absorption_cap", "co_financing"])
            allocation.location = n.location
            if let o = am["objective"] {
                let om = try o.mapping(allowed: ["standard", "advanced", "model", "below_15", "source"])
                _ = try om.required("source").source()
                if let v = om["standard"] { allocation.standard = try v.double(in: 0...1000) }
                if let v = om["advanced"] { allocation.advanced = try v.double(in: 0...1000) }
                if let v = om["model"] { allocation.model = try v.double(in: 0...1000) }
                if let v = om["below_15"] { allocation.below15 = try v.double(in: 0...1000) }
            }
            if let c = am["absorption_cap"] {
                let cm = try c.mapping(allowed: ["value", "source"])
                _ = try cm.required("source").source()
                let v = try cm.required("value").double()
                if v <= 0 { throw try cm.required("value").error("the cap must be positive (million VND a commune a year)") }
                allocation.absorptionCap = v
            }
            if let c = am["co_financing"] {
                let cm = try c.mapping(allowed: ["local", "central", "ratio", "source"])
                _ = try cm.required("source").source()
                allocation.coFinancing = (try cm.required("local").stringList(), try cm.required("central").stringList(),
                                          try cm.required("ratio").double(in: 0...100))
            }
        }
        if let n = m["funding"] {
            for (sourceID, node) in try n.openMapping() {
                var byYear = funding[sourceID] ?? [:]
                var src: String?
                for (k, v) in try node.openMapping() {
                    if k == "source" { src = try v.source(); continue }
                    guard let year = Int(k), (2000...2100).contains(year) else { throw v.error("'\(k)' is not a year (or 'source')") }
                    let amount = try v.double()
                    if amount < 0 { throw v.error("money cannot be negative (\(formatNumber(amount)) million VND)") }
                    // assumption: a bound far above any real amount (the national scenario's largest source-year is
                    // about 1.6e8 million VND, the integrated funds), so sums and shares stay exact enough to mean something.
                    if amount > Self.maxAmount {
                        throw v.error("\(formatNumber(amount)) million VND is out of range; at most \(formatNumber(Self.maxAmount)) for a source in a year")
                    }
                    byYear[year] = amount
                    yearNodes.append((year, v))
                }
                guard let source = src else { throw node.error("funding of '\(sourceID)' needs a 'source:' saying where the amounts come from") }
                funding[sourceID] = byYear
                fundingSources[sourceID] = source
                fundingLocations[sourceID] = node.location
            }
        }
        if let n = m["targets"] {
            for (k, v) in try n.openMapping() {
                if k == "source" { targetSource = try v.source(); continue }
                guard let year = Int(k), (2000...2100).contains(year) else { throw v.error("'\(k)' is not a year (or 'source')") }
                var t: [Tier: Int] = [:]
                for (tk, tv) in try v.mapping(allowed: ["standard", "advanced", "model"]).entries {
                    t[Tier(id: tk)!] = try tv.int(in: -100_000...100_000)
                }
                targets[year] = t
                targetLocations[year] = v.location
                yearNodes.append((year, v))
            }
        }
        if let n = m["recognition_cap"] {
            for (tk, tv) in try n.mapping(allowed: ["standard", "advanced", "model"]).entries {
                recognitionCap[Tier(id: tk)!] = try tv.int(in: 0...1_000_000)
            }
        }
        if let n = m["shocks"] {
            shocks = []
            shockLocations = []
            for sn in try n.sequence() {
                let sm = try sn.mapping(allowed: ["year", "indicators", "kinds", "funding_source", "trend", "points", "funding_scale", "source"])
                let year = try sm.required("year").int(in: 2000...2100)
                yearNodes.append((year, try sm.required("year")))
                let effects = [sm["trend"], sm["points"], sm["funding_scale"]].compactMap { $0 }
                guard effects.count == 1 else { throw sn.error("a shock needs exactly one of trend, points or funding_scale") }
                let effect: Shock.Effect
                if let t = sm["trend"] { effect = .trend(try t.double(in: -10...10)) }
                else if let p = sm["points"] { effect = .points(try p.double()) }
                else { effect = .funding(try sm["funding_scale"]!.double(in: 0...100)) }
                let inds = try sm.optional("indicators")?.stringList() ?? []
                let kinds = try sm.optional("kinds")?.sequence().map { try $0.oneOf(IndicatorKind.self) } ?? []
                let fs = try sm.optional("funding_source")?.nonEmptyString()
                if case .funding = effect { if fs == nil { throw sn.error("a funding_scale shock needs funding_source") } }
                else if inds.isEmpty && kinds.isEmpty { throw sn.error("a trend or points shock needs indicators or kinds") }
                shocks.append(Shock(year: year, indicators: inds, kinds: kinds, fundingSource: fs, effect: effect,
                                    source: try sm.required("source").source()))
                shockLocations.append(sn.location)
            }
        }
        if let n = m["overrides"] {
            for (path, node) in try n.openMapping() {
                let om = try node.mapping(allowed: ["value", "source"])
                overrides.removeAll { $0.path == path }
                overrides.append((path, try om.required("value").double(), try om.required("source").source(), try om.required("value").location))
            }
        }
    }
}

