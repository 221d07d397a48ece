"""The time axis: months from just before the first event to as_of, ticks, grid and labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.timeline.layout import MARGIN, Layout
from services.timeline.svg import GRID, HALO, INK, MUTED, el, svg_text, text_width
from services.timeline.wording import MONTHS, day_text


@dataclass(frozen=True, slots=True)
class TimeScale:
    start: date
    end: date
    x0: float
    x1: float

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        offset = min(max((day - self.start).days, 0), span)
        return self.x0 + (self.x1 - self.x0) * offset / span


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def time_scale(dates: list[date], as_of: date, layout: Layout) -> TimeScale:
    # Start a little before the first event, on a month boundary, so the first bar is off the
    # axis edge; end just after as_of so the "as of" line and the latest score stay inside.
    start = (min(dates) - timedelta(days=14)).replace(day=1)
    last = max([as_of, *dates])
    end = last + timedelta(days=max(7, (last - start).days // 40))
    return TimeScale(start=start, end=end, x0=layout.gutter, x1=layout.width - layout.right)


def _month_ticks(scale: TimeScale) -> list[date]:
    """First-of-month ticks, every 1, 2, 3, 6 or 12 months: whatever keeps labels apart."""
    months = (scale.end.year - scale.start.year) * 12 + scale.end.month - scale.start.month + 1
    per_month = (scale.x1 - scale.x0) / max(months, 1)
    step = next((s for s in (1, 2, 3, 6, 12) if per_month * s >= 56), 12)
    years = max(1, round(56 / (per_month * 12))) if per_month * 12 < 56 else 1
    ticks: list[date] = []
    tick = scale.start
    while tick <= scale.end:
        monthly = step < 12 and (tick.month - 1) % step == 0
        yearly = step == 12 and tick.month == 1 and tick.year % years == 0
        if monthly or yearly:
            ticks.append(tick)
        tick = _add_months(tick, 1)
    return ticks


def month_grid(scale: TimeScale, top: float, bottom: float, as_of: date) -> str:
    lines = [
        el("line", x1=scale.x(t), x2=scale.x(t), y1=top, y2=bottom, stroke=GRID)
        for t in _month_ticks(scale)
    ]
    x = scale.x(as_of)
    lines.append(
        el(
            "line",
            cls="as-of",
            x1=x,
            x2=x,
            y1=top - 10,
            y2=bottom,
            stroke=INK,
            stroke_width=1.2,
            stroke_dasharray="6 4",
        )
    )
    return el("g", *lines, cls="grid")


def time_axis(scale: TimeScale, top: float, as_of: date) -> str:
    out = [el("line", x1=scale.x0, x2=scale.x1, y1=top, y2=top, stroke=MUTED)]
    ticks = _month_ticks(scale)
    yearly = all(t.month == 1 for t in ticks)
    for i, tick in enumerate(ticks):
        x = scale.x(tick)
        out.append(el("line", x1=x, x2=x, y1=top, y2=top + 5, stroke=MUTED))
        if not yearly:
            out.append(
                svg_text(
                    x,
                    top + 18,
                    MONTHS[tick.month - 1],
                    font_size=11.5,
                    text_anchor="middle",
                    fill=INK,
                )
            )
        if yearly or tick.month == 1 or i == 0:
            out.append(
                svg_text(
                    x,
                    top + (18 if yearly else 33),
                    str(tick.year),
                    font_size=11.5,
                    font_weight=700,
                    text_anchor="middle",
                    fill=INK,
                )
            )
    return el("g", *out, cls="time-axis")


def as_of_label(scale: TimeScale, y: float, as_of: date, layout: Layout) -> str:
    text = f"as of {day_text(as_of)}"
    x = min(scale.x(as_of), layout.width - MARGIN - text_width(text, 11) / 2)
    return svg_text(
        x, y, text, font_size=11, font_weight=700, text_anchor="middle", fill=INK, **HALO
    )
