"""A delivery Condition that names a PAST birth (fix preg65, recheck K68a finding 3).

A problem-list entry "History of full-term uncomplicated delivery" (O80), "History of postpartum
hemorrhage" (O72.1) or "Hx third degree perineal laceration" (O70.2), resolved or inactive, with no
onset, recorded 2026-06-15, ended a pregnancy recorded 2026-05-20 (EDD 2027-02-20): dated by its
recordedDate, the birth read as four weeks into this pregnancy, and every pregnancy warning
(paroxetine, valproate) was lost. Such an entry says she has given birth before, not when: its
DELIVERY finding is marked `Finding.stated_past` when

- it states no onset and no abatement (its only date is the day it was entered), and
- its words carry a `delivery-not-now` row of data/procedure_terms.csv that applies to
  `delivery-condition` ("history", "hx", "h/o", "prior", "prev*"),

and services/past_births.py never lets it end a pregnancy. A dated entry ("History of delivery",
onset 2026-11-10) still does: the date is the birth's. The safer error: a pregnancy read as ended
while it goes on loses every pregnancy warning; one kept past its end keeps a warning the clinician
can dismiss (and it ends with its EDD or window anyway: services/pregnancy_now.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from fhir_mapping.clinical_codes import term_kinds
from fhir_mapping.condition_dates import abatement_date, condition_onset
from fhir_mapping.fhir_fields import concept_text
from fhir_mapping.record import Finding, FindingKind

Resource = Mapping[str, Any]

_NOT_NOW = "delivery-not-now"
_APPLIES = "delivery-condition"


def _names_past(resource: Resource) -> bool:
    """Whether the Condition is undated and its words (text, else a coding's display) say past."""
    if condition_onset(resource) is not None or abatement_date(resource)[1] is not None:
        return False
    return _NOT_NOW in term_kinds(concept_text(resource.get("code")), _APPLIES)


def marked(resource: Resource, findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """`findings` of one Condition, its DELIVERY one marked `stated_past` when it names a past
    birth (module docstring); the Condition's words are read only when it gave a DELIVERY."""
    found = tuple(findings)
    if not any(f.kind is FindingKind.DELIVERY for f in found) or not _names_past(resource):
        return found
    return tuple(
        replace(f, stated_past=True) if f.kind is FindingKind.DELIVERY else f for f in found
    )
