import Foundation
import NTMCatalogue
import XCTest

/// The embedded end-2022 dataset reproduces DOMAIN.md's end-2022 figures within the report's rounding.
final class Dataset2022Tests: XCTestCase {
    private func load() throws -> (Catalogue, Dataset) {
        let cat = try Catalogue.embedded()
        return (cat, try DatasetLoader.embedded(catalogue: cat, name: "soc-trang-2022"))
    }

    func testTiersAverageAndEveryFact() throws {
        let (cat, ds) = try load()
        XCTAssertEqual(ds.baseYear, 2022)
        let counts = ds.tierCounts()
        XCTAssertEqual(counts[.standard], 64)
        XCTAssertEqual(counts[.advanced], 16)
        XCTAssertEqual(counts[.model], 0)
        XCTAssertEqual(counts[.below], 16)
        // 18.38 to two decimals: 1,470 criteria over 80 communes.
        XCTAssertEqual(ds.averageCriteria(catalogue: cat), 18.375, accuracy: 1e-9)
        let failing = ds.factChecks(catalogue: cat).filter { !$0.holds }
        XCTAssertTrue(failing.isEmpty, failing.map { "\($0.key): \($0.dataset) vs \($0.reported)" }.joined(separator: "; "))
    }

    func testPovertyAndRoadShares() throws {
        let (cat, ds) = try load()
        func province(_ id: String) -> Double { ds.provinceValue(cat.indicator(id)!)! }
        XCTAssertEqual(province("poverty_rate"), 4.75, accuracy: 0.005)
        XCTAssertEqual(province("near_poverty_rate"), 7.43, accuracy: 0.005)
        XCTAssertEqual(province("road_commune_hardened"), 96, accuracy: 0.5)
        XCTAssertEqual(province("road_hamlet_hardened"), 78, accuracy: 0.5)
        XCTAssertEqual(province("road_field_passable"), 64, accuracy: 0.5)
    }

    /// Communes recognised before 2023 keep their tier; those the report shows recognised during 2023 are below it.
    /// End-2022 values the dataset takes from end-2023 under an assumption are never labelled as the report's:
    /// an audit found 720 such values (9 indicators × 80 communes) marked `reported`.
    func testValuesTakenFromAnotherYearAreNotLabelledReported() throws {
        let (cat, ds) = try load()
        let K = ds.indicatorIDs.count
        for id in ["hamlets_on_grid", "commune_cultural_house", "ict_postal_internet", "ict_radio", "universal_preschool",
                   "universal_primary_level", "health_station", "officials_qualified", "security_order"] {
            let k = try XCTUnwrap(ds.indicatorIDs.firstIndex(of: id), id)
            XCTAssertNotNil(cat.indicator(id))
            let labels = Set((0..<ds.communeCount).map { ds.provenance[$0 * K + k] })
            XCTAssertFalse(labels.contains(.reported), "\(id): \(labels)")
        }
    }

    /// The end-2022 communes are end-2023's: the same hamlets, and households scaled to the year's total (an audit
    /// found 70 of 80 communes with other hamlet counts, and households off by factors of 0.3 to 2.9, so the backtest
    /// replayed different communes).
    func testCommunesHaveTheEnd2023Sizes() throws {
        let (cat, ds) = try load()
        let later = try DatasetLoader.embedded(catalogue: cat, name: "soc-trang-2023")
        let next = Dictionary(uniqueKeysWithValues: later.communes.map { ($0.code, $0) })
        for c in ds.communes {
            let n = try XCTUnwrap(next[c.code], c.name)
            XCTAssertEqual(c.hamlets, n.hamlets, c.name)
            let ratio = Double(c.households) / Double(n.households)
            XCTAssertEqual(ratio, 234_850.0 / 236_400.0, accuracy: 0.002, c.name)
        }
    }

    func testNamedCommunes() throws {
        let (_, ds) = try load()
        func tier(_ name: String) -> Tier? {
            guard case .success(let code) = ds.names.commune(name) else { return nil }
            return ds.communes.first { $0.code == code }?.tier
        }
        XCTAssertEqual(tier("An Thạnh 1"), .advanced, "model only in 2023")
        XCTAssertEqual(tier("Long Đức"), .standard)
        for name in ["Thanh Thới An", "Tài Văn", "Mỹ Phước", "Long Phú", "Tân Hưng"] { XCTAssertEqual(tier(name), .below, name) }
        // Nothing the dataset assumes is presented as the report's.
        for c in ds.communes where c.tier == .below {
            XCTAssertTrue(c.tierSource.hasPrefix("assumption"), "\(c.name): \(c.tierSource)")
        }
    }

    func testImputationIsReproducible() throws {
        let cat = try Catalogue.embedded()
        let folder = try XCTUnwrap(DatasetLoader.embeddedFolder("soc-trang-2022"))
        let recipe = try DatasetRecipe.load(path: folder + "/dataset.yaml")
        let out = try Imputation(catalogue: cat, recipe: recipe, folder: folder).run()
        XCTAssertEqual(Data(out.communesCSV.utf8), FileManager.default.contents(atPath: folder + "/communes.csv"))
        XCTAssertEqual(Data(out.indicatorsCSV.utf8), FileManager.default.contents(atPath: folder + "/indicators.csv"))
    }
}
