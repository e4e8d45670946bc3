import Foundation
import NTMCatalogue
import ZIPFoundation

/// An Excel workbook (Office Open XML, `.xlsx`): one sheet per table, the header row frozen and filtered,
/// numbers stored as numbers with a number format (the spreadsheet shows them in the reader's locale:
/// 1.234.567 in Vietnamese, 1,234,567 in English).
///
/// The parts are written here as XML text: the package's content types and relationships, the workbook, one
/// worksheet per sheet, shared strings and styles. ZIPFoundation packs them; entries carry a fixed date so
/// the same report is the same bytes.
public struct Workbook {
    /// How a number is shown. The stored value is always the full number.
    public enum NumberFormat: CaseIterable, Sendable {
        /// `#,##0`: counts and money (million VND).
        case integer
        /// `#,##0.0`: expected counts.
        case oneDecimal
        /// `0.000`: averages such as criteria met per commune.
        case threeDecimals
        /// `0%`: a probability or share stored as 0…1.
        case share
        /// `0`: a year, without a thousands separator.
        case year

        /// The cell style (index into `cellXfs` of styles.xml).
        var style: Int {
            switch self {
            case .integer: 2
            case .oneDecimal: 3
            case .threeDecimals: 4
            case .share: 5
            case .year: 6
            }
        }
    }

    public enum Cell: Sendable {
        case text(String)
        case number(Double, NumberFormat)
        case empty
    }

    public struct Sheet: Sendable {
        /// At most 31 characters, none of `[]:*?/\`.
        public var name: String
        public var header: [String]
        public var rows: [[Cell]]
        public init(name: String, header: [String], rows: [[Cell]] = []) {
            self.name = name; self.header = header; self.rows = rows
        }
        public mutating func add(_ row: [Cell]) { rows.append(row) }
    }

    public var sheets: [Sheet]
    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// The date written on every zip entry.
    static let entryDate = Date(timeIntervalSince1970: 1_577_836_800) // 2020-01-01

    /// Rows a sheet can hold in Excel (1,048,576, the header's included): past them Excel refuses the file.
    public static let maxRows = 1_048_576

    /// The workbook as the bytes of an `.xlsx` file. A sheet with more rows than `rowsPerSheet` (the header's
    /// included) goes on in sheets named "… (2)", "… (3)", each with the header again: a national plan lists
    /// more than a million payments.
    public func data(rowsPerSheet: Int = Workbook.maxRows) throws -> Data {
        let book = Workbook(sheets: sheets.flatMap { Self.pages($0, rowsPerSheet: rowsPerSheet) })
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ bytes: [UInt8]) throws {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: Self.entryDate,
                                 compressionMethod: .deflate) { position, size in
                Data(bytes[Int(position)..<(Int(position) + size)])
            }
        }
        for (path, text) in [("[Content_Types].xml", book.contentTypes()), ("_rels/.rels", Self.packageRels), ("xl/workbook.xml", book.workbook()),
                             ("xl/_rels/workbook.xml.rels", book.workbookRels()), ("xl/styles.xml", Self.styles)] {
            try add(path, Array(text.utf8))
        }
        // Sheet by sheet, each packed before the next is written (a national sheet's XML is hundreds of megabytes);
        // the strings they share are numbered as they come, and listed last.
        var strings = SharedStrings()
        for (i, sh) in book.sheets.enumerated() {
            try add("xl/worksheets/sheet\(i + 1).xml", book.worksheet(sh, first: i == 0, strings: &strings))
        }
        try add("xl/sharedStrings.xml", Array(strings.xml.utf8))
        guard let data = archive.data else { throw WorkbookError("the zip archive has no data") }
        return data
    }

    /// `sh` cut into sheets of at most `rowsPerSheet` rows, the header's included; the first keeps the name.
    static func pages(_ sh: Sheet, rowsPerSheet: Int) -> [Sheet] {
        let per = max(1, rowsPerSheet - 1)
        guard sh.rows.count > per else { return [sh] }
        return stride(from: 0, to: sh.rows.count, by: per).enumerated().map { i, start in
            let suffix = i == 0 ? "" : " (\(i + 1))"
            return Sheet(name: String(sh.name.prefix(31 - suffix.count)) + suffix, header: sh.header,
                         rows: Array(sh.rows[start..<min(start + per, sh.rows.count)]))
        }
    }

    // MARK: parts

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let pkgRelNS = "http://schemas.openxmlformats.org/package/2006/relationships"

    func contentTypes() -> String {
        var s = Self.header + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        s += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        s += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        s += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        for i in sheets.indices {
            s += "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        s += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        s += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
        return s + "</Types>"
    }

    static let packageRels = header + "<Relationships xmlns=\"\(pkgRelNS)\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relNS)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"

    func workbook() -> String {
        var s = Self.header + "<workbook xmlns=\"\(Self.main)\" xmlns:r=\"\(Self.relNS)\"><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (i, sh) in sheets.enumerated() { s += "<sheet name=\"\(esc(sh.name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>" }
        s += "</sheets><definedNames>"
        // The filter range as Excel records it, so the filter buttons come back after a save.
        for (i, sh) in sheets.enumerated() {
            s += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(i)\" hidden=\"1\">\(esc("'\(sh.name.replacingOccurrences(of: "'", with: "''"))'!\(Self.range(sh, absolute: true))"))</definedName>"
        }
        return s + "</definedNames></workbook>"
    }

    func workbookRels() -> String {
        var s = Self.header + "<Relationships xmlns=\"\(Self.pkgRelNS)\">"
        for i in sheets.indices {
            s += "<Relationship Id=\"rId\(i + 1)\" Type=\"\(Self.relNS)/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
        }
        let n = sheets.count
        s += "<Relationship Id=\"rId\(n + 1)\" Type=\"\(Self.relNS)/styles\" Target=\"styles.xml\"/>"
        s += "<Relationship Id=\"rId\(n + 2)\" Type=\"\(Self.relNS)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        return s + "</Relationships>"
    }

    /// Styles: 0 default, 1 header (bold, shaded, ruled), then one per `NumberFormat`.
    static let styles = header + "<styleSheet xmlns=\"\(main)\">"
        + "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"#,##0.0\"/><numFmt numFmtId=\"165\" formatCode=\"0.000\"/></numFmts>"
        + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
        + "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
        + "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFE8EEF2\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>"
        + "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
        + "<border><left/><right/><top/><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"7\">"
        + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\"/>"
        + "<xf numFmtId=\"3\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"9\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"1\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>"

    /// A sheet's XML as UTF-8 bytes, written straight into one buffer: a national sheet has a few hundred
    /// thousand cells, and a String per cell (its reference, its number through `String(format:)`) took seconds.
    func worksheet(_ sh: Sheet, first: Bool, strings: inout SharedStrings) -> [UInt8] {
        let ref = Self.range(sh, absolute: false)
        let width = max(sh.header.count, sh.rows.reduce(0) { max($0, $1.count) })
        var o = ByteBuffer(capacity: 1_024 + 48 * width * (sh.rows.count + 1))
        o.append(Self.header + "<worksheet xmlns=\"\(Self.main)\" xmlns:r=\"\(Self.relNS)\">")
        o.append("<dimension ref=\"\(ref)\"/>")
        o.append("<sheetViews><sheetView workbookViewId=\"0\"\(first ? " tabSelected=\"1\"" : "")>")
        o.append("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>" as StaticString)
        o.append("<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>" as StaticString)
        o.append("<sheetFormatPr defaultRowHeight=\"15\"/><cols>" as StaticString)
        for (j, h) in sh.header.enumerated() {
            // Wide enough for the header and the longest text (numbers are short), within reason.
            let longest = sh.rows.reduce(h.count + 3) { m, row in
                guard j < row.count else { return m }
                switch row[j] {
                // A text has no more characters than bytes: counting characters is needed only past `m` bytes.
                case .text(let t): return t.utf8.count <= m ? m : max(m, t.count)
                case .number: return max(m, 12)
                case .empty: return m
                }
            }
            o.append("<col min=\"\(j + 1)\" max=\"\(j + 1)\" width=\"\(min(60, max(8, longest + 2)))\" customWidth=\"1\"/>")
        }
        o.append("</cols><sheetData>" as StaticString)
        let letters = (0..<width).map { Self.column($0) }
        /// `<c r="B7"`: the start of a cell and its reference.
        func cell(_ j: Int, _ r: Int) {
            o.append("<c r=\"" as StaticString); o.append(letters[j]); o.append(decimal: r)
        }
        o.append("<row r=\"1\">" as StaticString)
        for (j, h) in sh.header.enumerated() {
            cell(j, 1); o.append("\" s=\"1\" t=\"s\"><v>" as StaticString); o.append(decimal: strings.index(h)); o.append("</v></c>" as StaticString)
        }
        o.append("</row>" as StaticString)
        for (i, row) in sh.rows.enumerated() {
            let r = i + 2
            o.append("<row r=\"" as StaticString); o.append(decimal: r); o.append("\">" as StaticString)
            for (j, c) in row.enumerated() {
                switch c {
                case .text(let t):
                    cell(j, r); o.append("\" t=\"s\"><v>" as StaticString); o.append(decimal: strings.index(t)); o.append("</v></c>" as StaticString)
                case .number(let v, let f) where v.isFinite:
                    cell(j, r); o.append("\" s=\"" as StaticString); o.append(decimal: f.style); o.append("\"><v>" as StaticString)
                    o.append(Self.number(v)); o.append("</v></c>" as StaticString)
                case .number, .empty: break
                }
            }
            o.append("</row>" as StaticString)
        }
        o.append("</sheetData><autoFilter ref=\"\(ref)\"/>")
        o.append("<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>" as StaticString)
        return o.take()
    }

    /// Column letters: 0 → A, 25 → Z, 26 → AA.
    static func column(_ j: Int) -> String {
        var n = j + 1, s = ""
        while n > 0 { let m = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + m))) + s; n = (n - 1) / 26 }
        return s
    }

    static func range(_ sh: Sheet, absolute: Bool) -> String {
        let last = column(max(sh.header.count, 1) - 1), rows = sh.rows.count + 1
        return absolute ? "$A$1:$\(last)$\(rows)" : "A1:\(last)\(rows)"
    }

    /// Up to 10 decimals, without an exponent or trailing zeros ("%.10f" trimmed, "-0" written "0").
    static func number(_ v: Double) -> String { formatNumber(v, decimals: 10) }

    struct SharedStrings {
        var order: [String] = []
        var ids: [String: Int] = [:]
        var uses = 0
        mutating func index(_ s: String) -> Int {
            uses += 1
            if let i = ids[s] { return i }
            ids[s] = order.count
            order.append(s)
            return order.count - 1
        }
        var xml: String {
            Workbook.header + "<sst xmlns=\"\(Workbook.main)\" count=\"\(uses)\" uniqueCount=\"\(order.count)\">"
                + order.map { "<si><t xml:space=\"preserve\">\(esc($0))</t></si>" }.joined() + "</sst>"
        }
    }
}

public struct WorkbookError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// XML text: escapes the five special characters and drops characters XML 1.0 cannot carry.
private func esc(_ s: String) -> String {
    var o = ""
    for u in s.unicodeScalars {
        switch u {
        case "&": o += "&amp;"
        case "<": o += "&lt;"
        case ">": o += "&gt;"
        case "\"": o += "&quot;"
        case "'": o += "&apos;"
        case "\t", "\n", "\r": o.unicodeScalars.append(u)
        default: if u.value >= 0x20 { o.unicodeScalars.append(u) }
        }
    }
    return o
}
