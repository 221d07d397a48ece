"""A delivery a visit's type or words record, dated by the visit (fix preg63, review K65b finding 1).

A woman coded "Pregnant" in May whose birth came to us only as an Epic inpatient visit typed
"LABOR AND DELIVERY", a SNOMED 169762003 postnatal visit, or a visit reason "s/p SVD 11/10,
postpartum day 2" was still read as pregnant in December ("Paroxetine at about 37 weeks of
pregnancy"), and lost the "Delivered on ..., check breastfeeding" line. visit_pregnancy.py read
only coded reasons and diagnoses; this reads, of a visit it reads:

- an `Encounter.type` coding under a `delivery` row of data/procedure_codes.csv (169762003
  postnatal visit; a CPT or SNOMED delivery code some feeds put there);
- the type's or a reason's words under a `delivery-visit` row of data/procedure_terms.csv: words
  that say the birth happened ("s/p SVD", "postpartum day", "PPD#2"), never the bare procedure
  words, so "scheduled C-section 12/15" on a prenatal visit records nothing (a planned delivery
  must not end the pregnancy: the pregnancy warnings are the safer ones to keep);
- NOT an inpatient stay typed "LABOR AND DELIVERY" / "L&D" alone (lead's decision after preg63):
  antepartum admissions (pre-eclampsia, threatened preterm labour, a failed induction) are typed by
  the L&D department too, and a pregnancy read as ended when it goes on loses every pregnancy
  warning (paroxetine, valproate): the unsafe error. A delivery missed keeps a pregnancy warning
  the clinician can dismiss: the safer one. The stay's delivery code, procedure or diagnosis ends
  the pregnancy as before.

Fix preg64 (recheck K68a findings 1-2): a prenatal visit naming a PREVIOUS birth ("G3P2 s/p
C-section x2, prenatal visit", "s/p NSVD x1, now 28 wks") or a PLANNED postpartum visit
("postpartum check scheduled for 1/20") ended a pregnancy that goes on, losing every pregnancy
warning. Words now record a birth only as "postpartum day N" / "PPD#N" with its number, and not
when the reason also has a `delivery-not-now` word (pregnancy now, previous, planned: "wks",
"TOLAC", "prev", "scheduled", ...); "s/p ..." and "postpartum visit" words record none. A coded
169762003 postnatal visit type counts only on a `finished` visit (a booked or ongoing one may be
the one planned). A birth missed keeps a warning the clinician can dismiss: the safer error.

Fix preg65 (recheck K68a finding 3 item 2): "postpartum day 2, plan discharge tomorrow" recorded no
birth ("plan" blocked it). The plan words are now their own `delivery-planned` kind, which blocks a
numbered postpartum day only when no `delivery-discharge` word ("discharge", "d/c home") is beside
it: planning the discharge of the birth stay says the birth happened; a postpartum visit to come is
never a numbered postpartum day (preg64's controls stay as they were).

The finding is dated the visit's start, as visit_pregnancy.py dates its findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from fhir_mapping.clinical_codes import (
    ProcedureCode,
    any_code_in,
    procedure_codes,
    term_kinds,
    terms,
)
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, concept_text, source_ref
from fhir_mapping.record import Finding, FindingKind

Resource = Mapping[str, Any]

_DELIVERY = "delivery"
_NOT_NOW = "delivery-not-now"
_APPLIES = "delivery-visit"
# Plan words ("plan", "scheduled", "will") block a numbered postpartum day unless a discharge word
# is beside them: "postpartum day 2, plan discharge tomorrow" is a birth now (fix preg65).
_PLANNED = "delivery-planned"
_DISCHARGE = "delivery-discharge"
# The day's number right after "postpartum day" / "PPD#" ("PPD#2", "postpartum day #3"): without
# it the words may be a plan ("discussed postpartum day plans": fix preg64).
_DAY_NUMBER = re.compile(r"\s*#?\s*\d")
# A coded postnatal visit type records a birth only once the visit happened (fix preg64).
_FINISHED = "finished"
# `Finding.recorded` of each shape.
TYPE = "visit type"
REASON_WORDS = "visit reason"


def _concepts(visit: Resource, key: str) -> list[object]:
    value = visit.get(key)
    return [c for c in value if isinstance(c, JSON_OBJECT)] if isinstance(value, list) else []


def _said(
    concept: object, applies_to: str, coded: tuple[tuple[str, str, str], ...] | None = None
) -> str | None:
    """The concept's words when they name a delivery under `applies_to` rows, else None.
    `coded`: its `codings`, when the caller has read them (issue 14, perf21: a visit's type)."""
    if coded is None:
        coded = codings(concept)
    text = concept_text(concept, coded)
    if not text:
        return None
    kinds = term_kinds(text, applies_to)
    if _DELIVERY not in kinds or _NOT_NOW in kinds or not _numbered_day(text, applies_to):
        return None
    if _PLANNED in kinds and _DISCHARGE not in kinds:
        return None  # a plan beside the day may be a visit to come, unless it is the discharge
    return concept_text(concept, coded, lower=False)


def _numbered_day(text: str, applies_to: str) -> bool:
    """Whether a delivery word of `applies_to` rows is followed by the day's number."""
    return any(
        _DAY_NUMBER.match(text, found.end())
        for term in terms()
        if term.kind == _DELIVERY and applies_to in term.applies_to
        for found in term.pattern.finditer(text)
    )


def wants_delivery_visit(visit: Resource) -> bool:
    """Cheap: whether a visit's type or reason might record a delivery (read in `findings`).
    Only the reading, without the finding's source and words (issue 14: every visit asks)."""
    return _delivery(visit) is not None


def _delivery(visit: Resource) -> tuple[str, ProcedureCode | None, str] | None:
    """(`Finding.recorded`, the coded row or None, the words as written) of the first type or
    reason recording a delivery (module docstring), else None."""
    if "type" not in visit and "reasonCode" not in visit:
        return None  # no type and no reason: nothing to read
    table = procedure_codes()
    finished = visit.get("status") == _FINISHED
    for concept in _concepts(visit, "type"):
        coded = codings(concept)  # read once, for its row and its words
        row = any_code_in(coded, table)
        if row is not None and row.kind == _DELIVERY and finished:
            return TYPE, row, ""
        said = _said(concept, _APPLIES, coded)
        if said is not None:
            return TYPE, None, said
    for concept in _concepts(visit, "reasonCode"):
        said = _said(concept, _APPLIES)
        if said is not None:
            return REASON_WORDS, None, said
    return None


def findings(visit: Resource, start: date) -> Iterator[Finding]:
    """The delivery findings of the visit's type and reason words (module docstring)."""
    read = _delivery(visit)
    if read is None:
        return
    recorded, row, said = read
    source = source_ref(visit)
    words = f"visit of {start.isoformat()}"
    if row is not None:
        yield Finding(
            FindingKind.DELIVERY,
            row.code,
            row.system,
            row.display,
            start,
            source,
            recorded=recorded,
            visit=words,
        )
        return
    yield Finding(FindingKind.DELIVERY, "", "", said, start, source, recorded=recorded, visit=words)
