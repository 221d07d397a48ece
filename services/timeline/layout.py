"""The picture's geometry (px) and its section headings.

Two layouts of the same picture (issue 12: EHRs open card links in narrow pop-ups):
- `WIDE` (1360 wide): each lane's text in a 320 px left gutter beside its bars, the PHQ-9 band
  names in the gutter. For windows wide enough that it scales to legible text (page.py).
- `NARROW` (560 wide, drawn for a 600 px window at about 1:1): the plot spans the width, each
  lane's and procedure row's text stands above its bars, the band names sit inside the PHQ-9
  panel and the gutter keeps only the score ticks. Its ids carry a prefix, so both layouts can
  share one page (page.py shows one or the other by the window's width).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.timeline.svg import INK, svg_text

MARGIN = 16
PHQ9_HEIGHT = 190
LINE = 15  # lane label line height
PROCEDURE_ROW = 28
SECTION_GAP = 34
AXIS_HEIGHT = 48


@dataclass(frozen=True, slots=True)
class Layout:
    name: str  # "wide" | "narrow": the SVG's data-layout
    width: float
    gutter: float  # the left margin: lane labels (wide) or only the PHQ-9 score ticks (narrow)
    right: float  # room right of the time axis (the last course label, the "as of" text)
    labels_above: bool  # lane and procedure text above the bars, not in the gutter
    id_prefix: str  # for every id in the SVG: two layouts on one page keep their ids apart
    bar_area: float = 84.0  # a lane's bar strip (narrow: below its text)

    def id(self, name: str) -> str:
        return f"{self.id_prefix}{name}"

    @property
    def text_width(self) -> float:
        """The width lane text wraps to."""
        if self.labels_above:
            return self.width - 2 * MARGIN
        return self.gutter - MARGIN - 14


WIDE = Layout("wide", width=1360, gutter=320, right=40, labels_above=False, id_prefix="")
NARROW = Layout(
    "narrow", width=560, gutter=40, right=20, labels_above=True, id_prefix="narrow-", bar_area=72
)


def section_heading(y: float, text: str) -> str:
    return svg_text(MARGIN, y, text, font_size=13, font_weight=700, fill=INK)
