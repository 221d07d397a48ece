"""An antiseizure drug running with no seizure disorder coded: a TMS safety-screen item, and no
bupropion until it is settled (fix tms43, review K30c v31).

A chart with levetiracetam filled monthly and no seizure code got a TMS card whose contraindication
line read "Met ... No epilepsy/seizure disorder ... recognised", and a bupropion switch: the drug
itself says a seizure disorder is likely (LCD L37086 contraindicates TMS in seizure disorders,
REFERENCE.md 3.2/3.4; the bupropion labels and CPS 2023 Table 6 in a seizure disorder). The
service already takes the safer reading for a single coded seizure (R56.9: "held as one here");
a drug is weaker evidence than a code, so it asks rather than holds: a TMS_CAUTION finding,
named on the TMS card's "safety screen first" line as a pacemaker or a brain tumour is, and an
ANTISEIZURE_UNEXPLAINED finding beside it, which the bupropion rows of drug_cautions.csv read.

Which drugs, and what explains them, is data (data/antiseizure_uses.csv, each row with why and
its source): a drug whose main use is epilepsy is asked about unless its order states another use;
a drug of several uses (gabapentin, valproate, clonazepam, ...) is not asked about when its order
states a use or a diagnosis the row names is on record (bipolar disorder for valproate, anxiety
for clonazepam). Otherwise it is asked about: the safer error for the patient is to ask.

A seizure disorder already on record (EPILEPSY) holds TMS and bupropion by itself: nothing is
added then. A seizure code stated as an order's reason (levetiracetam ordered for G40.909, nothing
on the problem list) is a coded seizure disorder as well: an EPILEPSY finding, read from the
reason, holds them as the problem-list entry would (fix tms44, recheck K32a finding 2: the card
asked "seizure disorder?" of an order saying epilepsy, and the bupropion order only warned).
A condition the drug treats on record (gabapentin beside E11.42 on the problem list) is read by
fhir_mapping/condition_indications.py as the course's stated reason, so it explains the drug as
the order's own reason would (fix tms44, recheck K32a finding 8). Read by
pathway.derive_facts, beside withdrawal_now.current_withdrawal.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import ICD10CM, SNOMED
from fhir_mapping.record import Finding, FindingKind, PatientRecord, Trial
from fhir_mapping.status_to_confirm import STATUS_TO_CONFIRM
from fhir_mapping.text_lines import risk_kinds
from fhir_mapping.trial_parts import IndicationCategory, StatedReason

ByKind = dict[FindingKind, tuple[Finding, ...]]

_EPILEPSY = FindingKind.EPILEPSY
_CAUTION = FindingKind.TMS_CAUTION
_UNEXPLAINED = FindingKind.ANTISEIZURE_UNEXPLAINED
# A reason the order states and a table classifies (pain, migraine, anxiety) says why the drug
# was given; one in no table (a local code, or a seizure code the tables do not read) or not
# resolved does not. Depression explains only a drug whose row names it (lamotrigine, a CANMAT
# adjunct): levetiracetam ordered against the depression diagnosis is a charting slip (K30c v31).
_SAYS_WHY = frozenset({IndicationCategory.PSYCHIATRIC_OTHER, IndicationCategory.NON_PSYCHIATRIC})
_DEPRESSION_REASON = IndicationCategory.DEPRESSION
_DEPRESSION = FindingKind.DEPRESSION


@dataclass(frozen=True, slots=True)
class AntiseizureUse:
    ingredient: str
    epilepsy_main: bool  # main_use "epilepsy": only a use stated on the order explains it
    explained_by: frozenset[FindingKind]  # diagnoses on record that explain it (several uses)
    why: str
    source: str
    status: str


@cache
def uses() -> dict[str, AntiseizureUse]:
    """ingredient -> its row of data/antiseizure_uses.csv."""
    text = resources.files("services").joinpath("data/antiseizure_uses.csv").read_text("utf-8")
    return {
        row["ingredient"]: AntiseizureUse(
            ingredient=row["ingredient"],
            epilepsy_main=row["main_use"] == "epilepsy",
            explained_by=frozenset(FindingKind(k) for k in row["explained_by"].split(";") if k),
            why=row["why"],
            source=row["source"],
            status=row["status"],
        )
        for row in csv.DictReader(text.splitlines())
    }


def _unexplained(trial: Trial, use: AntiseizureUse, by_kind: ByKind) -> bool:
    depression_explains = _DEPRESSION in use.explained_by
    for reason in trial.stated_reasons:
        if reason.category in _SAYS_WHY or (
            depression_explains and reason.category is _DEPRESSION_REASON
        ):
            return False
    if use.epilepsy_main:
        return True
    return not any(by_kind.get(kind) for kind in use.explained_by)


def _display(trial: Trial) -> str:
    """ "levetiracetam running, no indication coded: seizure disorder?", or with the reason
    its order states when no table reads it ("ordered for G40.909")."""
    stated = [r.text for r in trial.stated_reasons if r.category is IndicationCategory.UNCLASSIFIED]
    if stated:
        why = "; ".join(dict.fromkeys(stated))
        return f"{trial.ingredient} running (ordered for {why}), no seizure disorder coded: seizure disorder?"
    return f"{trial.ingredient} running, no indication coded: seizure disorder?"


# indications.py shows a reason's ICD-10-CM code as written, else "SNOMED CT <code>".
_SNOMED_SHOWN = "SNOMED CT "


def _seizure_reason(reason: StatedReason) -> Finding | None:
    """An EPILEPSY finding when the reason's code is a seizure code of condition_codes.csv (the
    table the problem list is read with), or, no such code given, its words name a seizure as a
    text-only problem entry's would (diagnosis_terms.csv `seizure*`, `convulsion*`, `sz`: fix
    dx61, levetiracetam "for seizures" was asked about, not held; "seizure prophylaxis" is a
    look-alike, still asked about as an unexplained drug), else None."""
    if reason.from_condition:
        return None  # a Condition on record is read as a finding already
    code = reason.code
    if code:
        system = SNOMED if code.startswith(_SNOMED_SHOWN) else ICD10CM
        bare = code.removeprefix(_SNOMED_SHOWN)
        for row in condition_matches(system, bare):
            if row.kind is _EPILEPSY:
                return Finding(
                    _EPILEPSY,
                    bare,
                    system,
                    reason.label,
                    None,
                    reason.source,
                    named_as=row.named_as,
                )
    if _EPILEPSY in risk_kinds(reason.label.lower()):
        # An antiseizure drug alone is no seizure (mood, pain); one ordered for a seizure is.
        return Finding(_EPILEPSY, "", "text", reason.label, None, reason.source)
    return None


def _seizure_reasons(record: PatientRecord) -> tuple[Finding, ...]:
    """EPILEPSY findings read from the reasons the chart's orders state, dated by the course."""
    found: dict[str, Finding] = {}
    for trial in record.trials:
        for reason in trial.stated_reasons:
            finding = _seizure_reason(reason)
            if finding is not None and finding.code not in found:
                # Dated by the course, and said to be the order's reason, not a problem-list entry.
                said = f"the {trial.ingredient} order's reason"
                found[finding.code] = replace(finding, onset=trial.start, recorded=said)
    return tuple(found.values())


def _maybe_running(
    record: PatientRecord, table: dict[str, AntiseizureUse], running: set[str], by_kind: ByKind
) -> tuple[Finding, ...]:
    """ANTISEIZURE_UNEXPLAINED findings for antiseizure drugs a record whose status is `unknown`
    says are possibly taken now (status_to_confirm.py: DataGap.taken_now, no end stated long
    past), not running as a trial too (fix drug50, recheck K35b finding 7: a levetiracetam
    statement `unknown` read "Contraindications Met" and offered bupropion). Such a record states
    no use the tables read, so only a diagnosis on record explains a drug of several uses."""
    found: dict[str, Finding] = {}
    for gap in record.gaps:
        if gap.reason != STATUS_TO_CONFIRM:
            continue
        for ingredient in gap.taken_now:
            use = table.get(ingredient)
            if use is None or ingredient in running or ingredient in found:
                continue
            if use.epilepsy_main or not any(by_kind.get(k) for k in use.explained_by):
                said = f"{ingredient} possibly running (status unknown), no indication coded"
                found[ingredient] = Finding(
                    _UNEXPLAINED,
                    "",
                    "",
                    f"{said}: seizure disorder?",
                    gap.recorded,
                    gap.source,
                    onset_recorded=True,  # the record's day, not an onset
                )
    return tuple(found.values())


def with_antiseizure_question(by_kind: ByKind, record: PatientRecord) -> ByKind:
    """`by_kind` with a TMS_CAUTION and an ANTISEIZURE_UNEXPLAINED finding for each antiseizure
    drug running unexplained (module docstring), or with an EPILEPSY finding for a seizure code
    an order states as its reason. Unchanged (the same mapping) when none is."""
    if by_kind.get(_EPILEPSY):
        return by_kind  # a seizure disorder on record already holds TMS and bupropion
    if any(t.stated_reasons for t in record.trials):
        stated = _seizure_reasons(record)
        if stated:
            return {**by_kind, _EPILEPSY: stated}
    table = uses()
    running = [
        (t, table[t.ingredient])
        for t in record.trials
        if t.ongoing and t.on_hold is None and t.ingredient in table
    ]
    maybe = _maybe_running(record, table, {t.ingredient for t, _ in running}, by_kind)
    if not running and not maybe:
        return by_kind  # nearly every chart
    added = (
        tuple(
            Finding(
                _UNEXPLAINED,
                "",
                "",
                _display(t),
                t.start,
                t.sources[-1] if t.sources else None,
            )
            for t, use in running
            if _unexplained(t, use, by_kind)
        )
        + maybe
    )
    if not added:
        return by_kind
    cautions = tuple(replace(f, kind=_CAUTION) for f in added)
    return {
        **by_kind,
        _CAUTION: by_kind.get(_CAUTION, ()) + cautions,
        _UNEXPLAINED: added,
    }
