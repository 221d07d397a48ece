"""The packet's words: dates, code systems, findings, counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir_mapping.code_systems import CPT, ICD9CM, ICD10CM, LOINC, RXNORM, SNOMED
from fhir_mapping.record import Finding, Trial
from services import bipolar_findings, taken_to_confirm, trial_count
from services.card_format import STOPPED_UNMEASURED as STOPPED_UNMEASURED
from services.card_format import plural as plural
from services.card_format import record_cite
from services.timeline.wording import day_text as day_text  # one date style on both pages

# How a reader names a code system; FHIR's URI where the system has no short name.
_SYSTEM_NAMES = {
    SNOMED: "SNOMED CT",
    ICD10CM: "ICD-10-CM",
    ICD9CM: "ICD-9-CM",
    LOINC: "LOINC",
    CPT: "CPT",
    RXNORM: "RxNorm",
}


def system_name(system: str) -> str:
    return _SYSTEM_NAMES.get(system, system)


def code_text(system: str, code: str) -> str:
    """ "ICD-10-CM F33.2"; "" when there is no code (a finding read from free text)."""
    if not code:
        return ""
    return f"{system_name(system)} {code}" if system else code


def maybe_day(day: date | None, missing: str = "date not recorded") -> str:
    return day_text(day) if day is not None else missing


def span_text(first: date, last: date) -> str:
    return day_text(first) if first == last else f"{day_text(first)} – {day_text(last)}"


def finding_text(finding: Finding) -> str:
    """What the chart says, its code and onset: "Presence of cardiac pacemaker (ICD-10-CM Z95.0,
    since 4 Mar 2019)", its resource id only when undated; a manic reaction is an event "on" its
    day (services/bipolar_findings.py)."""
    when = bipolar_findings.when_word(finding)
    parts = [
        code_text(finding.system, finding.code),
        # A partial onset as written, "2024 (year only)" (review 10 recheck R7).
        f"{when} {finding.onset_text if finding.onset_written else day_text(finding.onset)}"
        if finding.onset
        else "date not recorded",
        # Its id only when it has no onset to name it by (cards.record_cite, session 21: the
        # packet's safety section printed "Condition/abc" beside a dated finding).
        record_cite(finding.source, finding.onset is not None, "{}"),
    ]
    return f"{finding.display or finding.code} ({', '.join(p for p in parts if p)})"


def inferred_text(counted: Sequence[Trial]) -> str:
    """ "; to confirm: sertraline (stopped, response not measured)" after a count of trials
    the criteria counted, "" when each counted failure was measured and rests on an order or a
    fill. Review s27 RB finding 2: the summary said "2 counted (sertraline, venlafaxine), 2
    classes" where the cards say "1 adequate trial failed, 1 stopped unmeasured" and the payer
    row "Met, to confirm". Recheck K4 s27 finding 3: a course only reported (`reported_text`)
    is named to confirm too, as its adherence cell and the payer row say."""
    said: dict[str, list[str]] = {}  # why -> the drugs, each named once
    named: set[str] = set()
    for t in counted:
        # Every mark of the course, not only the first (recheck K6 s28 finding 5: fluoxetine,
        # self-reported and stopped unmeasured, was named only as stopped).
        why = "; ".join(confirm_marks(t)) or None
        if why is not None and t.ingredient not in named:
            named.add(t.ingredient)
            said.setdefault(why, []).append(t.ingredient)
    if not said:
        return ""
    return "; to confirm: " + "; ".join(f"{', '.join(n)} ({why})" for why, n in said.items())


def confirm_marks(trial: Trial) -> list[str]:
    """What is to confirm of a counted course, each mark once: what it rests on
    (`reported_text`), the listing nothing since confirms (`listing_text`), then its failure
    read from the stop (`is_inferred`); [] for a measured failure an order or a fill shows."""
    marks = [m for m in (reported_text(trial), listing_text(trial)) if m is not None]
    return marks + [STOPPED_UNMEASURED] if is_inferred(trial) else marks


def listing_text(trial: Trial) -> str | None:
    """ "order of 7 Oct 2024 still active, never filled or renewed" for a counted course the
    record lists with nothing since to show it taken (Trial.unconfirmed_since: the cards' "to
    confirm", services/trial_count.unconfirmed_text), in the trial row's words
    (taken_to_confirm.trial_listing); None for any other. Review s29 RM finding 2: an order never
    filled read "Trials for TMS: 1 counted" and "yes: failed" beside its own row's "not counted:
    never filled or renewed" and the adherence card's "confirm it is still taken before counting
    it as a trial"."""
    if trial_count.unconfirmed_text(trial) is None:
        return None
    return taken_to_confirm.trial_listing(trial, day_text)


def reported_text(trial: Trial) -> str | None:
    """ "self-reported" for a course only the patient reports, "medication list only" for one
    only a clinician's or an outside list entry shows (Trial.statement_only: a statement, or a
    reported order, recheck K4 s27 finding 3), as the trial row says; None for any other."""
    if trial.patient_reported:
        return "self-reported"
    return "medication list only" if trial.statement_only else None


def is_inferred(trial: Trial) -> bool:
    """A failure read from the stop alone (no PHQ-9 on the drug): counted, to confirm."""
    return trial.failed and trial.outcome_inferred
