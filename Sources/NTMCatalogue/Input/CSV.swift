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
        return try withFileBytes(path: path, displayName: name) { try parse(utf8: $0, file: name) }
    }

    public static func parse(_ text: String, file: String) throws -> CSVTable {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { try parse(utf8: $0, file: file) }
    }

    /// The records as strings, read by `scan`.
    static func parse(utf8 bytes: UnsafeMutableBufferPointer<UInt8>, file: String) throws -> CSVTable {
        var records: [(line: Int, fields: [String])] = []
        let header = try scan(utf8: bytes, file: file, header: { _ in true }) { line, fields in
            var row: [String] = []
            row.reserveCapacity(fields.count)
            for f in 0..<fields.count { row.append(fields.string(f)) }
            records.append((line, row))
        }
        return CSVTable(file: file, header: header, rows: records)
    }

    /// Runs `body` on the bytes of a UTF-8 text file, as `readTextFile` reads it: one leading byte order mark
    /// dropped (as `String(data:encoding:)` drops it), the rest checked to be UTF-8, without making a String.
    /// The bytes are `body`'s to change.
    static func withFileBytes<T>(path: String, displayName: String, _ body: (UnsafeMutableBufferPointer<UInt8>) throws -> T) throws -> T {
        try withFileBytes(displayName: displayName, contents: FileBytes(path: path), body)
    }

    /// `withFileBytes` on the file's contents already read (nil: it could not be read).
    static func withFileBytes<T>(displayName: String, contents: FileBytes?,
                                 _ body: (UnsafeMutableBufferPointer<UInt8>) throws -> T) throws -> T {
        guard let file = contents else {
            throw InputError(file: displayName, line: 0, key: "", "cannot read the file")
        }
        let all = file.bytes
        let bom = all.count >= 3 && all[0] == 0xEF && all[1] == 0xBB && all[2] == 0xBF
        let text = UnsafeMutableBufferPointer(rebasing: all[(bom ? 3 : 0)...])
        guard (try? UTF8Span(validating: UnsafeBufferPointer(text).span)) != nil else {
            throw InputError(file: displayName, line: 0, key: "", "the file is not UTF-8 text")
        }
        return try withExtendedLifetime(file) { try body(text) }
    }

    /// The reader proper, on the text's UTF-8 bytes, without a String per field: `header` gets the first
    /// record's fields (trimmed) and says whether to go on; then `record` gets each later record with as many
    /// fields as the header, its fields unquoted in place in `bytes`. Every byte it acts on (quote, comma, CR,
    /// LF) is ASCII, which never occurs inside a multi-byte scalar, so fields split here are whole UTF-8 text.
    ///
    /// The whole text is read before any error is thrown about a record's number of fields, and the first
    /// such record is named, so errors do not depend on what the callbacks do. Returns the header.
    ///
    /// `continuing`: the text is a later part of a file whose header is already known (and wanted), cut at the
    /// start of a line, whose first line is `line`: every record of the part is a record.
    @discardableResult
    static func scan(utf8 bytes: UnsafeMutableBufferPointer<UInt8>, file: String, header wanted: ([String]) -> Bool,
                     continuing: (header: [String], line: Int)? = nil,
                     record: (_ line: Int, _ fields: CSVFields) -> Void) throws -> [String] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        guard let p = bytes.baseAddress else { throw InputError(file: file, line: 0, key: "", "the file is empty") }
        let n = bytes.count
        // A field's text is written over its own bytes, unquoted: it is never longer than what it is read from,
        // so `w` (where it ends so far) never passes `i` (the next byte to read).
        var i = 0
        if continuing == nil && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }  // U+FEFF, the BOM
        var start = i, w = i
        // The current record's fields, as start and end offsets.
        var bounds = FieldBounds()
        defer { bounds.free() }
        var header: [String]? = continuing?.header, width = 2 * (continuing?.header.count ?? 0), deliver = true
        var badCount: (line: Int, count: Int)? = nil
        var inQuotes = false, afterQuote = false, line = continuing?.line ?? 1, recordLine = line
        while i < n {
            let c = p[i]
            i += 1
            if inQuotes {
                if c == quote {
                    if i < n {
                        // A doubled quote is a literal quote; any other byte ends the quoted part and is read again.
                        if p[i] == quote { p[w] = quote; w += 1; i += 1 } else { inQuotes = false; afterQuote = true }
                    } else { inQuotes = false }
                } else {
                    if c == lf { line += 1 }
                    p[w] = c; w += 1
                }
                continue
            }
            switch c {
            case quote:
                if w > start || afterQuote { throw InputError(file: file, line: line, key: "", "a quote in the middle of a field") }
                inQuotes = true
            case comma:
                bounds.append(start, w)
                start = i; w = i
                afterQuote = false
            case cr:
                continue
            case lf:  // (the end of a record is written out here and at the end: local functions would box the state)
                bounds.append(start, w)
                start = i; w = i
                if !(bounds.count == 2 && bounds[0] == bounds[1]) {
                    if header == nil {
                        let h = headerFields(p, bounds.buffer)
                        header = h; width = 2 * h.count
                        deliver = wanted(h)
                    } else if bounds.count != width {
                        if badCount == nil { badCount = (recordLine, bounds.count / 2) }
                        deliver = false
                    } else if deliver {
                        record(recordLine, CSVFields(base: p, bounds: bounds.buffer))
                    }
                }
                bounds.count = 0
                afterQuote = false
                line += 1; recordLine = line
            default:
                if afterQuote { throw InputError(file: file, line: line, key: "", "text after a closing quote") }
                // The rest of a plain run in one move (none when nothing was dropped before it). Eight bytes at a
                // time first: the lowest byte `specialBytes` flags is the first special one.
                var j = i
                while j + 8 <= n {
                    let m = Self.specialBytes(UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)))
                    if m != 0 { j += m.trailingZeroBitCount >> 3; break }
                    j += 8
                }
                while j < n {
                    let b = p[j]
                    if b == comma || b == lf || b == cr || b == quote { break }
                    j += 1
                }
                let from = i - 1
                if w != from { (p + w).update(from: p + from, count: j - from) }
                w += j - from
                i = j
            }
        }
        if inQuotes { throw InputError(file: file, line: recordLine, key: "", "a quoted field is never closed") }
        if w > start || bounds.count > 0 {
            bounds.append(start, w)
            if !(bounds.count == 2 && bounds[0] == bounds[1]) {
                if header == nil {
                    header = headerFields(p, bounds.buffer)
                } else if bounds.count != width {
                    if badCount == nil { badCount = (recordLine, bounds.count / 2) }
                } else if deliver {
                    record(recordLine, CSVFields(base: p, bounds: bounds.buffer))
                }
            }
        }
        guard let header else { throw InputError(file: file, line: 0, key: "", "the file is empty") }
        if let (l, count) = badCount {
            throw InputError(file: file, line: l, key: "", "expected \(header.count) fields (\(header.joined(separator: ","))), found \(count)")
        }
        return header
    }

    /// The header's fields, trimmed.
    private static func headerFields(_ p: UnsafeMutablePointer<UInt8>, _ bounds: UnsafeBufferPointer<Int>) -> [String] {
        stride(from: 0, to: bounds.count, by: 2).map {
            String(decoding: UnsafeBufferPointer(start: p + bounds[$0], count: bounds[$0 + 1] - bounds[$0]), as: UTF8.self)
                .trimmedBlanks()
        }
    }

    /// The high bit of each byte of `x` (eight bytes, the first lowest) that is a comma, LF, CR or quote, and
    /// perhaps of bytes above such a byte (a zero byte's borrow): the lowest bit set always marks a true one.
    @inline(__always)
    private static func specialBytes(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zero(_ y: UInt64) -> UInt64 { (y &- ones) & ~y & highs }
        return zero(x ^ (ones &* 0x2C)) | zero(x ^ (ones &* 0x0A)) | zero(x ^ (ones &* 0x0D)) | zero(x ^ (ones &* 0x22))
    }

    /// Start and end offsets of a record's fields, in storage kept from record to record.
    private struct FieldBounds {
        var storage = UnsafeMutablePointer<Int>.allocate(capacity: 64), capacity = 64, count = 0
        subscript(i: Int) -> Int { storage[i] }
        var buffer: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: storage, count: count) }
        @inline(__always)
        mutating func append(_ start: Int, _ end: Int) {
            if count + 2 > capacity { grow() }
            storage[count] = start; storage[count + 1] = end
            count += 2
        }
        mutating func grow() {
            let more = UnsafeMutablePointer<Int>.allocate(capacity: 2 * capacity)
            more.update(from: storage, count: count)
            storage.deallocate()
            storage = more; capacity *= 2
        }
        func free() { storage.deallocate() }
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

/// One record's fields as UTF-8 bytes, unquoted: valid only during the `CSVTable.scan` callback that gets it.
struct CSVFields {
    let base: UnsafeMutablePointer<UInt8>
    /// Start and end offset of each field.
    let bounds: UnsafeBufferPointer<Int>

    var count: Int { bounds.count / 2 }

    subscript(f: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + bounds[2 * f], count: bounds[2 * f + 1] - bounds[2 * f])
    }

    /// The field as a String (the same as a String-based reader would make).
    func string(_ f: Int) -> String { String(decoding: self[f], as: UTF8.self) }

    /// Whether the field's bytes are exactly `utf8`'s.
    @inline(__always)
    func equals(_ f: Int, _ utf8: [UInt8]) -> Bool {
        let a = bounds[2 * f], count = bounds[2 * f + 1] - a
        guard count == utf8.count else { return false }
        return count == 0 || utf8.withUnsafeBufferPointer { memcmp(base + a, $0.baseAddress!, count) == 0 }
    }
}

/// Writes CSV text: fields with commas, quotes, line feeds or carriage returns are quoted.
public struct CSVWriter {
    private var out = ByteBuffer(capacity: 4096)
    public var text: String { out.string }
    public init(header: [String]) { row(header) }
    public mutating func row(_ fields: [String]) {
        var first = true
        for f in fields {
            if !first { out.append(byte: UInt8(ascii: ",")) }
            first = false
            if Self.needsQuotes(f) { out.append(Self.quoted(f)) } else { out.append(f) }
        }
        out.append(byte: UInt8(ascii: "\n"))
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
/// values it does not take (non-finite, ≥ 2^53 or over 9e18 once scaled, more than 10 decimals).
public func formatNumberWithPrintf(_ v: Double, decimals: Int = 4) -> String {
    var s = String(format: "%.\(decimals)f", v)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    if s == "-0" { s = "0" }
    return s
}

private let powersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
                                      10_000_000_000]

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
        let n = UInt128(m) * UInt128(p10)  // below 2^87
        if s > 88 {
            q = 0  // n < 2^87 ≤ half of 2^s: rounds to 0
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
