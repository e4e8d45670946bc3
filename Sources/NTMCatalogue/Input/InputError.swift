import Foundation

/// A problem in a file the user gave: a catalogue, a dataset or a scenario.
///
/// Every error names the file, the line (1-based; 0 when the file as a whole is at fault) and the key,
/// so that a planner can go straight to it. `description` is one line.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var key: String
    public var message: String

    public init(file: String, line: Int, key: String, _ message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

/// Several input errors found in one pass (validation reports them all, not only the first).
public struct InputErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [InputError]
    public init(_ errors: [InputError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Collects errors while a loader goes on, so one run reports every problem it can find.
public struct Diagnostics: Sendable {
    public private(set) var errors: [InputError] = []
    public init() {}
    public mutating func add(_ error: InputError) { errors.append(error) }
    public mutating func add(_ errors: [InputError]) { self.errors.append(contentsOf: errors) }
    /// Runs `body`, recording an `InputError` it throws instead of stopping.
    public mutating func attempt<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch let e as InputError { add(e); return nil }
        catch let e as InputErrors { add(e.errors); return nil }
        catch { add(InputError(file: "", line: 0, key: "", "\(error)")); return nil }
    }
    public var isEmpty: Bool { errors.isEmpty }
    public func throwIfAny() throws {
        if errors.count == 1 { throw errors[0] }
        if !errors.isEmpty { throw InputErrors(errors) }
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely misspelling.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word.lowercased(), c.lowercased())
        if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (c, d) = best else { return nil }
    return d <= max(2, word.count / 3) ? c : nil
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// A place in an input file: enough to name it in an error after the file is parsed.
public struct Location: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var key: String
    public init(file: String, line: Int, key: String) {
        self.file = file
        self.line = line
        self.key = key
    }
    public func error(_ message: String) -> InputError { InputError(file: file, line: line, key: key, message) }
}

/// The text of a file the user gave, or an error naming it.
public func readTextFile(_ path: String, displayName: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError(file: displayName, line: 0, key: "", "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw InputError(file: displayName, line: 0, key: "", "the file is not UTF-8 text")
    }
    return text
}
