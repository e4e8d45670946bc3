import Foundation
import NTMCatalogue
import NTMTestSupport
import XCTest

/// The CSV reader and writer and `formatNumber`, checked against the implementations they replaced (kept
/// below as `Legacy`): the byte-level reader must give the same records and the same errors, the exact
/// number path the same strings as printf.
final class CSVTests: XCTestCase {
    // MARK: formatNumber

    func testFormatNumberEdgeValues() {
        XCTAssertEqual(formatNumber(0), "0")
        XCTAssertEqual(formatNumber(-0.0), "0")
        XCTAssertEqual(formatNumber(-0.00001), "0")
        XCTAssertEqual(formatNumber(-0.4, decimals: 0), "0")
        XCTAssertEqual(formatNumber(0.125, decimals: 2), "0.12")  // an exact tie: to even
        XCTAssertEqual(formatNumber(0.375, decimals: 2), "0.38")
        XCTAssertEqual(formatNumber(2.5, decimals: 0), "2")
        XCTAssertEqual(formatNumber(3.5, decimals: 0), "4")
        XCTAssertEqual(formatNumber(-2.5, decimals: 0), "-2")
        XCTAssertEqual(formatNumber(2.5e-5), "0")
        XCTAssertEqual(formatNumber(2.5e-5, decimals: 5), Legacy.formatNumber(2.5e-5, decimals: 5))  // a tie in decimal, not in binary
        XCTAssertEqual(formatNumber(1e15), "1000000000000000")
        XCTAssertEqual(formatNumber(100, decimals: 1), "100")
        XCTAssertEqual(formatNumber(82.8195), "82.8195")
        XCTAssertEqual(formatNumber(-1234.50001, decimals: 1), "-1234.5")
        XCTAssertEqual(formatNumber(.nan), "nan")
        XCTAssertEqual(formatNumber(.infinity), "inf")
        XCTAssertEqual(formatNumber(-.infinity), "-inf")
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 0.375, 0.0625, 2.5e-5, 5e-5, 1.5e-4, 0.00005, 0.99995, 9.99995,
                                1e15, 1e15 + 0.5, 123456789.123456, 9_007_199_254_740_991, 9_007_199_254_740_992, 9e18, 1e20, 1e300,
                                .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, .ulpOfOne, 1 - .ulpOfOne,
                                .nan, .infinity, -.infinity, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 1e-10, 4.99999e-5, 5.00001e-5]
        for d in 0...10 {
            let limit = 9.0e18 / pow(10, Double(d))
            values += [limit, limit.nextDown, limit.nextUp, limit / 2]
        }
        for v in values {
            for x in [v, -v] {
                for d in 0...11 {
                    XCTAssertEqual(formatNumber(x, decimals: d), Legacy.formatNumber(x, decimals: d), "\(x) with \(d) decimals")
                }
            }
        }
    }

    /// 100,000 values of every kind, including exact binary ties at each decimal position.
    func testFormatNumberMatchesPrintfOnManyValues() {
        var rng = SplitMix(seed: 20240601)
        var mismatches: [String] = []
        for i in 0..<100_000 {
            let v: Double
            switch i % 6 {
            case 0: v = Double(rng.next() % 2_000_001) / 10_000 - 100  // 4-decimal grid, as stored
            case 1: v = Double(Int64(bitPattern: rng.next()) % 100_000_000) / Double(UInt64(1) << (rng.next() % 24))  // dyadic: ties
            case 2: v = (rng.unit() - 0.5) * pow(10, Double(Int(rng.next() % 40) - 20))  // every scale
            case 3: v = Double(bitPattern: rng.next())  // any bit pattern, NaNs and infinities included
            case 4: v = Double(rng.next() % 10_000_000) + (Double(rng.next() % 20) + 0.5) / 10_000  // near 5th-decimal halves
            default: v = rng.unit() * 1e7  // money
            }
            for d in [0, 1, 2, 4, 10, Int(rng.next() % 10)] { // 10: the workbook's cells
                let fast = formatNumber(v, decimals: d), old = Legacy.formatNumber(v, decimals: d)
                if fast != old && mismatches.count < 20 { mismatches.append("\(v) (\(v.bitPattern)) d=\(d): \(fast) vs \(old)") }
            }
        }
        XCTAssertEqual(mismatches, [])
    }

    func testFormatNumberWithPrintfIsTheOldFunction() {
        for v in [0.0, -0.0, 1.25, -3.00004, 1e22, .nan] {
            XCTAssertEqual(formatNumberWithPrintf(v, decimals: 3), Legacy.formatNumber(v, decimals: 3))
        }
    }

    // MARK: Writer

    func testWriterQuotesOnlyWhatNeedsIt() {
        let cases: [(String, String)] = [
            ("plain", "plain"), ("", ""), ("Xã Long Phú", "Xã Long Phú"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"", "\"\"\"\""), ("two\nlines", "\"two\nlines\""), ("cr\rhere", "\"cr\rhere\""), ("crlf\r\nend", "\"crlf\r\nend\""),
            ("a,\u{301}b", "\"a,\u{301}b\""), ("q\"\u{301}", "\"q\"\"\u{301}\""), ("Sóc Trăng, Việt Nam", "\"Sóc Trăng, Việt Nam\""),
        ]
        for (field, expected) in cases { XCTAssertEqual(CSVWriter.escape(field), expected, field.debugDescription) }
        var w = CSVWriter(header: ["a", "b,c"])
        w.row(["1", "x\"y"])
        w.row(["", ""])
        XCTAssertEqual(w.text, "a,\"b,c\"\n1,\"x\"\"y\"\n,\n")
    }

    /// The old writer (Foundation's `contains`) agrees wherever a field holds no CR and no quote or comma
    /// followed by a combining mark; for those the byte scan quotes (and doubles) where the old one did not.
    func testWriterMatchesOldWriterOnOrdinaryFields() {
        var rng = SplitMix(seed: 7)
        let pieces = ["a", "Xã", " ", ",", "\"", "\n", "ế", "1", "-", "Huyện", "\u{1F600}"]
        for _ in 0..<20_000 {
            let s = (0..<Int(rng.next() % 8)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            XCTAssertEqual(CSVWriter.escape(s), Legacy.escape(s), s.debugDescription)
        }
        let fields = ["1", "Xã 1", "a,b", "x\"y", "two\nlines", ""]
        var w = CSVWriter(header: fields)
        var old = Legacy.Writer(header: fields)
        for _ in 0..<3 { w.row(fields); old.row(fields) }
        XCTAssertEqual(w.text, old.text)
    }

    /// Where the writers differ, on purpose: Foundation's search (the old writer) does not find a comma, quote
    /// or LF that a combining mark follows, nor looks for a bare CR, and so wrote such fields bare or with an
    /// undoubled quote, which no reader reads back. The byte scan quotes them.
    func testWriterQuotesWhatTheOldWriterLeftBroken() {
        for s in ["cr\rhere", "a,\u{301}b", "x\n\u{301}"] {
            XCTAssertEqual(Legacy.escape(s), s, s.debugDescription)
            XCTAssertEqual(CSVWriter.escape(s), "\"" + s + "\"", s.debugDescription)
        }
        XCTAssertEqual(Legacy.escape("q\"\u{301}"), "q\"\u{301}")
        XCTAssertEqual(CSVWriter.escape("q\"\u{301}"), "\"q\"\"\u{301}\"")
        // A CR before an LF was quoted by both.
        XCTAssertEqual(CSVWriter.escape("a\r\nb"), Legacy.escape("a\r\nb"))
    }

    /// Written fields read back as they were, those the old writer broke included.
    func testWrittenFieldsReadBack() throws {
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", "crlf\r\ninside", "Xã Long Phú", "a,\u{301}b", "q\"\u{301}"]
        var w = CSVWriter(header: ["x"])
        for f in fields { w.row([f]) }
        let t = try CSVTable.parse(w.text, file: "w.csv")
        XCTAssertEqual(t.rows.map { Array($0.fields[0].unicodeScalars) }, fields.map { Array($0.unicodeScalars) })
    }

    // MARK: Reader

    func testReaderHandlesQuotingBOMAndCRLF() throws {
        let text = "\u{FEFF}code , name\r\n1,\"Xã \"\"A\"\", B\"\r\n2,\"two\r\nlines\"\n\n3,plain\r\n4,\"\"\n5,ab\rc"
        let t = try CSVTable.parse(text, file: "t.csv")
        XCTAssertEqual(t.header, ["code", "name"])
        XCTAssertEqual(t.rows.map(\.line), [2, 3, 6, 7, 8])
        XCTAssertEqual(t.rows.map(\.fields), [["1", "Xã \"A\", B"], ["2", "two\r\nlines"], ["3", "plain"], ["4", ""], ["5", "abc"]])
    }

    func testReaderErrorsNameTheLine() {
        let cases: [(String, InputError)] = [
            ("a,b\n1,x\"y\n", InputError(file: "f.csv", line: 2, key: "", "a quote in the middle of a field")),
            ("a,b\n1,\"x\"y\n", InputError(file: "f.csv", line: 2, key: "", "text after a closing quote")),
            ("a,b\n1,\"x\n\ny\n", InputError(file: "f.csv", line: 2, key: "", "a quoted field is never closed")),
            ("a,b\n1,\"x\ny\"\n3\n", InputError(file: "f.csv", line: 4, key: "", "expected 2 fields (a,b), found 1")),
            ("", InputError(file: "f.csv", line: 0, key: "", "the file is empty")),
            ("\u{FEFF}\n\r\n", InputError(file: "f.csv", line: 0, key: "", "the file is empty")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try CSVTable.parse(text, file: "f.csv"), text.debugDescription) { error in
                XCTAssertEqual(error as? InputError, expected, text.debugDescription)
            }
        }
    }

    /// Files are read into memory of their own (`FileBytes`): a file on disk reads as its text does, and a file
    /// that is missing, a folder, not UTF-8 or empty gets its error naming the file.
    func testLoadFromDiskReadsAndReportsLikeParse() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ntm-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "\u{FEFF}code , name\r\n1,\"Xã \"\"A\"\", B\"\r\n2,\"two\r\nlines\"\n" + String(repeating: "3,plain\n", count: 20_000)
        let file = dir.appendingPathComponent("t.csv")
        try Data(text.utf8).write(to: file)
        let fromDisk = try CSVTable.load(path: file.path, displayName: "t.csv"), fromText = try CSVTable.parse(text, file: "t.csv")
        XCTAssertEqual(fromDisk.header, fromText.header)
        XCTAssertEqual(fromDisk.rows.map(\.line), fromText.rows.map(\.line))
        XCTAssertEqual(fromDisk.rows.map(\.fields), fromText.rows.map(\.fields))
        XCTAssertEqual(fromDisk.rows.count, 20_002)

        try Data([0x61, 0x0A, 0xFF, 0x0A]).write(to: dir.appendingPathComponent("latin.csv"))
        try Data().write(to: dir.appendingPathComponent("empty.csv"))
        let cases: [(String, String)] = [("missing.csv", "cannot read the file"), (".", "cannot read the file"),
                                         ("latin.csv", "the file is not UTF-8 text"), ("empty.csv", "the file is empty")]
        for (name, message) in cases {
            XCTAssertThrowsError(try CSVTable.load(path: dir.appendingPathComponent(name).path, displayName: name), name) { error in
                XCTAssertEqual(error as? InputError, InputError(file: name, line: 0, key: "", message), name)
            }
        }
    }

    /// Random texts over an alphabet of the characters that matter (and multi-byte ones): the reader gives
    /// what the old Unicode-scalar reader gave, records or error alike.
    func testReaderMatchesOldReaderOnRandomTexts() {
        var rng = SplitMix(seed: 42)
        let alphabet = ["a", "b", ",", ",", "\"", "\"", "\n", "\n", "\r", "\r\n", "é", "e\u{301}", "\u{FEFF}", " ", "Xã", "\u{1F600}", "\"\""]
        for i in 0..<30_000 {
            let count = Int(rng.next() % 24)
            var text = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            if i % 5 == 0 { text = "\u{FEFF}" + text }
            assertReadsAsOldReader(text)
        }
    }

    /// The reader gives what the old Unicode-scalar reader gave on `text`: records (scalar for scalar, not
    /// only canonically equal) or the same error.
    private func assertReadsAsOldReader(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let new = Result { try CSVTable.parse(text, file: "r.csv") }
        let old = Result { try Legacy.parse(text, file: "r.csv") }
        switch (new, old) {
        case let (.success(n), .success(o)):
            XCTAssertEqual(n.header, o.header, text.debugDescription, file: file, line: line)
            XCTAssertEqual(n.rows.map(\.line), o.rows.map(\.line), text.debugDescription, file: file, line: line)
            XCTAssertEqual(n.rows.map { $0.fields.map { Array($0.unicodeScalars) } }, o.rows.map { $0.fields.map { Array($0.unicodeScalars) } },
                           text.debugDescription, file: file, line: line)
        case let (.failure(n), .failure(o)):
            XCTAssertEqual(n as? InputError, o as? InputError, text.debugDescription, file: file, line: line)
        default:
            XCTFail("\(text.debugDescription): \(new) vs \(old)", file: file, line: line)
        }
    }

    /// Long plain runs (read eight bytes at a time) with a comma, quote, CR or LF at every offset.
    func testReaderMatchesOldReaderOnLongRuns() {
        var rng = SplitMix(seed: 7)
        let plain = ["a", "b", "7", ".", "é", "\u{1F600}", " ", "\u{80}"], special = [",", "\"", "\r", "\n", "\r\n", "\"\""]
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(rng.next() % 4) {
                for _ in 0..<Int(rng.next() % 20) { text += plain[Int(rng.next() % UInt64(plain.count))] }
                text += special[Int(rng.next() % UInt64(special.count))]
            }
            for _ in 0..<Int(rng.next() % 20) { text += plain[Int(rng.next() % UInt64(plain.count))] }
            assertReadsAsOldReader(text)
        }
    }

    // MARK: Numbers

    /// The loader's decimal shortcut gives `Double(_:)`'s bits where it answers, and leaves the rest to it.
    func testDecimalShortcutAgreesWithDouble() {
        func check(_ s: String) {
            let bytes = Array(s.utf8)
            let fast = bytes.withUnsafeBufferPointer { DatasetLoader.decimal($0) }
            let reference = Double(s)
            if let fast { XCTAssertEqual(fast.bitPattern, reference?.bitPattern, s.debugDescription) }
            XCTAssertEqual((fast ?? reference)?.bitPattern, reference?.bitPattern, s.debugDescription)
        }
        for s in ["0", "-0", "-0.0", "0.0", "00", "007", "1", "-1", "1.", ".5", "-.5", "1.5", "1..5", "1.2.3", "-", ".", "",
                  "+1", " 1", "1 ", "1e3", "1E-2", "0x1p3", "inf", "-inf", "nan", "infinity", "1_000", "١", "82.8195",
                  "123456789012345", "1234567890123456", "0.000000000000001", "0.0000000000000001", "9007199254740993",
                  "999999999999999", "99999999999999.9", "0.1", "0.2", "0.3", "2.675", "1.0000000000000002", "--1", "1-"] {
            check(s)
        }
        var rng = SplitMix(seed: 11)
        let alphabet = Array("0123456789012345678901234567890123456789..--+eE x")
        for i in 0..<100_000 {
            let s: String
            if i % 2 == 0 {
                // Random decimals of up to 18 digits, the point anywhere.
                let digits = Int(rng.next() % 19)
                var t = String((0..<digits).map { _ in Character(String(rng.next() % 10)) })
                if digits > 0 && rng.next() % 3 != 0 { t.insert(".", at: t.index(t.startIndex, offsetBy: Int(rng.next() % UInt64(digits + 1)))) }
                s = (rng.next() % 4 == 0 ? "-" : "") + t
            } else {
                s = String((0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            }
            check(s)
        }
    }

    // MARK: Names

    /// The loader's NFC shortcut: the scalars it lets through unchanged are left unchanged by Foundation too,
    /// alone and in random strings; others still go through Foundation.
    func testNFCShortcutAgreesWithFoundation() {
        let kept = (0..<0x300).compactMap(Unicode.Scalar.init) + (0x1E00...0x1EFF).compactMap(Unicode.Scalar.init)
        for u in kept {
            let s = String(u)
            XCTAssertEqual(Array(DatasetLoader.nfc(s).unicodeScalars), Array(s.precomposedStringWithCanonicalMapping.unicodeScalars), "U+\(String(u.value, radix: 16))")
        }
        var rng = SplitMix(seed: 3)
        let extra: [Unicode.Scalar] = ["\u{301}", "\u{303}", "\u{323}", "\u{340}", "\u{2126}", "\u{1100}", "\u{1161}"]
        for i in 0..<20_000 {
            let pool = i % 2 == 0 ? kept : kept + extra
            var s = ""
            for _ in 0..<Int(rng.next() % 10) { s.unicodeScalars.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            XCTAssertEqual(Array(DatasetLoader.nfc(s).unicodeScalars), Array(s.precomposedStringWithCanonicalMapping.unicodeScalars), s.debugDescription)
        }
        XCTAssertEqual(Array(DatasetLoader.nfc("Xa\u{303} 1").unicodeScalars), Array("Xã 1".unicodeScalars))
    }

    /// `trimmedBlanks` gives what Foundation's trimming gives, with and without newlines, on random texts of ASCII
    /// blanks and controls, Unicode spaces (no-break, ideographic, line separator, next line) and Vietnamese letters.
    func testTrimmedBlanksAgreesWithFoundation() {
        let pool: [Unicode.Scalar] = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{00A0}", "\u{3000}", "\u{2028}", "\u{0085}",
                                      "a", "Z", ":", "ư", "ộ", "\u{1}", "\u{7F}"]
        var rng = SplitMix(seed: 5)
        for _ in 0..<20_000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 8) { s.unicodeScalars.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            XCTAssertEqual(s.trimmedBlanks(), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
            XCTAssertEqual(s.trimmedBlanks(newlines: true), s.trimmingCharacters(in: .whitespacesAndNewlines), s.debugDescription)
        }
    }
}

/// The implementations replaced for speed, verbatim: the references the new ones are held to.
enum Legacy {
    static func formatNumber(_ v: Double, decimals: Int = 4) -> String {
        var s = String(format: "%.\(decimals)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    static func escape(_ s: String) -> String {
        if s.contains(",") || s.contains("\"") || s.contains("\n") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    struct Writer {
        var text = ""
        init(header: [String]) { row(header) }
        mutating func row(_ fields: [String]) { text += fields.map(Legacy.escape).joined(separator: ",") + "\n" }
    }

    struct Table {
        var header: [String]
        var rows: [(line: Int, fields: [String])]
    }

    static func parse(_ text: String, file: String) throws -> Table {
        var records: [(Int, [String])] = []
        var field = "", fields: [String] = [], inQuotes = false, line = 1, recordLine = 1, afterQuote = false
        var chars = Array(text.unicodeScalars)[...]
        if chars.first == "\u{FEFF}" { chars = chars.dropFirst() }
        var it = chars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            field = ""; fields = []
        }
        while let c = pending ?? it.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; afterQuote = true; pending = n }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                if !field.isEmpty || afterQuote { throw InputError(file: file, line: line, key: "", "a quote in the middle of a field") }
                inQuotes = true
            case ",":
                fields.append(field); field = ""; afterQuote = false
            case "\r":
                continue
            case "\n":
                endRecord(); afterQuote = false
                line += 1; recordLine = line
            default:
                if afterQuote { throw InputError(file: file, line: line, key: "", "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw InputError(file: file, line: recordLine, key: "", "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let first = records.first else { throw InputError(file: file, line: 0, key: "", "the file is empty") }
        let header = first.1.map { $0.trimmingCharacters(in: .whitespaces) }
        var rows: [(line: Int, fields: [String])] = []
        for (l, f) in records.dropFirst() {
            if f.count != header.count {
                throw InputError(file: file, line: l, key: "", "expected \(header.count) fields (\(header.joined(separator: ","))), found \(f.count)")
            }
            rows.append((l, f))
        }
        return Table(header: header, rows: rows)
    }
}
