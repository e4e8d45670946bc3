#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes, read into memory that this object alone owns, so that the CSV reader can unquote fields in
/// place without copying them first. (A `Data` is copied on its first change whenever another reference to it
/// is alive, as when it was read on another thread and handed over: 13 MB for a national dataset.)
final class FileBytes: @unchecked Sendable {
    private let start: UnsafeMutablePointer<UInt8>
    let count: Int
    var bytes: UnsafeMutableBufferPointer<UInt8> { UnsafeMutableBufferPointer(start: start, count: count) }

    /// Nil when the file cannot be read (missing, a folder, not allowed), as `FileManager.contents(atPath:)`.
    init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        // The size the file has now, and one byte more to see its end; a file that grows meanwhile is read whole.
        var capacity = max(Int(info.st_size), 0) + 1, count = 0
        var p = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        while true {
            if count == capacity {
                let more = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity)
                more.update(from: p, count: count)
                p.deallocate()
                p = more; capacity *= 2
            }
            let n = read(fd, p + count, capacity - count)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                p.deallocate()
                return nil
            }
            count += n
        }
        start = p
        self.count = count
    }

    deinit { start.deallocate() }
}
