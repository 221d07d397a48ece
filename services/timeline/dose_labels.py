"""Dose labels over a lane's bars: on the supplied part of a bar, never overlapping."""

from __future__ import annotations

from services.timeline.svg import HALO, INK, svg_text, text_width


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
