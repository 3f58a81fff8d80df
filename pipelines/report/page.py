"""The page around the sections: the HTML document, its head, and its one inline stylesheet (the
screen layout, and the print layout: A4 margins, no table row, finding, note or chart split across pages)."""

from __future__ import annotations

from pipelines.report.text import esc

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: #1b1f24;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 980px; margin: 24px auto; padding: 32px 40px; background: #fff; border: 1px solid #e2e5e9;
  border-radius: 6px; }
h1 { font-size: 28px; margin: 0 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e2e5e9; }
h3 { font-size: 16px; margin: 0 0 4px; }
p { margin: 6px 0; }
.kicker { margin: 0; color: #5b6470; text-transform: uppercase; letter-spacing: .06em; font-size: 12px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 6px 0; }
dl.facts div { min-width: 140px; }
dl.facts dt { font-size: 12px; color: #5b6470; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
dl.scope { padding-top: 6px; border-top: 1px solid #eef0f2; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.card { border: 1px solid #e2e5e9; border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.card .label { font-size: 12px; color: #5b6470; }
.card .value { font-size: 24px; font-weight: 600; }
.card .sub { font-size: 12px; color: #5b6470; }
figure { margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 12px; color: #5b6470; }
svg { max-width: 100%; height: auto; display: block; }
table { width: 100%; border-collapse: collapse; margin: 10px 0; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e2e5e9; vertical-align: top;
  overflow-wrap: anywhere; }
th { font-weight: 600; background: #f5f6f8; overflow-wrap: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; page-break-inside: avoid; }
.flag { display: inline-block; padding: 0 6px; border: 1px solid #b5651d; border-radius: 3px; color: #8a4b12;
  font-size: 11px; }
.note, .empty { color: #5b6470; font-size: 13px; }
.empty { font-style: italic; }
.finding { border-left: 5px solid #999; padding: 6px 12px; margin: 10px 0; break-inside: avoid;
  page-break-inside: avoid; }
.finding.failing { border-color: #D55E00; } .finding.risk { border-color: #E69F00; }
.finding.working { border-color: #009E73; } .finding.unknown { border-color: #999; }
.verdict { font-size: 12px; font-weight: 600; padding: 1px 6px; border-radius: 3px; border: 1px solid; margin-left: 6px;
  vertical-align: middle; }
.verdict.failing { color: #a14400; } .verdict.risk { color: #8a5d00; } .verdict.working { color: #006b4f; }
.verdict.unknown { color: #5b6470; }
.evidence, .action, .note-body { overflow-wrap: anywhere; }
ol.notes { list-style: none; padding: 0; margin: 0; }
ol.notes li { border-bottom: 1px solid #eef0f2; padding: 8px 0; break-inside: avoid; page-break-inside: avoid; }
.note-meta { font-size: 12px; color: #5b6470; }
.note-body { white-space: pre-wrap; }
dl.definitions div { margin: 4px 0; }
dl.definitions dt { font-weight: 600; display: inline; }
dl.definitions dt::after { content: ": "; }
dl.definitions dd { display: inline; margin: 0; }
footer { margin-top: 28px; font-size: 12px; color: #5b6470; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { background: none; font-size: 10pt; }
  main { max-width: none; margin: 0; padding: 0; border: none; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 18pt; }
  h3 { break-after: avoid; }
  thead { display: table-header-group; }
  th { background: none; }
  table { font-size: 9pt; }
  section { break-inside: auto; }
}
"""


def document(title: str, body: list[str]) -> str:
    """The whole HTML document around `body`, one part a line (an empty part is left out)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # defence in depth: even an injected tag could not run a script or fetch anything
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body><main>",
        *body,
        "</main></body></html>",
    ]
    return "\n".join(part for part in parts if part)
