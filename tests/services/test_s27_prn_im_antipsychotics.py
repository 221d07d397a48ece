"""Review s27 RE findings 4 and 8: PRN or one-time IM antipsychotics for agitation counted as
augmentation (fhir_mapping/agitation_doses.py), and olanzapine 10 mg IM once read as "dose per
injection not recorded" (dose_basis.per_administration_mg).

The charts (tests/services/s27_prn_charts/, copies of the RE charts, renamed): sertraline then
venlafaxine failed; on a psychiatric ward, haloperidol 5 mg IM "q6h PRN severe agitation"
(asNeededBoolean, one dose given) and olanzapine 10 mg IM "once for agitation" (timing count 1,
one dose given on the MAR), route in text "Intramuscular"; in a stay in June (`past_stay`), or in
the stay in progress (`on_ward`).

Before: the optimise card said "Adjuncts already used in this episode: haloperidol, olanzapine",
the Maudsley staging scored "Augmentation 1 (used)" (6 of 15), and --explain built an ongoing
haloperidol "augmentation" trial and an olanzapine one "inadequate (dose-unknown, too-short)"
with "dose per injection not recorded". Now each is "not-a-trial (as-needed-or-one-time)", as PRN
low-dose trazodone is "not-a-trial (low-dose-other-indication)": no adjunct used, staging 5 of 15
(Fekadu 2009 scores augmentation used for the depression), and olanzapine reads "10 mg per
injection". An oral PRN antipsychotic is no augmentation course either; a daily one still is, and
so is one injection of a long-acting (decanoate) product.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import InadequacyReason, Trial, Verdict
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
PAST = "past_stay_prn_haloperidol_once_olanzapine_im"
ON_WARD = "on_ward_prn_haloperidol_once_olanzapine_im"
NOT_AUGMENTATION = (Verdict.NOT_A_TRIAL, (InadequacyReason.AS_NEEDED_OR_ONE_TIME,))

_chart = chart_files.loader(Path(__file__).parent / "s27_prn_charts")
_at = Evaluator(AS_OF)


def _trial(doc: Doc, ingredient: str) -> Trial:
    trials = _at.result(doc).evaluation.record.trials
    return next(t for t in trials if t.ingredient == ingredient)


def _judged(trial: Trial) -> tuple[Verdict, tuple[InadequacyReason, ...]]:
    return trial.verdict, trial.reasons


def _order(doc: Doc, order_id: str) -> Doc:
    entries = doc["prefetch"]["medicationRequests"]["entry"]
    resource: Doc = next(e["resource"] for e in entries if e["resource"].get("id") == order_id)
    return resource


def _detail(doc: Doc, topic: str) -> str:
    cards = _at.cards(doc)
    return "\n".join(c["detail"] for c in cards if c["source"]["topic"]["code"] == topic)


@pytest.mark.parametrize("name", [PAST, ON_WARD])
def test_the_charts_are_whole_requests(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize("name", [PAST, ON_WARD])
def test_prn_and_one_time_im_antipsychotics_are_no_augmentation_course(name: str) -> None:
    doc = _chart(name)
    haloperidol, olanzapine = _trial(doc, "haloperidol"), _trial(doc, "olanzapine")
    assert _judged(haloperidol) == _judged(olanzapine) == NOT_AUGMENTATION
    assert any("not an augmentation course" in n for n in haloperidol.notes)
    if name == ON_WARD:
        # The ward's low-dose trazodone keeps its own reason (the pattern followed).
        assert _trial(doc, "trazodone").reasons == (InadequacyReason.LOW_DOSE_OTHER_INDICATION,)


def test_the_optimise_card_and_staging_no_longer_count_them() -> None:
    doc = _chart(PAST)
    cards = _at.cards(doc)
    text = "\n".join(c["detail"] for c in cards)
    assert "Adjuncts already used in this episode" not in text
    assert "Augmentation 0 (not used)" in text
    assert "5 of 15" in text


def test_the_one_time_im_dose_reads_per_injection() -> None:
    # Finding 8: doseQuantity 10 mg on a count-1 order is the dose of the one injection.
    assert _trial(_chart(ON_WARD), "olanzapine").mg_per_administration == 10


def test_a_snomed_coded_route_reads_as_the_text_does() -> None:
    doc = _chart(PAST)
    for order_id, code, display in (
        ("w-hal", "78421000", "Intramuscular route (qualifier value)"),
        ("w-olz", "47625008", "Intravenous route (qualifier value)"),
    ):
        line = _order(doc, order_id)["dosageInstruction"][0]
        line["route"] = {"coding": [{"system": "http://snomed.info/sct", "code": code}]}
        line["route"]["coding"][0]["display"] = display
    assert _judged(_trial(doc, "haloperidol")) == NOT_AUGMENTATION
    assert _judged(_trial(doc, "olanzapine")) == NOT_AUGMENTATION


def test_an_oral_prn_antipsychotic_is_no_augmentation_course() -> None:
    doc = _chart(PAST)
    _order(doc, "w-hal")["dosageInstruction"][0]["route"] = {"text": "Oral"}
    assert _judged(_trial(doc, "haloperidol")) == NOT_AUGMENTATION


def test_a_daily_antipsychotic_is_still_an_augmentation_course() -> None:
    doc = _chart(PAST)
    line = _order(doc, "w-hal")["dosageInstruction"][0]
    line["asNeededBoolean"] = False
    line["text"] = "haloperidol 5 mg IM daily"
    assert _trial(doc, "haloperidol").verdict is not Verdict.NOT_A_TRIAL


def test_one_injection_of_a_long_acting_product_is_still_a_course() -> None:
    doc = _chart(PAST)
    order = _order(doc, "w-olz")
    order["medicationCodeableConcept"]["text"] = "olanzapine pamoate 210 MG Injection"
    order["dosageInstruction"][0]["text"] = "olanzapine pamoate 210 mg IM once"
    assert _trial(doc, "olanzapine").verdict is not Verdict.NOT_A_TRIAL
