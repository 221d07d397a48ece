"""Intolerance said only in the note of an order or statement (RC review s23 finding 3b): a
MedicationRequest stopped with the note "Stopped after 3 weeks: severe nausea and agitation on
sertraline. Patient could not tolerate." and no coded stop reason read "not adequate ... review
dose and adherence", and sertraline was offered again.

The note is read with the stop-reason terms of data/intolerance_reasons.csv ("side effect",
"could not tolerate", "nausea", ...), each not negated (text_negation.py through
intolerance_reasons: "no side effects" says none). What a note says is not a coded stop reason,
so the intolerance is `to_confirm`: the drug is named "not tolerated" and not proposed again (the
safer reading before re-prescribing it), but it is not counted toward TMS until confirmed
(services/intolerance_count.py: the payer packet claims no more than the record codes).

Left out: a record still running (`active`, `intended`, `draft`: the drug was continued), and a
note that names another drug and not this one ("stopped citalopram for nausea" on the sertraline
order that replaced it is about citalopram).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fhir_mapping.fhir_fields import array
from fhir_mapping.intolerance_reasons import reason_table
from fhir_mapping.reaction_attribution import not_this_drugs
from fhir_mapping.record import Intolerance, SourceRef
from fhir_mapping.terminology import recognise
from fhir_mapping.tms_safety import negated, normalise_text

_RUNNING = frozenset({"active", "intended", "draft"})
_KINDS = frozenset({"MedicationRequest", "MedicationStatement"})


def _note_text(resource: Mapping[str, Any]) -> str:
    return " ".join(
        n["text"] for n in array(resource.get("note")) if isinstance(n, Mapping) and n.get("text")
    )


def note_intolerance(
    resource: Mapping[str, Any], ingredient: str, when: date | None
) -> Intolerance | None:
    """The intolerance an order's or statement's note states of `ingredient`, to confirm; None
    when the note says none (nearly always), or the record is still running."""
    status = resource.get("status")
    if resource.get("resourceType") not in _KINDS or (
        isinstance(status, str) and status in _RUNNING
    ):
        return None
    text = _note_text(resource)
    if not text:
        return None
    normal = normalise_text(text)
    said = list(
        dict.fromkeys(
            m.group(0)
            for m in reason_table().terms.finditer(normal)
            if not negated(normal, m.start(), m.end())
            and not not_this_drugs(normal, m.start(), m.end(), ingredient)
        )
    )
    if not said:
        return None
    named = {c.ingredient for c in recognise({"text": text})}
    if named and ingredient not in named:
        return None  # the note is about another drug
    rid = resource.get("id")
    source = SourceRef(str(resource.get("resourceType")), rid if isinstance(rid, str) else "")
    reason = f"to confirm: the {_kind(resource)} note says {', '.join(said)}"
    return Intolerance(ingredient, reason, when, source, to_confirm=True)


def _kind(resource: Mapping[str, Any]) -> str:
    return "order's" if resource.get("resourceType") == "MedicationRequest" else "statement's"
