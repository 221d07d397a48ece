"""The PHQ-9 panel: totals as a line over the Kroenke 2001 severity bands, item-9 positives."""

from __future__ import annotations

from collections.abc import Callable

from fhir_mapping.record import PatientRecord, Score
from services import phq9_disagreements
from services.timeline.contents import item9_positive
from services.timeline.layout import MARGIN, PHQ9_HEIGHT, Layout, section_heading
from services.timeline.scale import TimeScale
from services.timeline.style import TimelineStyle
from services.timeline.svg import HALO, INK, MUTED, el, num, svg_text, tooltip, wrap
from services.timeline.wording import day_text

_LABEL_SPACING = 24  # px between two value labels on the same side of the PHQ-9 line


def phq9_panel(
    record: PatientRecord, scale: TimeScale, top: float, style: TimelineStyle, layout: Layout
) -> tuple[str, str, float]:
    """(the severity bands, painted under the grid; the score line and points; the height of
    the band key under the panel, narrow layout only)."""
    scores = record.phq9()
    plot_top = top + 14
    maximum = style.phq9_maximum

    def y(value: float) -> float:
        return plot_top + PHQ9_HEIGHT * (1 - value / maximum)

    bands: list[str] = []
    out: list[str] = [section_heading(top + 2, "PHQ-9 total score")]
    for band in style.bands:
        y_top, y_bottom = y(min(band.upper + 1, maximum)), y(band.lower)
        width = scale.x1 - scale.x0
        bands.append(
            el("rect", x=scale.x0, y=y_top, width=width, height=y_bottom - y_top, fill=band.fill)
        )
        if not layout.labels_above:  # narrow: no gutter for the names, see the key below
            out.append(
                svg_text(
                    layout.gutter - 30,
                    (y_top + y_bottom) / 2 + 4,
                    band.label,
                    font_size=12,
                    text_anchor="end",
                    fill=MUTED,
                )
            )
        if band.lower > 0:
            out.append(
                svg_text(
                    layout.gutter - 7,
                    y(band.lower) + 4,
                    str(band.lower),
                    font_size=11,
                    text_anchor="end",
                    fill=MUTED,
                )
            )
    out.append(
        el(
            "rect",
            x=scale.x0,
            y=plot_top,
            width=scale.x1 - scale.x0,
            height=PHQ9_HEIGHT,
            fill="none",
            stroke="#AAAAAA",
        )
    )
    key_height = 0.0
    if layout.labels_above:
        # Narrow: the band names as a key under the panel, where no score can cover them.
        key = "Bands (Kroenke 2001): " + " · ".join(
            f"{b.lower}–{b.upper} {b.label}" for b in style.bands
        )
        lines = wrap(key, 11, layout.text_width, max_lines=3)
        for i, line in enumerate(lines):
            out.append(
                svg_text(
                    MARGIN,
                    plot_top + PHQ9_HEIGHT + 18 + 14 * i,
                    line,
                    font_size=11,
                    fill=MUTED,
                    cls="band-key",
                    **HALO,
                )
            )
        key_height = 14.0 * len(lines) + 8
    background = el("g", *bands, cls="phq9-bands")
    if not scores:
        out.append(
            svg_text(
                (scale.x0 + scale.x1) / 2,
                plot_top + PHQ9_HEIGHT / 2,
                "No PHQ-9 scores on record",
                font_size=14,
                text_anchor="middle",
                fill=MUTED,
            )
        )
        return background, el("g", *out, id=layout.id("phq9")), key_height

    valued = [s for s in scores if s.value is not None]
    if len(valued) > 1:
        points = " ".join(f"{num(scale.x(s.date))},{num(y(s.value or 0))}" for s in valued)
        out.append(
            el(
                "polyline",
                cls="phq9-line",
                points=points,
                fill="none",
                stroke=style.phq9,
                stroke_width=2.5,
                stroke_linejoin="round",
            )
        )
    # Each value is labelled unless that would crowd the previous label on the same side; the
    # latest score and item-9 positives are always labelled. An unlabelled point keeps its value
    # in its tooltip and in data-value.
    last_x = {True: -1e9, False: -1e9}  # the last label's x above / below its point
    for score in scores:
        x = scale.x(score.date)
        above = _label_above(score, valued, maximum)
        side: bool | None = above
        if x - last_x[above] < _LABEL_SPACING:
            if not (score is scores[-1] or item9_positive(score)):
                side = None
            elif x - last_x[not above] >= _LABEL_SPACING:
                side = not above
        if side is not None:
            last_x[side] = x
        out.append(_phq9_point(score, x, y, side, style))
    return background, el("g", *out, id=layout.id("phq9")), key_height


def _label_above(score: Score, valued: list[Score], maximum: int) -> bool:
    """Label a peak above and a trough below its point, so the line never runs through a label."""
    if score.value is None:
        return False
    index = valued.index(score)
    neighbours = [valued[i].value for i in (index - 1, index + 1) if 0 <= i < len(valued)]
    values = [v for v in neighbours if v is not None]
    above = not values or score.value >= sum(values) / len(values)
    if score.value >= maximum - 2:
        return False  # no room above the panel's top
    if score.value <= 2:
        return True
    return above


def _phq9_point(
    score: Score, x: float, y: Callable[[float], float], above: bool | None, style: TimelineStyle
) -> str:
    """One score: a circle, or a triangle when item 9 is positive; its value above or below it
    (None: no label)."""
    positive = item9_positive(score)
    value = score.value
    # A result without a total but with a positive item 9 is still drawn (at the top, "?"):
    # a missing total must not hide a positive suicide-risk screen.
    cy = y(value if value is not None else style.phq9_maximum)
    label = str(value) if value is not None else "?"
    band = style.band_of(value) if value is not None else None
    tip = f"PHQ-9 {label} on {day_text(score.date)}" + (f" ({band.label})" if band else "")
    conflict = score.total_conflict
    if conflict is not None:
        # A total its answers contradict (review s23 RP finding 4): both numbers on the point,
        # the cards' words in its tooltip, drawn hollow: a reading to check, not a measurement.
        tip += f"; {phq9_disagreements.conflict_words(score, dated=False)}"
        other = (
            f"filed {conflict.filed}"
            if value == conflict.items_sum
            else f"at most {conflict.items_sum}"
            if conflict.item9 is not None  # a total above what its item 9 allows (s27 RF 3)
            else f"items {conflict.items_sum}"
        )
        label = f"{label} ({other})"
    if positive:
        tip += f"; item 9 = {score.item9} (thoughts of death or self-harm)"
        shape = el(
            "path",
            d=f"M{num(x)} {num(cy - 9)} l8.5 15 l-17 0 Z",
            fill=style.item9_positive,
            stroke=INK,
            stroke_width=1.2,
        )
    elif conflict is not None:
        shape = el("circle", cx=x, cy=cy, r=5, fill="#FFFFFF", stroke=style.phq9, stroke_width=2)
    else:
        shape = el("circle", cx=x, cy=cy, r=5, fill=style.phq9, stroke="#FFFFFF", stroke_width=1.5)
    label_y = cy - 12 if above else cy + 21
    text = (
        ""
        if above is None
        else svg_text(
            x, label_y, label, font_size=12, font_weight=700, text_anchor="middle", fill=INK, **HALO
        )
    )
    return el(
        "g",
        tooltip(tip),
        shape,
        text,
        cls=("phq9-point item9-positive" if positive else "phq9-point")
        + (" total-conflict" if conflict is not None else ""),
        data_value=str(value) if value is not None else "",
        data_date=score.date.isoformat(),
        data_item9=score.item9,
    )
