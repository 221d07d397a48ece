"""Antidepressant trials taken beside a drug that lowers their levels (review 12 finding 11).

Carbamazepine 400 mg/day ran through both of a patient's trials (sertraline, venlafaxine) and both
counted as adequate failures with no word about it. Carbamazepine, phenytoin, phenobarbital and
rifampin induce CYP3A4 (and CYP2B6), and the labels of several antidepressants say they lower
their levels: Remeron (mirtazapine, about 60 % less exposure with carbamazepine), Trintellix
(vortioxetine: consider a higher dose after 14 days), Wellbutrin (bupropion, CYP2B6), Desyrel
(trazodone), Viibryd (vilazodone), Celexa and Lexapro (carbamazepine may raise their clearance);
data/inducer_lowered.csv holds the pairs with their sources and status.

A dose at the label's minimum may then not have been an adequate trial. The trial still counts
(the dose is what the record shows, and a level may prove it adequate), but it is never silently
adequate: the trial table's verdict and the payer's trials criterion name the inducer "to
confirm". Decided over not counting the trial: that would hold back TMS or the next step from a
patient whose failure may be real, on a possibility only a level or the clinician can settle;
decided over saying nothing: a failure that was a low level would send the patient down the
pathway for the wrong reason, when a higher dose might have worked.

An inducer counts when it overlaps the trial for at least two weeks (induction builds up over one
to three weeks; Trintellix's label speaks of more than 14 days).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.record import PatientRecord, Role, Trial
from services import trial_dates
from services.card_format import fmt_mg


@dataclass(frozen=True, slots=True)
class LoweredRow:
    """An antidepressant whose levels these inducers lower (data/inducer_lowered.csv)."""

    ingredient: str
    lowered_by: frozenset[str]
    effect: str  # "lowers mirtazapine levels (...)"
    # Days beside the inducer before the lowering counts (induction builds over 1-3 weeks;
    # Trintellix's label advice starts after more than 14 days together).
    min_overlap_days: int
    cite: str  # the short label reference shown on the card
    status: str  # corroborated / UNVERIFIED
    source: str


@cache
def table() -> dict[str, LoweredRow]:
    text = resources.files("services").joinpath("data/inducer_lowered.csv").read_text("utf-8")
    rows: dict[str, LoweredRow] = {}
    for r in csv.DictReader(text.splitlines()):
        rows[r["ingredient"]] = LoweredRow(
            ingredient=r["ingredient"],
            lowered_by=frozenset(n.strip() for n in r["lowered_by"].split(";") if n.strip()),
            effect=r["effect"],
            min_overlap_days=int(r["min_overlap_days"]),
            cite=r["cite"],
            status=r["status"],
            source=r["source"],
        )
    return rows


def _overlap_days(a: Trial, b: Trial) -> int:
    start: date = max(a.start, b.start)
    end: date = min(a.end, b.end)
    return (end - start).days


def inducers_during(trial: Trial, record: PatientRecord) -> tuple[Trial, ...]:
    """The inducer courses that ran beside this antidepressant trial for two weeks or more."""
    if trial.role is not Role.ANTIDEPRESSANT:
        return ()
    row = table().get(trial.ingredient)
    if row is None:
        return ()
    return tuple(
        t
        for t in record.trials
        if t.role is Role.INTERACTING
        and t.ingredient in row.lowered_by
        and _overlap_days(trial, t) >= row.min_overlap_days
    )


def note(trial: Trial, record: PatientRecord) -> str | None:
    """ "taken with carbamazepine 400 mg/day (since 2023-01-09), a CYP3A4 inducer that lowers
    sertraline levels: ...; case reports, UNVERIFIED): the dose may not have been adequate", or
    None when no inducer ran beside it."""
    found = inducers_during(trial, record)
    if not found:
        return None
    row = table()[trial.ingredient]
    named = " and ".join(dict.fromkeys(_course_named(t) for t in found))
    flag = ", UNVERIFIED" if row.status == "UNVERIFIED" else ""
    kind = "an inducer" if len(found) > 1 else f"a {found[0].drug_class}"
    return (
        f"taken with {named}, {kind} that {row.effect} ({row.cite}{flag}): the dose may not "
        "have been adequate"
    )


_WORD = re.compile(r"[a-z][a-z-]+")


@cache
def _inducer_names() -> frozenset[str]:
    """Every drug some row is lowered by: read from `table()` (itself read once per process)
    once, not per chart (issue 14)."""
    return frozenset(n for row in table().values() for n in row.lowered_by)


def running_inducers(record: PatientRecord) -> tuple[Trial, ...]:
    """The inducer courses running on the as-of date (any drug some row is lowered by), the
    latest course of each."""
    inducers = _inducer_names()
    latest: dict[str, Trial] = {}
    for t in sorted(record.trials, key=lambda t: (t.end, t.start)):
        if t.ongoing and t.role is Role.INTERACTING and t.ingredient in inducers:
            latest[t.ingredient] = t
    return tuple(latest.values())


def switch_line(record: PatientRecord, offered: Iterable[str]) -> str | None:
    """One caveat line for a switch or adjunct list when an inducer runs and the list offers
    drugs whose levels it lowers (review 12 recheck part 2 #10: mirtazapine and vortioxetine
    were offered beside carbamazepine with no word): "Carbamazepine 400 mg/day (running since
    2019-01-07)", or "Carbamazepine (running since 2019-01-07; 400 mg/day since 2026-06-01)" when
    its dose changed (`_running_since`), "a CYP3A4 inducer, beside options listed: lowers mirtazapine levels (...; Remeron
    label 7 and 12.3); lowers vortioxetine levels (...). A usual dose of these may not be enough:
    ...". None when no inducer runs or no offered drug is one it lowers (nearly every chart: the
    inducer is read first)."""
    running = running_inducers(record) if record.trials else ()
    if not running:
        return None
    words = set(_WORD.findall(" ".join(offered).lower()))
    lines = []
    for inducer in running:
        hit = [
            row
            for name, row in table().items()
            if name in words and inducer.ingredient in row.lowered_by
        ]
        if not hit:
            continue
        named = "; ".join(
            # "lowers mirtazapine levels (...)" names its drug; "may lower tricyclic levels" does
            # not, so the drug goes first.
            ("" if row.ingredient in row.effect else f"{row.ingredient}: ")
            + f"{row.effect} ({row.cite}{', UNVERIFIED' if row.status == 'UNVERIFIED' else ''})"
            for row in hit
        )
        who, since = _running_since(inducer)
        lines.append(
            f"{who[:1].upper()}{who[1:]} (running {since}), a {inducer.drug_class}, beside "
            "options listed: "
            f"{named}. A usual dose of these may not be enough: judge it by response (or a "
            "level), or prefer an option it lowers less."
        )
    return " ".join(lines) or None


def _running_since(trial: Trial) -> tuple[str, str]:
    """A running inducer named by its present dose and the day that dose began, as every card
    names a running dose (trial_dates.dose_since): ("carbamazepine", "since 2025-12-01; 400
    mg/day since 2026-06-01"), never its highest dose beside the course's start (review s20
    item 1); ("carbamazepine", "since 2025-12-01") when no daily dose is read."""
    last = trial.segments[-1] if trial.segments else None
    if last is None or last.mg_per_day is None or last.as_needed:
        return trial.ingredient, f"since {trial_dates.start_text(trial)}"
    return trial_dates.dose_since(trial, f"{fmt_mg(last.mg_per_day)} mg/day")


def _course_named(trial: Trial) -> str:
    """An inducer course beside a trial, named as every card names a course's dose (the
    trial_dates "since" rule: session 20 item L5-4): "carbamazepine 400 mg/day (since
    2023-01-09)", "carbamazepine (since 2023-01-09; 400 mg/day since 2023-03-06)", with its end
    when it ended ("...; ended 2023-08-01"); never its highest dose beside the course's start."""
    who, since = _running_since(trial)
    ended = "" if trial.ongoing else f"; ended {trial.end.isoformat()}"
    return f"{who} ({since}{ended})"
