"""Diagnoses named only in a Condition's text (vendor README trap 10): read, negation respected,
codes first, and never depression from text alone."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.condition_text import TEXT_MENTION
from fhir_mapping.context import condition_findings
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind

AS_OF = date(2025, 6, 2)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Bipolar II disorder per outside psychiatrist", (FindingKind.BIPOLAR,)),
        ("Hx manic-depressive illness", (FindingKind.BIPOLAR,)),
        # A primary psychotic disorder too (review 7 finding 9: not psychotic depression).
        ("Schizoaffective d/o", (FindingKind.PSYCHOTIC, FindingKind.PSYCHOTIC_DISORDER)),
        ("Seizure disorder, on levetiracetam", (FindingKind.EPILEPSY,)),
        ("No history of seizure disorder", ()),
        ("Denies mania or psychosis", ()),
        ("Family history of bipolar disorder", ()),
        # Never a qualifying diagnosis from text: read as recorded-but-not-coded (review 16 W3).
        ("Major depressive disorder, recurrent", (FindingKind.DEPRESSION_TEXT,)),
        ("Heat exhaustion", ()),
    ],
)
def test_text_kinds(text: str, kinds: tuple[FindingKind, ...]) -> None:
    assert text_kinds(text) == kinds


def _condition(code: dict[str, object], status: str = "active") -> dict[str, object]:
    return {
        "resourceType": "Condition",
        "id": "c1",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        },
        "code": code,
        "subject": {"reference": "Patient/p1"},
        "onsetDateTime": "2019-03-01",
    }


def test_an_oracle_health_concern_in_text_only_is_a_bipolar_finding_naming_the_text() -> None:
    (finding,) = condition_findings(
        _condition({"text": "Bipolar II disorder per outside psychiatrist"}), as_of=AS_OF
    )
    assert finding.kind is FindingKind.BIPOLAR
    assert finding.system == "text"
    assert "Bipolar II disorder" in finding.display
    # Bipolar disorder is lifelong: a resolved text entry still counts, as its codes do.
    resolved = _condition({"text": "Bipolar disorder"}, status="resolved")
    assert [f.kind for f in condition_findings(resolved, as_of=AS_OF)] == [FindingKind.BIPOLAR]
    # A resolved seizure disorder in text counts, as G40.909 and R56.9 resolved do (fix tms50:
    # it had not, so TMS was one click beside it), with its status kept for the card's words;
    # a febrile seizure resolved does not, as its code resolved does not.
    (seizure,) = condition_findings(
        _condition({"text": "Seizure disorder"}, "resolved"), as_of=AS_OF
    )
    assert (seizure.kind, seizure.state) == (FindingKind.EPILEPSY, "inactive")
    febrile = _condition({"text": "Febrile seizure as a child"}, "resolved")
    assert condition_findings(febrile, as_of=AS_OF) == ()


def test_codes_win_over_text() -> None:
    coded = _condition(
        {
            "coding": [
                {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F33.1", "display": "MDD"}
            ],
            "text": "MDD, r/o bipolar",
        }
    )
    # The code's kind is the code's; a kind that gates treatment named in the text of an entry
    # coded otherwise is read too, marked as a mention (review s22 RX finding 1: "r/o bipolar II"
    # on F33.1 raised no bipolar caution).
    found = {f.kind: f for f in condition_findings(coded, as_of=AS_OF)}
    assert set(found) == {FindingKind.BIPOLAR, FindingKind.DEPRESSION}
    assert found[FindingKind.DEPRESSION].system.endswith("icd-10-cm")
    assert found[FindingKind.BIPOLAR].verification == TEXT_MENTION
    assert found[FindingKind.BIPOLAR].display == "MDD, r/o bipolar"
    # Negated words are not read ("bipolar ruled out" closing the clause, "no hx of seizures").
    negated = _condition(
        {
            "coding": [
                {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F33.1", "display": "MDD"}
            ],
            "text": "MDD; bipolar disorder ruled out 2024; no history of epilepsy",
        }
    )
    kinds = [f.kind for f in condition_findings(negated, as_of=AS_OF)]
    assert kinds == [FindingKind.DEPRESSION]


@pytest.mark.parametrize(
    ("text", "bipolar"),
    [
        # A trailing "ruled out" closing the clause negates (review s22 RX finding 6) ...
        ("Bipolar disorder ruled out 2024", False),
        ("Bipolar II disorder ruled out (06/2024)", False),
        ("Hypomanic episode ruled out", False),
        # ... and so does one by someone, dated or not (review s22 RR2 finding 1a: a consultant's
        # rule-out is a rule-out; it read as possible bipolar disorder and held the pathway) ...
        ("Bipolar disorder ruled out by psychiatry", False),
        ("Bipolar disorder ruled out by psychiatry 2019", False),
        # ... a doubtful or unfinished one does not, nor one naming another finding between:
        ("Bipolar disorder ruled out?", True),
        ("Bipolar disorder ruled out by psychiatry?", True),
        ("Bipolar disorder ruled out by psychiatry pending", True),
        ("Bipolar disorder - psychosis ruled out", True),
        ("r/o bipolar II", True),
        ("rule out bipolar disorder", True),
    ],
)
def test_trailing_ruled_out(text: str, bipolar: bool) -> None:
    assert (FindingKind.BIPOLAR in text_kinds(text)) is bipolar
