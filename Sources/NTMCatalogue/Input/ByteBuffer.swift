import Foundation

/// Text written as UTF-8 bytes into one growing buffer, for the large reports (CSV tables, the HTML page):
/// appending to a String checks and re-flags the whole string's storage on every piece, and
/// `Array.append(contentsOf:)` costs about a hundred instructions a piece; here a piece is a `memcpy`.
/// The buffer is allocated at the capacity asked for and doubled when it runs out.
public struct ByteBuffer {
    /// The buffer: the first `count` bytes are written.
    @usableFromInline var storage: [UInt8]
    @usableFromInline var written = 0
    public var count: Int { written }

    /// The bytes past `count` are never read, so they are not zeroed first (a page's buffer is tens of megabytes).
    public init(capacity: Int = 0) {
        let n = max(capacity, 64)
        storage = [UInt8](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
    }

    /// `n` bytes from `p`.
    @inlinable @inline(__always)
    public mutating func append(_ p: UnsafeRawPointer, count n: Int) {
        if written + n > storage.count { grow(written + n) }
        let at = written
        storage.withUnsafeMutableBytes { _ = memcpy($0.baseAddress! + at, p, n) }
        written += n
    }

    @usableFromInline mutating func grow(_ needed: Int) {
        storage.append(contentsOf: repeatElement(0, count: max(needed, 2 * storage.count) - storage.count))
    }

    @inlinable @inline(__always)
    public mutating func append(_ s: StaticString) {
        append(s.utf8Start, count: s.utf8CodeUnitCount)
    }

    @inlinable
    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { if let b = $0.baseAddress { append(b, count: $0.count) } }
    }

    @inlinable @inline(__always)
    public mutating func append(byte b: UInt8) {
        if written == storage.count { grow(written + 1) }
        storage[written] = b
        written += 1
    }

    /// `String(n)`'s digits (and sign), without making the String.
    public mutating func append(decimal n: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // room for 24 bytes: Int.min has 20
        var v = n.magnitude, i = 24
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { i -= 1; d[i] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10 } while v > 0
            if n < 0 { i -= 1; d[i] = UInt8(ascii: "-") }
            append(d.baseAddress! + i, count: 24 - i)
        }
    }

    /// The bytes written, without a copy; the buffer is left empty.
    public mutating func take() -> [UInt8] {
        var out: [UInt8] = []
        swap(&out, &storage)
        out.removeLast(out.count - count)
        written = 0
        return out
    }

    /// The text written.
    public var string: String {
        storage.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[..<count]), as: UTF8.self) }
    }
}
