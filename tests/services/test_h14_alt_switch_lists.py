"""H14 item 2 (H10 leftover): the switch and augment lists left duloxetine in with a raised ALT.

services/transaminases.py made a recent ALT or AST at or above 3x its upper limit of normal count
as the liver caution of nefazodone and duloxetine at the order and on the running-drug card, but
the optimise card's switch list still proposed duloxetine beside it ("SNRI: venlafaxine,
desvenlafaxine, duloxetine"): one screen said both "ordinarily not prescribed" and "switch to
it". The lists now leave it out as they do for a coded liver disease, with the result as the
reason. Rule-level records (tests/services/factories.py), the real drug table.
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import FindingKind, LabResult
from services.patient_view import patient_view
from services.policy import Policy
from tests.services import factories as f

pytestmark = pytest.mark.real_drug_table

OPTIMISE = "optimize-switch-augment"
# Two SSRIs failed: the SNRIs (duloxetine among them) are the switch class on offer.
SSRIS = (
    f.sertraline_failed(),
    f.trial("escitalopram", "SSRI", start=date(2023, 4, 3), mg=20, min_mg=10, max_mg=20),
)


def _alt(value: float, on: date = date(2024, 5, 13)) -> LabResult:
    """ALT in U/L with no reference range sent: the policy's default ULN (40 U/L) applies."""
    return f.lab("alt", value, on, flag="high", unit="U/L")


def _switch(*labs: LabResult, findings: tuple[object, ...] = ()) -> str:
    record = f.trd_record(trials=SSRIS, labs=labs, findings=(f.mdd(), *findings))
    card = {r.topic: r for r in patient_view(record, Policy())}[OPTIMISE]
    return card.detail.split("**Switch:**")[1]


def test_duloxetine_is_left_out_of_the_switch_list_with_a_raised_alt_and_says_why() -> None:
    switch = _switch(_alt(182))
    assert (
        "duloxetine not listed: ALT 182 U/L on 2024-05-13, 4.5x the upper limit of normal "
        "(Cymbalta label 5.2)."
    ) in switch
    options = switch.split("duloxetine not listed")[0]
    assert "venlafaxine" in options
    assert "duloxetine" not in options  # before: "SNRI: venlafaxine, desvenlafaxine, duloxetine"


@pytest.mark.parametrize(
    "labs",
    [(), (f.lab("alt", 100, date(2024, 5, 13), unit="U/L"),), (_alt(182, date(2023, 1, 2)),)],
    ids=["no-alt", "alt-2.5x", "alt-older-than-a-year"],
)
def test_a_normal_mild_or_old_alt_keeps_duloxetine_on_the_list(labs: tuple[LabResult]) -> None:
    switch = _switch(*labs)
    assert "duloxetine not listed" not in switch
    assert "duloxetine" in switch


def test_a_coded_cirrhosis_is_named_before_the_alt() -> None:
    cirrhosis = f.finding(
        FindingKind.LIVER_DISEASE,
        code="K74.60",
        system="http://hl7.org/fhir/sid/icd-10-cm",
        display="Unspecified cirrhosis of liver",
    )
    switch = _switch(_alt(182), findings=(cirrhosis,))
    assert "duloxetine not listed: avoid in chronic liver disease or cirrhosis" in switch
    assert "Unspecified cirrhosis of liver on record" in switch
    assert "ALT 182" not in switch
