"""Dose labels over a lane's bars: on the supplied part of a bar, never overlapping."""

from __future__ import annotations

from fhir_mapping.record import DoseSegment
from services.card_format import fmt_mg
from services.microgram_doses import UNIT, in_micrograms, ug_text
from services.order_doses import fmt_dose
from services.timeline.svg import HALO, INK, svg_text, text_width


def bar_label(
    segment: DoseSegment | None,
    mg: float | None,
    to_confirm: float | None = None,
    ingredient: str | None = None,
) -> str:
    """ "100 mg"; "100-150 mg" for a sig's range, written by the rule the cards write it with
    (order_doses.fmt_dose; review s20 R4 item 5: the label said "100 mg"); "25 mg PRN"; "dose ?";
    "200-300 mg ?" up to a dose to confirm (trial_dose_text.to_confirm_mg); "25 µg" for a drug
    dosed in micrograms (`ingredient`: microgram_doses.py; review s29 RM finding 6: "0.025 mg"
    beside the card's "liothyronine 25 µg/day")."""
    high = segment.mg_per_day_high if segment is not None else None
    if to_confirm is not None:
        return (
            f"{fmt_dose(mg, to_confirm) if mg is not None else f'up to {fmt_mg(to_confirm)}'} mg ?"
        )
    if mg is None and high is None:
        return "dose ?"
    as_needed = segment is not None and segment.as_needed
    if in_micrograms(ingredient) and not as_needed:
        if high is None:
            return f"{ug_text(mg)} {UNIT}" if mg is not None else "dose ?"
        low = f"{ug_text(mg)}-" if mg is not None else "up to "
        return f"{low}{ug_text(high)} {UNIT}"
    label = f"{fmt_dose(mg, high)} mg"
    if as_needed:
        label += " PRN"
    return label


def visible_centre(x0: float, x1: float, gaps: list[tuple[float, float]]) -> float:
    """The centre of the longest part of [x0, x1] outside the refill gaps, so a dose label sits
    on the bar that was actually supplied rather than in a gap."""
    parts = [(x0, x1)]
    for g0, g1 in gaps:
        parts = [
            piece
            for a, b in parts
            for piece in ((a, min(b, g0)), (max(a, g1), b))
            if piece[1] - piece[0] > 0
        ]
    if not parts:
        return (x0 + x1) / 2
    a, b = max(parts, key=lambda p: p[1] - p[0])
    return (a + b) / 2


def dose_labels(labels: list[tuple[str, float, float]], left: float, right: float) -> list[str]:
    """Dose labels over the bars, left to right; one that would overlap the previous one is left
    out (the bar's tooltip still gives the dose)."""
    out: list[str] = []
    last_right = -1e9
    for label, centre, y in labels:
        half = text_width(label, 11.5) / 2
        centre = min(max(centre, left + half), right - half)
        if centre - half < last_right + 6:
            continue
        out.append(
            svg_text(
                centre,
                y,
                label,
                font_size=11.5,
                font_weight=600,
                text_anchor="middle",
                fill=INK,
                **HALO,
            )
        )
        last_right = centre + half
    return out
