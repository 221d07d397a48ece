"""The legend: every symbol of the picture with its meaning."""

from __future__ import annotations

from services.timeline.contents import PROCEDURE_ROWS
from services.timeline.layout import MARGIN, Layout
from services.timeline.procedures import procedure_marker
from services.timeline.style import TimelineStyle
from services.timeline.svg import INK, Attr, el, num, svg_text, text_width


def legend_block(top: float, style: TimelineStyle, layout: Layout) -> tuple[str, float]:
    """(the legend, its height): icon + words, flowing over as many rows as it needs."""

    def swatch(fill: str, **attrs: Attr) -> str:
        outline: dict[str, Attr] = {"stroke": INK, "stroke_width": 0.8, **attrs}
        return el("rect", x=0, y=-11, width=22, height=14, fill=fill, **outline)

    items: list[tuple[str, str]] = [
        (swatch(f"url(#{layout.id('pat-below-minimum')})"), "Below minimum adequate dose"),
        (swatch(style.adequate), "Adequate dose"),
        (swatch(f"url(#{layout.id('pat-above-maximum')})"), "Above maximum dose"),
        (
            swatch(f"url(#{layout.id('pat-unknown')})", stroke_dasharray="3 2"),
            "Dose or range unknown",
        ),
        (
            el("rect", x=0, y=-11, width=22, height=14, fill=style.adequate, fill_opacity=0.15)
            + el(
                "line",
                x1=0,
                x2=22,
                y1=3,
                y2=3,
                stroke=style.adequate,
                stroke_width=1.3,
                stroke_dasharray="5 3",
            ),
            "Adequate range (dashed: minimum)",
        ),
        (
            swatch("#FFFFFF", stroke_width=1.3, stroke_dasharray="4 3"),
            "Refill gap (no supply on hand)",
        ),
        (  # timeline/listed.py (review s23 RP findings 2, 3)
            swatch("none", stroke_width=1.3, stroke_dasharray="2 4"),
            "Listed or no supply: not shown taken",
        ),
        (
            el("line", x1=0, x2=22, y1=-4, y2=-4, stroke=style.phq9, stroke_width=2.5)
            + el("circle", cx=11, cy=-4, r=5, fill=style.phq9, stroke="#FFFFFF", stroke_width=1.5),
            "PHQ-9 total",
        ),
        (  # a total its answers contradict (timeline/phq9.py, review s23 RP finding 4)
            el("circle", cx=11, cy=-4, r=5, fill="#FFFFFF", stroke=style.phq9, stroke_width=2),
            "PHQ-9 total its items contradict",
        ),
        (
            el(
                "path",
                d="M11 -13 l8.5 15 l-17 0 Z",
                fill=style.item9_positive,
                stroke=INK,
                stroke_width=1.2,
            ),
            "PHQ-9 item 9 positive (self-harm thoughts)",
        ),
        *(
            (procedure_marker(kind, 11, -4, style.procedure_colour(kind)), name)
            for kind, name in PROCEDURE_ROWS
        ),
        (
            el(
                "line",
                x1=11,
                x2=11,
                y1=-13,
                y2=4,
                stroke=INK,
                stroke_width=1.2,
                stroke_dasharray="6 4",
            ),
            "Date of this evaluation",
        ),
    ]
    out: list[str] = [svg_text(MARGIN, top + 2, "Legend", font_size=13, font_weight=700, fill=INK)]
    x, y = float(MARGIN), top + 24
    for icon, label in items:
        width = 30 + text_width(label, 12) + 18
        if x + width > layout.width - MARGIN:
            x, y = float(MARGIN), y + 24
        out.append(
            el(
                "g",
                icon,
                svg_text(30, 0, label, font_size=12, fill=INK),
                cls="legend-item",
                transform=f"translate({num(x)} {num(y)})",
            )
        )
        x += width
    return el("g", *out, id=layout.id("legend")), y + 12 - top
