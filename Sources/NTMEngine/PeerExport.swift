import Foundation
import NTMCatalogue

/// The compiled model's arrays, written for a peer implementation of the same model step (the NumPy peer of
/// `Benchmarks/peer/`), so both run on exactly the same inputs: `model.json` holds sizes, per-indicator
/// constants, per-year thresholds and budgets, random keys and the normal table; `z0.f32` and `cpp.f32`
/// hold the C × K oriented base values and costs per point (little-endian float32), `tier0.u8` the tiers.
extension Model {
    public func exportForPeer(to folder: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lanes = Lanes(model: self, everyIndicator: true)
        let flat = { (v: [F8]) -> [Double] in v.flatMap { x in (0..<8).map { Double(x[$0]) } } }
        var plans: [[String: Any]] = []
        for (yi, p) in BatchRunner.plans(model: self, lanes: lanes).enumerated() {
            plans.append([
                "year": p.year, "goal": flat(p.goal).map(jsonSafe), "low": flat(p.low).map(jsonSafe),
                "rel": flat(p.rel), "pts": flat(p.pts), "once": flat(p.once), "budget": budget[yi],
                "noise_key": String(p.noiseKey), "recognition_key": String(p.recognitionKey), "district_key": String(p.districtKey),
            ])
        }
        let json: [String: Any] = [
            "C": C, "K": K, "Kp": lanes.Kp, "J": J, "S": S, "districts": districtCount, "draws": scenario.draws,
            "policy": policy.rawValue, "seed": String(scenario.seed),
            "asym": flat(lanes.asym), "z_hi": flat(lanes.zHi), "z_lo": flat(lanes.zLo),
            "decay": flat(lanes.decay), "maintained": flat(lanes.maintained),
            "maintenance_share": Double(Float(catalogue.model.maintenanceShare.value)),
            "noisy": noisy, "noise_rel": noiseRel.map(Double.init), "noise_pts": noisePts.map(Double.init),
            "criterion_of": criterionOf, "eligible": eligible.map(Double.init), "eligible_upkeep": eligibleUpkeep.map(Double.init),
            "recognition_p": recognitionP.map(Double.init), "max_steps": maxSteps, "lapse_revokes": lapseRevokes,
            "district_hazard": Double(districtHazard), "district_of": districtOf, "district_size": districtSize,
            "district_recognised0": districtRecognised0, "district_missing0": districtMissing0,
            "normal_table": CounterRNG.normalTable.map(Double.init), "years": plans,
        ]
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: folder + "/model.json"))
        func raw<T>(_ a: [T], _ name: String) throws {
            try a.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        }
        try raw(lanes.z0, "z0.f32")
        try raw(lanes.costPerPoint, "cpp.f32")
        try raw(tier0, "tier0.u8")
    }
}

/// JSON has no infinities: −∞ (an ungraded threshold) is written as −1e38, which the peer reads back as −∞.
private func jsonSafe(_ x: Double) -> Double { x.isInfinite ? (x < 0 ? -1e38 : 1e38) : x }
