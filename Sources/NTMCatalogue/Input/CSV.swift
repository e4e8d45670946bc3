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
        var text = text
        return try text.withUTF8 { try parse(utf8: $0, file: file) }
    }

    /// The parser proper, on the text's UTF-8 bytes. Every byte it acts on (quote, comma, CR, LF) is ASCII,
    /// which never occurs inside a multi-byte scalar, so fields split here are whole UTF-8 text.
    static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, file: String) throws -> CSVTable {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        // The first record (the header) apart, so the rest need no copy at the end.
        var first: [String]? = nil, records: [(line: Int, fields: [String])] = []
        var field: [UInt8] = [], fields: [String] = [], inQuotes = false, line = 1, recordLine = 1, afterQuote = false
        // A field that is one plain run of bytes ended by a comma, LF or the end is made straight from the input.
        var whole: String? = nil
        field.reserveCapacity(256)
        let n = bytes.count
        var i = 0
        if n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }  // U+FEFF, the BOM
        while i < n {
            let c = bytes[i]
            i += 1
            if inQuotes {
                if c == quote {
                    if i < n {
                        // A doubled quote is a literal quote; any other byte ends the quoted part and is read again.
                        if bytes[i] == quote { field.append(quote); i += 1 } else { inQuotes = false; afterQuote = true }
                    } else { inQuotes = false }
                } else {
                    if c == lf { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case quote:
                if !field.isEmpty || afterQuote { throw InputError(file: file, line: line, key: "", "a quote in the middle of a field") }
                inQuotes = true
            case comma:
                fields.append(whole ?? (field.isEmpty ? "" : String(decoding: field, as: UTF8.self)))
                field.removeAll(keepingCapacity: true); whole = nil
                afterQuote = false
            case cr:
                continue
            case lf:  // (the end of a record is written out here: local functions would box the state)
                fields.append(whole ?? (field.isEmpty ? "" : String(decoding: field, as: UTF8.self)))
                field.removeAll(keepingCapacity: true); whole = nil
                if !(fields.count == 1 && fields[0].isEmpty) {
                    if first == nil { first = fields } else { records.append((recordLine, fields)) }
                }
                fields = []
                fields.reserveCapacity(first?.count ?? 4)
                afterQuote = false
                line += 1; recordLine = line
            default:
                if afterQuote { throw InputError(file: file, line: line, key: "", "text after a closing quote") }
                // The rest of a plain run in one copy.
                var j = i
                while j < n {
                    let b = bytes[j]
                    if b == comma || b == lf || b == cr || b == quote { break }
                    j += 1
                }
                if field.isEmpty && (j == n || bytes[j] == comma || bytes[j] == lf) {
                    // Nothing before the run and the field ends after it.
                    whole = String(decoding: UnsafeBufferPointer(rebasing: bytes[(i - 1)..<j]), as: UTF8.self)
                } else {
                    field.append(c)
                    if j > i { field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j])) }
                }
                i = j
            }
        }
        if inQuotes { throw InputError(file: file, line: recordLine, key: "", "a quoted field is never closed") }
        if whole != nil || !field.isEmpty || !fields.isEmpty {
            fields.append(whole ?? String(decoding: field, as: UTF8.self))
            if !(fields.count == 1 && fields[0].isEmpty) {
                if first == nil { first = fields } else { records.append((recordLine, fields)) }
            }
        }
        guard let first else { throw InputError(file: file, line: 0, key: "", "the file is empty") }
        let header = first.map { $0.trimmingCharacters(in: .whitespaces) }
        for (l, f) in records where f.count != header.count {
            throw InputError(file: file, line: l, key: "", "expected \(header.count) fields (\(header.joined(separator: ","))), found \(f.count)")
        }
        return CSVTable(file: file, header: header, rows: records)
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

/// Writes CSV text: fields with commas, quotes, line feeds or carriage returns are quoted.
public struct CSVWriter {
    public private(set) var text = ""
    public init(header: [String]) { row(header) }
    public mutating func row(_ fields: [String]) {
        var first = true
        for f in fields {
            if !first { text.append(",") }
            first = false
            if Self.needsQuotes(f) { text.append(Self.quoted(f)) } else { text.append(f) }
        }
        text.append("\n")
    }
    public static func escape(_ s: String) -> String { needsQuotes(s) ? quoted(s) : s }

    /// Whether the field holds a comma, quote, LF or CR, found on its UTF-8 bytes (all four are ASCII).
    static func needsQuotes(_ s: String) -> Bool {
        func special(_ b: UInt8) -> Bool { b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") }
        if let found = s.utf8.withContiguousStorageIfAvailable({ bytes in
            for b in bytes where special(b) { return true }
            return false
        }) { return found }
        return s.utf8.contains(where: special)
    }

    /// The field in quotes, each quote doubled.
    static func quoted(_ s: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(s.utf8.count + 8)
        for b in s.utf8 {
            out.append(b)
            if b == UInt8(ascii: "\"") { out.append(b) }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}

/// Formats a number with at most `decimals` decimals, without trailing zeros, the same on every machine.
///
/// The result is `String(format: "%.<decimals>f", v)` with trailing zeros (and a bare point) removed and "-0"
/// written "0". Finite values of moderate size take an exact integer path that gives the same digits (printf
/// rounds the double's exact binary value to nearest, ties to even; so does `exactDecimal`); anything else
/// goes through printf itself (`formatNumberWithPrintf`).
public func formatNumber(_ v: Double, decimals: Int = 4) -> String {
    exactDecimal(v, decimals: decimals) ?? formatNumberWithPrintf(v, decimals: decimals)
}

/// `formatNumber` through `String(format:)`: the reference the exact path must match, and the fallback for
/// values it does not take (non-finite, ≥ 2^53 or over 9e18 once scaled, more than 9 decimals).
public func formatNumberWithPrintf(_ v: Double, decimals: Int = 4) -> String {
    var s = String(format: "%.\(decimals)f", v)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    if s == "-0" { s = "0" }
    return s
}

private let powersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]

/// `v` rounded to `decimals` decimals as printf does, by integer arithmetic on the double's exact value
/// m · 2^e: q = round-half-even(m · 10^d / 2^-e). Nil where the integers could overflow.
@inline(__always)
func exactDecimal(_ v: Double, decimals d: Int) -> String? {
    guard v.isFinite, d >= 0, d < powersOfTen.count else { return nil }
    let p10 = powersOfTen[d]
    let mag = v.magnitude
    guard mag < 9_007_199_254_740_992.0, mag * Double(p10) < 9.0e18 else { return nil }
    let bits = mag.bitPattern
    let biased = Int(bits >> 52), fraction = bits & (1 << 52 - 1)
    let m = biased == 0 ? fraction : fraction | 1 << 52
    let e = (biased == 0 ? 1 : biased) - 1075
    let q: UInt64
    if e >= 0 {
        q = (m << UInt64(e)) * p10  // an integer below 2^53; the scaled bound above keeps the product in range
    } else {
        let s = -e
        let n = UInt128(m) * UInt128(p10)  // below 2^83
        if s > 84 {
            q = 0  // n < 2^83 ≤ half of 2^s: rounds to 0
        } else {
            var t = n >> UInt128(s)
            let r = n & (UInt128(1) << UInt128(s) - 1), half = UInt128(1) << UInt128(s - 1)
            if r > half || (r == half && t & 1 == 1) { t += 1 }
            q = UInt64(t)
        }
    }
    if q == 0 { return "0" }  // also "-0.000…", which becomes "-0", then "0"
    let negative = v.sign == .minus
    var int = q / p10, frac = q % p10
    var fracDigits = d
    if frac == 0 { fracDigits = 0 } else { while frac % 10 == 0 { frac /= 10; fracDigits -= 1 } }
    var intDigits = 1
    var x = int
    while x >= 10 { x /= 10; intDigits += 1 }
    let count = (negative ? 1 : 0) + intDigits + (fracDigits > 0 ? 1 + fracDigits : 0)
    return String(unsafeUninitializedCapacity: count) { out in
        var i = count
        for _ in 0..<fracDigits { i -= 1; out[i] = UInt8(ascii: "0") + UInt8(frac % 10); frac /= 10 }
        if fracDigits > 0 { i -= 1; out[i] = UInt8(ascii: ".") }
        for _ in 0..<intDigits { i -= 1; out[i] = UInt8(ascii: "0") + UInt8(int % 10); int /= 10 }
        if negative { out[0] = UInt8(ascii: "-") }
        return count
    }
}
