"""A Procedure or Device whose code is masked or absent by a data-absent-reason, on the TMS safety
screen with the referral held; an AllergyIntolerance so masked, over the optimise card's drug
one-clicks, held (fix mask48: mask47's approach, services/masked_diagnosis.py, for the other
records a conclusion rests on).

The mapping names each as a DataGap (fhir_mapping/masked_codes.py: MASKED_PROCEDURE,
MASKED_DEVICE, MASKED_ALLERGY); what the record was is never guessed. Here:
- a masked Procedure or Device becomes a TMS_CAUTION finding, named on the TMS card's "safety
  screen first" line, in the contraindication criterion ("to screen": it never says no metal or
  stimulator was recognised, rules/tms_referral_criteria.py) and in the referral summary's
  screen (packet/safety.py lists every TMS_CAUTION, so it no longer says "no other TMS safety
  item recognised"). Not added beside a seizure disorder or an implant on record: either removes
  the TMS card by itself.
- it holds the TMS referral's one-click (rules/tms_referral_held.py `_masked_record`): a
  stimulator, a cochlear implant or an aneurysm clip on record removes the TMS card (the
  absolute rows of fhir_mapping/data/tms_safety_*.csv), so a record that may be one is settled
  before the referral is endorsed. The safer choice for the patient: the clinician, who can
  usually open the entry in the EHR, loses one typed order; a referral one click away past a
  masked deep brain stimulator is the harm avoided.
- a masked AllergyIntolerance holds the optimise card's drug proposals (rules/masked_allergy_hold
  .py), under a line that names it: the allergen may be a drug proposed or its class, and the
  EHR's own allergy check does not match a class or a text allergen
  (order_checks/allergies_unread.py), so this service's check is the one that would have spoken.
  Held, not only said: a proposal this service could not check is not endorsed one click;
  psychotherapy and the TMS referral order no drug and stay.
Words: data/masked_record_words.csv.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.masked_codes import MASKED_ALLERGY, MASKED_DEVICE, MASKED_PROCEDURE
from fhir_mapping.record import DataGap, FindingKind, PatientRecord
from services.antiseizure_screen import ByKind
from services.masked_diagnosis import caution_findings

_CAUTION = FindingKind.TMS_CAUTION
# Either removes the TMS card by itself: nothing is added beside it.
_HOLD_TMS = (FindingKind.EPILEPSY, FindingKind.IMPLANTED_DEVICE)
_IMPLANT_REASONS = frozenset({MASKED_PROCEDURE, MASKED_DEVICE})


@dataclass(frozen=True, slots=True)
class Words:
    screen_item: dict[str, str]  # by resource type: "procedure not readable ({reason})"
    screen_ask: str  # "check it is not a stimulator, an implant or metal ... before referral"
    dated: dict[str, str]  # by resource type: "performed"
    criterion: str  # the contraindication screen's implant clause
    what: dict[str, str]  # by resource type: "procedure", "device record"
    hold_step: str  # "identify the unreadable {what}"
    hold_line: str  # the TMS card's held line
    allergy_dated: str  # "recorded"
    allergy_held_by: str  # the optimise card's hold reason
    allergy_line: str  # its line over the held proposals
    order_allergy_summary: tuple[str, ...]  # the order card's summaries, longest first
    order_allergy_line: str  # the order card's line (fix order47)
    order_allergy_more: str  # " 2 more allergy entries were sent so."


def _by_type(rows: dict[str, str], use: str) -> dict[str, str]:
    return {k.removeprefix(f"{use} "): v for k, v in rows.items() if k.startswith(f"{use} ")}


@cache
def words() -> Words:
    """The card words of data/masked_record_words.csv, by their `use`."""
    text = resources.files("services").joinpath("data/masked_record_words.csv")
    rows = {r["use"]: r["words"] for r in csv.DictReader(text.read_text("utf-8").splitlines())}
    return Words(
        _by_type(rows, "screen_item"),
        rows["screen_ask"],
        _by_type(rows, "dated"),
        rows["criterion"],
        _by_type(rows, "what"),
        rows["hold_step"],
        rows["hold_line"],
        rows["allergy_dated"],
        rows["allergy_held_by"],
        rows["allergy_line"],
        tuple(rows["order_allergy_summary"].split("|")),
        rows["order_allergy_line"],
        rows["order_allergy_more"],
    )


def implant_gaps(gaps: Sequence[DataGap]) -> list[DataGap]:
    """The gaps of Procedures and Devices whose code is masked or absent (masked_codes.py)."""
    return [g for g in gaps if g.reason in _IMPLANT_REASONS and g.source is not None]


def allergy_gaps(gaps: Sequence[DataGap]) -> list[DataGap]:
    """The gaps of AllergyIntolerances whose allergen is masked or absent (masked_codes.py)."""
    return [g for g in gaps if g.reason == MASKED_ALLERGY and g.source is not None]


def _kind(gap: DataGap) -> str:
    return gap.source.resource_type if gap.source is not None else "Procedure"


def dated_as(gap: DataGap) -> str | None:
    """ "performed 2019-03-04"; None for a Device (R4 gives it no implant day) or no day."""
    word = words().dated.get(_kind(gap))
    return f"{word} {gap.recorded.isoformat()}" if word and gap.recorded else None


def with_masked_implants(by_kind: ByKind, record: PatientRecord) -> ByKind:
    """`by_kind` with a TMS_CAUTION per masked Procedure or Device, unless a seizure disorder or
    an implant on record removes the TMS card already (module docstring). The same mapping when
    there is none, as on nearly every chart."""
    if not record.gaps or any(by_kind.get(k) for k in _HOLD_TMS):
        return by_kind
    found = implant_gaps(record.gaps)
    if not found:
        return by_kind
    w = words()
    screen = caution_findings(
        found,
        lambda g: f"{w.screen_item[_kind(g)].format(reason=g.stated)}: {w.screen_ask}",
        dated_as,
    )
    return {**by_kind, _CAUTION: by_kind.get(_CAUTION, ()) + screen}


def tms_hold(record: PatientRecord) -> tuple[str, str] | None:
    """The TMS card's held step and line for the first masked Procedure or Device (module
    docstring), or None (nearly always)."""
    found = implant_gaps(record.gaps) if record.gaps else []
    if not found:
        return None
    w = words()
    first = found[0]
    what = w.what[_kind(first)]
    dated = dated_as(first) or ""
    line = w.hold_line.format(what=what, dated=dated, reason=first.stated).replace("  ", " ")
    return w.hold_step.format(what=what), line


def allergy_line(record: PatientRecord, held: Sequence[str]) -> str | None:
    """The optimise card's line over the drug proposals `held` (their labels) for a masked
    allergy entry, or None when none is held or no entry is masked."""
    found = allergy_gaps(record.gaps) if record.gaps else []
    if not found or not held:
        return None
    w = words()
    first = found[0]
    dated = f"{w.allergy_dated} {first.recorded.isoformat()}" if first.recorded else ""
    return w.allergy_line.format(held="; ".join(held), dated=dated, reason=first.stated).replace(
        "  ", " "
    )


def order_allergy(record: PatientRecord, drug: str) -> tuple[tuple[str, ...], str] | None:
    """The order card's summaries (longest first) and line for `drug` drafted beside a masked
    allergy entry (fix order47: order_checks/allergies_unread.py), or None when none is."""
    found = allergy_gaps(record.gaps) if record.gaps else []
    if not found:
        return None
    w = words()
    first = found[0]
    dated = f"{w.allergy_dated} {first.recorded.isoformat()}" if first.recorded else ""
    more = w.order_allergy_more.format(n=len(found) - 1) if len(found) > 1 else ""
    line = w.order_allergy_line.format(dated=dated, reason=first.stated, drug=drug, more=more)
    return tuple(t.format(drug=drug) for t in w.order_allergy_summary), line.replace("  ", " ")
