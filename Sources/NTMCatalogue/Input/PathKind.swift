import Foundation

/// What a path names on disk: a file or a folder (`of` gives nil when nothing is there).
public enum PathKind: Sendable {
    case file, folder

    public static func of(_ path: String) -> PathKind? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return nil }
        return isDir.boolValue ? .folder : .file
    }
}
