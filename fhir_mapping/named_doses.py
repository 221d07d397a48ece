"""Doses on the MAR of a drug that is no trial and no session but must not vanish (review s21 RF
finding 2): ketamine (data/named_doses.csv).

IV ketamine is a CANMAT 2023 second-line option in treatment-resistant depression, and far more
often an anaesthetic or a sedative; an administration says nothing of which, so
administrations.py never reads it as a session and no course is built from it. Yet six IV doses
over three weeks dropped in silence let the optimise card offer "IV ketamine (off-label)" as
untried. A dose of a drug of this table is therefore read as a ProcedureRecord of the row's kind
(ProcedureKind.KETAMINE_DOSE), one per day (administrations.merge), which no course, trial or
session count reads: services/ketamine_doses.py names the days and takes the option off the
untried list.

Rules: status `not-done` and `entered-in-error` are no dose (as administrations.py); a dose
whose route, text, drug text or reason names an anaesthetic, sedative or pain use (the row's
`not_when_terms`), or that states reasons none of which is a depressive disorder
(`stated_other_reason`), is left out; the day is effectiveDateTime, else effectivePeriod's start; a dose
with no day or after as-of is left out.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.dose_basis import term_pattern
from fhir_mapping.fhir_fields import JSON_OBJECT, concept_text
from fhir_mapping.findings import FindingKind
from fhir_mapping.record import ProcedureKind

Resource = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class NamedDrug:
    ingredient: str
    kind: ProcedureKind
    not_when: re.Pattern[str] | None  # words that make a dose another use (anaesthesia)


@cache
def named_drugs() -> dict[str, NamedDrug]:
    text = resources.files("fhir_mapping").joinpath("data/named_doses.csv").read_text("utf-8")
    found: dict[str, NamedDrug] = {}
    for row in csv.DictReader(text.splitlines()):
        terms = [t.strip().lower() for t in row["not_when_terms"].split(";") if t.strip()]
        ingredient = row["ingredient"].strip().lower()
        found[ingredient] = NamedDrug(
            ingredient=ingredient,
            kind=ProcedureKind(row["procedure_kind"].strip()),
            not_when=re.compile("|".join(term_pattern(t) for t in terms)) if terms else None,
        )
    return found


def reasons_text(resource: Resource) -> str:
    """The dose's reasons (reasonCode), lower case: "procedural sedation", "depression"."""
    reasons = resource.get("reasonCode")
    if not isinstance(reasons, list):
        return ""
    return " ".join(concept_text(r) for r in reasons if isinstance(r, JSON_OBJECT))


# The finding kinds (condition_codes.csv) of a depressive disorder: a dose given for one of these
# may be a depression series. Named by FindingKind, so a TRD code (SNOMED 1153570009) sent without
# words counts too.
_DEPRESSIVE_KINDS = frozenset(
    {
        FindingKind.DEPRESSION,
        FindingKind.TRD,
        FindingKind.DEPRESSION_NOT_MDD,
        FindingKind.DEPRESSION_UNSPECIFIED,
        FindingKind.MDD_IN_REMISSION,
        FindingKind.POSTPARTUM,
    }
)


def stated_other_reason(resource: Resource) -> bool:
    """Whether the dose states a reason (reasonCode, or reasonReference's display) and none of
    them is a depressive disorder, by code (condition_codes.csv) or by words ("depress"): the dose
    was given for something else (review s21 RR2 finding 8: six IV doses with reasonCode "Burn
    dressing change" were named as a possible depression series, the not_when_terms list not
    naming every such use). A dose with no reason, or a reference with no display, is not
    judged here (nothing says what it was for)."""
    stated: list[Resource] = []
    for key in ("reasonCode", "reasonReference"):
        items = resource.get(key)
        if isinstance(items, list):
            stated.extend(i for i in items if isinstance(i, JSON_OBJECT))
    reasons = [r for r in stated if r.get("coding") or r.get("text") or r.get("display")]
    if not reasons:
        return False
    return not any(_depressive(r) for r in reasons)


def _depressive(reason: Resource) -> bool:
    words = f"{concept_text(reason)} {reason.get('display') or ''}".lower()
    if "depress" in words:
        return True
    codings = reason.get("coding")
    for coding in codings if isinstance(codings, list) else ():
        if not isinstance(coding, JSON_OBJECT):
            continue
        system, code = coding.get("system"), coding.get("code")
        if (
            isinstance(system, str)
            and isinstance(code, str)
            and any(row.kind in _DEPRESSIVE_KINDS for row in condition_matches(system, code))
        ):
            return True
    return False


def other_use(drug: NamedDrug, words: str) -> bool:
    """Whether the dose's words name a use other than depression (anaesthesia, sedation, pain)."""
    return drug.not_when is not None and drug.not_when.search(words) is not None
