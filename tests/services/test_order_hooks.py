"""order-select / order-sign checks of draft antidepressant orders."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import FindingKind, PatientRecord, Role, Trial, Verdict
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.services import factories as f

BIPOLAR = f.finding(FindingKind.BIPOLAR, code="F31.81", display="Bipolar II disorder")


def _run(
    record: PatientRecord,
    selections: tuple[str, ...] = (),
    hook: str = "order-select",
    policy: Policy | None = None,
) -> dict[str, Recommendation]:
    recs = order_hook(record, policy or Policy(), hook=hook, selections=selections)
    assert len({r.topic for r in recs}) == len(recs)
    return {r.topic: r for r in recs}


def test_same_drug_already_failed() -> None:
    record = f.trd_record(
        draft_orders=(f.draft("sertraline", "SSRI", mg=100, min_mg=50, max_mg=200),)
    )
    recs = _run(record)
    rec = recs["order-repeats-failed-trial"]
    assert rec.summary == (
        "Sertraline already failed an adequate trial (150 mg/day, ended 2023-03-20): consider a "
        "different mechanism"
    )
    assert (
        str(rec.dedupe_key).partition("#")[0] == "draft-1:sertraline:order-repeats-failed-trial:100"
    )
    assert rec.indicator is Indicator.WARNING and rec.wants_timeline is True
    assert "| sertraline (SSRI) | 150 | 2023-01-09 – 2023-03-20 |" in rec.detail


def test_same_class_already_failed() -> None:
    record = f.trd_record(draft_orders=(f.draft("escitalopram", "SSRI", mg=10),))
    rec = _run(record)["order-repeats-failed-trial"]
    assert rec.summary == (
        "Escitalopram is in the class of sertraline (SSRI), which failed an adequate trial: "
        "consider another class"
    )


def test_new_mechanism_is_not_flagged_and_continuation_is_not_a_repeat() -> None:
    record = f.trd_record(
        draft_orders=(f.draft("bupropion", "NDRI", mg=300, min_mg=150, max_mg=450),)
    )
    assert "order-repeats-failed-trial" not in _run(record)
    current = f.trial(
        "venlafaxine", "SNRI", start=date(2023, 4, 3), mg=150, min_mg=75, max_mg=225, ongoing=True
    )
    renewal = f.trd_record(
        trials=(f.sertraline_failed(), current),
        draft_orders=(f.draft("venlafaxine", "SNRI", mg=225, min_mg=75, max_mg=225),),
    )
    assert "order-repeats-failed-trial" not in _run(renewal)


def _bupropion_75_running() -> Trial:
    """Bupropion 75 mg/day started two weeks ago and running (titration under way)."""
    return f.trial(
        "bupropion",
        "NDRI",
        start=date(2024, 5, 20),
        mg=75,
        min_mg=150,
        max_mg=450,
        ongoing=True,
        verdict=Verdict.ONGOING,
    )


def test_dose_below_minimum_and_above_maximum() -> None:
    # A first start below the minimum is the titration's start: no card (review s25 RO
    # finding 5: "fine for titration" on every new start was noise).
    start = f.trd_record(
        draft_orders=(f.draft("bupropion", "NDRI", mg=75, min_mg=150, max_mg=450),)
    )
    assert "order-dose-below-range" not in _run(start)
    # The same dose renewed while it runs still says it.
    low = f.trd_record(
        trials=(f.sertraline_failed(), f.venlafaxine_failed(), _bupropion_75_running()),
        draft_orders=(f.draft("bupropion", "NDRI", mg=75, min_mg=150, max_mg=450),),
    )
    rec = _run(low)["order-dose-below-range"]
    assert (
        rec.summary
        == "Bupropion 75 mg/day is below the minimum adequate dose (150 mg/day); fine for titration"
    )
    assert rec.indicator is Indicator.INFO
    assert str(rec.dedupe_key).partition("#")[0] == "draft-1:bupropion:order-dose-below-range:75"
    high = f.trd_record(
        draft_orders=(f.draft("bupropion", "NDRI", mg=600, min_mg=150, max_mg=450),)
    )
    rec = _run(high)["order-dose-above-range"]
    assert rec.summary == "Bupropion 600 mg/day is above the usual maximum of 450 mg/day"
    assert rec.indicator is Indicator.WARNING


def test_low_dose_trazodone_for_sleep_is_not_a_dose_warning() -> None:
    record = f.trd_record(
        draft_orders=(f.draft("trazodone", "SARI", mg=50, min_mg=150, max_mg=400),)
    )
    assert "order-dose-below-range" not in _run(record)


def test_bipolar_without_mood_stabiliser() -> None:
    record = f.trd_record(
        findings=(f.mdd(), BIPOLAR),
        draft_orders=(f.draft("bupropion", "NDRI", mg=150, min_mg=150, max_mg=450),),
    )
    rec = _run(record)["order-bipolar-no-mood-stabiliser"]
    assert rec.summary == (
        "Bupropion ordered with bipolar disorder on record and no mood stabiliser: risk of a "
        "switch to mania"
    )
    assert rec.snoozable is False


def test_bipolar_with_a_mood_stabiliser_on_record_or_on_the_order() -> None:
    lithium = f.trial(
        "lithium",
        "mood stabiliser",
        start=date(2023, 2, 6),
        mg=900,
        min_mg=600,
        max_mg=1200,
        ongoing=True,
        role=Role.AUGMENTATION,
    )
    on_lithium = f.trd_record(
        trials=(f.sertraline_failed(), lithium),
        findings=(f.mdd(), BIPOLAR),
        draft_orders=(f.draft("bupropion", "NDRI", mg=150, min_mg=150, max_mg=450),),
    )
    assert "order-bipolar-no-mood-stabiliser" not in _run(on_lithium)
    with_quetiapine = f.trd_record(
        findings=(f.mdd(), BIPOLAR),
        draft_orders=(
            f.draft("bupropion", "NDRI", mg=150, min_mg=150, max_mg=450),
            f.draft(
                "quetiapine",
                "atypical antipsychotic",
                mg=400,  # an antimanic dose (data/mood_stabilisers.csv min_antimanic_mg_day)
                min_mg=150,
                max_mg=300,
                rid="draft-2",
                role=Role.AUGMENTATION,
            ),
        ),
    )
    assert "order-bipolar-no-mood-stabiliser" not in _run(with_quetiapine)


def test_bipolar_warning_speaks_even_in_remission() -> None:
    record = f.trd_record(
        findings=(f.mdd(), BIPOLAR),
        scores=(f.score(3, date(2024, 5, 20)),),
        draft_orders=(f.draft("sertraline", "SSRI", mg=25, min_mg=50, max_mg=200),),
    )
    assert list(_run(record)) == ["order-bipolar-no-mood-stabiliser"]


def test_points_to_tms_when_criteria_are_met() -> None:
    # The pathway's TMS thresholds are met, a payer criterion is not (PHQ-9 17 is not severe):
    # by default no TMS card at the order (review 19 I7); with the policy's "every hook", it
    # shows.
    record = f.trd_record(
        draft_orders=(f.draft("bupropion", "NDRI", mg=300, min_mg=150, max_mg=450),)
    )
    assert _run(record) == {}
    recs = _run(record, policy=Policy(tms_card_when_payer_criteria_unmet=True))
    assert list(recs) == ["tms-referral"]
    assert (
        str(recs["tms-referral"].dedupe_key).partition("#")[0]
        == "draft-1:bupropion:tms-referral:300"
    )


def test_suicide_risk_card_on_order_hooks() -> None:
    record = f.trd_record(
        scores=(f.score(18, date(2024, 5, 28), item9=3),),
        draft_orders=(f.draft("bupropion", "NDRI", mg=300, min_mg=150, max_mg=450),),
    )
    recs = list(_run(record).values())
    assert recs[0].topic == "suicide-risk"
    assert str(recs[0].dedupe_key).partition("#")[0] == "draft-1:bupropion:suicide-risk:300"


def test_no_cards_without_an_antidepressant_draft() -> None:
    record = f.trd_record(
        draft_orders=(
            f.draft("aripiprazole", "SDAM", mg=2, min_mg=2, max_mg=10, role=Role.AUGMENTATION),
        )
    )
    assert _run(record) == {}
    assert _run(f.trd_record()) == {}


def test_selections_limit_the_checked_drafts() -> None:
    record = f.trd_record(
        draft_orders=(
            f.draft("sertraline", "SSRI", mg=100, min_mg=50, max_mg=200, rid="a"),
            f.draft("bupropion", "NDRI", mg=600, min_mg=150, max_mg=450, rid="b"),
        )
    )
    only_b = _run(record, selections=("MedicationRequest/b",))
    assert "order-repeats-failed-trial" not in only_b
    assert (
        str(only_b["order-dose-above-range"].dedupe_key).partition("#")[0]
        == "b:bupropion:order-dose-above-range:600"
    )
    both = _run(record, hook="order-sign")
    assert (
        str(both["order-repeats-failed-trial"].dedupe_key).partition("#")[0]
        == "a:sertraline:order-repeats-failed-trial:100"
    )


def test_several_drafts_of_one_topic_make_one_card() -> None:
    record = f.trd_record(
        draft_orders=(
            f.draft("bupropion", "NDRI", mg=600, min_mg=150, max_mg=450, rid="a"),
            f.draft("duloxetine", "SNRI", mg=180, min_mg=60, max_mg=120, rid="b"),
        )
    )
    rec = _run(record)["order-dose-above-range"]
    assert (
        str(rec.dedupe_key).partition("#")[0]
        == "a:bupropion:order-dose-above-range:600,b:duloxetine:order-dose-above-range:180"
    )
    assert "duloxetine 180 mg/day exceeds" in rec.detail


def test_not_depressed_patient_gets_safety_checks_only() -> None:
    record = f.record(
        trials=(f.sertraline_failed(),),
        draft_orders=(f.draft("sertraline", "SSRI", mg=300, min_mg=50, max_mg=200),),
    )
    assert list(_run(record)) == ["order-dose-above-range"]


def test_ongoing_trial_verdict_is_irrelevant_for_repeat_check() -> None:
    ongoing = f.trial(
        "sertraline", "SSRI", start=date(2024, 3, 4), ongoing=True, verdict=Verdict.ONGOING
    )
    record = f.trd_record(
        trials=(f.venlafaxine_failed(), ongoing),
        draft_orders=(f.draft("sertraline", "SSRI", mg=200, min_mg=50, max_mg=200),),
    )
    assert "order-repeats-failed-trial" not in _run(record)


def test_bupropion_order_with_epilepsy() -> None:
    epilepsy = f.finding(FindingKind.EPILEPSY, code="G40.909", display="Epilepsy")
    record = f.record(
        findings=(epilepsy,),
        draft_orders=(f.draft("bupropion", "NDRI", mg=150, min_mg=150, max_mg=450),),
    )
    rec = _run(record)["order-drug-contraindicated"]
    assert rec.summary == "Bupropion: contraindicated in seizure disorders (Epilepsy on record)"
    # Critical: the label's contraindication at a new start (review 17 second recheck M8).
    assert (rec.indicator, rec.snoozable) == (Indicator.CRITICAL, False)
    assert (
        str(rec.dedupe_key).partition("#")[0] == "draft-1:bupropion:order-drug-contraindicated:150"
    )


def test_long_joined_key_is_hashed_stably() -> None:
    # Five different drugs, each above its maximum (one drug on several drafts is judged as one
    # dose: services/order_doses.py), so the card covers five drafts.
    above = [
        ("bupropion", "NDRI", 600, 150, 450),
        ("sertraline", "SSRI", 300, 50, 200),
        ("fluoxetine", "SSRI", 80, 20, 60),
        ("citalopram", "SSRI", 60, 20, 40),
        ("venlafaxine", "SNRI", 450, 75, 375),
    ]
    drafts = tuple(
        f.draft(name, cls, mg=mg, min_mg=low, max_mg=top, rid=f"{'x' * 40}-{i}")
        for i, (name, cls, mg, low, top) in enumerate(above)
    )
    key = _run(f.trd_record(draft_orders=drafts))["order-dose-above-range"].dedupe_key
    assert key is not None and key.startswith("order-dose-above-range:sha256:")
    # The drafts' part hashed, then "#" and the 16-digit fingerprint of the statement.
    assert len(key) == len("order-dose-above-range:sha256:") + 64 + 1 + 16
    again = _run(f.trd_record(draft_orders=drafts), hook="order-sign")
    assert again["order-dose-above-range"].dedupe_key == key


def test_renewing_a_dose_already_a_full_trial_below_minimum_is_not_titration() -> None:
    # Citalopram 10 mg for 12 weeks, renewed at 10 mg: "fine for titration" would be wrong.
    running = f.trial(
        "citalopram",
        "SSRI",
        start=date(2024, 3, 11),
        mg=10,
        min_mg=20,
        max_mg=40,
        ongoing=True,
        verdict=Verdict.ONGOING,
        weeks_adequate=0,
    )
    record = f.record(
        trials=(running,),
        scores=(f.score(14, date(2024, 5, 20)),),
        findings=(f.mdd(),),
        draft_orders=(f.draft("citalopram", "SSRI", mg=10, min_mg=20, max_mg=40),),
    )
    rec = _run(record)["order-dose-below-range"]
    assert rec.summary == (
        "Citalopram 10 mg/day continues 12 weeks below the minimum adequate dose (20 mg/day): "
        "consider raising it"
    )
    assert rec.detail.startswith(
        "citalopram has been taken below 20 mg/day for 12 weeks; this order keeps it there."
    )


def test_a_failed_drug_still_running_counts_for_its_class() -> None:
    # Citalopram failed and is still taken; escitalopram (same class) is drafted as the switch.
    citalopram = f.trial(
        "citalopram", "SSRI", start=date(2023, 9, 4), mg=40, min_mg=20, max_mg=40, ongoing=True
    )
    record = f.record(
        trials=(citalopram,),
        scores=(f.score(17, date(2024, 5, 20)),),
        findings=(f.mdd(),),
        draft_orders=(f.draft("escitalopram", "SSRI", mg=10),),
    )
    found = _run(record)
    rec = found["order-repeats-failed-trial"]
    # Still running: the repeat card says so and asks for the switch plan (one card, not two),
    # leading with the two SSRIs (review 20 RB finding 7).
    assert rec.summary == (
        "Two SSRIs (citalopram running); escitalopram is in the class of citalopram (SSRI), "
        "which failed an adequate trial: consider another class"
    )
    assert "citalopram up to 40 mg/day, 2023-09-04 – ongoing failed." in rec.detail
    assert "record citalopram's stop date" in rec.detail
    assert "order-same-class-running" not in found


def test_contraindication_cites_its_own_table_source() -> None:
    # The source comes from data/drug_cautions.csv, row by row (it was one literal for all).
    epilepsy = f.finding(FindingKind.EPILEPSY, code="G40.909", display="Epilepsy")
    record = f.record(
        findings=(epilepsy,),
        draft_orders=(
            f.draft(
                "dextromethorphan-bupropion", "NMDA antagonist", mg=105, min_mg=105, max_mg=210
            ),
        ),
    )
    rec = _run(record)["order-drug-contraindicated"]
    assert (
        "Source: bupropion labels, Contraindications (its bupropion component); CPS 2023 Table 6."
        in rec.detail
    )  # its cite (H14)
