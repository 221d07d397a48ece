"""The shortcuts of the speed round (issue 14) decide exactly as the long way did: a proposal's
template keeps every non-free-text part, a switch line finds a drug only as a whole name, and the
population rules give the same first reason whichever way they are asked."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.servicerequest import ServiceRequest

from fhir_mapping.record import Finding, FindingKind, Role, SourceRef
from services import suggestions, washout, washout_switch
from services.drug_rules import Choice
from services.policy import Policy
from services.rules import populations
from services.rules.context import build_context
from tests.services import factories as f


def _request(reference: str = "Patient/p1", text: str = "Refer") -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "code": {"coding": [{"system": "http://loinc.org", "code": "3016-3"}], "text": text},
        "subject": {"reference": reference},
    }


def test_a_template_leaves_out_free_text_and_keeps_everything_else() -> None:
    template = suggestions._template
    # Free text and a reference's id are any string: one template for all of them.
    assert template(_request(text="Refer")) == template(_request(text="Another text"))
    assert template(_request("Patient/p1")) == template(_request("Patient/p2"))
    # The type a reference names, a code, a key, the nesting: each makes another template.
    assert template(_request("Patient/p1")) != template(_request("Group/p1"))
    changed = _request()
    changed["code"]["coding"][0]["code"] = "3016-4"
    assert template(changed) != template(_request())
    nested = _request()
    nested["code"] = {"text": "Refer", "coding": [{"system": "http://loinc.org", "code": "3016-3"}]}
    assert template(nested) != template(_request())
    # A code whose value reads like a key of the template is still just that value.
    assert template({"a": "b", "c": "d"}) != template({"a": {"b": "c"}, "d": "d"})


@pytest.mark.parametrize(
    "resource",
    [
        _request(text="   "),  # blank text: not valid R4, so validated (and refused) in full
        {**_request(), "priority": 1},  # a number where a code goes
        {**_request(), "category": ["a"]},  # a bare string in an array
    ],
)
def test_what_a_template_cannot_vouch_for_is_validated_in_full(resource: dict[str, Any]) -> None:
    assert suggestions._template(resource) is None


def test_two_reasons_are_another_template_and_come_out_as_full_validation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(suggestions, "_checked", {})
    made = [
        suggestions.service_request(
            patient_id=f"p{n}",
            concept="tsh",
            text=f"TSH {n}",
            reasons=[SourceRef("Condition", f"c{k}") for k in range(1 + n % 2)],
        )
        for n in range(4)
    ]
    assert len(suggestions._checked) == 2  # one reason, two reasons
    for resource in made:
        full = ServiceRequest.model_validate(resource).model_dump(mode="json", exclude_none=True)
        assert json.dumps(resource) == json.dumps(full)
    assert [len(r["reasonReference"]) for r in made] == [1, 2, 1, 2]


def test_a_switch_line_finds_a_drug_only_as_a_whole_name() -> None:
    phenelzine = f.trial(
        "phenelzine", "MAOI", start=date(2024, 1, 8), mg=45, min_mg=45, max_mg=90, ongoing=True
    )
    record = f.record(trials=(phenelzine,))
    lines = washout_switch.switch_lines(record, ["SNRI: desvenlafaxine"])
    assert len(lines) == 1
    assert "before desvenlafaxine." in lines[0]
    # "venlafaxine" sits inside "desvenlafaxine" but is not named on its own.
    assert "venlafaxine," not in lines[0] and " venlafaxine" not in lines[0]
    # No MAOI on either side: no washout line.
    assert washout.maoi_on_record(record)
    assert not washout.maoi_on_record(f.record(trials=(f.trial(),)))
    assert washout_switch.switch_lines(f.record(trials=(f.trial(),)), ["SNRI: duloxetine"]) == []
    # An MAOI proposed while a serotonergic drug runs: a line, with no MAOI on record.
    running = f.record(trials=(f.trial(ongoing=True),))
    assert washout_switch.switch_lines(running, ["MAOI: phenelzine"]) != []
    assert washout.conflicts_for("duloxetine", Role.ANTIDEPRESSANT, record) == (
        washout.conflicts_for(
            "duloxetine", Role.ANTIDEPRESSANT, record, known=washout.exposures(record)
        )
    )


def test_never_and_text_only_give_the_first_reason_of_all_restrictions() -> None:
    pregnancy = Finding(
        kind=FindingKind.PREGNANCY,
        display="Pregnant state",
        system="http://snomed.info/sct",
        code="77386006",
        onset=date(2024, 3, 1),
    )
    ctx = build_context(f.record(findings=(pregnancy,)), Policy())
    for ingredient, drug_class in (
        ("paroxetine", "SSRI"),
        ("aripiprazole", "SDAM"),
        ("sertraline", "SSRI"),
    ):
        every = populations.restrictions(ctx, ingredient, drug_class)
        for choice, first in (
            (Choice.NEVER, populations.never(ctx, ingredient, drug_class)),
            (Choice.NOT_ONE_CLICK, populations.text_only(ctx, ingredient, drug_class)),
        ):
            assert first == next((r for r in every if r.rule.choice is choice), None)
    assert populations.never(ctx, "paroxetine", "SSRI") is not None
    assert populations.text_only(ctx, "aripiprazole", "SDAM") is not None
    assert populations.restrictions(ctx, "sertraline", "SSRI") == ()
