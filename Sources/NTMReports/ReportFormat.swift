import Foundation

/// The kinds of file a report can be written as. Every command that writes a report takes the same list
/// (`--format md,csv,html`), so a planner asks for a workbook or a notebook the same way everywhere.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// The summary as Markdown (`summary.md`).
    case md
    /// The tables as CSV, one file per table.
    case csv
    /// One self-contained page with charts and the summary's tables (`report.html`).
    case html
    /// An Excel workbook, one sheet per table in long layout (`report.xlsx`).
    case xlsx
    /// A Jupyter notebook: the summary as Markdown cells and a cell that loads the CSVs (`report.ipynb`).
    /// It reads the CSV files beside it, so asking for it writes them too.
    case ipynb

    public static let defaults: [ReportFormat] = [.md, .csv, .html]

    /// Reads a comma-separated list (`md,csv,html`): order and repeats do not matter, and `ipynb` brings `csv`
    /// along. An unknown name is an error that lists the allowed ones.
    public static func parse(_ list: String) throws -> [ReportFormat] {
        var out: Set<ReportFormat> = []
        for raw in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let f = ReportFormat(rawValue: name) else {
                throw ReportFormatError(given: name, allowed: allCases.map(\.rawValue))
            }
            out.insert(f)
        }
        if out.contains(.ipynb) { out.insert(.csv) }
        return allCases.filter(out.contains)
    }
}

/// An unknown format name.
public struct ReportFormatError: Error, CustomStringConvertible {
    public let given: String
    public let allowed: [String]
    public var description: String {
        let shown = given.isEmpty ? "an empty format name" : "unknown format '\(given)'"
        return "\(shown) in --format; allowed: \(allowed.joined(separator: ", ")) (comma-separated, e.g. --format md,csv,html,xlsx)"
    }
}
