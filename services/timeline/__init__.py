"""The treatment-timeline picture: a PatientRecord drawn as one self-contained SVG.

Pure rendering, no I/O: `render_svg` returns the picture, `render_page` an HTML document around it.
Both must show inside an EHR iframe with no internet, so nothing is fetched: no scripts, fonts,
images or stylesheets from anywhere, system fonts only, and every text that comes from data (drug
names) is XML-escaped.

What is drawn, top to bottom, on one time axis (months, from just before the first event to as_of):
- the PHQ-9 totals as a line over the Kroenke 2001 severity bands, item-9 positives as triangles;
- one lane per trial (antidepressants, then augmentation): each dose segment a bar whose height is
  the mg/day and whose fill says below the minimum adequate dose / in range / above the maximum
  (Okabe-Ito colour AND a pattern, so it reads in grey-scale), the drug's adequate range as a band
  behind the bars, refill gaps as dashed boxes; in the margin the verdict, its reasons and the PDC;
- TMS / ECT / psychotherapy sessions as markers (one shape each) on their own rows;
- a legend. `<title>`/`<desc>` and role="img" give screen readers a one-paragraph summary.

Elements carry stable classes for tests and tooling: `lane` (data-ingredient), `dose-segment`
(data-mg), `phq9-point` (data-value, plus `item9-positive`), `refill-gap`, `procedure`, `#legend`.
Colours and the severity bands are data: data/timeline_style.toml.

Modules, one idea each: `svg` (element writing, escaping), `wording`, `contents` (what of the
record is drawn), `style` (palette, severity bands, dose categories), `layout`, `scale` (time
axis), `phq9`, `lanes`, `procedures`, `legend`, `summary` (the <desc>), `picture` (render_svg),
`page` (render_page, CSP).
"""

from __future__ import annotations

from services.timeline.page import render_page
from services.timeline.picture import DEFAULT_TITLE, render_svg
from services.timeline.style import (
    DoseCategory,
    SeverityBand,
    TimelineStyle,
    dose_category,
    timeline_style,
)
from services.timeline.summary import describe
from services.timeline.svg import SVG_NS

__all__ = [
    "DEFAULT_TITLE",
    "SVG_NS",
    "DoseCategory",
    "SeverityBand",
    "TimelineStyle",
    "describe",
    "dose_category",
    "render_page",
    "render_svg",
    "timeline_style",
]
