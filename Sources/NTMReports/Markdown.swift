/// A Markdown table: a header row and rows of cells; `|` in cells is escaped.
public struct MarkdownTable {
    public var header: [String]
    public var rows: [[String]] = []
    public var rightAligned: Set<Int> = []

    public init(_ header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        self.rightAligned = rightAligned
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// A cell's text with `|` escaped and line feeds made spaces. Most cells hold neither byte and are returned
    /// as they are without asking Foundation.
    static func cell(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "\n") }) { return s }
        return s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    public var text: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map(Self.cell).joined(separator: " | ") + " |"
        }
        let rule = "|" + header.indices.map { rightAligned.contains($0) ? "---:|" : "---|" }.joined()
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
