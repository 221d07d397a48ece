"""Recheck K17 s29 (fix k17fix): leftovers of this session's first fixes.

1. WRONG: a comma defeated the "refused labs" mask: "Pt refused labs, meds" (on hold) and "Pt
   refused labs, meds - held per MD" read held, the escitalopram stay's PDC 100 %; so did "refused
   lab meds". A list after the masked object continues the refusal: missed, as "refused labs and
   meds" (administration_reasons._other_refusals); "Patient refused ECG, medication held" (a
   clause of its own naming a hold) stays held.
2. WRONG (near-unsafe): a nortriptyline level sent as "> 500 ng/mL" was never read (no
   text_bound_unit on the TCA rows of data/lab_ranges.csv): now a bound, above the toxic line,
   critical; "> 1900 nmol/L" converted; a bare ">500" (ng/mL or nmol/L?) stays not read.
3. (Checked, not changed) oral cyanocobalamin given daily on the MAR: each dose covers its day and
   the next (interval_doses.py), so the course counts as replacement while given; b22's last dose
   is 3 days before its as-of (2025-06-01), a course that ended, read as the injections whose
   cover ran out are (test_mar30_ward_mar).
4. WRONG (the safer side, but inconsistent): on-unit wordings with a staff hold ("Patient at risk
   for elopement; held per provider", "Elopement attempt - held for sedation", "Pt returned from
   AWOL, held per MD", "Pt threatening to leave AMA - held for sedation") read missed while
   "Attempted to elope, held, sedated" read held: data/administration_reasons.csv on-unit rows;
   "Pt left AMA" stays missed.
5. MINOR: "fluoxetine is on hold, hold date not recorded (since 2026-07-05)" read as on hold since
   the order's day: now "on hold (course since 2026-07-05), hold date not recorded"
   (washout._held_state; test_s29_orders30 c1 updated, c7 here).
6. Withdrawal wordings: "Abrupt discontinuation of Xanax", "Benzodiazepine detox", "Xanax
   withdrawl", "Klonopin WD", "Alcohol detox" were not read (bupropion offered plainly): now the
   contraindication; "Rule out benzo withdrawal", "r/o xanax withdrawal", "Klonopin withdrawal -
   resolved", "Rule out alcohol withdrawal" barred bupropion: a rule-out is no diagnosis and
   "- resolved" is past (diagnosis_text.said_as_not_current).

Charts: tests/services/k17fix_charts/ (all 19 prefetch keys): K17's probes m20, m21, n20, b22,
wd20-wd23 and variants (m22 and e* of mar30_charts/m01, as of 2026-12-01; n* of labsr30 n03, as
of 2026-12-01; wd* of text30 wd01 and b22, as of 2025-06-01).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administration_reasons import reason_reading
from fhir_mapping.diagnosis_text import said_as_not_current
from fhir_mapping.record import AdherenceStatus, FindingKind, InadequacyReason, Trial
from services.trial_adherence_text import adherence_text
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "k17fix_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_orders30 = chart_files.loader(Path(__file__).parent / "s29_orders30_charts")
_late = Evaluator(date(2026, 12, 1))
_early = Evaluator(date(2025, 6, 1))
CONTRAINDICATED = "bupropion not listed: contraindicated during abrupt discontinuation"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _trial(name: str) -> Trial:
    _, record = _late.cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial


# --- 1: a list after "refused labs" continues the refusal ----------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("m20_onhold_refused_labs_comma_meds", "Pt refused labs, meds"),
        ("m21_notdone_refused_labs_comma_meds_held", "Pt refused labs, meds - held per MD"),
        ("m22_onhold_refused_lab_meds", "refused lab meds"),
    ],
)
def test_a_refusal_running_on_past_the_labs_is_missed(name: str, words: str) -> None:
    trial = _trial(name)
    assert trial.adherence.status is AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE in trial.reasons
    assert f"not given on 16 ({words})" in adherence_text(trial)


@pytest.mark.parametrize(
    ("words", "reading"),
    [
        ("Patient refused ECG, medication held", DoseReading.HELD),
        ("Pt refused labs, held per MD", DoseReading.HELD),
        ("Pharmacist refused order, med held", DoseReading.HELD),
        ("Pt refused labs - med held per MD", DoseReading.HELD),
        ("Pt refused labs, meds", DoseReading.MISSED),
        ("refused lab draw", DoseReading.MISSED),  # nothing else named: as no reason
    ],
)
def test_a_comma_clause_naming_a_hold_keeps_the_mask(words: str, reading: DoseReading) -> None:
    assert reason_reading([{"text": words}]) is reading


# --- 2: a TCA level sent as a bound with its unit -----------------------------------------------


@pytest.mark.parametrize("name", ["n20_gt500", "n24_gt1900_nmol"])
def test_a_tca_bound_above_the_toxic_line_is_critical(name: str) -> None:
    cards = _late.cards(_chart(name))
    critical = [c for c in cards if c["indicator"] == "critical"]
    # In nmol/L: the lab's bound first, its molar conversion beside it (session 30 labs33 item 2).
    level = (
        "> 500 ng/mL on 2026-11-25" if name == "n20_gt500" else "> 1900 nmol/L (> about 500 ng/mL)"
    )
    assert [c["summary"] for c in critical] == [
        f"Nortriptyline level {level}: above the 500 ng/mL toxic line; assess for toxicity now "
        "(ECG for QRS and QTc)"
    ]


def test_a_tca_bound_without_its_unit_is_not_read() -> None:
    cards = _late.cards(_chart("n23_gt500_no_unit"))
    assert not [c for c in cards if c["indicator"] == "critical"]
    assert "1 lab result could not be read: this chart was judged without it" in [
        c["summary"] for c in cards
    ]


# --- 3: oral B12 on the MAR counts while given ---------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "summary"),
    [
        (
            date(2025, 5, 30),  # the day after the last daily dose: still given
            "Review alongside escalation: low B12 on cyanocobalamin since 2025-04-20: recheck B12 "
            "after about 3 months of treatment",
        ),
        (
            date(2025, 6, 1),
            "Confirm the diagnosis before escalating: low B12 140 on 2025-04-01",
        ),  # ended 05-29
    ],
)
def test_daily_oral_b12_on_the_mar_is_replacement_while_given(as_of: date, summary: str) -> None:
    cards = by_topic(Evaluator(as_of).cards(_chart("b22_b12_oral_daily_on_mar")))
    assert cards["diagnosis-review"]["summary"] == summary


# --- 4: the patient on the unit under watch -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        (
            "e01_notdone_at_risk_for_elopement_held_per_provider",
            "Patient at risk for elopement; held per provider",
        ),
        (
            "e02_notdone_elopement_attempt_held_for_sedation",
            "Elopement attempt - held for sedation",
        ),
        ("e03_notdone_returned_from_awol_held_per_md", "Pt returned from AWOL, held per MD"),
        (
            "e04_notdone_threatening_to_leave_ama_held",
            "Pt threatening to leave AMA - held for sedation",
        ),
    ],
)
def test_an_on_unit_wording_with_a_hold_is_held(name: str, words: str) -> None:
    trial = _trial(name)
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE not in trial.reasons
    assert f"held on 16 ({words})" in adherence_text(trial)


def test_a_real_departure_stays_missed() -> None:
    trial = _trial("e05_notdone_left_ama_control")
    assert trial.adherence.status is AdherenceStatus.POOR
    assert "not given on 16 (Pt left AMA)" in adherence_text(trial)


@pytest.mark.parametrize(
    ("words", "reading"),
    [
        # No hold word: the watch alone holds no dose (recheck K18 s29 finding 4, fix k18a).
        ("Pt on 1:1 for elopement", DoseReading.MISSED),
        ("Pt on 1:1 for elopement, held per MD", DoseReading.HELD),
        ("Pt attempted elopement - held per MD", DoseReading.HELD),
        ("AMA risk - held", DoseReading.HELD),
        ("Pt attempted elopement, now AWOL", DoseReading.MISSED),
        ("AMA risk; left AMA", DoseReading.MISSED),
        ("Elopement attempt; pt refused", DoseReading.MISSED),
    ],
)
def test_on_unit_words_beside_a_departure_or_refusal(words: str, reading: DoseReading) -> None:
    assert reason_reading([{"text": words}]) is reading


# --- 5: the course's start beside "on hold" -----------------------------------------------------


def test_a_held_partner_says_its_course_start_before_the_hold_words() -> None:
    cards = _late.cards(
        _orders30("c7_sertraline_running_fluoxetine_held_linezolid_sign"), "order-sign"
    )
    detail = json.dumps([c.get("detail") for c in cards], ensure_ascii=False)
    assert "fluoxetine is on hold (course since 2026-07-05), hold date not recorded" in detail
    assert "hold date not recorded (since" not in detail


# --- 6: withdrawal wordings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "contraindicated"),
    [
        ("wd20_abrupt_discontinuation_of_xanax", True),
        ("wd21_benzo_detox", True),
        ("wd22_xanax_withdrawl", True),
        ("wd24_klonopin_wd", True),
        ("wd28_alcohol_detox", True),
        ("wd23_rule_out_benzo_wd", False),
        ("wd25_r_o_xanax_withdrawal", False),
        ("wd26_klonopin_withdrawal_resolved", False),
        ("wd27_rule_out_alcohol_withdrawal", False),
    ],
)
def test_withdrawal_wordings(name: str, contraindicated: bool) -> None:
    cards = _early.by_topic(_chart(name))
    assert (CONTRAINDICATED in json.dumps(cards["optimize-switch-augment"])) is contraindicated
    assert ("safety screen first" in cards["tms-referral"]["summary"]) is contraindicated


@pytest.mark.parametrize(
    ("text", "over"),
    [
        ("Rule out benzo withdrawal", True),
        ("r/o xanax withdrawal", True),
        ("Klonopin withdrawal - resolved", True),
        ("Hx of alcohol withdrawal", True),
        ("Klonopin withdrawal, not resolved", False),
        ("Alcohol withdrawal; r/o DTs", False),
        ("r/o bipolar; alcohol withdrawal", False),
        ("Ativan withdrawal, CIWA in progress", False),
    ],
)
def test_said_as_not_current(text: str, over: bool) -> None:
    assert said_as_not_current(text, FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL) is over
