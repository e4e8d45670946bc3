import Foundation

/// A small RFC 4180 reader that keeps each record's line number, so that dataset errors can name the line.
/// (Libraries on hand parse CSV well but do not report where a record starts.)
public struct CSVTable {
    public let file: String
    public let header: [String]
    /// Records with the line each starts on (the header is line 1).
    public let rows: [(line: Int, fields: [String])]

    public static func load(path: String, displayName: String? = nil) throws -> CSVTable {
        let name = displayName ?? path
        return try parse(readTextFile(path, displayName: name), file: name)
    }

    public static func parse(_ text: String, file: String) throws -> CSVTable {
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
        return CSVTable(file: file, header: header, rows: rows)
    }

    /// Checks the header has exactly these columns, in this order.
    public func expectColumns(_ columns: [String]) throws {
        if header != columns {
            let unknown = header.filter { !columns.contains($0) }
            let missing = columns.filter { !header.contains($0) }
            var parts: [String] = []
            if let u = unknown.first {
                let hint = closestMatch(to: u, in: columns).map { " (did you mean '\($0)'?)" } ?? ""
                parts.append("unknown column '\(u)'\(hint)")
            }
            if !missing.isEmpty { parts.append("missing column(s) \(missing.joined(separator: ", "))") }
            if parts.isEmpty { parts.append("columns out of order") }
            throw InputError(file: file, line: 1, key: unknown.first ?? missing.first ?? "", "\(parts.joined(separator: "; ")); expected \(columns.joined(separator: ","))")
        }
    }

    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

/// Writes CSV text: fields with commas, quotes or newlines are quoted.
public struct CSVWriter {
    public private(set) var text = ""
    public init(header: [String]) { row(header) }
    public mutating func row(_ fields: [String]) {
        text += fields.map(Self.escape).joined(separator: ",") + "\n"
    }
    public static func escape(_ s: String) -> String {
        if s.contains(",") || s.contains("\"") || s.contains("\n") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}

/// Formats a number with at most `decimals` decimals, without trailing zeros, the same on every machine.
public func formatNumber(_ v: Double, decimals: Int = 4) -> String {
    var s = String(format: "%.\(decimals)f", v)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    if s == "-0" { s = "0" }
    return s
}
