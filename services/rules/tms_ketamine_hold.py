"""An IV ketamine series given in the last weeks holds the TMS referral's one-click until its
response is recorded (fix tms50), as an esketamine course being judged does (tms_course_judging.py).

Six IV ketamine doses on the MAR from 2026-11-09 to 11-23 (no ECT those days), the latest PHQ-9
23 on 11-15 in the middle of them, and the TMS card offered a one-click referral with only the
optimise card's "if it was a depression series, record its response": the esketamine course
beside it would have held the one-click. Racemic ketamine has no label for depression, so no
label window (REFERENCE.md 1.6-1.7 gives its dose, not its schedule); data/series_judging.csv
(28 days, UNVERIFIED) is how recent its last dose must be to be judged still.

What counts as a series is what services/ketamine_doses.py names one: doses on at least
policy.ketamine_dose_min_days days of this episode, none a day with an ECT session (ketamine is
an ECT anaesthetic), none whose words name an anaesthetic, sedative or pain use (named_doses.csv);
or a ketamine course on record (an order or statement: a Trial). A single dose stays unnamed
and holds nothing: an anaesthetic use is far likelier.

Why hold rather than only name it (the safer choice, as for esketamine): a series that works is
continued (maintenance infusions), not followed by TMS, and the referral would quote a
depression the series may be lifting. The hold lifts once a PHQ-9 after the last dose is on
record (its response recorded, whichever way) or the window passes; the cost is one manual order.
A Procedure for an infusion is not read: no CPT or HCPCS code names a ketamine infusion (96365
names any IV infusion), so only the MAR and medication records show it.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from functools import cache
from importlib import resources

from services import ketamine_doses
from services.rules.context import RuleContext

_KETAMINE = "ketamine"


@cache
def _recent_days() -> int:
    """How recent a series' last dose must be to hold the referral (data/series_judging.csv)."""
    text = resources.files("services").joinpath("data/series_judging.csv").read_text("utf-8")
    rows = {r["course"]: int(r["recent_days"]) for r in csv.DictReader(text.splitlines())}
    return rows[_KETAMINE]


def _series(ctx: RuleContext) -> tuple[date, date, str] | None:
    """(first day, last day, what was given) of this episode's ketamine, or None when there is
    no series (module docstring)."""
    record, start = ctx.record, ctx.facts.episode_start
    courses = [
        t
        for t in record.trials
        if t.ingredient == _KETAMINE
        and (start is None or t.end >= start)
        and t.start <= record.as_of
    ]
    days = ketamine_doses.dose_days(record, start)
    if courses:
        first = min(t.start for t in courses)
        last = max(min(t.end, record.as_of) for t in courses)
        if days:
            first, last = min(first, days[0]), max(last, days[-1])
        return first, last, f"ketamine on record from {first.isoformat()} to {last.isoformat()}"
    if len(days) < ctx.policy.ketamine_dose_min_days:
        return None
    given = (
        f"IV ketamine on the MAR on {len(days)} days, {days[0].isoformat()} to "
        f"{days[-1].isoformat()}, no ECT those days"
    )
    return days[0], days[-1], given


def hold(ctx: RuleContext) -> tuple[str, str, str, str] | None:
    """The held referral's (first, line, raises, back) for a ketamine series whose last dose is
    within data/series_judging.csv's days and whose response is not recorded since, or None."""
    found = _series(ctx)
    if found is None:
        return None
    _first, last, given = found
    until = last + timedelta(days=_recent_days())
    if ctx.record.as_of >= until:
        return None
    latest = ctx.facts.latest_phq9
    if latest is not None and latest.value is not None and latest.date > last:
        return None  # its response is on record (a PHQ-9 after the last dose)
    line = (
        "**Referral not marked recommended while IV ketamine is judged:** "
        f"{given}. If it was a depression series, record its response with a PHQ-9 after the "
        "last dose: a response is continued, not followed by TMS, and a series that runs on "
        "would overlap TMS (tell the TMS service; some payers require it stopped)."
    )
    back = f"a PHQ-9 after the last dose is on record, or from {until.isoformat()}"
    return ("record the IV ketamine series' response (a PHQ-9)", line, "", back)
