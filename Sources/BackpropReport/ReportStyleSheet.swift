import Backprop

/// The CSS inlined in a report's `index.html`: a centred column of cards on a
/// light background, charts that fill their card's width, two charts a row on
/// wide screens and one on narrow ones, tables with tabular figures.
package enum ReportStyleSheet {
  /// The start of a report page, through `<body>`: the document type, the
  /// character set, the viewport, the title, an empty icon (no request for
  /// favicon.ico) and this style sheet inline. `title` and `generator` are
  /// HTML-escaped already.
  package static func pageStart(title: String, generator: String? = nil) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    \(generator.map { "<meta name=\"generator\" content=\"\($0)\">\n" } ?? "")<title>\(title)</title>
    <link rel="icon" href="data:,">
    <style>
    \(css)</style>
    </head>
    <body>
    """
  }

  static let css = """
    :root {
      --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --page: #f3f4f6; --card: #ffffff;
      --accent: #2563eb; --bar: #93c5fd;
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body {
      margin: 0; background: var(--page); color: var(--ink);
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    }
    header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
    header { padding-top: 28px; }
    h1 { font-size: 26px; line-height: 1.25; margin: 0 0 4px; font-weight: 650; letter-spacing: -0.01em; }
    h2 { font-size: 19px; margin: 0 0 12px; font-weight: 650; }
    h3 { font-size: 15px; margin: 18px 0 8px; font-weight: 600; }
    .subtitle { color: var(--muted); margin: 0 0 18px; }
    .note { color: var(--muted); font-size: 14px; margin: 6px 0 12px; }
    code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-bottom: 16px; }
    .stat { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
    .stat .label { display: block; color: var(--muted); font-size: 13px; }
    .stat .value { display: block; font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
    nav { display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 10px 0 4px; border-top: 1px solid var(--line); }
    nav a { color: var(--accent); text-decoration: none; font-size: 14px; }
    nav a:hover { text-decoration: underline; }
    section { margin: 28px 0; }
    .card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px 18px;
      box-shadow: 0 1px 2px rgba(0, 0, 0, 0.04); }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 18px; }
    figure { margin: 0; }
    figure.card { padding: 10px 12px 12px; }
    figure.centered { display: flex; flex-direction: column; align-items: center; }
    svg.chart { display: block; max-width: 100%; height: auto; }
    svg.line-chart { width: 100%; }
    figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; max-width: 760px; }
    figcaption a, footer a { color: var(--accent); }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-size: 14px; background: var(--card); }
    th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    th { font-weight: 600; color: var(--muted); font-size: 13px; background: #f9fafb; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.bar {
      background-image: linear-gradient(var(--bar), var(--bar)); background-repeat: no-repeat;
      background-position: left 10px bottom 3px; background-size: calc((100% - 20px) * var(--v)) 4px;
    }
    tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
    tr.summary td { background: #f9fafb; }
    table.keys th { width: 28%; color: var(--ink); background: transparent; font-size: 14px; }
    .hash { word-break: break-all; }
    code.command span { white-space: nowrap; }
    dl.pairs { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 8px; margin: 0; }
    dl.pairs div { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 7px 12px; }
    dl.pairs dt { color: var(--muted); font-size: 12px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
    dl.pairs dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
    details { margin-top: 12px; }
    summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
    footer { color: var(--muted); font-size: 13px; padding-bottom: 36px; }
    @media (max-width: 640px) {
      header, main, footer { padding: 0 12px; }
      .card { padding: 12px; }
      th, td { padding: 5px 6px; }
    }
    @media print {
      body { background: #ffffff; }
      .card, .stat { box-shadow: none; break-inside: avoid; }
    }
    """
}
