import Foundation
import NTMCatalogue
import XCTest

final class NameMatcherTests: XCTestCase {
    private func dataset() throws -> Dataset {
        try DatasetLoader.embedded(catalogue: try Catalogue.embedded())
    }

    private func code(_ r: Result<String, NameMatcher.Failure>, file: StaticString = #filePath, line: UInt = #line) -> String? {
        switch r {
        case .success(let c): return c
        case .failure(let f):
            XCTFail("no match: \(f)", file: file, line: line)
            return nil
        }
    }

    func testSpellingsOfTheReportAndTheStatisticsOffice() throws {
        let names = try dataset().names
        XCTAssertEqual(code(names.commune("Thanh Thới An")), "31699", "report spelling of Thạnh Thới An")
        XCTAssertEqual(code(names.commune("Thạnh Thới An")), "31699", "official spelling")
        XCTAssertEqual(code(names.commune("Kê Thành", district: "Kê Sách")), "31555")
        XCTAssertEqual(code(names.district("Kê Sách")), "943")
        XCTAssertEqual(code(names.district("Kế Sách")), "943")
        XCTAssertEqual(code(names.commune("Hòa Tú II")), "31729")
        XCTAssertEqual(code(names.commune("Đại Ân  2")), "31672", "two spaces")
        XCTAssertEqual(code(names.commune("  hồ đắc kiện ")), "31570", "case and surrounding spaces")
    }

    func testDecomposedUnicodeMatches() throws {
        let names = try dataset().names
        let decomposed = "Hồ Đắc Kiện".decomposedStringWithCanonicalMapping
        XCTAssertNotEqual(Array(decomposed.unicodeScalars), Array("Hồ Đắc Kiện".precomposedStringWithCanonicalMapping.unicodeScalars))
        XCTAssertEqual(code(names.commune(decomposed)), "31570")
    }

    func testUnknownNameFails() throws {
        let names = try dataset().names
        switch names.commune("Xã Không Có Thật") {
        case .success(let c): XCTFail("matched an invented name to \(c)")
        case .failure(.unknown(let n, suggestion: _)): XCTAssertEqual(n, "Xã Không Có Thật")
        case .failure(let f): XCTFail("expected .unknown, got \(f)")
        }
        // A near miss is unknown too, with a suggestion.
        switch names.commune("Tài Vânn") {
        case .success(let c): XCTFail("an approximate name must not match (got \(c))")
        case .failure(.unknown(_, let suggestion)): XCTAssertEqual(suggestion?.precomposedStringWithCanonicalMapping, "Tài Văn")
        case .failure(let f): XCTFail("expected .unknown, got \(f)")
        }
    }

    /// The rows of Appendix II exactly as printed in the seed report (TT, commune, district).
    private func appendixRowsOfTheSeed() throws -> [(number: Int, commune: String, district: String)] {
        let text = try String(contentsOf: Support.seedReport, encoding: .utf8)
        var rows: [(Int, String, String)] = []
        var inside = false
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("Phục lục II") { inside = true; continue }
            if trimmed.hasPrefix("Phụ lục III") { break }
            guard inside else { continue }
            let f = line.components(separatedBy: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let n = Int(f[0]), f.count >= 3 else { continue }
            rows.append((n, f[1], f[2]))
        }
        return rows
    }

    func testEveryRowOfAppendixIIAsPrinted() throws {
        let ds = try dataset()
        let rows = try appendixRowsOfTheSeed()
        XCTAssertEqual(rows.map(\.number), Array(1...10), "ten rows numbered 1–10 in the seed's Appendix II")
        var codes: [String] = []
        for row in rows {
            guard let c = code(ds.names.commune(row.commune, district: row.district)) else { continue }
            codes.append(c)
            let m = ds.communes.first { $0.code == c }
            XCTAssertEqual(m?.tier, .below, "row \(row.number) \(row.commune) → \(c) must be below standard")
            XCTAssertEqual(Support.appendixII[row.number - 1].code, c, "row \(row.number) \(row.commune) (\(row.district))")
            // The district printed names the commune's district.
            if case .success(let dc) = ds.names.district(row.district) { XCTAssertEqual(m?.districtCode, dc, row.commune) }
            else { XCTFail("district '\(row.district)' does not match") }
        }
        XCTAssertEqual(codes.count, 10)
        XCTAssertEqual(Set(codes).count, 10, "ten distinct communes: \(codes)")
    }
}
