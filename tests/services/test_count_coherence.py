"""One count of the failed trials, said the same way on every card.

- Review 13 W7: quetiapine started the same day as escitalopram was a second failed trial; it is
  an augmentation of the escitalopram course (and gets the antipsychotic monitoring line).
- Audit 13 WRONG 4 (q34): citalopram stopped for nausea with no PHQ-9 on it was both "failure
  inferred" and "not tolerated", and the optimise card counted it differently from the TMS,
  psychotherapy and TSH cards.
- Audit 13 WRONG 8/9/12: a counted course ordered for PMDD, or taken beside carbamazepine, was
  "to confirm" on the TMS card only.

Charts are Epic-shaped FHIR (tests/services/test_order_indication.py builders: orders with
boundsPeriod ends, monthly pharmacy fills, PHQ-9 panels).
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.episodes import build_trials
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.record import PatientRecord, Role, SourceRef
from services.pathway import derive_facts
from services.policy import Policy
from services.trial_count import failed_words
from tests.fixtures import builders as fb
from tests.services.test_order_indication import (
    ESCITALOPRAM_10,
    FLUOXETINE_20,
    MDD_REASON,
    SERTRALINE_100,
    failed_ssri,
    fills,
    scores,
    with_reason,
)
from tests.services.test_order_safety import P, chart, mdd, on_chart, taking

pytestmark = pytest.mark.real_drug_table

QUETIAPINE_150 = ("312743", "quetiapine 150 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
PMDD = [(fb.ICD10CM, "F32.81", "Premenstrual dysphoric disorder")]


def _counts(record: PatientRecord) -> dict[str, str]:
    """Each pathway card's summary, by topic."""
    return {topic: r.summary for topic, r in on_chart(record).items()}


# --- W7: an antipsychotic started with the antidepressant ------------------------------------------


def _event(ingredient: str, start: date, mg: float, role: Role) -> MedicationEvent:
    return MedicationEvent(
        kind=EventKind.ORDER,
        ingredient=ingredient,
        drug_class="?",
        role=role,
        start=start,
        end=None,
        mg_per_day=mg,
        days_supply=None,
        status="active",
        source=SourceRef("MedicationRequest", f"mr-{ingredient}"),
    )


def test_quetiapine_started_the_same_day_as_escitalopram_is_its_augmentation() -> None:
    # Before: the same-day start was not "during" the escitalopram course, and quetiapine (listed
    # both as an antidepressant and as an adjunct) became a second antidepressant trial.
    day = date(2024, 9, 2)
    trials = build_trials(
        [
            _event("escitalopram", day, 20, Role.ANTIDEPRESSANT),
            _event("quetiapine", day, 150, Role.ANTIDEPRESSANT),
        ],
        as_of=date(2025, 6, 2),
    )
    roles = {t.ingredient: t.role for t in trials}
    assert roles == {"escitalopram": Role.ANTIDEPRESSANT, "quetiapine": Role.AUGMENTATION}
    # Output order is unchanged: by start, then name.
    assert [t.ingredient for t in trials] == ["escitalopram", "quetiapine"]


def test_two_drugs_listed_both_ways_started_together_stay_two_antidepressants() -> None:
    # Bupropion and mirtazapine on one day: neither is the other's base; unchanged.
    day = date(2024, 9, 2)
    trials = build_trials(
        [
            _event("bupropion", day, 300, Role.ANTIDEPRESSANT),
            _event("mirtazapine", day, 30, Role.ANTIDEPRESSANT),
        ],
        as_of=date(2025, 6, 2),
    )
    assert {t.role for t in trials} == {Role.ANTIDEPRESSANT}


def _quetiapine_with_escitalopram() -> PatientRecord:
    start = date(2024, 9, 2)
    esc = with_reason(taking(ESCITALOPRAM_20, start, rid="mr-esc"), MDD_REASON, "MDD")
    que = with_reason(taking(QUETIAPINE_150, start, rid="mr-que"), MDD_REASON, "MDD")
    return chart(
        mdd(),
        *scores(),
        esc,
        *fills(ESCITALOPRAM_20, start, 9, 1, "mr-esc"),
        que,
        *fills(QUETIAPINE_150, start, 9, 1, "mr-que"),
    )


def test_quetiapine_with_escitalopram_is_one_trial_and_gets_the_metabolic_line() -> None:
    record = _quetiapine_with_escitalopram()
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.augmentations] == ["quetiapine"]
    # Before: "2 adequate trials failed (escitalopram, quetiapine)", TRD and a TMS card.
    assert not facts.meets_trd
    cards = on_chart(record)
    assert "tms-referral" not in cards
    optimise = cards["optimize-switch-augment"]
    assert optimise.summary.startswith("1 adequate trial failed (escitalopram)")
    assert "Quetiapine running: monitor weight, BP, glucose, lipids" in optimise.detail
    assert "no glucose, HbA1c or lipids on record since 2024-09-02" in optimise.detail


# --- WRONG 4: stopped for nausea, no PHQ-9 on it ----------------------------------------------------


def _citalopram_stopped_for_nausea() -> PatientRecord:
    cit = ("200371", "citalopram 20 MG Oral Tablet")
    stop = date(2024, 12, 2)
    order = taking(cit, date(2024, 9, 2), stopped=stop, rid="mr-cit")
    order["statusReason"] = {
        "coding": [fb.coding(fb.SNOMED, "281647001", "Adverse reaction")],
        "text": "Nausea",
    }
    return chart(
        mdd(),
        fb.phq9(date(2024, 9, 2), 19, item9=0, patient=P),
        fb.phq9(date(2025, 5, 19), 18, item9=0, patient=P),
        with_reason(order, MDD_REASON, "MDD"),
        *fills(cit, date(2024, 9, 2), 3, 1, "mr-cit"),
        *failed_ssri(FLUOXETINE_20, date(2025, 1, 6), date(2025, 5, 26), "mr-flx"),
    )


def test_a_course_stopped_for_nausea_is_not_an_inferred_failure() -> None:
    record = _citalopram_stopped_for_nausea()
    (cit,) = [t for t in record.trials if t.ingredient == "citalopram"]
    assert cit.intolerance is not None
    # Before: failed (inferred from the stop) and "not tolerated" on one card.
    assert not cit.failed
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.intolerant_trials] == ["citalopram"]
    assert "citalopram" not in facts.failed_ingredients


def test_every_card_counts_the_failed_trials_in_the_same_words() -> None:
    record = _citalopram_stopped_for_nausea()
    facts = derive_facts(record, Policy())
    named, short = failed_words(facts.failed_trials, record)
    for topic, summary in _counts(record).items():
        if "trial" in summary and topic != "tms-referral":
            assert named in summary or short in summary, (topic, summary)
        assert "citalopram" not in summary.split(" not tolerated")[0] or topic == "tms-referral"


# --- WRONG 8/9: to confirm on every card that counts the trial --------------------------------------


def _sertraline_for_pmdd() -> PatientRecord:
    ser = taking(SERTRALINE_100, date(2024, 1, 8), stopped=date(2024, 6, 3), rid="mr-ser")
    return chart(
        mdd(),
        *scores(),
        with_reason(ser, PMDD, "Premenstrual dysphoric disorder"),
        *fills(SERTRALINE_100, date(2024, 1, 8), 5, 1, "mr-ser"),
        *failed_ssri(FLUOXETINE_20, date(2024, 7, 1), date(2024, 11, 4), "mr-flx"),
        *failed_ssri(ESCITALOPRAM_10, date(2024, 11, 11), date(2025, 4, 7), "mr-esc"),
    )


def test_a_course_ordered_for_pmdd_is_to_confirm_on_every_card_that_counts_it() -> None:
    record = _sertraline_for_pmdd()
    facts = derive_facts(record, Policy())
    assert "sertraline" in facts.failed_ingredients
    cards = on_chart(record)
    counting = {t: r for t, r in cards.items() if "adequate trial" in r.summary}
    assert {"optimize-switch-augment", "tms-referral"} <= counting.keys()
    # The psychotherapy card's count keeps its action whole (review s26 RN finding 9: it read
    # "...; no psychotherapy procedure, visit or referral on record: consider…"), its mark said
    # as one count rather than the count left out (review s27 RQ2 finding 4).
    assert cards["psychotherapy"].summary == (
        "2 adequate trials failed, 1 stopped unmeasured, 1 to confirm; no psychotherapy "
        "procedure, visit or referral on record: consider CBT or IPT"
    )
    for topic, rec in counting.items():
        if topic == "psychotherapy":
            continue
        # Before: only the TMS criterion said so; the summaries stated a failed depression trial.
        assert "sertraline to confirm" in rec.summary, (topic, rec.summary)
    assert (
        "sertraline: ordered for PMDD (F32.81): confirm it was a trial for the depression"
        in cards["optimize-switch-augment"].detail
    )
