"""An antidepressant taken with a condition it treats on record, and no depression diagnosis: read
as treatment of that condition, not as a depression trial (review 19 I2).

Orders often state no reason (a dispense never does), so indications.py's stated reasons leave
such a course counted. But duloxetine filled for 18 months beside fibromyalgia (M79.7) on the
problem list, with no depression recorded anywhere, is fibromyalgia treatment: counting it as a
failed depression trial proposed a switch (which would stop the fibromyalgia treatment too) or
an antipsychotic adjunct, while the same chart with M79.7 as the order's reasonCode got no card.

The rule, one place: a course of the antidepressant role that states no reason on any order or
statement, not already judged no trial, whose ingredient treats (data/indication_drugs.csv) a
non-psychiatric use (data/indication_codes.csv, read as indications.py reads a reason) of a
Condition active on the as-of date (conditions.py's reading: clinicalStatus, abatement, onset;
refuted and entered-in-error dropped; a suspected one, unconfirmed, provisional or
differential, is not read: it does not say why the drug was given) and not first recorded after
the course ended is judged NOT_A_TRIAL
(InadequacyReason.OTHER_INDICATION, as a stated reason would make it), its StatedReason read
from the Condition (StatedReason.from_condition).

Kept safe: a depression diagnosis on record wins (findings.DEPRESSION_DIAGNOSIS_KINDS, or a
depression reason stated on any course): nothing changes then, as a depression beside the pain
may be what the drug treats. A drug the table does not pair with the condition (sertraline beside
fibromyalgia) is counted as before. The course stays in view of every safety check, and the PHQ-9
is not dropped: with a PHQ-9 in a depression band the diagnosis review asks for an assessment for
a major depressive episode (services/rules/diagnosis_psychiatric.py).

A drug off the pathway (role interacting: gabapentin, pregabalin, topiramate, valproate) whose
course states no reason is given the condition it treats on record (indication_drugs.csv) as its
stated reason, its verdict untouched (it is no trial): the TMS safety screen's antiseizure
question reads it as the order's own reason (services/antiseizure_screen.py). Gabapentin beside
E11.42 on the problem list was asked "seizure disorder?" and bupropion withheld (fix tms44,
recheck K32a finding 8). A depression on record does not change that reading: these drugs do not
treat it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.adverse_effect_codes import names_adverse_effect
from fhir_mapping.conditions import _SUSPECTED, _condition_state, condition_onset, wants_condition
from fhir_mapping.fhir_fields import parse_date, source_ref, status_code
from fhir_mapping.findings import DEPRESSION_DIAGNOSIS_KINDS, Finding
from fhir_mapping.indications import read_concept
from fhir_mapping.record import (
    InadequacyReason,
    IndicationCategory,
    Role,
    SourceRef,
    StatedReason,
    Trial,
    Verdict,
)

Resource = Mapping[str, Any]

_NON_PSYCHIATRIC = IndicationCategory.NON_PSYCHIATRIC
_DEPRESSION = IndicationCategory.DEPRESSION
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_INTERACTING = Role.INTERACTING
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
# A diagnosis entered as suspected does not say why a drug was given.
# The source the filter's reading names (`names_treated_use` reads only its category and label;
# indications.py remembers readings by the concept alone).
_FILTER_SOURCE = SourceRef("Condition", "")


@cache
def treats() -> Mapping[str, frozenset[str]]:
    """indication_codes.csv label -> the ingredients data/indication_drugs.csv says treat it."""
    text = resources.files("fhir_mapping").joinpath("data/indication_drugs.csv")
    found: dict[str, set[str]] = {}
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        found.setdefault(row["label"], set()).add(row["ingredient"])
    return {label: frozenset(names) for label, names in found.items()}


def _reason(resource: Resource, as_of: date) -> tuple[StatedReason, date | None] | None:
    """The non-psychiatric use one Condition names while active on `as_of`, as a StatedReason
    sourced to it, with its onset (else recorded date; None: not stated); None for any other
    Condition."""
    verification = status_code(resource.get("verificationStatus"))
    if verification in _SUSPECTED:
        return None
    onset = condition_onset(resource) or parse_date(resource.get("recordedDate"))
    if _condition_state(resource, as_of, verification, onset) != "active":
        return None
    source = source_ref(resource)
    if source is None:
        return None
    reason = read_concept(resource.get("code"), source)
    if reason is None or reason.category is not _NON_PSYCHIATRIC or reason.label not in treats():
        return None
    return reason, onset


def names_treated_use(concept: object) -> bool:
    """Whether a Condition's code names a use some antidepressant treats."""
    reading = read_concept(concept, _FILTER_SOURCE)
    return (
        reading is not None and reading.category is _NON_PSYCHIATRIC and reading.label in treats()
    )


def wants_condition_or_use(resource: Resource) -> bool:
    """The cheap filter build_record asks of a Condition (resource_routing.WANTS): one a finding
    is read from (conditions.wants_condition), or one naming a use an antidepressant treats, so
    that it reaches `with_condition_indications`."""
    code = resource.get("code")
    # An antidepressant adverse-effect code (T43.225A) marks the course it ended (RC s23 f. 3).
    return wants_condition(resource) or names_treated_use(code) or names_adverse_effect(code)


def depression_on_record(trials: Iterable[Trial], findings: Iterable[Finding]) -> bool:
    """A depression diagnosis on record: a finding of findings.DEPRESSION_DIAGNOSIS_KINDS, or
    depression stated as the reason of any course (the prescriber's diagnosis on the order). The
    one reading of "no depression diagnosis" here and on the diagnosis review's line."""
    if any(f.kind in DEPRESSION_DIAGNOSIS_KINDS for f in findings):
        return True
    return any(r.category is _DEPRESSION for t in trials for r in t.stated_reasons)


def _note(ingredient: str, reasons: Sequence[StatedReason]) -> str:
    named = "; ".join(dict.fromkeys(r.text for r in reasons))
    return (
        f"{ingredient} taken with {named} on record and no depression diagnosis: not counted "
        "as a depression trial; it still counts in the interaction, serotonin, dose and renal "
        "checks"
    )


def _off_pathway_courses(trials: tuple[Trial, ...]) -> list[Trial]:
    """The courses of a drug off the pathway that state no reason and treat some use of the
    table (module docstring)."""
    if not any(t.role is _INTERACTING for t in trials):
        return []
    treating = _treating()
    return [
        t
        for t in trials
        if t.role is _INTERACTING and not t.stated_reasons and t.ingredient in treating
    ]


@cache
def _treating() -> frozenset[str]:
    """Every ingredient indication_drugs.csv names."""
    return frozenset(name for names in treats().values() for name in names)


def with_condition_indications(
    trials: tuple[Trial, ...],
    conditions: Iterable[Resource],
    findings: Iterable[Finding],
    *,
    as_of: date,
) -> tuple[Trial, ...]:
    """`trials`, each course the module docstring's rule reads as treatment of a condition on
    record judged NOT_A_TRIAL with that condition as its reason; the others unchanged."""
    open_courses = [
        t
        for t in trials
        if t.role is _ANTIDEPRESSANT and not t.stated_reasons and t.verdict is not _NOT_A_TRIAL
    ]
    # Drugs off the pathway that treat a use of the table (module docstring): named, not judged.
    off_pathway = _off_pathway_courses(trials)
    if not open_courses and not off_pathway:
        return trials  # nearly every chart: no course to read a condition for
    if open_courses and depression_on_record(trials, findings):
        open_courses = []
        if not off_pathway:
            return trials
    reasons = [r for c in conditions if (r := _reason(c, as_of)) is not None]
    if not reasons:
        return trials
    table = treats()
    candidates = {id(t) for t in open_courses}
    named = {id(t) for t in off_pathway}
    judged: list[Trial] = []
    for trial in trials:
        # A condition first recorded after the course ended is not why it was taken.
        matched = (
            [
                r
                for r, onset in reasons
                if trial.ingredient in table[r.label] and (onset is None or onset <= trial.end)
            ]
            if id(trial) in candidates or id(trial) in named
            else []
        )
        if not matched:
            judged.append(trial)
            continue
        unique = tuple({(r.label, r.code): r for r in matched}.values())
        if id(trial) in named:  # its reason named, nothing judged (module docstring)
            judged.append(replace(trial, stated_reasons=unique))
            continue
        judged.append(
            replace(
                trial,
                verdict=_NOT_A_TRIAL,
                reasons=(InadequacyReason.OTHER_INDICATION,),
                stated_reasons=unique,
                adequate_from=None,
                notes=(*trial.notes, _note(trial.ingredient, unique)),
            )
        )
    return tuple(judged)
