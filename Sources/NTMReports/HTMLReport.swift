import Foundation
import NTMCatalogue

/// One self-contained HTML page: styles inline, charts as inline SVG, no script, no font or image to fetch,
/// so it opens offline, reads on a phone (the viewport follows the screen, wide tables and charts scroll
/// sideways) and prints (no navigation, charts kept whole on a page).
public struct HTMLPage {
    public struct Section {
        public var id: String, heading: String
        /// The section's markup: text, or, for a large section, what writes it straight into the page (see
        /// `HTMLBytes`) and about how many bytes it writes.
        var body: Body
        enum Body {
            case text(String)
            case writer(size: Int, (inout HTMLBytes) -> Void)
            /// Markup made beforehand, as UTF-8 bytes.
            case bytes([UInt8])
        }

        public var html: String {
            get {
                switch body {
                case .text(let s): return s
                case .writer(let size, let write):
                    var o = HTMLBytes(capacity: size)
                    write(&o)
                    return o.string
                case .bytes(let b): return String(decoding: b, as: UTF8.self)
                }
            }
            set { body = .text(newValue) }
        }

        public init(id: String, heading: String, html: String) { self.id = id; self.heading = heading; body = .text(html) }
        init(id: String, heading: String, size: Int, writer: @escaping (inout HTMLBytes) -> Void) {
            self.id = id; self.heading = heading; body = .writer(size: size, writer)
        }

        var size: Int { switch body { case .text(let s): s.utf8.count; case .writer(let size, _): size; case .bytes(let b): b.count } }

        func write(into o: inout HTMLBytes) {
            switch body {
            case .text(let s): o.append(s)
            case .writer(_, let write): write(&o)
            case .bytes(let b): b.withUnsafeBytes { if let p = $0.baseAddress { o.append(p, count: $0.count) } }
            }
        }
    }

    public var lang: Language
    public var title: String
    /// Shown under the title: the scenario's description, key figures.
    public var lead: String
    public var sections: [Section]
    public var footer: String

    public init(lang: Language, title: String, lead: String, sections: [Section], footer: String) {
        self.lang = lang; self.title = title; self.lead = lead; self.sections = sections; self.footer = footer
    }

    public func render() -> String { String(decoding: renderBytes(), as: UTF8.self) }

    /// The page as UTF-8 bytes, each section written into it in place.
    func renderBytes() -> [UInt8] {
        let parts = renderParts()
        return parts.count == 1 ? parts[0] : Array(parts.joined())
    }

    /// The page as consecutive parts of UTF-8 bytes: a section made beforehand as bytes is a part of its own,
    /// not copied; everything else is written in place into the parts between.
    func renderParts() -> [[UInt8]] {
        let L = Labels(lang)
        var parts: [[UInt8]] = []
        var o = HTMLBytes(capacity: sections.reduce(Self.css.utf8.count + lead.utf8.count + footer.utf8.count + 4096) {
            if case .bytes = $1.body { return $0 + 256 }
            return $0 + $1.size + 256
        })
        o.append("""
        <!DOCTYPE html>
        <html lang="\(lang.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <header>
        <h1>\(Self.escape(title))</h1>
        \(lead)
        </header>
        <nav aria-label="\(Self.escape(L[.contents]))"><strong>\(Self.escape(L[.contents]))</strong><ol>
        """)
        for sec in sections { o.append("<li><a href=\"#\(sec.id)\">\(Self.escape(sec.heading))</a></li>") }
        o.append("</ol></nav>\n<main>\n")
        for sec in sections {
            o.append("<section id=\"\(sec.id)\">\n<h2>\(Self.escape(sec.heading))</h2>\n")
            if case .bytes(let b) = sec.body {
                parts.append(o.take())
                parts.append(b)
            } else {
                sec.write(into: &o)
            }
            o.append("\n</section>\n")
        }
        o.append("</main>\n<footer>\(footer)</footer>\n</body>\n</html>\n")
        parts.append(o.take())
        return parts
    }

    static let css = """

    :root{--ink:#1d2327;--muted:#5f6b73;--rule:#d9dee2;--band:#f5f7f8;--accent:#0072B2}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
    body{margin:0 auto;max-width:60rem;padding:1rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
    h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}
    h2{font-size:1.3rem;margin:2rem 0 .5rem;padding-top:.5rem;border-top:2px solid var(--rule)}
    h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
    p{margin:.5rem 0}
    a{color:var(--accent)}
    code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em;background:var(--band);padding:0 .2em;border-radius:3px;overflow-wrap:anywhere}
    nav{background:var(--band);border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
    nav ol{margin:.25rem 0;padding-left:1.25rem;columns:2 14rem}
    .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10.5rem,1fr));gap:.5rem;margin:1rem 0}
    .card{border:1px solid var(--rule);border-radius:6px;padding:.5rem .75rem;break-inside:avoid}
    .card .k{font-size:.85rem;color:var(--muted)}
    .card .v{font-size:1.5rem;font-weight:600}
    .card .b{font-size:.85rem;color:var(--muted)}
    figure{margin:1rem 0;break-inside:avoid;page-break-inside:avoid}
    figure svg{display:block;width:100%;max-width:36rem;height:auto}
    figcaption,.note{font-size:.9rem;color:var(--muted)}
    .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
    .scroll svg{min-width:28rem}
    .legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:.5rem 0;list-style:none;font-size:.9rem}
    .legend i{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin-right:.35em;vertical-align:-.1em}
    .crit{columns:2 16rem;font-size:.9rem;padding-left:1.5rem}
    .district{break-inside:avoid;page-break-inside:avoid}
    table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}
    th,td{padding:.3rem .5rem;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
    th{background:var(--band)}
    td.num,th.num{text-align:right;white-space:nowrap}
    .table{overflow-x:auto;margin:.5rem 0 1rem}
    footer{margin-top:2rem;padding-top:.5rem;border-top:1px solid var(--rule);font-size:.85rem;color:var(--muted)}
    @media (max-width:40rem){body{padding:.75rem;font-size:15px}h1{font-size:1.35rem}table{font-size:.85rem}}
    @media print{
      @page{margin:15mm}
      body{max-width:none;padding:0;font-size:10.5pt}
      nav{display:none}
      h2{break-after:avoid;page-break-after:avoid}
      a{color:inherit;text-decoration:none}
      .scroll,.table{overflow:visible}
      .scroll svg{min-width:0}
      figure svg{max-width:100%}
      tr{break-inside:avoid}
      *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
    }

    """

    public static func escape(_ s: String) -> String { SVGChart.esc(s) }

    /// Markdown as the reports write it, as HTML: headings (`#` one level below `headingOffset`), tables with
    /// their alignment, bullet lists, paragraphs, and inline `code` and **bold**. Headings become `<h(n+offset)>`.
    public static func markdown(_ md: String, headingOffset: Int = 0) -> String {
        var out = "", para: [String] = [], list: [String] = [], table: [String] = []
        func flushPara() {
            if !para.isEmpty { out += "<p>\(inline(para.joined(separator: " ")))</p>\n"; para = [] }
        }
        func flushList() {
            if !list.isEmpty { out += "<ul>" + list.map { "<li>\(inline($0))</li>" }.joined() + "</ul>\n"; list = [] }
        }
        func flushTable() {
            guard !table.isEmpty else { return }
            let rows = table.map(cells)
            table = []
            guard rows.count >= 2 else { return }
            let right = rows[1].map { $0.hasSuffix(":") }
            func cls(_ i: Int) -> String { i < right.count && right[i] ? " class=\"num\"" : "" }
            out += "<div class=\"table\"><table><thead><tr>"
            out += rows[0].enumerated().map { "<th\(cls($0.offset))>\(inline($0.element))</th>" }.joined()
            out += "</tr></thead><tbody>"
            for row in rows.dropFirst(2) {
                out += "<tr>" + row.enumerated().map { "<td\(cls($0.offset))>\(inline($0.element))</td>" }.joined() + "</tr>"
            }
            out += "</tbody></table></div>\n"
        }
        for line in md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let t = line.trimmedBlanks()
            if t.hasPrefix("|") { flushPara(); flushList(); table.append(t); continue }
            flushTable()
            if t.isEmpty { flushPara(); flushList(); continue }
            if let level = heading(t) {
                flushPara(); flushList()
                let n = min(6, level + headingOffset)
                out += "<h\(n)>\(inline(String(t.drop(while: { $0 == "#" }).dropFirst())))</h\(n)>\n"
            } else if t.hasPrefix("- ") {
                flushPara(); list.append(String(t.dropFirst(2)))
            } else {
                flushList(); para.append(t)
            }
        }
        flushPara(); flushList(); flushTable()
        return out
    }

    static func heading(_ t: String) -> Int? {
        let hashes = t.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), t.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    /// The cells of a table line, with `\|` standing for a literal bar.
    static func cells(_ line: String) -> [String] {
        if let fast = plainCells(line) { return fast }
        var cells: [String] = [], cur = "", escaped = false
        for ch in line.dropFirst() {
            if escaped { if ch != "|" { cur.append("\\") }; cur.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "|" { cells.append(cur.trimmedBlanks()); cur = ""; continue }
            cur.append(ch)
        }
        if escaped { cur.append("\\") }
        let last = cur.trimmedBlanks()
        if !last.isEmpty { cells.append(last) }
        return cells
    }

    /// `cells(line)` read on the bytes, for a line without a backslash whose every bar byte stands alone as a
    /// character: ASCII on both sides (a combining mark after a bar would join it). Nil for any other line.
    private static func plainCells(_ line: String) -> [String]? {
        var line = line
        return line.withUTF8 { u -> [String]? in
            guard u.first == UInt8(ascii: "|") else { return nil }
            for (i, b) in u.enumerated() {
                if b == UInt8(ascii: "\\") { return nil }
                if b == UInt8(ascii: "|") && ((i + 1 < u.count && u[i + 1] >= 0x80) || (i > 0 && u[i - 1] >= 0x80)) { return nil }
            }
            var cells: [String] = [], start = 1
            for i in 1...u.count where i == u.count || u[i] == UInt8(ascii: "|") {
                let cell = String(decoding: UnsafeBufferPointer(rebasing: u[start..<i]), as: UTF8.self).trimmedBlanks()
                if i < u.count || !cell.isEmpty { cells.append(cell) }
                start = i + 1
            }
            return cells
        }
    }

    /// Escapes the text, then turns `code` and **bold** into elements.
    static func inline(_ s: String) -> String {
        // Without a backtick or an asterisk it is the text escaped (character by character, as below).
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "`") || $0 == UInt8(ascii: "*") }) { return escape(s) }
        var out = "", i = s.startIndex, bold = false
        while i < s.endIndex {
            let ch = s[i]
            if ch == "`", let end = s[s.index(after: i)...].firstIndex(of: "`") {
                out += "<code>\(escape(String(s[s.index(after: i)..<end])))</code>"
                i = s.index(after: end)
            } else if s[i...].hasPrefix("**") {
                out += bold ? "</strong>" : "<strong>"
                bold.toggle()
                i = s.index(i, offsetBy: 2)
            } else {
                out += escape(String(ch))
                i = s.index(after: i)
            }
        }
        if bold { out += "</strong>" }
        return out
    }
}

extension HTMLPage {
    /// A commune × criterion map, one chart per district, with its legend, its rule and the criteria's names.
    /// `status(c, j)` is commune `c`'s category (an index into `categories`) on criterion `j` (catalogue order).
    public static func criteriaByDistrict(dataset ds: Dataset, catalogue cat: Catalogue, labels L: Labels, title: String, rule: String,
                                          categories cats: [SVGChart.Legend], status: (Int, Int) -> Int) -> String {
        var o = HTMLBytes(capacity: criteriaByDistrictSize(dataset: ds, catalogue: cat))
        criteriaByDistrict(into: &o, dataset: ds, catalogue: cat, labels: L, title: title, rule: rule, categories: cats, status: status)
        return o.string
    }

    /// About how many bytes `criteriaByDistrict` writes: some 160 a cell (155,000 cells at national scale).
    static func criteriaByDistrictSize(dataset ds: Dataset, catalogue cat: Catalogue) -> Int {
        ds.communes.count * cat.criteria.count * 180 + 16_384
    }

    /// `criteriaByDistrict`, written into `o`.
    static func criteriaByDistrict(into o: inout HTMLBytes, dataset ds: Dataset, catalogue cat: Catalogue, labels L: Labels, title: String,
                                   rule: String, categories cats: [SVGChart.Legend], status: (Int, Int) -> Int) {
        let e = escape, J = cat.criteria.count
        o.append("<p class=\"note\">\(e(rule))</p>\n<ul class=\"legend\">")
        o.append(cats.map { "<li><i style=\"background:\($0.colour)\"></i>\(e($0.name))</li>" }.joined() + "</ul>\n")
        let columns = cat.criteria.map { String($0.number) }
        // A cell's tooltip is "commune · number. criterion: category", escaped. When none of the parts holds a
        // character to escape, neither does the whole, and it is written part by part.
        let names = cat.criteria.map { $0.name(L.lang) }
        var pool = BytePool()
        let middles = cat.criteria.indices.map { pool.add(" · \(cat.criteria[$0].number). \(names[$0]): ") }
        let catNames = cats.map { pool.add($0.name) }
        let partsPlain = names.allSatisfy(HTMLBytes.isPlain) && cats.allSatisfy { HTMLBytes.isPlain($0.name) }
        let byDistrict = ds.communesByDistrict()
        var cells: [Int] = []
        for d in ds.districts {
            let members = byDistrict[d.code] ?? []
            guard !members.isEmpty else { continue }
            cells.removeAll(keepingCapacity: true)
            for c in members { for j in 0..<J { cells.append(status(c, j)) } }
            let labels = members.map { c in partsPlain && HTMLBytes.isPlain(ds.communes[c].name) ? pool.add(ds.communes[c].name) : nil }
            var counts = [Int](repeating: 0, count: cats.count)
            for k in cells { counts[k] += 1 }
            o.append("<div class=\"district\"><h3>\(e(L.district(d)))</h3><p class=\"note\">"
                + cats.indices.map { "\(e(cats[$0].name)): \(L.number(Double(counts[$0])))" }.joined(separator: " · ")
                + "</p><figure class=\"scroll\">")
            pool.bytes.withUnsafeBufferPointer { p in
                SVGChart.heatMap(into: &o, title: "\(title): \(d.name)", columns: columns, rowCount: members.count,
                                 label: { ds.communes[members[$0]].name }, cellCount: { _ in J }, cell: { cells[$0 * J + $1] },
                                 categories: cats) { o, i, j, k in
                    if let label = labels[i] {
                        o.append(p, label); o.append(p, middles[j]); o.append(p, catNames[k])
                    } else {
                        o.appendEscaped("\(ds.communes[members[i]].name) · \(cat.criteria[j].number). \(names[j]): \(cats[k].name)")
                    }
                }
            }
            o.append("</figure></div>\n")
        }
        o.append("<h3>\(e(L[.criteria]))</h3><ol class=\"crit\">")
        o.append(cat.criteria.map { "<li value=\"\($0.number)\">\(e($0.name(L.lang)))</li>" }.joined() + "</ol>")
    }
}
