/// A page or chart written as UTF-8 bytes into one growing buffer, for markup repeated many thousand times (the
/// commune × criterion map is about 155,000 cells at national scale): no String per cell, no interpolation.
/// Every append writes exactly the bytes the String it stands for would have.
struct HTMLBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// The bytes `p[range]`: a piece of a `BytePool`.
    mutating func append(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[range]))
    }

    /// `SVGChart.esc(s)`, appended.
    mutating func appendEscaped(_ s: String) {
        var s = s
        let done: Bool = s.withUTF8 { u in
            switch HTMLBytes.scan(u) {
            case .plain: bytes.append(contentsOf: u); return true
            case .ascii: HTMLBytes.escapeASCII(u, into: &bytes); return true
            case .other: return false
            }
        }
        if !done { append(SVGChart.escapeCharacters(s)) }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: escaping

    enum Kind { case plain, ascii, other }

    static func special(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")
    }

    /// `plain`: no byte to escape, so escaping leaves the text as it is. `ascii`: bytes to escape, all of the
    /// text ASCII, where every character is one byte and escaping byte by byte is escaping by character.
    /// `other`: bytes to escape in non-ASCII text, where a combining mark could make `&` part of a larger
    /// character that `esc` leaves alone; it goes character by character.
    static func scan(_ u: UnsafeBufferPointer<UInt8>) -> Kind {
        var found = false, ascii = true
        for b in u {
            if special(b) { found = true }
            if b >= 0x80 { ascii = false }
        }
        return !found ? .plain : ascii ? .ascii : .other
    }

    static func escapeASCII(_ u: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        for b in u {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
            case UInt8(ascii: "<"): out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
            case UInt8(ascii: ">"): out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
            case UInt8(ascii: "\""): out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
            case UInt8(ascii: "'"): out.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])  // &#39;
            default: out.append(b)
            }
        }
    }

    /// Whether the text holds no byte that escaping would change.
    static func isPlain(_ s: String) -> Bool { !s.utf8.contains(where: special) }
}

/// Pieces of markup kept end to end in one buffer, each known by its range: a cell made of pieces is copied from
/// the buffer's pointer, without an array (and its reference count) per piece.
struct BytePool {
    var bytes: [UInt8] = []

    mutating func add(_ s: String) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: s.utf8)
        return start..<bytes.count
    }
}
