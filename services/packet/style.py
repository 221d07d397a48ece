"""The packet's one stylesheet (screen, a narrow window, print) and the Content-Security-Policy
that admits it by hash and nothing else.

Screen: one column up to 1100 px. Below 720 px (an EHR's pop-up window) a table too wide for it
(class `stack`: trials, diagnoses, payer criteria) becomes a stack of blocks, one per row, each
cell a "label: value" line, so nothing scrolls sideways and no text shrinks; the narrow tables
(scores, psychotherapy) stay tables. Print (A4 or Letter: the page size is the printer's, the margins fit both): 10 pt
text, the table header repeated on every page (`thead` as a table-header-group), no row, list
item or summary box cut across a page break (`break-inside: avoid`), no heading left alone at the
foot of a page, and colours printed as shown (status words carry the meaning too).
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #FFFFFF; color: #1A1A1A; font-size: 15px; line-height: 1.45;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial,
    'Liberation Sans', 'DejaVu Sans', sans-serif; }
main { max-width: 1100px; padding: 16px 20px 24px; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 22px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #1A1A1A; }
h3 { font-size: 15px; margin: 10px 0 4px; }
p { margin: 6px 0; }
.meta { color: #444444; margin: 0 0 12px; }
.lede { font-weight: 600; }
.note { color: #444444; font-size: 13px; }
.empty { color: #444444; font-style: italic; }
.alert { border-left: 4px solid #D55E00; padding-left: 8px; }
ul.lines { margin: 4px 0; padding-left: 20px; }
ul.lines li { margin: 2px 0; }
dl.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr));
  gap: 8px 18px; margin: 0 0 8px; padding: 10px 14px; border: 1px solid #AAAAAA;
  border-radius: 6px; background: #F6F6F6; }
dl.summary dt { font-size: 13px; font-weight: 700; color: #444444; }
dl.summary dd { margin: 0; }
dl.summary a { color: inherit; text-decoration-color: #AAAAAA; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 4px; font-size: 14px; }
caption { text-align: left; font-weight: 700; padding: 4px 0; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #CCCCCC;
  overflow-wrap: break-word; }
td.ref { overflow-wrap: anywhere; }
thead th { background: #EDEDED; border-bottom: 2px solid #888888; overflow-wrap: normal; }
td.counted { font-weight: 600; }
td.positive { font-weight: 700; color: #A33A00; }
.status { font-weight: 700; white-space: nowrap; }
.met { color: #00603F; }
.not-met { color: #A33A00; }
.not-on-record { color: #5A4A00; }
.verdict { font-weight: 700; }
footer { margin-top: 24px; padding-top: 8px; border-top: 1px solid #CCCCCC; color: #444444;
  font-size: 13px; }
@media screen and (max-width: 720px) {
  main { padding: 12px 12px 20px; }
  h1 { font-size: 20px; }
  table.stack, table.stack caption, table.stack tbody, table.stack tr, table.stack td {
    display: block; width: 100%; }
  table.stack thead { display: none; }
  table.stack tr { margin: 0 0 10px; padding: 6px 10px; border: 1px solid #BBBBBB;
    border-radius: 6px; }
  table.stack td { display: grid; grid-template-columns: minmax(7em, 38%) 1fr; gap: 10px;
    padding: 3px 0; border: 0; }
  table.stack td::before { content: attr(data-label); font-weight: 600; color: #444444; }
  .status { white-space: normal; }
}
@page { margin: 14mm 12mm 16mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 16pt; }
  h2 { font-size: 12.5pt; margin-top: 14pt; }
  table { font-size: 9pt; }
  .note, footer { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, li, dl.summary, dl.summary div, caption, .alert, .verdict {
    break-inside: avoid; page-break-inside: avoid; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  dl.summary a { text-decoration: none; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def style_hash(css: str = CSS) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def content_security_policy() -> str:
    """Only the page's own stylesheet: no scripts, images, fonts, fetches or forms. (frame-ancestors
    cannot be set from a meta tag; the route's headers do that.)"""
    return (
        f"default-src 'none'; style-src '{style_hash()}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
