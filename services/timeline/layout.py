"""The picture's fixed geometry (px) and its section headings."""

from __future__ import annotations

from services.timeline.svg import INK, svg_text

WIDTH = 1360
GUTTER = 320  # the left margin that holds the lane labels
RIGHT = 40
MARGIN = 16
PHQ9_HEIGHT = 190
LINE = 15  # lane label line height
PROCEDURE_ROW = 28
SECTION_GAP = 34
AXIS_HEIGHT = 48


def section_heading(y: float, text: str) -> str:
    return svg_text(MARGIN, y, text, font_size=13, font_weight=700, fill=INK)
