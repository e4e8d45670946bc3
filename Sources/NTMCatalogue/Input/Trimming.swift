import Foundation

extension String {
    /// `trimmingCharacters(in: .whitespaces)`, or `.whitespacesAndNewlines` with `newlines`, without Foundation
    /// for most texts: the ASCII blanks (space and tab; with `newlines`, also line feed, vertical tab, form feed
    /// and carriage return) are stripped from the bytes, and where an end is then an ASCII byte that is not one of
    /// them, that is where trimming stops too (the other characters in those sets are not ASCII). Only a text that
    /// ends in a non-ASCII character is left to Foundation. Every text of the catalogue is trimmed as it loads.
    public func trimmedBlanks(newlines: Bool = false) -> String {
        var s = self
        let kept: Range<Int>? = s.withUTF8 { u in
            @inline(__always) func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || (newlines && b >= 0x0A && b <= 0x0D) }
            var a = 0, b = u.count
            while a < b && blank(u[a]) { a += 1 }
            while b > a && blank(u[b - 1]) { b -= 1 }
            return a < b && (u[a] >= 0x80 || u[b - 1] >= 0x80) ? nil : a..<b
        }
        guard let kept else { return trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces) }
        if kept.count == s.utf8.count { return s }
        return s.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[kept]), as: UTF8.self) }
    }
}
