"""A running medication the service cannot identify: a TMS safety-screen item, and no bupropion
until it is identified (fix drug48, recheck K32a finding 3).

An active order whose drug is an RxNorm code the tables do not hold, with no display and no text
(or a contained Medication with only such a code) was a data gap named on the optimise card only:
the TMS card said "No epilepsy/seizure disorder ... recognised", read the contraindication screen
as Met, and bupropion was offered one-click, though the drug could be an antiseizure drug (a
seizure disorder not coded: LCD L37086 contraindicates TMS, the bupropion labels contraindicate
bupropion), an MAOI or lithium. It is asked about as fix tms43 asks about an antiseizure drug
running with no seizure disorder coded (antiseizure_screen.py): a TMS_CAUTION finding, named on
the TMS card's "safety screen first" line and in the criterion ("to screen"), and a
DRUG_UNIDENTIFIED finding beside it, which the bupropion rows of data/drug_cautions.csv read.

Which records: a medication record the mapping could not identify at all (medication_drug.
UNIDENTIFIED_REASONS) that says it is taken now (DataGap.said_taken: an active or on-hold order,
an active statement, a fill whose supply still runs: fhir_mapping/unidentified_taken.py, fix
drug49; an order or a statement whose status is `unknown` and states no end long past, worded as
possibly running: fix drug50; a text that is a number beside fill-in words, "Medication 4471",
names no drug: fix drug51). A drug with a readable name that is simply off the pathway ("ezetimibe 10
mg tablet") is identified and is no such record, unless its order states depression as its reason
(fhir_mapping/depression_unknown_name.py, fix meds47); nor is a stopped order. The order checks at an
MAOI or antidepressant draft already say these records were left out (unidentified_running.py).
A seizure disorder on record holds TMS and bupropion by itself: nothing is added then. Words:
data/unidentified_drug_words.csv.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import DataGap, Finding, FindingKind, PatientRecord, SourceRef
from services.antiseizure_screen import ByKind, with_antiseizure_question
from services.masked_diagnosis import with_masked_diagnoses
from services.masked_records import with_masked_implants

_EPILEPSY = FindingKind.EPILEPSY
_CAUTION = FindingKind.TMS_CAUTION
_UNIDENTIFIED = FindingKind.DRUG_UNIDENTIFIED


@dataclass(frozen=True, slots=True)
class Words:
    screen_item: str  # "running medication not identified"
    screen_ask: str  # "check it is not an antiseizure drug before referral"
    no_code: str  # the bupropion line's name of a record with no drug code read
    criterion: str  # the contraindication screen's seizure clause
    # The word before the record's day by its kind ("ordered", "filled", "stated": fix drug49),
    # by resource type; and the words of a fill's days of supply ("{days} days").
    dated: dict[str, str]
    supply: str
    # The running-drug card's line of a drug running beside such a record (fix drug49): "{drug}
    # running beside a medication not identified ({codes}): rule out an antiseizure drug or an
    # MAOI".
    running_beside: str
    # Such a record whose status is `unknown` (DataGap.said_unknown, fix drug50): the screen
    # item's name ("possibly running medication not identified") and the words after its day
    # ("status unknown").
    screen_item_unknown: str
    status_unknown: str
    # The optimise card's paragraph beside its options (unidentified_options.py, fix meds46).
    options_check: str


@cache
def words() -> Words:
    """The card words of data/unidentified_drug_words.csv, by their `use`."""
    text = resources.files("services").joinpath("data/unidentified_drug_words.csv")
    rows = {r["use"]: r["words"] for r in csv.DictReader(text.read_text("utf-8").splitlines())}
    dated = {k.removeprefix("dated "): v for k, v in rows.items() if k.startswith("dated ")}
    return Words(
        rows["screen_item"],
        rows["screen_ask"],
        rows["no_code"],
        rows["criterion"],
        dated,
        rows["supply"],
        rows["running_beside"],
        rows["screen_item_unknown"],
        rows["status_unknown"],
        rows["options_check"],
    )


def dated_as(gap: DataGap) -> str | None:
    """ "ordered 2025-03-10", "filled 2026-11-21, 30 days", "stated 2026-01-05": the record's
    day as its kind says what the day is (fix drug49: "recorded" said nothing of it); None when
    the record has no day of its own."""
    w = words()
    if gap.recorded is None or gap.source is None:
        return w.status_unknown if gap.said_unknown else None
    word = w.dated.get(gap.source.resource_type, "recorded")
    days = f", {w.supply.format(days=gap.supply_days)}" if gap.supply_days else ""
    unknown = f", {w.status_unknown}" if gap.said_unknown else ""
    return f"{word} {gap.recorded.isoformat()}{days}{unknown}"


def running_unidentified(gaps: Sequence[DataGap]) -> list[DataGap]:
    """The records among `gaps` whose drug could not be identified and which say it is taken now,
    one per resource."""
    found: dict[SourceRef, DataGap] = {}
    for gap in gaps:
        if gap.said_taken and gap.source is not None:
            found.setdefault(gap.source, gap)
    return list(found.values())


def screen_item(gap: DataGap) -> str:
    """ "running medication not identified (RxNorm 2599543): check it is not an antiseizure drug
    before referral", "(NDC 0093-7198-56)", "(\"Medication 4471\")": what the record states that
    a reader can look up (DataGap.stated, drug_concept.unread_names; fix drug51); without the
    parenthesis when it states none."""
    w = words()
    codes = f" ({gap.stated})" if gap.stated else ""
    name = w.screen_item_unknown if gap.said_unknown else w.screen_item
    return f"{name}{codes}: {w.screen_ask}"


def with_drug_questions(by_kind: ByKind, record: PatientRecord) -> ByKind:
    """`by_kind` with the antiseizure question (antiseizure_screen.py) and the masked diagnoses
    (masked_diagnosis.py), then a TMS_CAUTION and a
    DRUG_UNIDENTIFIED finding for each record that says its drug is taken now though it could not
    be identified (module docstring). Unchanged (the same mapping) when none is."""
    by_kind = with_antiseizure_question(by_kind, record)
    # A diagnosis sent with its code masked is screened too (masked_diagnosis.py, fix mask47).
    by_kind = with_masked_diagnoses(by_kind, record)
    # So is a procedure or device sent with its code masked (masked_records.py, fix mask48).
    by_kind = with_masked_implants(by_kind, record)
    if not record.gaps or by_kind.get(_EPILEPSY):
        return by_kind  # nearly every chart; a seizure disorder holds TMS and bupropion already
    found = running_unidentified(record.gaps)
    if not found:
        return by_kind
    no_code = words().no_code
    # Dated by the record's own day as its kind says it ("ordered", "filled", "stated"), never
    # "since" (Finding.dated_as).
    screen = tuple(
        Finding(
            _CAUTION,
            "",
            "",
            screen_item(g),
            g.recorded,
            g.source,
            onset_recorded=True,
            dated_as=dated_as(g),
        )
        for g in found
    )
    named = tuple(
        Finding(
            _UNIDENTIFIED,
            "",
            "",
            g.stated or no_code,
            g.recorded,
            g.source,
            onset_recorded=True,
            dated_as=dated_as(g),
        )
        for g in found
    )
    return {**by_kind, _CAUTION: by_kind.get(_CAUTION, ()) + screen, _UNIDENTIFIED: named}
