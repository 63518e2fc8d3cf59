/** The page's stylesheet (inline, no external resources). */
export const pageStyle = `
:root { color-scheme: light dark; --bg: #f5f6f8; --card: #fff; --fg: #1d2330; --muted: #6b7385; --line: #e3e6ec; --accent: #2f6fed; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171d; --card: #1d2129; --fg: #e6e9ef; --muted: #98a0b3; --line: #2c313c; --accent: #6c9bff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 20px; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 18px; margin: 0; }
nav { display: flex; gap: 8px; flex-wrap: wrap; }
nav a { color: var(--accent); text-decoration: none; padding: 2px 8px; border-radius: 4px; }
nav a.current { background: var(--accent); color: #fff; }
#status { margin-left: auto; font-size: 12px; color: var(--muted); }
#status::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: #b0b4bd; }
#status.live::before { background: #24a148; }
#status.down::before { background: #da1e28; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; padding: 16px 20px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; min-width: 0; }
.card h2 { font-size: 12px; font-weight: 600; margin: 0 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; overflow-wrap: anywhere; }
.card.kind-timeseries, .card.kind-table, .card.kind-bar { grid-column: span 2; }
.card.kind-timeseries, .card.kind-table { grid-column: span 3; }
@media (max-width: 700px) { .card.kind-timeseries, .card.kind-table, .card.kind-bar { grid-column: 1 / -1; } }
.value { font-size: 30px; font-weight: 600; font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-style: italic; overflow-wrap: anywhere; }
.card.status-not_installed { opacity: .65; }
svg.chart { width: 100%; height: 170px; display: block; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart text { fill: var(--muted); font-size: 10px; }
svg.chart polyline { fill: none; stroke-width: 2; vector-effect: non-scaling-stroke; }
.legend { display: flex; gap: 12px; flex-wrap: wrap; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
table { width: 100%; border-collapse: collapse; font-size: 12px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bars { display: grid; grid-template-columns: minmax(60px, max-content) 1fr max-content; gap: 4px 8px; align-items: center; font-size: 12px; }
.bar { height: 12px; background: var(--accent); border-radius: 2px; min-width: 1px; }
`;
