"""TMS / ECT / psychotherapy sessions: one row per kind, courses as bands, one shape each.

TMS and ECT sessions group into courses by the clinic's gap (policy.tms_course_gap_days), the
rule the cards and the packet read (services/tms_course.py), and each course's label says its
state as they do (review s25 RT finding 8): "running", or for a TMS course that stopped short of
policy.tms_min_course_sessions with no response, "stopped, not an adequate course"."""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.record import PatientRecord, ProcedureKind
from services import tms_course
from services.policy import Policy
from services.site_ceiling import DEFAULT_POLICY
from services.timeline.contents import PROCEDURE_ROWS, treatment_procedures
from services.timeline.layout import MARGIN, PROCEDURE_ROW, Layout, section_heading
from services.timeline.scale import TimeScale
from services.timeline.style import TimelineStyle
from services.timeline.svg import GRID, HALO, INK, MUTED, el, num, svg_text, text_width, tooltip
from services.timeline.wording import day_text, plural

# Psychotherapy sessions closer than this belong to one course (weekly therapy); TMS and ECT
# courses are the clinic's (policy.tms_course_gap_days).
_COURSE_GAP = timedelta(days=21)
_DEVICES = (ProcedureKind.TMS, ProcedureKind.ECT)


def procedure_marker(kind: ProcedureKind, x: float, y: float, colour: str) -> str:
    """One shape per kind, so the rows read without colour: square, diamond, circle."""
    if kind is ProcedureKind.TMS:
        return el("rect", x=x - 5, y=y - 5, width=10, height=10, fill=colour, stroke=INK)
    if kind is ProcedureKind.ECT:
        return el("path", d=f"M{num(x)} {num(y - 7)} l7 7 l-7 7 l-7 -7 Z", fill=colour, stroke=INK)
    return el("circle", cx=x, cy=y, r=5.5, fill=colour, stroke=INK)


def _courses(days: list[date], gap: timedelta = _COURSE_GAP) -> list[tuple[date, date, int]]:
    """Runs of sessions no more than `gap` apart: (first, last, count)."""
    courses: list[tuple[date, date, int]] = []
    for day in days:
        if courses and day - courses[-1][1] <= gap:
            first, _, count = courses[-1]
            courses[-1] = (first, day, count + 1)
        else:
            courses.append((day, day, 1))
    return courses


def _gap(kind: ProcedureKind, policy: Policy) -> timedelta:
    return timedelta(days=policy.tms_course_gap_days) if kind in _DEVICES else _COURSE_GAP


def _states(record: PatientRecord, kind: ProcedureKind, policy: Policy) -> dict[date, str]:
    """Each TMS or ECT course's state by its first session, as the cards say it: "running", or
    "stopped, not an adequate course" (TmsCourse.short); none for a course that ended."""
    if kind not in _DEVICES:
        return {}
    states = {}
    for course in tms_course.courses(record, policy, kind):
        if course.running:
            states[course.start] = "running"
        elif kind is ProcedureKind.TMS and course.short(policy):
            states[course.start] = "stopped, not an adequate course"
    return states


def procedure_rows(
    record: PatientRecord,
    scale: TimeScale,
    top: float,
    style: TimelineStyle,
    layout: Layout,
    policy: Policy = DEFAULT_POLICY,
) -> tuple[str, float]:
    """(the procedure rows, their height); nothing when there are none. `policy`: the clinic's
    (its TMS/ECT course grouping and minimum sessions, as the cards read them)."""
    procedures = treatment_procedures(record)
    if not procedures:
        return "", 0.0
    out: list[str] = [section_heading(top + 2, "Procedures")]
    y = top + 12
    for kind, name in PROCEDURE_ROWS:
        rows = [p for p in procedures if p.kind is kind]
        if not rows:
            continue
        dated = sorted(p.date for p in rows if p.date is not None)
        states = _states(record, kind, policy)
        label = f"{name} · {plural(len(rows), 'session')}"
        # The latest course's state on the row itself: a running course ends at as-of, where
        # its own label has no room (the short phrase: the gutter is narrow).
        latest = max(states) if states else None
        if latest is not None and dated and latest == _courses(dated, _gap(kind, policy))[-1][0]:
            label += ", running" if states[latest] == "running" else ", stopped early"
        if len(dated) < len(rows):
            label += f" ({len(rows) - len(dated)} undated)"
        if layout.labels_above:  # narrow: the row's name on its own line above it
            out.append(
                svg_text(MARGIN, y + 14, label, font_size=12, font_weight=600, fill=INK, **HALO)
            )
            y += 16
        centre = y + PROCEDURE_ROW / 2
        if not layout.labels_above:
            out.append(svg_text(MARGIN, centre + 4, label, font_size=12, font_weight=600, fill=INK))
        out.append(el("line", x1=scale.x0, x2=scale.x1, y1=centre, y2=centre, stroke=GRID))
        colour = style.procedure_colour(kind)
        courses = _courses(dated, _gap(kind, policy))
        # A course of sessions is a band from its first to its last session; in a dense course
        # (daily TMS, weekly therapy over years) the sessions between the first and the last
        # are ticks on the band instead of overlapping shapes.
        for first, last, count in courses:
            if count > 1:
                state = f", {states[first]}" if first in states else ""
                out.append(
                    el(
                        "rect",
                        tooltip(
                            f"{name} course {day_text(first)} to {day_text(last)}: "
                            f"{plural(count, 'session')}{state}"
                        ),
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
                marker = el("line", x1=x, x2=x, y1=centre - 4, y2=centre + 4, stroke=INK)
            else:
                marker = procedure_marker(kind, x, centre, colour)
            out.append(
                el(
                    "g",
                    tooltip(f"{name} on {day_text(day)}"),
                    marker,
                    cls="procedure",
                    data_kind=kind.value,
                    data_date=day.isoformat(),
                )
            )
        # One label per course, right of its last session when it fits before the next course.
        for i, (first, last, count) in enumerate(courses):
            text = plural(count, "session") if count > 1 else day_text(first)
            x = scale.x(last) + 11
            limit = scale.x(courses[i + 1][0]) if i + 1 < len(courses) else scale.x1 + layout.right
            # The course's state with it when it fits, else the count alone (the band's hover
            # text keeps the state).
            for shown in (f"{text}, {states[first]}", text) if first in states else (text,):
                if x + text_width(shown, 11) < limit - 6:
                    out.append(svg_text(x, centre + 4, shown, font_size=11, fill=MUTED))
                    break
        y += PROCEDURE_ROW
    return el("g", *out, id=layout.id("procedures")), y - top
