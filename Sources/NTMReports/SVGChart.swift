import Foundation
import NTMCatalogue

/// Charts as inline SVG inside an HTML page (so without a namespace declaration): shapes and text only, no
/// script, colours written in the markup so a printed or copied chart still reads. Each chart has a fixed
/// viewBox that the page scales to its width, and a `<title>` and `<desc>` for screen readers.
public enum SVGChart {
    /// Okabe–Ito colours, told apart with the common colour-vision deficiencies.
    public static let blue = "#0072B2", green = "#009E73", orange = "#E69F00", vermillion = "#D55E00"
    public static let sky = "#56B4E9", purple = "#CC79A7", yellow = "#F0E442", grey = "#999999"

    static let width = 440.0
    static let font = 13.0

    /// A line with its band: one value per x position.
    public struct BandSeries {
        public var name: String, colour: String
        public var mean: [Double], low: [Double], high: [Double]
        public init(name: String, colour: String, mean: [Double], low: [Double], high: [Double]) {
            self.name = name; self.colour = colour; self.mean = mean; self.low = low; self.high = high
        }
    }

    /// One group of bars: a label and a value per series.
    public struct BarRow {
        public var label: String, values: [Double]
        public init(label: String, values: [Double]) { self.label = label; self.values = values }
    }

    public struct Legend {
        public var name: String, colour: String
        public init(_ name: String, _ colour: String) { self.name = name; self.colour = colour }
    }

    /// Lines of means with shaded low–high bands over categories on x (years), y from zero.
    public static func bands(title: String, x: [String], yLabel: String, series: [BandSeries],
                             number: (Double) -> String) -> String {
        let left = 52.0, right = 64.0, bottom = 40.0
        let (legend, legendHeight) = legendRow(series.map { Legend($0.name, $0.colour) }, y: 4)
        let top = legendHeight + 14, height = top + 230 + bottom
        let plotW = width - left - right, plotH = height - top - bottom
        let maxV = series.flatMap { $0.high + $0.mean }.max() ?? 1
        let (yMax, step) = niceScale(maxV)
        func px(_ i: Int) -> Double { x.count < 2 ? left + plotW / 2 : left + 16 + (plotW - 32) * Double(i) / Double(x.count - 1) }
        func py(_ v: Double) -> Double { top + plotH * (1 - v / yMax) }
        var s = open(title: title, desc: "\(yLabel): " + series.map { "\($0.name) \(x.last ?? "") \(number($0.mean.last ?? 0))" }.joined(separator: "; "),
                     height: height)
        s += legend
        // Grid and axes.
        var v = 0.0
        while v <= yMax + step / 2 {
            let y = py(v)
            s += "<line x1=\"\(r(left))\" y1=\"\(r(y))\" x2=\"\(r(width - right))\" y2=\"\(r(y))\" stroke=\"#ddd\" stroke-width=\"1\"/>"
            s += text(number(v), x: left - 6, y: y + 4, anchor: "end", size: font - 2, fill: "#555")
            v += step
        }
        for (i, label) in x.enumerated() {
            s += text(label, x: px(i), y: height - bottom + 18, anchor: "middle", size: font - 1, fill: "#333")
        }
        s += "<text x=\"14\" y=\"\(r(top + plotH / 2))\" transform=\"rotate(-90 14 \(r(top + plotH / 2)))\" text-anchor=\"middle\" font-size=\"\(r(font - 2))\" fill=\"#555\">\(esc(yLabel))</text>"
        // Bands first, then lines on top of every band.
        for se in series {
            let upper = se.high.indices.map { "\(r(px($0))) \(r(py(se.high[$0])))" }
            let lower = se.low.indices.reversed().map { "\(r(px($0))) \(r(py(se.low[$0])))" }
            s += "<path d=\"M \((upper + lower).joined(separator: " L ")) Z\" fill=\"\(se.colour)\" fill-opacity=\"0.18\" stroke=\"none\"/>"
        }
        var ends: [(y: Double, text: String, colour: String)] = []
        for se in series {
            let pts = se.mean.indices.map { "\(r(px($0))),\(r(py(se.mean[$0])))" }.joined(separator: " ")
            s += "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(se.colour)\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>"
            for i in se.mean.indices {
                s += "<circle cx=\"\(r(px(i)))\" cy=\"\(r(py(se.mean[i])))\" r=\"3.5\" fill=\"\(se.colour)\"><title>\(esc("\(se.name), \(x[i]): \(number(se.mean[i])) (\(number(se.low[i]))–\(number(se.high[i])))"))</title></circle>"
            }
            if let last = se.mean.last { ends.append((py(last) + 4, number(last), se.colour)) }
        }
        // End labels, pushed apart so they do not overlap.
        ends.sort { $0.y < $1.y }
        for i in ends.indices.dropFirst() where ends[i].y - ends[i - 1].y < font + 1 { ends[i].y = ends[i - 1].y + font + 1 }
        for e in ends { s += text(e.text, x: px(x.count - 1) + 10, y: e.y, anchor: "start", size: font - 1, fill: e.colour, bold: true) }
        return s + "</svg>"
    }

    /// Horizontal bars, one group per row (the row's label above its bars), one bar per series, on one scale
    /// from zero to `maximum` (default: the largest value).
    public static func bars(title: String, rows: [BarRow], series: [Legend], maximum: Double? = nil,
                            number: (Double) -> String) -> String {
        let barH = 11.0, gap = 3.0, labelH = font + 4, rowGap = 10.0, left = 4.0, right = 86.0
        let (legend, legendHeight) = legendRow(series, y: 4)
        let top = legendHeight + 12
        let rowH = labelH + Double(series.count) * (barH + gap) + rowGap
        let height = top + Double(rows.count) * rowH
        let maxV = max(maximum ?? (rows.flatMap(\.values).max() ?? 1), 1e-9)
        let plotW = width - left - right
        // Written into bytes: appending to a String that has grown large costs more with every piece.
        var o = HTMLBytes()
        o.append(open(title: title, desc: rows.map { "\($0.label): " + zip(series, $0.values).map { "\($0.name) \(number($1))" }.joined(separator: ", ") }.joined(separator: "; "),
                      height: height))
        o.append(legend)
        for (i, row) in rows.enumerated() {
            let y0 = top + Double(i) * rowH
            text(into: &o, row.label, x: left, y: y0 + font, anchor: "start", size: font - 1, fill: "#222")
            for (k, v) in row.values.enumerated() {
                let y = y0 + labelH + Double(k) * (barH + gap)
                let w = max(0, plotW * min(v, maxV) / maxV)
                o.append("<rect x=\"\(r(left))\" y=\"\(r(y))\" width=\"\(r(plotW))\" height=\"\(r(barH))\" fill=\"#f1f1f1\"/>")
                o.append("<rect x=\"\(r(left))\" y=\"\(r(y))\" width=\"\(r(w))\" height=\"\(r(barH))\" fill=\"\(series[k].colour)\"><title>")
                o.appendEscaped("\(row.label) – \(series[k].name): \(number(v))")
                o.append("</title></rect>")
                text(into: &o, number(v), x: left + plotW + 6, y: y + barH - 1, anchor: "start", size: font - 2, fill: "#333")
            }
        }
        o.append("</svg>")
        return o.string
    }

    /// A grid of coloured cells: rows × columns, each cell a category (an index into `categories`).
    /// `cellTitle` gives each cell's tooltip.
    public static func heatMap(title: String, columns: [String], rows: [(label: String, cells: [Int])], categories: [Legend],
                               cellTitle: (Int, Int) -> String) -> String {
        var o = HTMLBytes()
        heatMap(into: &o, title: title, columns: columns, rowCount: rows.count, label: { rows[$0].label }, cellCount: { rows[$0].cells.count },
                cell: { rows[$0].cells[$1] }, categories: categories) { o, i, j, _ in o.appendEscaped(cellTitle(i, j)) }
        return o.string
    }

    /// `heatMap`, written into `o`: row `i`'s label is `label(i)`, it has `cellCount(i)` cells, cell `j` is of
    /// category `cell(i, j)`, and `cellTitle(&o, i, j, category)` appends the cell's tooltip already escaped.
    /// The markup of each column, row and category is formatted once, and a cell copied from those pieces.
    static func heatMap(into o: inout HTMLBytes, title: String, columns: [String], rowCount: Int, label: (Int) -> String,
                        cellCount: (Int) -> Int, cell category: (Int, Int) -> Int, categories: [Legend],
                        cellTitle: (inout HTMLBytes, Int, Int, Int) -> Void) {
        let labelW = 132.0, cell = (width - labelW) / Double(max(columns.count, 1)), cellH = 17.0, top = 20.0
        let height = top + Double(rowCount) * cellH + 2
        o.append(open(title: title, desc: title, height: height))
        for (j, c) in columns.enumerated() {
            text(into: &o, c, x: labelW + (Double(j) + 0.5) * cell, y: top - 6, anchor: "middle", size: font - 3, fill: "#555")
        }
        // A cell is `<rect x="X" y="` Y `" width="W" height="H" rx="2" fill="` colour `"><title>` title `</title></rect>`.
        var pool = BytePool()
        let xs = (0..<(0..<rowCount).reduce(columns.count) { max($0, cellCount($1)) }).map { pool.add("<rect x=\"\(r(labelW + Double($0) * cell + 1))\" y=\"") }
        let fills = categories.map { pool.add("\" width=\"\(r(cell - 2))\" height=\"\(r(cellH - 2))\" rx=\"2\" fill=\"\($0.colour)\"><title>") }
        let end = pool.add("</title></rect>")
        pool.bytes.withUnsafeBufferPointer { p in
            for i in 0..<rowCount {
                let y = top + Double(i) * cellH
                text(into: &o, label(i), x: labelW - 6, y: y + cellH - 5, anchor: "end", size: font - 2, fill: "#222")
                let cy = Array(r(y + 1).utf8)
                cy.withUnsafeBufferPointer { cy in
                    for j in 0..<cellCount(i) {
                        let k = category(i, j)
                        o.append(p, xs[j]); o.append(cy.baseAddress!, count: cy.count); o.append(p, fills[k])
                        cellTitle(&o, i, j, k)
                        o.append(p, end)
                    }
                }
            }
        }
        o.append("</svg>")
    }

    // MARK: parts

    static func open(title: String, desc: String, height: Double) -> String {
        "<svg viewBox=\"0 0 \(r(width)) \(r(height))\" width=\"\(r(width))\" height=\"\(r(height))\" role=\"img\" aria-label=\"\(esc(title))\" font-family=\"system-ui, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif\">"
            + "<title>\(esc(title))</title><desc>\(esc(desc))</desc>"
    }

    /// A row of swatches and names, wrapping when it runs past the width. Returns the markup and its height.
    static func legendRow(_ items: [Legend], y: Double) -> (String, Double) {
        var s = "", x = 4.0, line = 0.0
        for it in items {
            let w = 18 + Double(it.name.count) * font * 0.56 + 16
            if x + w > width && x > 4 { x = 4; line += font + 8 }
            s += "<rect x=\"\(r(x))\" y=\"\(r(y + line + 1))\" width=\"12\" height=\"12\" rx=\"2\" fill=\"\(it.colour)\"/>"
            s += text(it.name, x: x + 17, y: y + line + 11, anchor: "start", size: font - 1, fill: "#222")
            x += w
        }
        return (s, y + line + font + 4)
    }

    static func text(_ t: String, x: Double, y: Double, anchor: String, size: Double, fill: String, bold: Bool = false) -> String {
        var o = HTMLBytes()
        text(into: &o, t, x: x, y: y, anchor: anchor, size: size, fill: fill, bold: bold)
        return o.string
    }

    /// `text`, appended: `<text x="X" y="Y" text-anchor="A" font-size="S" fill="F"[ font-weight="600"]>t</text>`.
    static func text(into o: inout HTMLBytes, _ t: String, x: Double, y: Double, anchor: String, size: Double, fill: String, bold: Bool = false) {
        o.append("<text x=\""); o.append(r(x)); o.append("\" y=\""); o.append(r(y))
        o.append("\" text-anchor=\""); o.append(anchor); o.append("\" font-size=\""); o.append(r(size))
        o.append("\" fill=\""); o.append(fill); o.append(bold ? "\" font-weight=\"600\">" : "\">")
        o.appendEscaped(t); o.append("</text>")
    }

    /// A round top for the y axis and its tick step (1, 2, 2.5 or 5 times a power of ten), about five ticks.
    static func niceScale(_ maxValue: Double) -> (top: Double, step: Double) {
        guard maxValue > 0, maxValue.isFinite else { return (1, 0.2) }
        let raw = maxValue / 5
        let mag = pow(10, (log10(raw)).rounded(.down))
        let norm = raw / mag
        let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag
        return ((maxValue / step).rounded(.up) * step, step)
    }

    /// Coordinates with one decimal, so the same chart is the same bytes on every machine.
    static func r(_ v: Double) -> String { formatCoordinate(v) }

    public static func esc(_ s: String) -> String {
        if HTMLBytes.isPlain(s) { return s }
        var o = HTMLBytes(capacity: s.utf8.count + 16)
        o.appendEscaped(s)
        return o.string
    }

    /// `esc` character by character: the reference, and the way for non-ASCII text with characters to escape.
    static func escapeCharacters(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.append(ch)
            }
        }
        return o
    }
}

/// `String(format: "%.1f", v)` without a trailing ".0", and "-0" written "0": exactly `formatNumber` with one
/// decimal (which strips trailing zeros, and there is only one), without going through printf.
func formatCoordinate(_ v: Double) -> String { formatNumber(v, decimals: 1) }
