"""A running course the record no longer shows taken, on the timeline: a listed course
(Trial.listed: a list entry, not the drug taken) or one whose supply ran out a month or more ago,
its order still open (Trial.supply_ran_out). Its lane says "listed" or "may be running" where a
running course says "current", and the time after its last confirmation or supply is an outlined
box, never a dose bar.

Review s23 RP findings 2 and 3: an order whose supply ran out in 2025-04 read "Venlafaxine
(current)" with its bar ending there and nothing after it; an order of 2024-11 never filled was a
solid year-long adequate-dose bar with "no response". The cards say "order ... still active,
never filled or renewed: confirm it is still taken" and "may be running: no supply since ...";
the lane now says the same words (services/trial_dates.ongoing_text, the one rule), and a
never-filled order has no dose bar at all (trial_dates.never_filled).
"""

from __future__ import annotations

from fhir_mapping.record import RefillGap, Trial
from services import trial_dates
from services.card_format import plural
from services.timeline.scale import TimeScale
from services.timeline.svg import INK, el, svg_text, text_width, tooltip
from services.timeline.wording import day_text, display_name

# A gap box of the lane (lanes.gap_boxes): the gap, its label, its tooltip's head.
_Box = tuple[RefillGap, str, str]


def lane_name(trial: Trial) -> str:
    """ "Venlafaxine (listed)" for a listed course, "Venlafaxine (may be running)" for one whose
    supply ran out, "Sertraline (current)" for one the record shows running, the drug's name
    for an ended one (trial_dates.running_word)."""
    name = display_name(trial.ingredient)
    return f"{name} ({trial_dates.running_word(trial)})" if trial.ongoing else name


def verdict_line(trial: Trial, verdict: str) -> str:
    """The lane's verdict line; for a never-filled order "Listed · not counted: never filled or
    renewed", as the packet's weeks cell says it, never weeks at an adequate dose."""
    if trial_dates.never_filled(trial):
        return f"Listed · {trial_dates.never_filled_weeks(trial)}"
    return verdict


def covered_gaps(trial: Trial, boxes: list[_Box]) -> list[_Box]:
    """`boxes` less the gaps the listed box stands for (from trial_dates.not_shown_from on): one
    box per stretch, the listed one naming it."""
    since = trial_dates.not_shown_from(trial)
    if since is None:
        return boxes
    return [b for b in boxes if b[0].start < since]


def listed_box(trial: Trial, scale: TimeScale, baseline: float, room: float) -> str:
    """The outlined, dashed box from the day the record last shows the course taken to its end
    (as-of), with the listing (or "may be running: no supply since ...") as its tooltip, labelled
    "listed" or "no supply"; "" for a course the record shows taken."""
    since = trial_dates.not_shown_from(trial)
    if since is None or since >= trial.end:
        return ""
    x0, x1 = scale.x(since), scale.x(trial.end)
    days = (trial.end - since).days
    listing = trial_dates.ongoing_text(trial, day_text)
    tip = (
        f"{display_name(trial.ingredient)} {listing}: not shown taken from {day_text(since)} "
        f"to {day_text(trial.end)} ({plural(days, 'day')}), not counted as time on the drug"
    )
    word = "listed" if trial.listed else "no supply"
    label = word if x1 - x0 >= text_width(word, 11) else ""
    return el(
        "g",
        tooltip(tip),
        svg_text(
            (x0 + x1) / 2,
            baseline + 14,
            label,
            font_size=11,
            font_weight=700,
            text_anchor="middle",
            fill=INK,
        )
        if label
        else "",
        el(
            "rect",
            x=x0,
            y=baseline - room - 2,
            width=max(x1 - x0, 3),
            height=room + 2,
            fill="none",
            stroke=INK,
            stroke_width=1.3,
            stroke_dasharray="2 4",
        ),
        cls="listed" if trial.listed else "listed no-supply",
        data_start=since.isoformat(),
        data_days=days,
    )
