"""Encounter.hospitalization.dischargeDisposition, read for the dispositions a card must name
(review s27 RE finding 6; data/discharge_dispositions.csv, HL7 discharge-disposition codes):

- `aadvice`, left against medical advice: named on the post-discharge section of the
  suicide-risk card (a psychiatric discharge against medical advice carried a higher suicide
  risk: Kuo et al. 2010);
- `psy`, transferred to a psychiatric facility: an ED visit for suicidal ideation or self-harm
  that ended so is not an outpatient to assess in clinic today: the card says where the patient
  went and asks to confirm with the receiving unit (services/rules/suicide_risk_text.py).

Other dispositions (home, a nursing facility ...) say nothing the cards act on and are not read.
A disposition in a site's local code system is not read (its codes are not in the table).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.disposition_record import Disposition
from fhir_mapping.fhir_fields import JSON_OBJECT, codings


@cache
def _table() -> dict[tuple[str, str], Disposition]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/discharge_dispositions.csv")
        .read_text(encoding="utf-8")
    )
    return {
        (canonical_system(row["system"]), row["code"]): Disposition(
            row["kind"], row["words"], row["note"]
        )
        for row in csv.DictReader(text.splitlines())
    }


def read_disposition(encounter: Mapping[str, Any]) -> Disposition | None:
    """The Encounter's discharge disposition when the table names it, else None."""
    stay = encounter.get("hospitalization")
    if not isinstance(stay, JSON_OBJECT):
        return None
    table = _table()
    for system, code, _display in codings(stay.get("dischargeDisposition")):
        found = table.get((system, code))
        if found is not None:
            return found
    return None
