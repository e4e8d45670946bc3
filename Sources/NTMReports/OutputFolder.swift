import Foundation

/// Writes a report's files all at once: into a temporary folder beside the destination, then renamed into
/// place, so a reader never sees half a report and a failed run leaves the old one as it was.
public enum OutputFolder {
    public static func write(_ files: [(name: String, content: String)], to folder: String) throws {
        let fm = FileManager.default
        let dest = URL(fileURLWithPath: folder).standardizedFileURL
        let parent = dest.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let tmp = parent.appendingPathComponent(".\(dest.lastPathComponent).tmp-\(getpid())")
        try? fm.removeItem(at: tmp)
        try fm.createDirectory(at: tmp, withIntermediateDirectories: false)
        do {
            for f in files {
                let url = tmp.appendingPathComponent(f.name)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(f.content.utf8).write(to: url)
            }
            var old: URL? = nil
            if fm.fileExists(atPath: dest.path) {
                let o = parent.appendingPathComponent(".\(dest.lastPathComponent).old-\(getpid())")
                try? fm.removeItem(at: o)
                try fm.moveItem(at: dest, to: o)
                old = o
            }
            do { try fm.moveItem(at: tmp, to: dest) } catch {
                if let o = old { try? fm.moveItem(at: o, to: dest) }
                throw error
            }
            if let o = old { try? fm.removeItem(at: o) }
        } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
    }
}
