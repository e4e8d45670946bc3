import Foundation
import NTMCatalogue
import NTMTestSupport
import XCTest

/// Helpers shared by the catalogue, dataset and name tests (public API only).
enum Support {
    /// The package root (this file is <root>/Tests/NTMCatalogueTests/TestSupport.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The seed report (the province's report, Feb 2024), beside the package.
    static var seedReport: URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/seed/000_62fb528866f929bc.txt")
    }

    /// Every input error a thrown error carries, whether it came alone or as a list; nil for other errors.
    static func inputErrors(_ error: Error) -> [InputError]? {
        if let e = error as? InputError { return [e] }
        if let e = error as? InputErrors { return e.errors }
        return nil
    }

    /// Runs `body`, which must throw input errors, and returns them (failing the test otherwise).
    static func expectInputErrors(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                                  _ body: () throws -> Void) -> [InputError] {
        do {
            try body()
            XCTFail("\(what): expected an input error, nothing was thrown", file: file, line: line)
            return []
        } catch {
            guard let errors = inputErrors(error) else {
                XCTFail("\(what): expected InputError(s), got \(type(of: error)): \(error)", file: file, line: line)
                return []
            }
            XCTAssertFalse(errors.isEmpty, "\(what): an empty InputErrors list", file: file, line: line)
            return errors
        }
    }

    /// A fresh temporary folder, removed when the test ends.
    static func tempFolder(_ test: XCTestCase, _ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ntm-tests-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The 1-based line on which `needle` first occurs in `text` (nil if absent).
    static func lineOf(_ needle: String, in text: String) -> Int? {
        guard let r = text.range(of: needle) else { return nil }
        return text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }

    /// Replaces the first occurrence of `old` in `text` with `new`, returning the new text and the 1-based
    /// line the replacement starts on. Fails the test when `old` does not occur.
    static func replaceFirst(_ old: String, with new: String, in text: String,
                             file: StaticString = #filePath, line: UInt = #line) -> (text: String, line: Int) {
        guard let r = text.range(of: old) else {
            XCTFail("'\(old)' does not occur in the text", file: file, line: line)
            return (text, 0)
        }
        let l = text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        return (text.replacingCharacters(in: r, with: new), l)
    }

    /// Appendix II as DOMAIN.md §2 gives it: statistics-office code → criteria met (ascending).
    static let appendixII = AppendixII.communes
}
