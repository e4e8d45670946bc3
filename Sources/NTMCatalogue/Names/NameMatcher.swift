import Foundation

/// Matches commune and district names as people write them to statistics-office codes.
///
/// Names differ between sources ("Thanh Thới An" in the report for Thạnh Thới An, "Hòa Tú II" at the
/// statistics office for Hòa Tú 2, "Đại Ân  2" with two spaces), so matching never relies on exact strings:
/// 1. exact match after normalising (Unicode NFC, spaces collapsed, case folded, trailing Roman numerals
///    I–III read as 1–3), on official names and the alias table;
/// 2. otherwise a match ignoring diacritics, accepted only when it is unique (within the district if given).
public struct NameMatcher: Sendable {
    public struct Entry: Sendable {
        public var code: String
        public var name: String
        public var districtCode: String
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unknown(String, suggestion: String?)
        case ambiguous(String, candidates: [String])
        public var description: String {
            switch self {
            case .unknown(let n, let s): "no commune or district named '\(n)'" + (s.map { " (did you mean '\($0)'?)" } ?? "")
            case .ambiguous(let n, let c): "'\(n)' could be any of \(c.joined(separator: ", "))"
            }
        }
    }

    private var communes: [Entry] = []
    private var districts: [Entry] = []
    private var communeAliases: [String: String] = [:]
    private var districtAliases: [String: String] = [:]

    public init(communes: [Entry], districts: [Entry], aliases: [(alias: String, kind: String, target: String)]) {
        self.communes = communes
        self.districts = districts
        for a in aliases {
            if a.kind == "district" { districtAliases[Self.normalise(a.alias)] = a.target }
            else { communeAliases[Self.normalise(a.alias)] = a.target }
        }
    }

    /// NFC, trimmed, inner spaces collapsed, lower case, a trailing Roman numeral I, II or III read as a digit.
    public static func normalise(_ s: String) -> String {
        var t = s.precomposedStringWithCanonicalMapping.lowercased()
        t = t.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        for (roman, digit) in [(" iii", " 3"), (" ii", " 2"), (" i", " 1")] where t.hasSuffix(roman) {
            t = String(t.dropLast(roman.count)) + digit
            break
        }
        return t
    }

    /// `normalise` without diacritics (đ read as d).
    public static func fold(_ s: String) -> String {
        normalise(s).replacingOccurrences(of: "đ", with: "d")
            .folding(options: [.diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }

    public func district(_ name: String) -> Result<String, Failure> {
        match(name, in: districts, aliases: districtAliases)
    }

    /// The code of the commune called `name`, looked up within `district` when it is given.
    public func commune(_ name: String, district: String? = nil) -> Result<String, Failure> {
        var pool = communes
        if let d = district, case .success(let dc) = self.district(d) { pool = communes.filter { $0.districtCode == dc } }
        if case .success(let code) = match(name, in: pool, aliases: communeAliases) { return .success(code) }
        return match(name, in: communes, aliases: communeAliases)
    }

    private func match(_ name: String, in pool: [Entry], aliases: [String: String]) -> Result<String, Failure> {
        let n = Self.normalise(name)
        let exact = pool.filter { Self.normalise($0.name) == n }
        if exact.count == 1 { return .success(exact[0].code) }
        if let target = aliases[n], pool.contains(where: { $0.code == target }) { return .success(target) }
        if exact.count > 1 { return .failure(.ambiguous(name, candidates: exact.map { "\($0.name) (\($0.code))" })) }
        let f = Self.fold(name)
        let folded = pool.filter { Self.fold($0.name) == f }
        if folded.count == 1 { return .success(folded[0].code) }
        if folded.count > 1 { return .failure(.ambiguous(name, candidates: folded.map { "\($0.name) (\($0.code))" })) }
        return .failure(.unknown(name, suggestion: closestMatch(to: name, in: pool.map(\.name))))
    }
}
