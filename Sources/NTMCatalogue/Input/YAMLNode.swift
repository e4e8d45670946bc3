import Foundation
import Yams

/// A YAML node that remembers its file and key path, so that every error it raises says where.
///
/// Loaders read catalogues, datasets and scenarios through this type only: unknown keys (with a
/// suggestion), wrong types, missing keys and non-finite numbers all become `InputError`s.
public struct YAMLNode {
    public let node: Node
    public let file: String
    public let path: String

    public init(node: Node, file: String, path: String) {
        self.node = node
        self.file = file
        self.path = path
    }

    /// Parses `text` (the content of `file`) into its root node.
    public static func parse(_ text: String, file: String) throws -> YAMLNode {
        do {
            guard let root = try Yams.compose(yaml: text, Self.resolver) else {
                throw InputError(file: file, line: 0, key: "", "the file is empty")
            }
            return YAMLNode(node: root, file: file, path: "")
        } catch let e as InputError {
            throw e
        } catch let e as YamlError {
            throw InputError(file: file, line: Self.line(of: e), key: "", "not valid YAML: \(Self.problem(of: e))")
        } catch {
            throw InputError(file: file, line: 0, key: "", "not valid YAML: \(error)")
        }
    }

    /// Scalars are read as text and converted by this type, so Yams need not tell numbers, booleans and nulls
    /// apart: its default resolver tries a regular expression per rule on every scalar it hashes, and it hashes
    /// every mapping key to find duplicates. Here every plain scalar gets one tag at the first try, and a quoted
    /// one stays text, so Yams finds the duplicate keys written the same way, as before, and this type the
    /// others (`2024` and `"2024"`), naming the key.
    static let resolver: Resolver = (try? Resolver.basic.appending("tag:ntm,plain", "^")) ?? .default

    /// Reads and parses a file from disk.
    public static func load(path: String, displayName: String? = nil) throws -> YAMLNode {
        let name = displayName ?? path
        return try parse(readTextFile(path, displayName: name), file: name)
    }

    /// The line to show: where an unclosed bracket or brace opened, else where the parser gave up.
    private static func line(of e: YamlError) -> Int {
        switch e {
        case .scanner(let ctx, _, let mark, _), .parser(let ctx, _, let mark, _), .composer(let ctx, _, let mark, _):
            if let c = ctx, c.text.contains("flow") { return c.mark.line }
            return mark.line
        case .duplicatedKeysInMapping(_, let ctx): return ctx.mark.line // the key's first appearance
        default: return 0
        }
    }

    private static func problem(of e: YamlError) -> String {
        switch e {
        case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _), .composer(let ctx, let problem, let mark, _):
            if let c = ctx { return "\(problem) at line \(mark.line), \(c.text) from line \(c.mark.line)" }
            return problem
        case .duplicatedKeysInMapping(let duplicates, _): return "duplicate keys \(duplicates.joined(separator: ", "))"
        default: return "\(e)"
        }
    }

    public var line: Int { node.mark?.line ?? 0 }

    /// Where this node is, kept after the YAML tree is gone.
    public var location: Location { Location(file: file, line: line, key: path) }

    public func error(_ message: String) -> InputError {
        InputError(file: file, line: line, key: path, message)
    }

    func child(_ node: Node, key: String) -> YAMLNode {
        YAMLNode(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    private var found: String {
        switch node {
        case .scalar(let s): return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    // MARK: Typed reads

    public func mapping(allowed: [String]) throws -> YAMLMapping {
        guard case .mapping(let m) = node else { throw error("expected a mapping of keys, found \(found)") }
        var entries: [(key: String, value: YAMLNode)] = []
        var seen = Set<String>()
        for (k, v) in m {
            guard case .scalar(let ks) = k else { throw error("a key must be plain text") }
            let key = ks.string
            let child = self.child(v, key: key)
            if !allowed.contains(key) {
                let hint = closestMatch(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                let where_ = YAMLNode(node: k, file: file, path: child.path)
                throw where_.error("unknown key\(hint); allowed: \(allowed.joined(separator: ", "))")
            }
            if !seen.insert(key).inserted { throw child.error("the key appears twice") }
            entries.append((key, child))
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    /// A mapping whose keys are data (ids, years), not a fixed schema.
    public func openMapping() throws -> [(key: String, value: YAMLNode)] {
        guard case .mapping(let m) = node else { throw error("expected a mapping, found \(found)") }
        var out: [(key: String, value: YAMLNode)] = []
        var seen = Set<String>()
        for (k, v) in m {
            guard case .scalar(let ks) = k else { throw error("a key must be plain text") }
            let child = self.child(v, key: ks.string)
            if !seen.insert(ks.string).inserted { throw child.error("the key appears twice") }
            out.append((ks.string, child))
        }
        return out
    }

    public func sequence() throws -> [YAMLNode] {
        guard case .sequence(let s) = node else { throw error("expected a list, found \(found)") }
        return s.enumerated().map { i, n in YAMLNode(node: n, file: file, path: "\(path)[\(i)]") }
    }

    public func string() throws -> String {
        guard case .scalar(let s) = node else { throw error("expected text, found \(found)") }
        return s.string
    }

    public func nonEmptyString() throws -> String {
        let s = try string().trimmedBlanks()
        if s.isEmpty { throw error("must not be empty") }
        return s
    }

    /// The text of a `source:`, where a number comes from (`seed §…`, a decision's number, `assumption: <why>`…): not
    /// empty, and an assumption says why. Every loader reads its sources through here, so none takes a bare one.
    public func source() throws -> String {
        let s = try nonEmptyString()
        if Self.isBareAssumption(s) { throw error("an assumption needs its reason: write \"assumption: <why>\"") }
        return s
    }

    /// Whether `s` is only the word `assumption`, in any case, with or without a colon, with nothing after it.
    static func isBareAssumption(_ s: String) -> Bool {
        var t = s.trimmedBlanks(newlines: true)
        if t.hasSuffix(":") { t = String(t.dropLast()).trimmedBlanks() }
        // Only ten ASCII letters lower to the word (no other character lowers to one of them).
        return t.utf8.count == 10 && t.lowercased() == "assumption"
    }

    public func double() throws -> Double {
        guard case .scalar(let s) = node else { throw error("expected a number, found \(found)") }
        let text = s.string.replacingOccurrences(of: "_", with: "")
        if [".inf", "+.inf", "-.inf", ".nan", "inf", "-inf", "nan"].contains(text.lowercased()) {
            throw error("expected a finite number, found '\(s.string)'")
        }
        guard let v = Double(text), s.style == .plain else { throw error("expected a number, found '\(s.string)'") }
        guard v.isFinite else { throw error("expected a finite number, found '\(s.string)'") }
        return v
    }

    public func double(in range: ClosedRange<Double>) throws -> Double {
        let v = try double()
        if !range.contains(v) { throw error("\(v) is out of range; expected \(range.lowerBound) to \(range.upperBound)") }
        return v
    }

    public func int() throws -> Int {
        guard case .scalar(let s) = node, s.style == .plain, let v = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected a whole number, found \(found)")
        }
        return v
    }

    public func int(in range: ClosedRange<Int>) throws -> Int {
        let v = try int()
        if !range.contains(v) { throw error("\(v) is out of range; expected \(range.lowerBound) to \(range.upperBound)") }
        return v
    }

    public func bool() throws -> Bool {
        guard case .scalar(let s) = node else { throw error("expected true or false, found \(found)") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(s.string)'")
        }
    }

    public func stringList() throws -> [String] {
        try sequence().map { try $0.nonEmptyString() }
    }

    public func oneOf<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws -> E where E.RawValue == String {
        let s = try string()
        if let v = E(rawValue: s) { return v }
        let all = E.allCases.map(\.rawValue)
        let hint = closestMatch(to: s, in: all).map { " (did you mean '\($0)'?)" } ?? ""
        throw error("'\(s)' is not one of \(all.joined(separator: ", "))\(hint)")
    }
}

/// The entries of a YAML mapping whose keys were checked against a schema.
public struct YAMLMapping {
    public let owner: YAMLNode
    public let entries: [(key: String, value: YAMLNode)]

    public subscript(key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }

    public func required(_ key: String) throws -> YAMLNode {
        if let v = self[key] { return v }
        throw owner.error("missing required key '\(key)'")
    }

    public func optional(_ key: String) -> YAMLNode? { self[key] }

    public var keys: [String] { entries.map(\.key) }
}
