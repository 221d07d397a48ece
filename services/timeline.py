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
"""

from __future__ import annotations

import base64
import hashlib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from fhir_mapping.record import (
    AdherenceStatus,
    InadequacyReason,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
    Role,
    Score,
    Trial,
    Verdict,
)

__all__ = [
    "DEFAULT_TITLE",
    "DoseCategory",
    "SeverityBand",
    "TimelineStyle",
    "describe",
    "dose_category",
    "render_page",
    "render_svg",
    "timeline_style",
]

SVG_NS = "http://www.w3.org/2000/svg"
DEFAULT_TITLE = "Antidepressant treatment timeline"

# System fonts only: nothing is downloaded (the page must render offline inside an EHR iframe).
FONT_STACK = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
    "'Liberation Sans', 'DejaVu Sans', sans-serif"
)
INK = "#1A1A1A"
MUTED = "#555555"
GRID = "#D4D4D4"
# A white outline painted under text keeps labels legible over bars, bands and lines.
HALO: dict[str, str | float | int | None] = {
    "stroke": "#FFFFFF",
    "stroke_width": 3,
    "paint_order": "stroke",
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Depression treatments get a row; CPAP is on the record for the sleep-apnoea review, not here.
_PROCEDURE_ROWS: tuple[tuple[ProcedureKind, str], ...] = (
    (ProcedureKind.TMS, "TMS"),
    (ProcedureKind.ECT, "ECT"),
    (ProcedureKind.PSYCHOTHERAPY, "Psychotherapy"),
)
# Sessions closer than this belong to one course (TMS runs daily for 4-6 weeks, therapy weekly).
_COURSE_GAP = timedelta(days=21)

_VERDICT_TEXT = {
    Verdict.ADEQUATE: "Adequate",
    Verdict.INADEQUATE: "Inadequate",
    Verdict.ONGOING: "Ongoing, not yet adequate",
    Verdict.NOT_A_TRIAL: "Not an antidepressant trial",
}
_SUMMARY_VERDICT = {
    Verdict.ADEQUATE: "adequate trial",
    Verdict.INADEQUATE: "inadequate trial",
    Verdict.ONGOING: "ongoing, not yet adequate",
    Verdict.NOT_A_TRIAL: "not an antidepressant trial",
}
_REASON_TEXT = {
    InadequacyReason.DOSE_BELOW_MINIMUM: "dose below minimum",
    InadequacyReason.TOO_SHORT: "too short",
    InadequacyReason.POOR_ADHERENCE: "poor adherence",
    InadequacyReason.DOSE_UNKNOWN: "dose unknown",
    InadequacyReason.LOW_DOSE_OTHER_INDICATION: "low dose, other indication",
}


# --- style (data/timeline_style.toml) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeverityBand:
    lower: int
    upper: int
    label: str
    fill: str
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class TimelineStyle:
    below_minimum: str
    adequate: str
    above_maximum: str
    unknown: str
    phq9: str
    item9_positive: str
    tms: str
    ect: str
    psychotherapy: str
    phq9_maximum: int
    bands: tuple[SeverityBand, ...]

    def band_of(self, value: int) -> SeverityBand | None:
        return next((b for b in self.bands if b.lower <= value <= b.upper), None)

    def procedure_colour(self, kind: ProcedureKind) -> str:
        colours = {
            ProcedureKind.TMS: self.tms,
            ProcedureKind.ECT: self.ect,
            ProcedureKind.PSYCHOTHERAPY: self.psychotherapy,
        }
        return colours.get(kind, self.unknown)


@cache
def timeline_style() -> TimelineStyle:
    """The palette and the PHQ-9 severity bands, read once from data/timeline_style.toml."""
    text = resources.files("services").joinpath("data/timeline_style.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    palette: Mapping[str, Any] = data["palette"]
    bands = sorted(
        (
            SeverityBand(
                lower=int(b["lower"]),
                upper=int(b["upper"]),
                label=str(b["label"]),
                fill=str(b["fill"]),
                source=str(b["source"]),
                status=str(b["status"]),
            )
            for b in data["phq9_severity"]
        ),
        key=lambda b: b.lower,
    )
    colour = {k: str(palette[k]) for k in palette if k not in ("source", "status")}
    return TimelineStyle(
        below_minimum=colour["below_minimum"],
        adequate=colour["adequate"],
        above_maximum=colour["above_maximum"],
        unknown=colour["unknown"],
        phq9=colour["phq9"],
        item9_positive=colour["item9_positive"],
        tms=colour["tms"],
        ect=colour["ect"],
        psychotherapy=colour["psychotherapy"],
        phq9_maximum=int(data["phq9"]["maximum"]),
        bands=tuple(bands),
    )


# --- SVG writing ---------------------------------------------------------------------------------

_Attr = str | float | int | None


def _num(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _el(tag: str, *children: str, **attrs: _Attr) -> str:
    """An element. Keyword names become SVG names (stroke_width -> stroke-width, cls -> class);
    None drops the attribute; every value is escaped. Children are markup, already escaped."""
    parts = [tag]
    for key, value in attrs.items():
        if value is None:
            continue
        name = "class" if key == "cls" else key.replace("_", "-")
        text = _num(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{escape(text, {chr(34): "&quot;"})}"')
    opening = " ".join(parts)
    if not children:
        return f"<{opening}/>"
    return f"<{opening}>{''.join(children)}</{tag}>"


def _text(x: float, y: float, content: str, **attrs: _Attr) -> str:
    """A <text> element; `content` is raw data and escaped here."""
    return _el("text", escape(content), x=x, y=y, **attrs)


def _tooltip(content: str) -> str:
    """A <title> child: the browser's hover text and the element's accessible name."""
    return f"<title>{escape(content)}</title>"


def _text_width(text: str, size: float) -> float:
    """A generous width estimate: wide sans fonts (DejaVu) average about 0.58 em a character."""
    return len(text) * size * 0.58


def _wrap(text: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    """Greedy word wrap to `width` px; a last line that is still too long ends with an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if not current or _text_width(candidate, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and _text_width(last + "…", size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept


# --- wording -------------------------------------------------------------------------------------


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _mg(value: float) -> str:
    return f"{value:g}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _range_text(trial: Trial) -> str:
    lo, hi = trial.min_adequate_mg, trial.max_mg
    if lo is not None and hi is not None:
        return f"{_mg(lo)}–{_mg(hi)} mg/day"
    if lo is not None:
        return f"≥ {_mg(lo)} mg/day"
    return "range not verified"


def _name(ingredient: str) -> str:
    return ingredient[:1].upper() + ingredient[1:]


def _verdict_text(trial: Trial) -> str:
    return _VERDICT_TEXT.get(trial.verdict, str(trial.verdict))


def _reasons_text(trial: Trial) -> str:
    return ", ".join(_REASON_TEXT.get(r, str(r)) for r in trial.reasons)


def _adherence_text(trial: Trial) -> str:
    adherence = trial.adherence
    status = {
        AdherenceStatus.VERIFIED: "Adherence verified",
        AdherenceStatus.POOR: "Poor adherence",
    }.get(adherence.status, "Adherence unverified")
    parts = [status]
    if adherence.pdc is not None:
        parts.append(f"PDC {round(adherence.pdc * 100)} %")
    elif adherence.status is AdherenceStatus.UNVERIFIED:
        parts.append("no refill data")
    if adherence.refill_gaps:
        parts.append(_plural(len(adherence.refill_gaps), "refill gap"))
    return " · ".join(parts)


def _outcome_text(trial: Trial) -> str:
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None or before.value is None or after.value is None:
        return ""
    if trial.remission:
        outcome = "remission"
    elif trial.response:
        outcome = "response"
    else:
        outcome = "no response"
    return f"PHQ-9 {before.value} → {after.value}: {outcome}"


def _item9_positive(score: Score) -> bool:
    # Any answer above "not at all" (0) on item 9 is a positive screen for thoughts of self-harm.
    return score.item9 is not None and score.item9 >= 1


def _ordered_trials(record: PatientRecord) -> tuple[Trial, ...]:
    """Antidepressants first, then augmentation, each by start date."""
    rank = {Role.ANTIDEPRESSANT: 0, Role.AUGMENTATION: 1}
    return tuple(sorted(record.trials, key=lambda t: (rank.get(t.role, 2), t.start, t.end)))


def _treatment_procedures(record: PatientRecord) -> tuple[ProcedureRecord, ...]:
    kinds = {kind for kind, _ in _PROCEDURE_ROWS}
    return tuple(p for p in record.procedures if p.kind in kinds)


# --- dose categories -----------------------------------------------------------------------------


class DoseCategory(StrEnum):
    BELOW = "below-minimum"
    ADEQUATE = "adequate"
    ABOVE = "above-maximum"
    UNKNOWN = "unknown"


_CATEGORY_TEXT = {
    DoseCategory.BELOW: "below minimum adequate dose",
    DoseCategory.ADEQUATE: "adequate dose",
    DoseCategory.ABOVE: "above maximum dose",
    DoseCategory.UNKNOWN: "dose or range unknown",
}


def dose_category(mg: float | None, trial: Trial) -> DoseCategory:
    """Where a daily dose sits against the trial's adequate range.

    Safer for the patient: a dose is drawn as adequate only against a verified minimum; an unknown
    dose, or a drug without a verified minimum, is never drawn as if it were adequate.
    """
    if mg is None or trial.min_adequate_mg is None:
        return DoseCategory.UNKNOWN
    if mg < trial.min_adequate_mg:
        return DoseCategory.BELOW
    if trial.max_mg is not None and mg > trial.max_mg:
        return DoseCategory.ABOVE
    return DoseCategory.ADEQUATE


def _category_fill(category: DoseCategory, style: TimelineStyle) -> str:
    if category is DoseCategory.ADEQUATE:
        return style.adequate  # solid: the one category without a pattern
    return f"url(#pat-{category.value})"


def _defs(style: TimelineStyle) -> str:
    """Fill patterns: each dose category differs by pattern as well as by colour."""
    below = _el(
        "pattern",
        _el("rect", width=8, height=8, fill=style.below_minimum),
        _el("line", x1=0, y1=0, x2=0, y2=8, stroke=INK, stroke_width=2.5, stroke_opacity=0.55),
        id="pat-below-minimum",
        width=8,
        height=8,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    above = _el(
        "pattern",
        _el("rect", width=7, height=7, fill=style.above_maximum),
        _el("path", d="M0 0 L7 7 M7 0 L0 7", stroke=INK, stroke_width=1.4, stroke_opacity=0.7),
        id="pat-above-maximum",
        width=7,
        height=7,
        patternUnits="userSpaceOnUse",
    )
    unknown = _el(
        "pattern",
        _el("rect", width=6, height=6, fill="#EEEEEE"),
        _el("circle", cx=3, cy=3, r=1.3, fill="#666666"),
        id="pat-unknown",
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
    )
    return _el("defs", below, above, unknown)


# --- geometry ------------------------------------------------------------------------------------

WIDTH = 1360
GUTTER = 320  # the left margin that holds the lane labels
RIGHT = 40
MARGIN = 16
PHQ9_HEIGHT = 190
LINE = 15  # lane label line height
PROCEDURE_ROW = 28
SECTION_GAP = 34
_LABEL_SPACING = 24  # px between two value labels on the same side of the PHQ-9 line
AXIS_HEIGHT = 48


@dataclass(frozen=True, slots=True)
class _TimeScale:
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


def _event_dates(record: PatientRecord) -> list[date]:
    dates: list[date] = []
    for trial in record.trials:
        dates.extend((trial.start, trial.end))
    dates.extend(s.date for s in record.phq9())
    dates.extend(p.date for p in _treatment_procedures(record) if p.date is not None)
    return dates


def _time_scale(dates: list[date], as_of: date) -> _TimeScale:
    # Start a little before the first event, on a month boundary, so the first bar is off the
    # axis edge; end just after as_of so the "as of" line and the latest score stay inside.
    start = (min(dates) - timedelta(days=14)).replace(day=1)
    last = max([as_of, *dates])
    end = last + timedelta(days=max(7, (last - start).days // 40))
    return _TimeScale(start=start, end=end, x0=GUTTER, x1=WIDTH - RIGHT)


def _month_ticks(scale: _TimeScale) -> list[date]:
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


# --- the PHQ-9 panel -----------------------------------------------------------------------------


def _section_heading(y: float, text: str) -> str:
    return _text(MARGIN, y, text, font_size=13, font_weight=700, fill=INK)


def _phq9_panel(
    record: PatientRecord, scale: _TimeScale, top: float, style: TimelineStyle
) -> tuple[str, str]:
    """(the severity bands, painted under the grid; the score line and points)."""
    scores = record.phq9()
    plot_top = top + 14
    maximum = style.phq9_maximum

    def y(value: float) -> float:
        return plot_top + PHQ9_HEIGHT * (1 - value / maximum)

    bands: list[str] = []
    out: list[str] = [_section_heading(top + 2, "PHQ-9 total score")]
    for band in style.bands:
        y_top, y_bottom = y(min(band.upper + 1, maximum)), y(band.lower)
        width = scale.x1 - scale.x0
        bands.append(
            _el("rect", x=scale.x0, y=y_top, width=width, height=y_bottom - y_top, fill=band.fill)
        )
        out.append(
            _text(
                GUTTER - 30,
                (y_top + y_bottom) / 2 + 4,
                band.label,
                font_size=12,
                text_anchor="end",
                fill=MUTED,
            )
        )
        if band.lower > 0:
            out.append(
                _text(
                    GUTTER - 7,
                    y(band.lower) + 4,
                    str(band.lower),
                    font_size=11,
                    text_anchor="end",
                    fill=MUTED,
                )
            )
    out.append(
        _el(
            "rect",
            x=scale.x0,
            y=plot_top,
            width=scale.x1 - scale.x0,
            height=PHQ9_HEIGHT,
            fill="none",
            stroke="#AAAAAA",
        )
    )
    background = _el("g", *bands, cls="phq9-bands")
    if not scores:
        out.append(
            _text(
                (scale.x0 + scale.x1) / 2,
                plot_top + PHQ9_HEIGHT / 2,
                "No PHQ-9 scores on record",
                font_size=14,
                text_anchor="middle",
                fill=MUTED,
            )
        )
        return background, _el("g", *out, id="phq9")

    valued = [s for s in scores if s.value is not None]
    if len(valued) > 1:
        points = " ".join(f"{_num(scale.x(s.date))},{_num(y(s.value or 0))}" for s in valued)
        out.append(
            _el(
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
            if not (score is scores[-1] or _item9_positive(score)):
                side = None
            elif x - last_x[not above] >= _LABEL_SPACING:
                side = not above
        if side is not None:
            last_x[side] = x
        out.append(_phq9_point(score, x, y, side, style))
    return background, _el("g", *out, id="phq9")


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
    positive = _item9_positive(score)
    value = score.value
    # A result without a total but with a positive item 9 is still drawn (at the top, "?"):
    # a missing total must not hide a positive suicide-risk screen.
    cy = y(value if value is not None else style.phq9_maximum)
    label = str(value) if value is not None else "?"
    band = style.band_of(value) if value is not None else None
    tip = f"PHQ-9 {label} on {_day(score.date)}" + (f" ({band.label})" if band else "")
    if positive:
        tip += f"; item 9 = {score.item9} (thoughts of death or self-harm)"
        shape = _el(
            "path",
            d=f"M{_num(x)} {_num(cy - 9)} l8.5 15 l-17 0 Z",
            fill=style.item9_positive,
            stroke=INK,
            stroke_width=1.2,
        )
    else:
        shape = _el("circle", cx=x, cy=cy, r=5, fill=style.phq9, stroke="#FFFFFF", stroke_width=1.5)
    label_y = cy - 12 if above else cy + 21
    text = (
        ""
        if above is None
        else _text(
            x, label_y, label, font_size=12, font_weight=700, text_anchor="middle", fill=INK, **HALO
        )
    )
    return _el(
        "g",
        _tooltip(tip),
        shape,
        text,
        cls="phq9-point item9-positive" if positive else "phq9-point",
        data_value=label if value is not None else "",
        data_date=score.date.isoformat(),
        data_item9=score.item9,
    )


# --- trial lanes ---------------------------------------------------------------------------------


def _lane_lines(trial: Trial) -> list[tuple[str, int, int, str]]:
    """The margin text of a lane: (text, font size, weight, colour) per line."""
    width = GUTTER - MARGIN - 14
    name = _name(trial.ingredient) + (" (current)" if trial.ongoing else "")
    lines = [(t, 14, 700, INK) for t in _wrap(name, 14, width)]
    kind = "augmentation" if trial.role is Role.AUGMENTATION else trial.drug_class
    lines += [
        (t, 12, 400, MUTED) for t in _wrap(f"{kind} · adequate {_range_text(trial)}", 12, width)
    ]
    verdict = f"{_verdict_text(trial)} · {_num(trial.weeks_at_adequate_dose)} wk at adequate dose"
    lines += [(t, 12, 700, INK) for t in _wrap(verdict, 12, width)]
    if trial.reasons:
        lines += [(t, 12, 400, INK) for t in _wrap(f"Why: {_reasons_text(trial)}", 12, width)]
    lines += [(t, 12, 400, INK) for t in _wrap(_adherence_text(trial), 12, width)]
    outcome = _outcome_text(trial)
    if outcome:
        lines.append((outcome, 12, 400, INK))
    return lines


def _lane(
    trial: Trial, index: int, scale: _TimeScale, top: float, style: TimelineStyle
) -> tuple[str, str, float]:
    """(the lane's stripe, painted under the grid; the lane; its height)."""
    lines = _lane_lines(trial)
    height = max(84.0, 12 + LINE * len(lines) + 12)
    stripe = _el(
        "rect",
        x=0,
        y=top,
        width=WIDTH,
        height=height,
        fill="#F3F3F3" if index % 2 == 0 else "#FFFFFF",
    )
    out: list[str] = []
    line_y = top + 20
    for content, size, weight, colour in lines:
        out.append(_text(MARGIN, line_y, content, font_size=size, font_weight=weight, fill=colour))
        line_y += LINE

    # Bars stand on a baseline near the lane's bottom; the strip under it holds gap labels.
    baseline = top + height - 20
    room = height - 36
    doses = [s.mg_per_day for s in trial.segments if s.mg_per_day is not None]
    scale_to = max([v for v in (*doses, trial.min_adequate_mg, trial.max_mg) if v] or [1.0]) * 1.1

    def bar_height(mg: float | None) -> float:
        if mg is None:
            return room * 0.5  # unknown dose: half height and dotted, never read as a dose
        return max(4.0, room * mg / scale_to)

    x_start, x_end = scale.x(trial.start), scale.x(trial.end)
    width = max(x_end - x_start, 3)
    # The drug's adequate range as a band behind the bars: a bar that reaches it is in range.
    lo, hi = trial.min_adequate_mg, trial.max_mg
    if lo is not None:
        y_lo = baseline - bar_height(lo)
        y_hi = baseline - (bar_height(hi) if hi is not None else room)
        out.append(
            _el(
                "rect",
                cls="adequate-range",
                x=x_start,
                y=y_hi,
                width=width,
                height=y_lo - y_hi,
                fill=style.adequate,
                fill_opacity=0.15,
            )
        )
        out.append(
            _el(
                "line",
                x1=x_start,
                x2=x_start + width,
                y1=y_lo,
                y2=y_lo,
                stroke=style.adequate,
                stroke_width=1.3,
                stroke_dasharray="5 3",
            )
        )
    out.append(
        _el("line", x1=x_start, x2=x_start + width, y1=baseline, y2=baseline, stroke="#888888")
    )

    # A trial without any dose still shows when it ran (dose unknown), never as adequate.
    spans = [(s.start, s.end, s.mg_per_day) for s in trial.segments] or [
        (trial.start, trial.end, None)
    ]
    gaps = [(scale.x(g.start), scale.x(g.end)) for g in trial.adherence.refill_gaps]
    labels: list[tuple[str, float, float]] = []
    for start, end, mg in spans:
        svg, (label, x0, x1, label_y) = _segment(
            trial, start, end, mg, scale, baseline, bar_height(mg), style
        )
        out.append(svg)
        labels.append((label, _visible_centre(x0, x1, gaps), label_y))
    last_gap_label = -1e9
    for gap in trial.adherence.refill_gaps:
        gx0, gx1 = scale.x(gap.start), scale.x(gap.end)
        # The long label when it fits the box, else a short one; none when it would run into
        # the previous gap's label (the box's tooltip still says it).
        label = f"refill gap {gap.days} d"
        if _text_width(label, 11) > gx1 - gx0 + 30:
            label = f"gap {gap.days} d"
        half = _text_width(label, 11) / 2
        centre = (gx0 + gx1) / 2
        if centre - half < last_gap_label + 4:
            label = ""
        else:
            last_gap_label = centre + half
        out.append(
            _el(
                "g",
                _tooltip(
                    f"Refill gap: no supply from {_day(gap.start)} to {_day(gap.end)} "
                    f"({gap.days} days)"
                ),
                _el(
                    "rect",
                    x=gx0,
                    y=baseline - room - 2,
                    width=max(gx1 - gx0, 3),
                    height=room + 2,
                    fill="#FFFFFF",
                    fill_opacity=0.9,
                    stroke=INK,
                    stroke_width=1.3,
                    stroke_dasharray="4 3",
                ),
                _text(
                    centre,
                    baseline + 14,
                    label,
                    font_size=11,
                    font_weight=700,
                    text_anchor="middle",
                    fill=INK,
                )
                if label
                else "",
                cls="refill-gap",
                data_start=gap.start.isoformat(),
                data_days=gap.days,
            )
        )
    # Labels last: over the bars and the refill-gap boxes.
    out.extend(_dose_labels(labels, x_start, scale.x1))
    lane = _el(
        "g",
        *out,
        cls="lane",
        data_ingredient=trial.ingredient,
        data_role=trial.role.value,
        data_verdict=trial.verdict.value,
    )
    return stripe, lane, height


def _segment(
    trial: Trial,
    start: date,
    end: date,
    mg: float | None,
    scale: _TimeScale,
    baseline: float,
    height: float,
    style: TimelineStyle,
) -> tuple[str, tuple[str, float, float, float]]:
    """(the bar, (its label, the bar's left and right x, the label's baseline y))."""
    category = dose_category(mg, trial)
    x0, x1 = scale.x(start), scale.x(end)
    dose = f"{_mg(mg)} mg/day" if mg is not None else "dose unknown"
    tip = (
        f"{_name(trial.ingredient)} {dose}, {_day(start)} to {_day(end)}: "
        f"{_CATEGORY_TEXT[category]} (adequate {_range_text(trial)})"
    )
    rect = _el(
        "rect",
        x=x0,
        y=baseline - height,
        width=max(x1 - x0, 3),
        height=height,
        fill=_category_fill(category, style),
        stroke=INK,
        stroke_width=0.8,
        stroke_dasharray="3 2" if category is DoseCategory.UNKNOWN else None,
    )
    svg = _el(
        "g",
        _tooltip(tip),
        rect,
        cls=f"dose-segment {category.value}",
        data_mg=_mg(mg) if mg is not None else "",
        data_category=category.value,
        data_start=start.isoformat(),
        data_end=end.isoformat(),
    )
    label = f"{_mg(mg)} mg" if mg is not None else "dose ?"
    return svg, (label, x0, x1, baseline - height - 5)


def _visible_centre(x0: float, x1: float, gaps: list[tuple[float, float]]) -> float:
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


def _dose_labels(labels: list[tuple[str, float, float]], left: float, right: float) -> list[str]:
    """Dose labels over the bars, left to right; one that would overlap the previous one is left
    out (the bar's tooltip still gives the dose)."""
    out: list[str] = []
    last_right = -1e9
    for label, centre, y in labels:
        half = _text_width(label, 11.5) / 2
        centre = min(max(centre, left + half), right - half)
        if centre - half < last_right + 6:
            continue
        out.append(
            _text(
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


# --- procedures ----------------------------------------------------------------------------------


def _procedure_marker(kind: ProcedureKind, x: float, y: float, colour: str) -> str:
    """One shape per kind, so the rows read without colour: square, diamond, circle."""
    if kind is ProcedureKind.TMS:
        return _el("rect", x=x - 5, y=y - 5, width=10, height=10, fill=colour, stroke=INK)
    if kind is ProcedureKind.ECT:
        return _el(
            "path", d=f"M{_num(x)} {_num(y - 7)} l7 7 l-7 7 l-7 -7 Z", fill=colour, stroke=INK
        )
    return _el("circle", cx=x, cy=y, r=5.5, fill=colour, stroke=INK)


def _courses(days: list[date]) -> list[tuple[date, date, int]]:
    """Runs of sessions no more than _COURSE_GAP apart: (first, last, count)."""
    courses: list[tuple[date, date, int]] = []
    for day in days:
        if courses and day - courses[-1][1] <= _COURSE_GAP:
            first, _, count = courses[-1]
            courses[-1] = (first, day, count + 1)
        else:
            courses.append((day, day, 1))
    return courses


def _procedure_rows(
    record: PatientRecord, scale: _TimeScale, top: float, style: TimelineStyle
) -> tuple[str, float]:
    """(the procedure rows, their height); nothing when there are none."""
    procedures = _treatment_procedures(record)
    if not procedures:
        return "", 0.0
    out: list[str] = [_section_heading(top + 2, "Procedures")]
    y = top + 12
    for kind, name in _PROCEDURE_ROWS:
        rows = [p for p in procedures if p.kind is kind]
        if not rows:
            continue
        dated = sorted(p.date for p in rows if p.date is not None)
        centre = y + PROCEDURE_ROW / 2
        label = f"{name} · {_plural(len(rows), 'session')}"
        if len(dated) < len(rows):
            label += f" ({len(rows) - len(dated)} undated)"
        out.append(_text(MARGIN, centre + 4, label, font_size=12, font_weight=600, fill=INK))
        out.append(_el("line", x1=scale.x0, x2=scale.x1, y1=centre, y2=centre, stroke=GRID))
        colour = style.procedure_colour(kind)
        courses = _courses(dated)
        # A course of sessions is a band from its first to its last session; in a dense course
        # (daily TMS, weekly therapy over years) the sessions between the first and the last
        # are ticks on the band instead of overlapping shapes.
        for first, last, count in courses:
            if count > 1:
                out.append(
                    _el(
                        "rect",
                        cls="procedure-course",
                        x=scale.x(first),
                        y=centre - 4,
                        width=scale.x(last) - scale.x(first),
                        height=8,
                        fill=colour,
                        fill_opacity=0.6,
                    )
                )
        ends = {day for first, last, _ in courses for day in (first, last)}
        dense = {
            day
            for first, last, count in courses
            if count > 2 and (scale.x(last) - scale.x(first)) / (count - 1) < 14
            for day in dated
            if first < day < last
        }
        for day in dated:
            x = scale.x(day)
            if day in dense and day not in ends:
                marker = _el("line", x1=x, x2=x, y1=centre - 4, y2=centre + 4, stroke=INK)
            else:
                marker = _procedure_marker(kind, x, centre, colour)
            out.append(
                _el(
                    "g",
                    _tooltip(f"{name} on {_day(day)}"),
                    marker,
                    cls="procedure",
                    data_kind=kind.value,
                    data_date=day.isoformat(),
                )
            )
        # One label per course, right of its last session when it fits before the next course.
        for i, (first, last, count) in enumerate(courses):
            text = _plural(count, "session") if count > 1 else _day(first)
            x = scale.x(last) + 11
            limit = scale.x(courses[i + 1][0]) if i + 1 < len(courses) else scale.x1 + RIGHT
            if x + _text_width(text, 11) < limit - 6:
                out.append(_text(x, centre + 4, text, font_size=11, fill=MUTED))
        y += PROCEDURE_ROW
    return _el("g", *out, id="procedures"), y - top


# --- axis, legend --------------------------------------------------------------------------------


def _grid(scale: _TimeScale, top: float, bottom: float, as_of: date) -> str:
    lines = [
        _el("line", x1=scale.x(t), x2=scale.x(t), y1=top, y2=bottom, stroke=GRID)
        for t in _month_ticks(scale)
    ]
    x = scale.x(as_of)
    lines.append(
        _el(
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
    return _el("g", *lines, cls="grid")


def _axis(scale: _TimeScale, top: float, as_of: date) -> str:
    out = [_el("line", x1=scale.x0, x2=scale.x1, y1=top, y2=top, stroke=MUTED)]
    ticks = _month_ticks(scale)
    yearly = all(t.month == 1 for t in ticks)
    for i, tick in enumerate(ticks):
        x = scale.x(tick)
        out.append(_el("line", x1=x, x2=x, y1=top, y2=top + 5, stroke=MUTED))
        if not yearly:
            out.append(
                _text(
                    x,
                    top + 18,
                    _MONTHS[tick.month - 1],
                    font_size=11.5,
                    text_anchor="middle",
                    fill=INK,
                )
            )
        if yearly or tick.month == 1 or i == 0:
            out.append(
                _text(
                    x,
                    top + (18 if yearly else 33),
                    str(tick.year),
                    font_size=11.5,
                    font_weight=700,
                    text_anchor="middle",
                    fill=INK,
                )
            )
    return _el("g", *out, cls="time-axis")


def _as_of_label(scale: _TimeScale, y: float, as_of: date) -> str:
    text = f"as of {_day(as_of)}"
    x = min(scale.x(as_of), WIDTH - MARGIN - _text_width(text, 11) / 2)
    return _text(x, y, text, font_size=11, font_weight=700, text_anchor="middle", fill=INK, **HALO)


def _legend(top: float, style: TimelineStyle) -> tuple[str, float]:
    """(the legend, its height): icon + words, flowing over as many rows as it needs."""

    def swatch(fill: str, **attrs: _Attr) -> str:
        outline: dict[str, _Attr] = {"stroke": INK, "stroke_width": 0.8, **attrs}
        return _el("rect", x=0, y=-11, width=22, height=14, fill=fill, **outline)

    items: list[tuple[str, str]] = [
        (swatch("url(#pat-below-minimum)"), "Below minimum adequate dose"),
        (swatch(style.adequate), "Adequate dose"),
        (swatch("url(#pat-above-maximum)"), "Above maximum dose"),
        (swatch("url(#pat-unknown)", stroke_dasharray="3 2"), "Dose or range unknown"),
        (
            _el("rect", x=0, y=-11, width=22, height=14, fill=style.adequate, fill_opacity=0.15)
            + _el(
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
        (
            _el("line", x1=0, x2=22, y1=-4, y2=-4, stroke=style.phq9, stroke_width=2.5)
            + _el("circle", cx=11, cy=-4, r=5, fill=style.phq9, stroke="#FFFFFF", stroke_width=1.5),
            "PHQ-9 total",
        ),
        (
            _el(
                "path",
                d="M11 -13 l8.5 15 l-17 0 Z",
                fill=style.item9_positive,
                stroke=INK,
                stroke_width=1.2,
            ),
            "PHQ-9 item 9 positive (self-harm thoughts)",
        ),
        *(
            (_procedure_marker(kind, 11, -4, style.procedure_colour(kind)), name)
            for kind, name in _PROCEDURE_ROWS
        ),
        (
            _el(
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
    out: list[str] = [_text(MARGIN, top + 2, "Legend", font_size=13, font_weight=700, fill=INK)]
    x, y = float(MARGIN), top + 24
    for icon, label in items:
        width = 30 + _text_width(label, 12) + 18
        if x + width > WIDTH - MARGIN:
            x, y = float(MARGIN), y + 24
        out.append(
            _el(
                "g",
                icon,
                _text(30, 0, label, font_size=12, fill=INK),
                cls="legend-item",
                transform=f"translate({_num(x)} {_num(y)})",
            )
        )
        x += width
    return _el("g", *out, id="legend"), y + 12 - top


# --- the summary for screen readers --------------------------------------------------------------


def describe(record: PatientRecord) -> str:
    """What the picture shows, in words (the SVG's <desc>, read by screen readers)."""
    trials = _ordered_trials(record)
    scores = record.phq9()
    procedures = _treatment_procedures(record)
    if not (trials or scores or procedures):
        return (
            "Nothing to draw: no antidepressant trials, PHQ-9 scores or depression procedures "
            f"on record as of {_day(record.as_of)}."
        )
    antidepressants = [t for t in trials if t.role is Role.ANTIDEPRESSANT]
    augmentations = [t for t in trials if t.role is Role.AUGMENTATION]
    sentences = [f"Treatment timeline as of {_day(record.as_of)}."]
    if antidepressants:
        sentences.append(
            f"{_plural(len(antidepressants), 'antidepressant trial')}: "
            + "; ".join(_trial_summary(t) for t in antidepressants)
            + "."
        )
    else:
        sentences.append("No antidepressant trials.")
    if augmentations:
        sentences.append(
            "Augmentation: " + "; ".join(_trial_summary(t) for t in augmentations) + "."
        )
    valued = [s for s in scores if s.value is not None]
    if valued:
        latest = valued[-1]
        band = timeline_style().band_of(latest.value or 0)
        sentences.append(
            f"{_plural(len(scores), 'PHQ-9 score')} from {_day(scores[0].date)}; latest "
            f"{latest.value}{f' ({band.label})' if band else ''} on {_day(latest.date)}."
        )
    else:
        sentences.append("No PHQ-9 total scores.")
    positives = [s for s in scores if _item9_positive(s)]
    if positives:
        sentences.append(
            f"Item 9 (thoughts of death or self-harm) positive on "
            f"{_plural(len(positives), 'occasion')}, latest {_day(positives[-1].date)}."
        )
    for kind, name in _PROCEDURE_ROWS:
        rows = [p for p in procedures if p.kind is kind]
        if rows:
            dated = sorted(p.date for p in rows if p.date is not None)
            when = f" from {_day(dated[0])} to {_day(dated[-1])}" if dated else ""
            sentences.append(f"{name}: {_plural(len(rows), 'session')}{when}.")
    return " ".join(sentences)


def _trial_summary(trial: Trial) -> str:
    doses = [s.mg_per_day for s in trial.segments if s.mg_per_day is not None]
    if not doses:
        dose = "dose unknown"
    elif min(doses) == max(doses):
        dose = f"{_mg(doses[0])} mg/day"
    else:
        dose = f"{_mg(min(doses))} to {_mg(max(doses))} mg/day"
    text = f"{trial.ingredient} {dose} from {_day(trial.start)}"
    text += ", ongoing" if trial.ongoing else f" to {_day(trial.end)}"
    text += f", {_SUMMARY_VERDICT.get(trial.verdict, str(trial.verdict))}"
    if trial.reasons:
        text += f" ({_reasons_text(trial)})"
    if trial.adherence.pdc is not None:
        text += f", PDC {round(trial.adherence.pdc * 100)} %"
    if trial.adherence.refill_gaps:
        text += f", {_plural(len(trial.adherence.refill_gaps), 'refill gap')}"
    return text


# --- the picture ---------------------------------------------------------------------------------


def render_svg(record: PatientRecord, *, title: str = DEFAULT_TITLE) -> str:
    """The record's treatment timeline as a standalone SVG document (well-formed XML)."""
    style = timeline_style()
    head = (
        f'<title id="timeline-title">{escape(title)}</title>'
        f'<desc id="timeline-desc">{escape(describe(record))}</desc>'
    )
    dates = _event_dates(record)
    if not dates:
        message = (
            "Nothing to draw: no antidepressant trials, PHQ-9 scores or procedures on record "
            f"as of {_day(record.as_of)}."
        )
        empty = _text(
            WIDTH / 2, 66, message, font_size=15, text_anchor="middle", fill=MUTED, cls="empty"
        )
        return _svg_document(WIDTH, 120, head, empty)

    scale = _time_scale(dates, record.as_of)
    backgrounds: list[str] = []
    body: list[str] = []
    y = float(MARGIN + 12)
    panels_top = y + 14
    bands, phq9 = _phq9_panel(record, scale, y, style)
    backgrounds.append(bands)
    body.append(phq9)
    y += 14 + PHQ9_HEIGHT + SECTION_GAP
    body.append(_section_heading(y, "Medication trials"))
    y += 8
    trials = _ordered_trials(record)
    for i, trial in enumerate(trials):
        stripe, lane, height = _lane(trial, i, scale, y, style)
        backgrounds.append(stripe)
        body.append(lane)
        y += height
    if not trials:
        body.append(
            _text(
                (scale.x0 + scale.x1) / 2,
                y + 30,
                "No antidepressant trials on record",
                font_size=14,
                text_anchor="middle",
                fill=MUTED,
            )
        )
        y += 50
    procedures, height = _procedure_rows(record, scale, y + 22, style)
    if procedures:
        body.append(procedures)
        y += 22 + height
    panels_bottom = y + 6
    body.append(_axis(scale, panels_bottom, record.as_of))
    body.append(_as_of_label(scale, panels_top - 14, record.as_of))
    legend, legend_height = _legend(panels_bottom + AXIS_HEIGHT, style)
    body.append(legend)
    height = panels_bottom + AXIS_HEIGHT + legend_height + MARGIN
    # Paint order: band and stripe backgrounds, then the month grid, then the data on top.
    grid = _grid(scale, panels_top, panels_bottom, record.as_of)
    return _svg_document(WIDTH, height, head, _defs(style), *backgrounds, grid, *body)


def _svg_document(width: float, height: float, *children: str) -> str:
    return _el(
        "svg",
        _el("rect", width=width, height=height, fill="#FFFFFF"),
        *children,
        xmlns=SVG_NS,
        viewBox=f"0 0 {_num(width)} {_num(height)}",
        width=width,
        height=height,
        role="img",
        aria_labelledby="timeline-title timeline-desc",
        font_family=FONT_STACK,
        cls="treatment-timeline",
    )


# --- the page ------------------------------------------------------------------------------------

_PAGE_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #FFFFFF; color: #1A1A1A;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial,
    'Liberation Sans', 'DejaVu Sans', sans-serif; }
main { padding: 14px 20px 20px; max-width: 1360px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.lede { font-size: 14px; margin: 0 0 10px; color: #444444; max-width: 100ch; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; max-width: 1360px; display: block; }
figcaption { font-size: 13px; color: #444444; margin-top: 8px; }
"""


def _style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_page(record: PatientRecord, *, expires_at: datetime | None = None) -> str:
    """A complete HTML document showing the timeline; nothing in it loads from anywhere.

    The Content-Security-Policy admits only the page's own stylesheet (by hash): no scripts, no
    fetches, no forms. frame-ancestors cannot be set from a meta tag; the route's headers do that.
    """
    caption = f"Generated from the record as of {_day(record.as_of)}"
    if expires_at is not None:
        caption += f"; this link expires {_timestamp(expires_at)}"
    caption += ". Reconstructed from coded EHR data: check against the chart before acting."
    csp = (
        f"default-src 'none'; style-src '{_style_hash(_PAGE_CSS)}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="robots" content="noindex, nofollow">',
            f"<title>{escape(DEFAULT_TITLE)}</title>",
            f"<style>{_PAGE_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            "<h1>Treatment timeline</h1>",
            '<p class="lede">Antidepressant trials with each dose against the drug\'s adequate '
            "range, refill gaps, PHQ-9 scores and procedures.</p>",
            "<figure>",
            render_svg(record),
            f"<figcaption>{escape(caption)}</figcaption>",
            "</figure>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _timestamp(moment: datetime) -> str:
    text = f"{_day(moment.date())} {moment:%H:%M}"
    offset = moment.utcoffset()
    if offset is None:
        return text
    return text + (" UTC" if not offset else f" (UTC{moment:%z})")
