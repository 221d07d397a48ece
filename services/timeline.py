"""The treatment-timeline picture: a PatientRecord drawn as one self-contained SVG.

Pure rendering, no I/O: `render_svg` returns the picture, `render_page` an HTML document around it.
Both must show inside an EHR iframe with no internet, so nothing is fetched: no scripts, fonts,
images or stylesheets from anywhere, system fonts only, and every text that comes from data (drug
names) is XML-escaped.

What is drawn, top to bottom, on one time axis (months, from just before the first event to as_of):
- the PHQ-9 totals as a line over the Kroenke 2001 severity bands, item-9 positives as triangles;
- one lane per trial (antidepressants, then augmentation), each dose segment a bar whose height is
  the mg/day and whose fill says below the minimum adequate dose / in range / above the maximum
  (colour AND pattern: Okabe-Ito colours, readable in grey-scale), the adequate range as a band
  behind the bars, refill gaps as dashed boxes, and in the margin the verdict, its reasons, PDC;
- TMS / ECT / psychotherapy sessions as markers on their own rows;
- a legend. `<title>`/`<desc>` and role="img" give screen readers a one-paragraph summary.

Elements carry stable classes for tests and tooling: `lane` (data-ingredient), `dose-segment`
(data-mg), `phq9-point` (data-value, plus `item9-positive`), `refill-gap`, `procedure`, `#legend`.
"""

from __future__ import annotations

import base64
import hashlib
import tomllib
from collections.abc import Mapping
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

__all__ = ["TimelineStyle", "SeverityBand", "render_page", "render_svg", "timeline_style"]

SVG_NS = "http://www.w3.org/2000/svg"
DEFAULT_TITLE = "Antidepressant treatment timeline"

# A system font stack: nothing is downloaded (the page must render offline in an EHR iframe).
FONT_STACK = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
    "'Liberation Sans', 'DejaVu Sans', sans-serif"
)
INK = "#1A1A1A"
MUTED = "#555555"
GRID = "#DADADA"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Depression treatments get a row; CPAP is on the record for the sleep-apnoea review, not here.
_PROCEDURE_ROWS: tuple[tuple[ProcedureKind, str], ...] = (
    (ProcedureKind.TMS, "TMS"),
    (ProcedureKind.ECT, "ECT"),
    (ProcedureKind.PSYCHOTHERAPY, "Psychotherapy"),
)
# Sessions closer than this belong to one course (TMS is daily for 4-6 weeks; therapy weekly).
_COURSE_GAP = timedelta(days=21)

_VERDICT_TEXT = {
    Verdict.ADEQUATE: "Adequate trial",
    Verdict.INADEQUATE: "Inadequate trial",
    Verdict.ONGOING: "Ongoing, not yet adequate",
    Verdict.NOT_A_TRIAL: "Not an antidepressant trial",
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
        return {
            ProcedureKind.TMS: self.tms,
            ProcedureKind.ECT: self.ect,
            ProcedureKind.PSYCHOTHERAPY: self.psychotherapy,
        }.get(kind, self.unknown)


@cache
def timeline_style() -> TimelineStyle:
    """The palette and the PHQ-9 severity bands, read once from data/timeline_style.toml."""
    text = resources.files("services").joinpath("data/timeline_style.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    palette: Mapping[str, Any] = data["palette"]
    bands = tuple(
        SeverityBand(
            lower=int(b["lower"]),
            upper=int(b["upper"]),
            label=str(b["label"]),
            fill=str(b["fill"]),
            source=str(b["source"]),
            status=str(b["status"]),
        )
        for b in data["phq9_severity"]
    )
    return TimelineStyle(
        below_minimum=str(palette["below_minimum"]),
        adequate=str(palette["adequate"]),
        above_maximum=str(palette["above_maximum"]),
        unknown=str(palette["unknown"]),
        phq9=str(palette["phq9"]),
        item9_positive=str(palette["item9_positive"]),
        tms=str(palette["tms"]),
        ect=str(palette["ect"]),
        psychotherapy=str(palette["psychotherapy"]),
        phq9_maximum=int(data["phq9"]["maximum"]),
        bands=tuple(sorted(bands, key=lambda b: b.lower)),
    )


# --- small helpers -------------------------------------------------------------------------------


def _num(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attrs(attrs: Mapping[str, str | float | int | None]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = _num(value)
        parts.append(f'{key}="{escape(str(value), {chr(34): "&quot;"})}"')
    return " ".join(parts)


def _el(tag: str, attrs: Mapping[str, str | float | int | None], *children: str) -> str:
    if not children:
        return f"<{tag} {_attrs(attrs)}/>"
    return f"<{tag} {_attrs(attrs)}>{''.join(children)}</{tag}>"


def _text(x: float, y: float, content: str, **attrs: str | float | int | None) -> str:
    """A <text> element; `content` is escaped here, so callers pass raw data."""
    return _el("text", {"x": x, "y": y, **_svg_names(attrs)}, escape(content))


def _svg_names(attrs: Mapping[str, str | float | int | None]) -> dict[str, str | float | int | None]:
    """Python keyword names to SVG attribute names (font_size -> font-size, cls -> class)."""
    return {("class" if k == "cls" else k.replace("_", "-")): v for k, v in attrs.items()}


def _tooltip(content: str) -> str:
    return f"<title>{escape(content)}</title>"


def _text_width(text: str, size: float) -> float:
    """A generous width estimate (wider sans fonts such as DejaVu run ~0.6 em per character)."""
    return len(text) * size * 0.6


def _wrap(text: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    """Greedy word wrap to `width` px; the last line is cut with an ellipsis when too long."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if _text_width(candidate, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and _text_width(last + "…", size) > width:
            last = last[:-1]
        kept[-1] = last.rstrip() + "…"
        return kept
    return lines


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _mg(value: float) -> str:
    return f"{value:g}"


def _range_text(trial: Trial) -> str:
    lo, hi = trial.min_adequate_mg, trial.max_mg
    if lo is not None and hi is not None:
        return f"{_mg(lo)}–{_mg(hi)} mg/day"
    if lo is not None:
        return f"≥ {_mg(lo)} mg/day"
    if hi is not None:
        return f"≤ {_mg(hi)} mg/day"
    return "range not verified"


def _weeks(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _title_case(ingredient: str) -> str:
    return ingredient[:1].upper() + ingredient[1:]


def _item9_positive(score: Score) -> bool:
    # Any answer above "not at all" (0) on item 9 is a positive screen for thoughts of self-harm.
    return score.item9 is not None and score.item9 >= 1


def _ordered_trials(record: PatientRecord) -> tuple[Trial, ...]:
    """Antidepressants first, then augmentation, each by start date."""
    role_rank = {Role.ANTIDEPRESSANT: 0, Role.AUGMENTATION: 1}
    return tuple(sorted(record.trials, key=lambda t: (role_rank.get(t.role, 2), t.start, t.end)))


def _treatment_procedures(record: PatientRecord) -> tuple[ProcedureRecord, ...]:
    kinds = {kind for kind, _ in _PROCEDURE_ROWS}
    return tuple(p for p in record.procedures if p.kind in kinds)


# --- dose categories -----------------------------------------------------------------------------


class DoseCategory(StrEnum):
    BELOW = "below-minimum"
    ADEQUATE = "adequate"
    ABOVE = "above-maximum"
    UNKNOWN = "unknown"


def _dose_category(mg: float | None, trial: Trial) -> DoseCategory:
    # Safer for the patient: a dose is shown as adequate only against a verified minimum; an
    # unknown dose or a drug without a verified range is never drawn as if it were adequate.
    if mg is None or trial.min_adequate_mg is None:
        return DoseCategory.UNKNOWN
    if mg < trial.min_adequate_mg:
        return DoseCategory.BELOW
    if trial.max_mg is not None and mg > trial.max_mg:
        return DoseCategory.ABOVE
    return DoseCategory.ADEQUATE


_CATEGORY_TEXT = {
    DoseCategory.BELOW: "below minimum adequate dose",
    DoseCategory.ADEQUATE: "adequate dose",
    DoseCategory.ABOVE: "above maximum dose",
    DoseCategory.UNKNOWN: "dose or range unknown",
}


def _category_fill(category: DoseCategory) -> str:
    return f"url(#pat-{category.value})" if category is not DoseCategory.ADEQUATE else ""


def _defs(style: TimelineStyle) -> str:
    """Fill patterns: each dose category differs by pattern as well as by colour."""
    below = _el(
        "pattern",
        {"id": "pat-below-minimum", "width": 8, "height": 8, "patternUnits": "userSpaceOnUse",
         "patternTransform": "rotate(45)"},
        _el("rect", {"width": 8, "height": 8, "fill": style.below_minimum}),
        _el("line", {"x1": 0, "y1": 0, "x2": 0, "y2": 8, "stroke": INK, "stroke-width": 2.5,
                     "stroke-opacity": 0.55}),
    )
    above = _el(
        "pattern",
        {"id": "pat-above-maximum", "width": 7, "height": 7, "patternUnits": "userSpaceOnUse"},
        _el("rect", {"width": 7, "height": 7, "fill": style.above_maximum}),
        _el("path", {"d": "M0 0 L7 7 M7 0 L0 7", "stroke": INK, "stroke-width": 1.4,
                     "stroke-opacity": 0.7}),
    )
    unknown = _el(
        "pattern",
        {"id": "pat-unknown", "width": 6, "height": 6, "patternUnits": "userSpaceOnUse"},
        _el("rect", {"width": 6, "height": 6, "fill": "#EEEEEE"}),
        _el("circle", {"cx": 3, "cy": 3, "r": 1.3, "fill": "#666666"}),
    )
    return f"<defs>{below}{above}{unknown}</defs>"


def _segment_fill(category: DoseCategory, style: TimelineStyle) -> str:
    return _category_fill(category) or style.adequate


# --- geometry ------------------------------------------------------------------------------------

WIDTH = 1360
GUTTER = 300  # the left margin holding lane labels
RIGHT = 36
MARGIN = 16
PHQ9_HEIGHT = 190
LINE = 15  # lane label line height
PROCEDURE_ROW = 28
SECTION_GAP = 30
AXIS_HEIGHT = 44


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


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


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


def _time_scale(record: PatientRecord) -> _TimeScale:
    dates = _event_dates(record)
    # Start a little before the first event, on a month boundary, so the first bar is not on the
    # axis edge; end just after as_of so the "as of" line and the latest score stay inside.
    start = _first_of_month(min(dates) - timedelta(days=14))
    last = max([record.as_of, *dates])
    span = (last - start).days
    end = last + timedelta(days=max(7, span // 40))
    return _TimeScale(start=start, end=end, x0=GUTTER, x1=WIDTH - RIGHT)


def _month_ticks(scale: _TimeScale) -> list[date]:
    months = max(1, (scale.end.year - scale.start.year) * 12 + scale.end.month - scale.start.month)
    per_month = (scale.x1 - scale.x0) / months
    step = next((s for s in (1, 2, 3, 4, 6, 12, 24, 60) if per_month * s >= 58), 120)
    ticks: list[date] = []
    tick = _first_of_month(scale.start)
    while tick <= scale.end:
        if (tick.month - 1) % step == 0 or step > 12 and tick.month == 1:
            ticks.append(tick)
        tick = _add_months(tick, 1)
    if step > 12:
        ticks = [t for t in ticks if t.month == 1 and (t.year % (step // 12)) == 0]
    return ticks


# --- panels --------------------------------------------------------------------------------------


def _section_heading(y: float, text: str) -> str:
    return _text(MARGIN, y, text, font_size=13, font_weight=700, fill=INK, letter_spacing=0.3)


def _phq9_panel(record: PatientRecord, scale: _TimeScale, top: float, style: TimelineStyle) -> str:
    scores = [s for s in record.phq9()]
    out: list[str] = [_section_heading(top + 2, "PHQ-9 total score")]
    plot_top = top + 14
    height = PHQ9_HEIGHT
    maximum = style.phq9_maximum

    def y(value: float) -> float:
        return plot_top + height * (1 - value / maximum)

    bands: list[str] = []
    for band in style.bands:
        upper = min(band.upper + 1, maximum)
        y_top, y_bottom = y(upper), y(band.lower)
        bands.append(
            _el("rect", {"x": scale.x0, "y": y_top, "width": scale.x1 - scale.x0,
                         "height": y_bottom - y_top, "fill": band.fill})
        )
        bands.append(
            _text(GUTTER - 34, (y_top + y_bottom) / 2 + 4, band.label, font_size=12,
                  text_anchor="end", fill=MUTED)
        )
        if band.lower > 0:
            bands.append(
                _el("line", {"x1": scale.x0, "x2": scale.x1, "y1": y(band.lower),
                             "y2": y(band.lower), "stroke": "#FFFFFF", "stroke-width": 1})
            )
            bands.append(
                _text(GUTTER - 8, y(band.lower) + 4, str(band.lower), font_size=11,
                      text_anchor="end", fill=MUTED)
            )
    out.append(f'<g class="phq9-bands">{"".join(bands)}</g>')
    out.append(
        _el("rect", {"x": scale.x0, "y": plot_top, "width": scale.x1 - scale.x0, "height": height,
                     "fill": "none", "stroke": "#BBBBBB"})
    )
    if not scores:
        out.append(
            _text((scale.x0 + scale.x1) / 2, plot_top + height / 2, "No PHQ-9 scores on record",
                  font_size=14, text_anchor="middle", fill=MUTED)
        )
        return f'<g id="phq9">{"".join(out)}</g>'

    valued = [s for s in scores if s.value is not None]
    if len(valued) > 1:
        points = " ".join(f"{_num(scale.x(s.date))},{_num(y(float(s.value or 0)))}" for s in valued)
        out.append(
            _el("polyline", {"class": "phq9-line", "points": points, "fill": "none",
                             "stroke": style.phq9, "stroke-width": 2.5,
                             "stroke-linejoin": "round"})
        )
    last_label_x = -1e9
    last_label_above = False
    for score in scores:
        out.append(_phq9_point(score, scale, y, style, last_label_x, last_label_above))
        x = scale.x(score.date)
        if x - last_label_x < 24:
            last_label_above = not last_label_above
        else:
            last_label_above = True
        last_label_x = x
    return f'<g id="phq9">{"".join(out)}</g>'


def _phq9_point(
    score: Score,
    scale: _TimeScale,
    y: Any,
    style: TimelineStyle,
    previous_label_x: float,
    previous_label_above: bool,
) -> str:
    x = scale.x(score.date)
    positive = _item9_positive(score)
    maximum = style.phq9_maximum
    # A score without a total but with a positive item 9 is still drawn (at the top, labelled "?"):
    # a missing total must not hide a positive suicide-risk screen.
    value = score.value
    cy: float = y(float(value)) if value is not None else y(float(maximum))
    label = str(value) if value is not None else "?"
    band = style.band_of(value) if value is not None else None
    tip = f"PHQ-9 {label} on {_day(score.date)}"
    if band is not None:
        tip += f" ({band.label})"
    if positive:
        tip += f"; item 9 = {score.item9} (thoughts of death or self-harm)"
    classes = "phq9-point item9-positive" if positive else "phq9-point"
    if positive:
        shape = _el("path", {"d": f"M{_num(x)} {_num(cy - 9)} L{_num(x + 8.5)} {_num(cy + 6)} "
                                  f"L{_num(x - 8.5)} {_num(cy + 6)} Z",
                             "fill": style.item9_positive, "stroke": INK, "stroke-width": 1.2})
    else:
        shape = _el("circle", {"cx": x, "cy": cy, "r": 5, "fill": style.phq9,
                               "stroke": "#FFFFFF", "stroke-width": 1.5})
    # Labels alternate above/below when points crowd, so neighbouring values stay readable.
    above = True
    if x - previous_label_x < 24:
        above = not previous_label_above
    label_y = cy - 12 if above else cy + 21
    if value is not None and value >= maximum - 2 and above:
        label_y = cy + 21
    if value is not None and value <= 2 and not above:
        label_y = cy - 12
    text = _text(x, label_y, label, font_size=12, font_weight=700, text_anchor="middle",
                 fill=INK, stroke="#FFFFFF", stroke_width=3, paint_order="stroke")
    return _el(
        "g",
        {"class": classes, "data-value": label if value is not None else "",
         "data-date": score.date.isoformat(), "data-item9": score.item9},
        _tooltip(tip), shape, text,
    )


@dataclass(frozen=True, slots=True)
class _LaneText:
    lines: tuple[tuple[str, int, int, str], ...]  # (text, size, weight, colour)

    @property
    def height(self) -> float:
        return max(80.0, 14 + LINE * len(self.lines) + 10)


def _lane_text(trial: Trial) -> _LaneText:
    width = GUTTER - MARGIN - 14
    lines: list[tuple[str, int, int, str]] = [(_title_case(trial.ingredient), 14, 700, INK)]
    role = "augmentation" if trial.role is Role.AUGMENTATION else trial.drug_class
    for part in _wrap(f"{role} · adequate {_range_text(trial)}", 12, width):
        lines.append((part, 12, 400, MUTED))
    verdict = _VERDICT_TEXT.get(trial.verdict, str(trial.verdict))
    verdict += f" · {_weeks(trial.weeks_at_adequate_dose)} wk at adequate dose"
    for part in _wrap(verdict, 12, width):
        lines.append((part, 12, 700, INK))
    if trial.reasons:
        reasons = ", ".join(_REASON_TEXT.get(r, str(r)) for r in trial.reasons)
        for part in _wrap(f"Why: {reasons}", 12, width):
            lines.append((part, 12, 400, INK))
    for part in _wrap(_adherence_text(trial), 12, width):
        lines.append((part, 12, 400, INK))
    outcome = _outcome_text(trial)
    if outcome:
        lines.append((outcome, 12, 400, INK))
    return _LaneText(lines=tuple(lines))


def _adherence_text(trial: Trial) -> str:
    adherence = trial.adherence
    parts: list[str] = []
    if adherence.status is AdherenceStatus.VERIFIED:
        parts.append("Adherence verified")
    elif adherence.status is AdherenceStatus.POOR:
        parts.append("Poor adherence")
    else:
        parts.append("Adherence unverified")
    if adherence.pdc is not None:
        parts.append(f"PDC {round(adherence.pdc * 100)} %")
    elif adherence.status is AdherenceStatus.UNVERIFIED:
        parts.append("no dispensing data")
    gaps = len(adherence.refill_gaps)
    if gaps:
        parts.append(f"{gaps} refill gap{'s' if gaps > 1 else ''}")
    return " · ".join(parts)


def _outcome_text(trial: Trial) -> str:
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None or before.value is None or after.value is None:
        return ""
    if trial.remission:
        verdict = "remission"
    elif trial.response:
        verdict = "response"
    else:
        verdict = "no response"
    return f"PHQ-9 {before.value} → {after.value}: {verdict}"


def _lane(
    trial: Trial, index: int, scale: _TimeScale, top: float, style: TimelineStyle
) -> tuple[str, float]:
    text = _lane_text(trial)
    height = text.height
    out: list[str] = []
    if index % 2 == 0:
        out.append(_el("rect", {"x": 0, "y": top, "width": WIDTH, "height": height,
                                "fill": "#F7F7F7"}))
    line_y = top + 18
    for content, size, weight, colour in text.lines:
        out.append(_text(MARGIN, line_y, content, font_size=size, font_weight=weight, fill=colour))
        line_y += LINE
    # The bars stand on a baseline near the lane's bottom; a strip below it holds gap labels.
    baseline = top + height - 18
    bar_room = height - 34
    doses = [s.mg_per_day for s in trial.segments if s.mg_per_day is not None]
    references = [v for v in (*doses, trial.min_adequate_mg, trial.max_mg) if v]
    reference = max(references) * 1.1 if references else 1.0

    def bar_height(mg: float | None) -> float:
        if mg is None:
            return bar_room * 0.5  # unknown: half height, dotted, never read as a dose
        return max(4.0, bar_room * mg / reference)

    x_start, x_end = scale.x(trial.start), scale.x(trial.end)
    # The drug's adequate range as a band behind the bars: a bar reaching into it is in range.
    lo, hi = trial.min_adequate_mg, trial.max_mg
    if lo is not None:
        y_lo = baseline - bar_height(lo)
        y_hi = baseline - bar_height(hi) if hi is not None else baseline - bar_room
        out.append(
            _el("rect", {"class": "adequate-range", "x": x_start, "y": y_hi,
                         "width": max(x_end - x_start, 3), "height": y_lo - y_hi,
                         "fill": style.adequate, "fill-opacity": 0.14})
        )
        out.append(
            _el("line", {"x1": x_start, "x2": x_end, "y1": y_lo, "y2": y_lo, "stroke": style.adequate,
                         "stroke-width": 1.2, "stroke-dasharray": "5 3"})
        )
        if hi is not None:
            out.append(
                _el("line", {"x1": x_start, "x2": x_end, "y1": y_hi, "y2": y_hi,
                             "stroke": style.adequate, "stroke-width": 1, "stroke-dasharray": "2 3"})
            )
    out.append(
        _el("line", {"x1": x_start, "x2": x_end, "y1": baseline, "y2": baseline, "stroke": "#888888",
                     "stroke-width": 1})
    )
    segments = trial.segments
    if not segments:
        # A trial without any dose still shows where it ran (dose unknown), never as adequate.
        segments_out = [
            _segment(trial, trial.start, trial.end, None, scale, baseline, bar_height, style)
        ]
    else:
        segments_out = [
            _segment(trial, s.start, s.end, s.mg_per_day, scale, baseline, bar_height, style)
            for s in segments
        ]
    out.extend(svg for svg, _ in segments_out)
    # Dose labels above the bars, left to right, skipped where they would overlap the previous
    # one (the segment's tooltip still carries the dose).
    last_right = -1e9
    for _, (label, cx, label_y) in segments_out:
        half = _text_width(label, 11.5) / 2
        cx = min(max(cx, x_start + half), scale.x1 - half)
        if cx - half < last_right + 6:
            continue
        out.append(
            _text(cx, label_y, label, font_size=11.5, font_weight=600, text_anchor="middle",
                  fill=INK, stroke="#FFFFFF", stroke_width=3, paint_order="stroke")
        )
        last_right = cx + half
    for gap in trial.adherence.refill_gaps:
        gx0, gx1 = scale.x(gap.start), scale.x(gap.end)
        label = f"no supply {gap.days} d"
        out.append(
            _el(
                "g",
                {"class": "refill-gap", "data-days": gap.days},
                _tooltip(f"Refill gap: no supply {_day(gap.start)} – {_day(gap.end)} "
                         f"({gap.days} days)"),
                _el("rect", {"x": gx0, "y": baseline - bar_room - 2, "width": max(gx1 - gx0, 3),
                             "height": bar_room + 2, "fill": "#FFFFFF", "fill-opacity": 0.88,
                             "stroke": INK, "stroke-width": 1.3, "stroke-dasharray": "4 3"}),
                _text((gx0 + gx1) / 2, baseline + 13, label, font_size=10.5, font_weight=700,
                      text_anchor="middle", fill=INK),
            )
        )
    if trial.ongoing:
        out.append(
            _el("path", {"d": f"M{_num(x_end)} {_num(baseline - 5)} l7 5 l-7 5 Z", "fill": INK})
        )
    attrs = {
        "class": "lane",
        "data-ingredient": trial.ingredient,
        "data-role": trial.role.value,
        "data-verdict": trial.verdict.value,
    }
    return _el("g", attrs, *out), height


def _segment(
    trial: Trial,
    start: date,
    end: date,
    mg: float | None,
    scale: _TimeScale,
    baseline: float,
    bar_height: Any,
    style: TimelineStyle,
) -> tuple[str, tuple[str, float, float]]:
    category = _dose_category(mg, trial)
    x0, x1 = scale.x(start), scale.x(end)
    h: float = bar_height(mg)
    dose = f"{_mg(mg)} mg/day" if mg is not None else "dose unknown"
    tip = (f"{_title_case(trial.ingredient)} {dose}, {_day(start)} – {_day(end)}: "
           f"{_CATEGORY_TEXT[category]} (adequate {_range_text(trial)})")
    rect = _el("rect", {"x": x0, "y": baseline - h, "width": max(x1 - x0, 3), "height": h,
                        "fill": _segment_fill(category, style), "stroke": INK,
                        "stroke-width": 0.8,
                        "stroke-dasharray": "3 2" if category is DoseCategory.UNKNOWN else None})
    svg = _el(
        "g",
        {"class": f"dose-segment {category.value}", "data-mg": _mg(mg) if mg is not None else "",
         "data-category": category.value, "data-start": start.isoformat(),
         "data-end": end.isoformat()},
        _tooltip(tip), rect,
    )
    label = f"{_mg(mg)} mg" if mg is not None else "dose ?"
    return svg, (label, (x0 + x1) / 2, baseline - h - 4)


def _procedure_marker(kind: ProcedureKind, x: float, y: float, colour: str) -> str:
    if kind is ProcedureKind.TMS:
        return _el("rect", {"x": x - 5, "y": y - 5, "width": 10, "height": 10, "fill": colour,
                            "stroke": INK, "stroke-width": 1})
    if kind is ProcedureKind.ECT:
        return _el("path", {"d": f"M{_num(x)} {_num(y - 7)} l7 7 l-7 7 l-7 -7 Z", "fill": colour,
                            "stroke": INK, "stroke-width": 1})
    return _el("circle", {"cx": x, "cy": y, "r": 5.5, "fill": colour, "stroke": INK,
                          "stroke-width": 1})


def _procedure_rows(
    record: PatientRecord, scale: _TimeScale, top: float, style: TimelineStyle
) -> tuple[str, float]:
    procedures = _treatment_procedures(record)
    if not procedures:
        return "", 0.0
    out: list[str] = [_section_heading(top + 2, "Procedures")]
    y = top + 14
    for kind, name in _PROCEDURE_ROWS:
        rows = [p for p in procedures if p.kind is kind]
        if not rows:
            continue
        dated = sorted((p for p in rows if p.date is not None), key=lambda p: p.date or date.min)
        undated = len(rows) - len(dated)
        centre = y + PROCEDURE_ROW / 2
        label = f"{name} · {len(rows)} session{'s' if len(rows) > 1 else ''}"
        if undated:
            label += f" ({undated} undated)"
        out.append(_text(MARGIN, centre + 4, label, font_size=12, font_weight=600, fill=INK))
        out.append(_el("line", {"x1": scale.x0, "x2": scale.x1, "y1": centre, "y2": centre,
                                "stroke": GRID, "stroke-width": 1}))
        colour = style.procedure_colour(kind)
        for p in dated:
            day = p.date or scale.start
            x = scale.x(day)
            out.append(
                _el("g", {"class": "procedure", "data-kind": kind.value,
                          "data-date": day.isoformat()},
                    _tooltip(f"{name} on {_day(day)}"),
                    _procedure_marker(kind, x, centre, colour))
            )
        # One label per course, right of its last session when there is room before the next.
        courses = _courses([p.date for p in dated if p.date is not None])
        for i, (first, last, count) in enumerate(courses):
            text = f"{count} session{'s' if count > 1 else ''}" if count > 1 else _day(first)
            lx = scale.x(last) + 11
            next_x = scale.x(courses[i + 1][0]) if i + 1 < len(courses) else scale.x1
            if lx + _text_width(text, 11) < next_x - 6:
                out.append(_text(lx, centre + 4, text, font_size=11, fill=MUTED))
        y += PROCEDURE_ROW
    return f'<g id="procedures">{"".join(out)}</g>', y - top


def _courses(days: list[date]) -> list[tuple[date, date, int]]:
    courses: list[tuple[date, date, int]] = []
    for day in days:
        if courses and day - courses[-1][1] <= _COURSE_GAP:
            first, _, count = courses[-1]
            courses[-1] = (first, day, count + 1)
        else:
            courses.append((day, day, 1))
    return courses


def _axis(scale: _TimeScale, top: float, bottom_of_panels: float, panels_top: float,
          as_of: date) -> tuple[str, str]:
    """(grid lines drawn under the panels, axis labels drawn at `top`)."""
    grid: list[str] = []
    labels: list[str] = []
    ticks = _month_ticks(scale)
    for i, tick in enumerate(ticks):
        x = scale.x(tick)
        grid.append(_el("line", {"x1": x, "x2": x, "y1": panels_top, "y2": bottom_of_panels,
                                 "stroke": GRID, "stroke-width": 1}))
        labels.append(_el("line", {"x1": x, "x2": x, "y1": top, "y2": top + 5, "stroke": MUTED}))
        labels.append(_text(x, top + 18, _MONTHS[tick.month - 1], font_size=11.5,
                            text_anchor="middle", fill=INK))
        if tick.month == 1 or i == 0:
            labels.append(_text(x, top + 32, str(tick.year), font_size=11.5, font_weight=700,
                                text_anchor="middle", fill=INK))
    labels.insert(0, _el("line", {"x1": scale.x0, "x2": scale.x1, "y1": top, "y2": top,
                                  "stroke": MUTED}))
    x = scale.x(as_of)
    grid.append(_el("line", {"class": "as-of", "x1": x, "x2": x, "y1": panels_top,
                             "y2": bottom_of_panels, "stroke": INK, "stroke-width": 1.2,
                             "stroke-dasharray": "6 4"}))
    return "".join(grid), "".join(labels)


def _as_of_label(scale: _TimeScale, y: float, as_of: date) -> str:
    text = f"as of {_day(as_of)}"
    x = min(scale.x(as_of), scale.x1 - _text_width(text, 11) / 2)
    return _text(x, y, text, font_size=11, font_weight=700, text_anchor="middle", fill=INK,
                 stroke="#FFFFFF", stroke_width=3, paint_order="stroke")


def _legend(top: float, style: TimelineStyle) -> tuple[str, float]:
    items: list[tuple[str, str]] = []

    def swatch(fill: str, dashed: bool = False, opacity: float | None = None) -> str:
        return _el("rect", {"x": 0, "y": -11, "width": 22, "height": 14, "fill": fill,
                            "fill-opacity": opacity, "stroke": INK, "stroke-width": 0.8,
                            "stroke-dasharray": "3 2" if dashed else None})

    items.append((swatch("url(#pat-below-minimum)"), "Below minimum adequate dose"))
    items.append((swatch(style.adequate), "Adequate dose"))
    items.append((swatch("url(#pat-above-maximum)"), "Above maximum dose"))
    items.append((swatch("url(#pat-unknown)", dashed=True), "Dose or range unknown"))
    items.append((
        _el("rect", {"x": 0, "y": -11, "width": 22, "height": 14, "fill": style.adequate,
                     "fill-opacity": 0.14})
        + _el("line", {"x1": 0, "x2": 22, "y1": 3, "y2": 3, "stroke": style.adequate,
                       "stroke-width": 1.2, "stroke-dasharray": "5 3"}),
        "Adequate range (min – max)",
    ))
    items.append((
        _el("rect", {"x": 0, "y": -11, "width": 22, "height": 14, "fill": "#FFFFFF",
                     "stroke": INK, "stroke-width": 1.3, "stroke-dasharray": "4 3"}),
        "Refill gap (no supply)",
    ))
    items.append((
        _el("line", {"x1": 0, "x2": 22, "y1": -4, "y2": -4, "stroke": style.phq9,
                     "stroke-width": 2.5})
        + _el("circle", {"cx": 11, "cy": -4, "r": 5, "fill": style.phq9, "stroke": "#FFFFFF",
                         "stroke-width": 1.5}),
        "PHQ-9 total",
    ))
    items.append((
        _el("path", {"d": "M11 -13 L19.5 2 L2.5 2 Z", "fill": style.item9_positive, "stroke": INK,
                     "stroke-width": 1.2}),
        "PHQ-9 item 9 positive",
    ))
    for kind, name in _PROCEDURE_ROWS:
        items.append((_procedure_marker(kind, 11, -4, style.procedure_colour(kind)), name))
    items.append((
        _el("line", {"x1": 11, "x2": 11, "y1": -13, "y2": 4, "stroke": INK, "stroke-width": 1.2,
                     "stroke-dasharray": "6 4"}),
        "Date of this evaluation",
    ))
    out: list[str] = []
    x, y = float(MARGIN), top + 22
    for icon, label in items:
        width = 30 + _text_width(label, 12) + 22
        if x + width > WIDTH - MARGIN:
            x, y = float(MARGIN), y + 24
        out.append(
            _el("g", {"class": "legend-item", "transform": f"translate({_num(x)} {_num(y)})"},
                icon, _text(30, 0, label, font_size=12, fill=INK))
        )
        x += width
    heading = _text(MARGIN, top + 2, "Legend", font_size=13, font_weight=700, fill=INK)
    return _el("g", {"id": "legend"}, heading, *out), y + 16 - top


# --- the summary for screen readers --------------------------------------------------------------


def describe(record: PatientRecord) -> str:
    """One paragraph saying what the picture shows (the SVG's <desc>, read by screen readers)."""
    trials = _ordered_trials(record)
    scores = record.phq9()
    procedures = _treatment_procedures(record)
    if not (trials or scores or procedures):
        return (f"No antidepressant trials, PHQ-9 scores or depression procedures on record as of "
                f"{_day(record.as_of)}.")
    parts: list[str] = []
    antidepressants = [t for t in trials if t.role is Role.ANTIDEPRESSANT]
    augmentations = [t for t in trials if t.role is Role.AUGMENTATION]
    if antidepressants:
        parts.append(
            f"{len(antidepressants)} antidepressant trial{'s' if len(antidepressants) > 1 else ''}: "
            + "; ".join(_trial_summary(t) for t in antidepressants)
        )
    else:
        parts.append("No antidepressant trials")
    if augmentations:
        parts.append("augmentation: " + "; ".join(_trial_summary(t) for t in augmentations))
    sentences = [f"Treatment timeline as of {_day(record.as_of)}. " + ". ".join(parts) + "."]
    valued = [s for s in scores if s.value is not None]
    if valued:
        latest = valued[-1]
        band = timeline_style().band_of(latest.value or 0)
        score_text = (f"{len(scores)} PHQ-9 score{'s' if len(scores) > 1 else ''} from "
                      f"{_day(scores[0].date)}; latest {latest.value}"
                      f"{f' ({band.label})' if band else ''} on {_day(latest.date)}")
        sentences.append(score_text + ".")
    elif scores:
        sentences.append(f"{len(scores)} PHQ-9 result(s) without a total score.")
    else:
        sentences.append("No PHQ-9 scores.")
    positives = [s for s in scores if _item9_positive(s)]
    if positives:
        sentences.append(
            f"Item 9 (thoughts of death or self-harm) positive on {len(positives)} "
            f"occasion{'s' if len(positives) > 1 else ''}, latest {_day(positives[-1].date)}."
        )
    for kind, name in _PROCEDURE_ROWS:
        rows = [p for p in procedures if p.kind is kind]
        if rows:
            dated = sorted(p.date for p in rows if p.date is not None)
            when = f" from {_day(dated[0])} to {_day(dated[-1])}" if dated else ""
            sentences.append(f"{name}: {len(rows)} session{'s' if len(rows) > 1 else ''}{when}.")
    return " ".join(sentences)


def _trial_summary(trial: Trial) -> str:
    doses = [s.mg_per_day for s in trial.segments if s.mg_per_day is not None]
    if doses:
        low, high = min(doses), max(doses)
        dose = f"{_mg(low)} mg/day" if low == high else f"{_mg(low)} to {_mg(high)} mg/day"
    else:
        dose = "dose unknown"
    verdict = _VERDICT_TEXT.get(trial.verdict, str(trial.verdict)).lower()
    text = f"{trial.ingredient} {dose} from {_day(trial.start)}"
    text += " (ongoing)" if trial.ongoing else f" to {_day(trial.end)}"
    text += f", {verdict}"
    if trial.reasons:
        text += " (" + ", ".join(_REASON_TEXT.get(r, str(r)) for r in trial.reasons) + ")"
    if trial.adherence.pdc is not None:
        text += f", PDC {round(trial.adherence.pdc * 100)} %"
    if trial.adherence.refill_gaps:
        text += f", {len(trial.adherence.refill_gaps)} refill gap(s)"
    return text


# --- the picture ---------------------------------------------------------------------------------


def render_svg(record: PatientRecord, *, title: str = DEFAULT_TITLE) -> str:
    """The record's treatment timeline as a standalone SVG document (well-formed XML)."""
    style = timeline_style()
    description = describe(record)
    trials = _ordered_trials(record)
    head = (
        f'<title id="timeline-title">{escape(title)}</title>'
        f'<desc id="timeline-desc">{escape(description)}</desc>'
    )
    if not _event_dates(record):
        return _svg_document(
            WIDTH, 120, head,
            _text(WIDTH / 2, 66,
                  f"Nothing to draw: no antidepressant trials, PHQ-9 scores or procedures on "
                  f"record as of {_day(record.as_of)}.",
                  font_size=15, text_anchor="middle", fill=MUTED, cls="empty"),
        )
    scale = _time_scale(record)
    body: list[str] = []
    y = float(MARGIN + 10)
    panels_top = y
    body.append(_phq9_panel(record, scale, y, style))
    y += 14 + PHQ9_HEIGHT + SECTION_GAP
    body.append(_section_heading(y + 2, "Medication trials"))
    y += 10
    if trials:
        for i, trial in enumerate(trials):
            lane, height = _lane(trial, i, scale, y, style)
            body.append(lane)
            y += height
    else:
        body.append(_text((scale.x0 + scale.x1) / 2, y + 30, "No antidepressant trials on record",
                          font_size=14, text_anchor="middle", fill=MUTED))
        y += 50
    procedures, height = _procedure_rows(record, scale, y + 18, style)
    if procedures:
        body.append(procedures)
        y += 18 + height
    panels_bottom = y + 6
    grid, axis = _axis(scale, panels_bottom, panels_bottom, panels_top + 14, record.as_of)
    body.insert(0, f'<g class="grid">{grid}</g>')
    body.append(f'<g class="time-axis">{axis}</g>')
    body.append(_as_of_label(scale, panels_top + 8, record.as_of))
    # The grid goes under the PHQ-9 bands' white lines but over the lane stripes: redraw order is
    # bands, grid, line; simplest is to draw the grid again faintly on top of the panels.
    body.append(f'<g class="grid-over" opacity="0.35">{grid}</g>')
    y = panels_bottom + AXIS_HEIGHT
    legend, legend_height = _legend(y, style)
    body.append(legend)
    y += legend_height + MARGIN
    return _svg_document(WIDTH, y, head, _defs(style), *body)


def _svg_document(width: float, height: float, *children: str) -> str:
    attrs = {
        "xmlns": SVG_NS,
        "viewBox": f"0 0 {_num(width)} {_num(height)}",
        "width": width,
        "height": height,
        "role": "img",
        "aria-labelledby": "timeline-title timeline-desc",
        "font-family": FONT_STACK,
        "class": "treatment-timeline",
    }
    return _el("svg", attrs, _el("rect", {"width": width, "height": height, "fill": "#FFFFFF"}),
               *children)


# --- the page ------------------------------------------------------------------------------------

_PAGE_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #FFFFFF; color: #1A1A1A;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial,
    'Liberation Sans', 'DejaVu Sans', sans-serif; }
main { padding: 12px 18px 18px; max-width: 1360px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.lede { font-size: 14px; margin: 0 0 10px; color: #444444; max-width: 90ch; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; max-width: 1360px; display: block; }
figcaption { font-size: 13px; color: #444444; margin-top: 6px; }
"""


def _style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_page(record: PatientRecord, *, expires_at: datetime | None = None) -> str:
    """A complete HTML document showing the timeline; nothing in it loads from elsewhere.

    The Content-Security-Policy allows only the page's own inline stylesheet (by hash): no
    scripts, no fetches, no forms. (frame-ancestors cannot be set from a meta tag; the route's
    headers do that.)
    """
    svg = render_svg(record)
    caption = f"Generated from the record as of {_day(record.as_of)}"
    if expires_at is not None:
        caption += f"; this link expires {_timestamp(expires_at)}"
    caption += ". Check against the chart before acting."
    csp = (f"default-src 'none'; style-src '{_style_hash(_PAGE_CSS)}'; img-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    return "\n".join([
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
        '<p class="lede">Antidepressant trials, doses against each drug\'s adequate range, '
        "refill gaps, PHQ-9 scores and procedures, as reconstructed from the EHR record.</p>",
        "<figure>",
        svg,
        f"<figcaption>{escape(caption)}</figcaption>",
        "</figure>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def _timestamp(moment: datetime) -> str:
    text = f"{_day(moment.date())} {moment:%H:%M}"
    if moment.tzinfo is not None:
        offset = moment.utcoffset()
        text += " UTC" if offset is not None and not offset else f" {moment:%z}"
    return text

