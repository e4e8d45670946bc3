import Foundation
import NTMCatalogue

/// Writes a report's files all at once, and never loses what was there.
///
/// - A new folder, or one ntm wrote before (it holds `.ntm-output`), is replaced atomically: the files go
///   into a temporary folder beside it, which is then renamed into place, so a reader never sees half a
///   report and a failed or interrupted run leaves the old one as it was.
/// - A folder outside `notebooks-out/` that ntm did not write is refused; with `force` its other files are
///   kept and only the report's files are replaced, all written before any is moved into place.
/// - A folder holding one of the command's inputs is never replaced, and no report file replaces an input.
public enum OutputFolder {
    public static let marker = ".ntm-output"

    public enum Content: Sendable {
        case text(String)
        case data(Data)
        /// UTF-8 text as bytes: a large page (see `HTMLBytes`), written without a copy.
        case bytes([UInt8])
        /// UTF-8 text in consecutive parts, written one after the other: a page whose largest section was made
        /// on its own (see `HTMLPage.renderParts`), never copied into one buffer.
        case parts([[UInt8]])

        func write(to url: URL, options: Data.WritingOptions = []) throws {
            switch self {
            case .text(let s): try Data(s.utf8).write(to: url, options: options)
            case .data(let d): try d.write(to: url, options: options)
            case .bytes(let b):
                try b.withUnsafeBytes { p in
                    guard let base = p.baseAddress, p.count > 0 else { return try Data().write(to: url, options: options) }
                    try Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: p.count, deallocator: .none).write(to: url, options: options)
                }
            case .parts(let parts):
                // Atomically: into a temporary file beside it, then renamed over it.
                let target = options.contains(.atomic)
                    ? url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())") : url
                do {
                    guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
                        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
                    }
                    let handle = try FileHandle(forWritingTo: target)
                    do {
                        for part in parts where !part.isEmpty { try handle.write(contentsOf: part) }
                        try handle.close()
                    } catch { try? handle.close(); throw error }
                    if target != url {
                        guard rename(target.path, url.path) == 0 else {
                            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
                        }
                    }
                } catch {
                    if target != url { try? FileManager.default.removeItem(at: target) }
                    throw error
                }
            }
        }
    }

    public static func write(_ files: [(name: String, content: String)], to folder: String, force: Bool = false,
                             inputs: [String] = []) throws {
        try write(files.map { ($0.name, Content.text($0.content)) }, to: folder, force: force, inputs: inputs)
    }

    /// - Parameter inputs: the files and folders the command read (scenario and what it extends, dataset,
    ///   catalogue): a folder that holds one is never replaced, and no report file is written over one.
    public static func write(_ files: [(name: String, content: Content)], to folder: String, force: Bool = false,
                             inputs: [String] = []) throws {
        let fm = FileManager.default
        let dest = URL(fileURLWithPath: folder).standardizedFileURL
        let parent = dest.deletingLastPathComponent()
        let kind = PathKind.of(dest.path), exists = kind != nil
        if kind == .file {
            throw InputError(file: folder, line: 0, key: "--out", "is a file, not a folder; choose another --out")
        }
        try checkParents(of: dest, file: folder, key: "--out")
        let ours = exists && fm.fileExists(atPath: dest.appendingPathComponent(marker).path)
        let replaced = !exists || ours || isUnderNotebooksOut(dest)
        // The command's own inputs are never lost: not with the folder replaced whole, nor under a report file.
        let real = realPath(dest.path)
        for input in inputs {
            let p = realPath(input)
            let inside = p == real || p.hasPrefix(real + "/")
            let overwritten = files.contains { realPath(dest.appendingPathComponent($0.name).path) == p }
            if inside && (replaced || overwritten) {
                throw InputError(file: folder, line: 0, key: "--out",
                                 "holds \(input), which this command reads, and writing the report there would replace it; choose another --out")
            }
        }
        if !replaced {
            guard force else {
                throw InputError(file: folder, line: 0, key: "--out",
                                 "the folder exists and was not written by ntm; choose another --out, or add --force to write into it (its other files are kept)")
            }
            try writeBeside(files, in: dest)
            return
        }
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let tmp = parent.appendingPathComponent(".\(dest.lastPathComponent).tmp-\(getpid())")
        try? fm.removeItem(at: tmp)
        try fm.createDirectory(at: tmp, withIntermediateDirectories: false)
        Interrupts.register(tmp.path)
        defer { Interrupts.unregister(tmp.path) }
        do {
            for f in files {
                let url = tmp.appendingPathComponent(f.name)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try f.content.write(to: url)
            }
            try Data("written by ntm; this folder is replaced whole on the next run\n".utf8).write(to: tmp.appendingPathComponent(marker))
            var old: URL? = nil
            if exists {
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

    /// A path with `.`, `..` and symbolic links resolved: whether two paths name the same file.
    public static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Throws, naming `key`, when a file sits where one of `url`'s parent folders should be: checked before
    /// anything is written.
    public static func checkParents(of url: URL, file: String, key: String) throws {
        let fm = FileManager.default
        var up = url.standardizedFileURL.deletingLastPathComponent()
        while up.path != "/" && !fm.fileExists(atPath: up.path) { up = up.deletingLastPathComponent() }
        if PathKind.of(up.path) == .file {
            throw InputError(file: file, line: 0, key: key, "\(up.path) is a file, not a folder; choose another \(key)")
        }
    }

    /// Files written beside others in a folder ntm did not write (`--force`; `data impute`): its other files
    /// stay. After checking that no file would replace a folder, every file is written into a hidden folder
    /// inside it, and only then are they renamed into place: a failure while writing leaves the folder as it was.
    public static func writeBeside(_ files: [(name: String, content: Content)], in dest: URL) throws {
        let fm = FileManager.default
        for f in files {
            let url = dest.appendingPathComponent(f.name)
            if PathKind.of(url.path) == .folder {
                throw InputError(file: dest.path, line: 0, key: "--out", "\(f.name) there is a folder, which this would replace; move it or choose another --out")
            }
        }
        let stage = dest.appendingPathComponent(".ntm-staging-\(getpid())")
        try? fm.removeItem(at: stage)
        try fm.createDirectory(at: stage, withIntermediateDirectories: true)
        Interrupts.register(stage.path)
        defer { Interrupts.unregister(stage.path); try? fm.removeItem(at: stage) }
        for f in files {
            let url = stage.appendingPathComponent(f.name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try f.content.write(to: url)
        }
        for f in files {
            let url = dest.appendingPathComponent(f.name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard rename(stage.appendingPathComponent(f.name).path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
    }

    static func isUnderNotebooksOut(_ url: URL) -> Bool {
        let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("notebooks-out").standardizedFileURL.path
        return url.path.hasPrefix(base + "/")
    }
}

/// On Ctrl-C (SIGINT) or SIGTERM, removes any half-written output folder before exiting with 130.
public enum Interrupts {
    nonisolated(unsafe) private static var pending: Set<String> = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    public static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                let paths = lock.withLock { pending }
                for p in paths { try? FileManager.default.removeItem(atPath: p) }
                FileHandle.standardError.write(Data("\nntm: interrupted; nothing was written\n".utf8))
                exit(130)
            }
            s.resume()
            sources.append(s)
        }
    }

    static func register(_ path: String) { lock.withLock { _ = pending.insert(path) } }
    static func unregister(_ path: String) { lock.withLock { _ = pending.remove(path) } }
}
