import Foundation
import NTMCatalogue

/// A page or chart written as UTF-8 bytes into one growing buffer, for markup repeated many thousand times (the
/// commune × criterion map is about 155,000 cells at national scale): no String per cell, no interpolation.
/// Every append writes exactly the bytes the String it stands for would have.
typealias HTMLBytes = ByteBuffer

extension ByteBuffer {
    /// The bytes `p[range]`: a piece of a `BytePool`.
    @inline(__always)
    mutating func append(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        append(p.baseAddress! + range.lowerBound, count: range.count)
    }

    /// `SVGChart.esc(s)`, appended.
    mutating func appendEscaped(_ s: String) {
        var s = s
        let done: Bool = s.withUTF8 { u in
            switch HTMLBytes.scan(u) {
            case .plain: if let b = u.baseAddress { append(b, count: u.count) }; return true
            case .ascii: escapeASCII(u); return true
            case .other: return false
            }
        }
        if !done { append(SVGChart.escapeCharacters(s)) }
    }

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

    mutating func escapeASCII(_ u: UnsafeBufferPointer<UInt8>) {
        for b in u {
            switch b {
            case UInt8(ascii: "&"): append("&amp;" as StaticString)
            case UInt8(ascii: "<"): append("&lt;" as StaticString)
            case UInt8(ascii: ">"): append("&gt;" as StaticString)
            case UInt8(ascii: "\""): append("&quot;" as StaticString)
            case UInt8(ascii: "'"): append("&#39;" as StaticString)
            default: append(byte: b)
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
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
        return start..<bytes.count
    }
}
