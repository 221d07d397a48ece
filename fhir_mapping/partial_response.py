"""A partial response: a PHQ-9 drop of at least 25 % and under 50 % from the course's baseline
(data/response_bands.csv, with its sources).

Review 17 W4: venlafaxine 225 mg/day, PHQ-9 20 -> 12 (40 %) was "no response" and listed as
"Failed, not proposed" for a switch. It still counts as a course without response (< 50 %,
REFERENCE.md rule 4: the TRD count is unchanged), but it is named as what it is, and CANMAT 2023
para 190 ("add adjunct first when partial response and good tolerability") changes what the
optimise card puts first for the drug still running.

Apart from trial.py: a reading of a Trial's pair, asked only where a card or --explain words an
outcome, so Trial itself (read on every card, issue 14) is not touched. Kept once read, in a slot
of the trial (trial_outcome.py `kept`): the cards of one evaluation ask it again of the same
trials (23 readings of 3 trials on a typical first sight), and it reads only the trial's own
fields and a table read once per process.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from fhir_mapping.record import Trial
from fhir_mapping.trial_outcome import kept


@cache
def _band() -> tuple[float, float]:
    """(lowest drop, drop it stays below), in percent, of the partial band."""
    text = resources.files("fhir_mapping").joinpath("data/response_bands.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["band"] == "partial":
            return float(row["drop_percent_from"]), float(row["drop_percent_below"])
    raise LookupError("data/response_bands.csv has no 'partial' row")


def partial_from() -> float:
    """The smallest drop, in percent, read as a partial response (data/response_bands.csv)."""
    return _band()[0]


def drop_percent(trial: Trial) -> float | None:
    """The drop from the course's baseline to its score on treatment, in percent (may be
    negative: a rise), or None without both scores or with a baseline of 0."""
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None or before.value is None or after.value is None:
        return None
    if before.value == 0:
        return None
    return (before.value - after.value) * 100 / before.value


def baseline_on_treatment(trial: Trial) -> bool:
    """Whether the course's baseline was taken while the drug was already being taken (review
    s19 a10: an outside psychiatrist's bupropion on the home medication list, PHQ-9 4 at the
    visit that recorded it, 3 later, read as "partial response (25 %)"). A response is measured
    from the score before the drug started; a course that rests on reports only (Trial.
    report_only: the patient's, or a medication-list statement whoever entered it, since branch
    statementraise) or is dated only by the day it was entered (Trial.entry_dated) starts on the
    day it was written down, when the drug was already taken, so a baseline on or after that day
    is an on-treatment score. A prescribed course's baseline from its first days
    (MappingPolicy.baseline_days_after) is the start's own and stays a baseline."""
    baseline = trial.baseline
    return (
        baseline is not None
        and (trial.report_only or trial.entry_dated)
        and baseline.date >= trial.start
    )


@kept("_kept_partial_response")
def partial_response(trial: Trial) -> float | None:
    """The drop in percent when the course's outcome is a partial response (no response by the
    50 % rule, a drop of 25 % or more), else None. Not for a pair the mild-baseline rule does
    not judge (Trial.mild_residual): there the drop is residual mild symptoms, not a band. Nor
    from an on-treatment baseline (`baseline_on_treatment`): the drop is not the drug's, so no
    card calls it a partial response or puts an adjunct first for it (CANMAT para 190)."""
    if trial.response is not False or trial.mild_residual or baseline_on_treatment(trial):
        return None
    drop = drop_percent(trial)
    low, high = _band()
    if drop is None or not low <= drop < high:
        return None
    return drop


def partial_text(trial: Trial) -> str | None:
    """ "partial response (40 %)", or None when the outcome is not a partial response."""
    drop = partial_response(trial)
    return None if drop is None else f"partial response ({drop:.0f} %)"


def response_words(trial: Trial) -> str:
    """The outcome of a pair with both scores, as --explain and the timeline word it:
    "response", "partial response (40 %)" or "no response"; from an on-treatment baseline
    (`baseline_on_treatment`) the change itself, "25 % drop from an on-treatment score", as no
    response or partial response can be measured from it."""
    if baseline_on_treatment(trial):
        drop = drop_percent(trial)
        if drop is None:
            return "change not measured (on-treatment baseline of 0)"
        change = f"{drop:.0f} % drop" if drop >= 0 else f"{-drop:.0f} % rise"
        return f"{change} from an on-treatment score"
    if trial.response:
        return "response"
    if "response" in trial.unsettled:  # its readings differ on it (review s27 K3 finding 2)
        return "response to confirm"
    return partial_text(trial) or "no response"
