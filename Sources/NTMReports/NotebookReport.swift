import Foundation
import NTMCatalogue

/// A Jupyter notebook (nbformat 4.5): Markdown cells and Python code cells, no outputs. Cell ids are
/// numbered, and keys are written sorted, so the same report gives the same bytes.
public struct Notebook {
    public enum Cell {
        case markdown(String)
        case code(String)
    }

    public var cells: [Cell]
    public var lang: Language

    public init(cells: [Cell], lang: Language) {
        self.cells = cells
        self.lang = lang
    }

    /// The Markdown cells of a report: one per `## ` section, the title and introduction in the first.
    public static func markdownCells(_ md: String) -> [Cell] {
        var cells: [String] = [], cur: [Substring] = []
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## "), !cur.isEmpty { cells.append(cur.joined(separator: "\n")); cur = [] }
            cur.append(line)
        }
        if !cur.isEmpty { cells.append(cur.joined(separator: "\n")) }
        return cells.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.map { .markdown($0) }
    }

    /// A code cell that loads CSV files beside the notebook into pandas data frames named after the files,
    /// then shows the first of them.
    public static func loadCSV(_ files: [String]) -> Cell {
        var lines = ["import pandas as pd", ""]
        for f in files {
            let name = (f as NSString).deletingPathExtension.replacingOccurrences(of: "-", with: "_")
            lines.append("\(name) = pd.read_csv(\"\(f)\"\(f.contains("commune") ? ", dtype={\"gso_code\": str}" : ""))")
        }
        if let first = files.first { lines += ["", (first as NSString).deletingPathExtension.replacingOccurrences(of: "-", with: "_")] }
        return .code(lines.joined(separator: "\n"))
    }

    public func json() throws -> String {
        var out: [[String: Any]] = []
        for (i, c) in cells.enumerated() {
            let id = "cell-\(i + 1)"
            switch c {
            case .markdown(let s):
                out.append(["cell_type": "markdown", "id": id, "metadata": [String: Any](), "source": Self.lines(s)])
            case .code(let s):
                out.append(["cell_type": "code", "id": id, "metadata": [String: Any](), "source": Self.lines(s),
                            "execution_count": NSNull(), "outputs": [Any]()])
            }
        }
        let nb: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": [
                "kernelspec": ["name": "python3", "display_name": "Python 3", "language": "python"],
                "language_info": ["name": "python"],
                "ntm": ["lang": lang.rawValue],
            ],
            "cells": out,
        ]
        let data = try JSONSerialization.data(withJSONObject: nb, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Source as Jupyter stores it: lines, each but the last ending with a newline.
    static func lines(_ s: String) -> [String] {
        let parts = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return parts.enumerated().map { $0.offset < parts.count - 1 ? $0.element + "\n" : $0.element }
    }
}
