"""Duloxetine with a high alcohol screen and no alcohol diagnosis (review 9 finding 8).

The Cymbalta label (Warnings and Precautions 5.2) says duloxetine "should ordinarily not be
prescribed to patients with substantial alcohol use": use, not a coded disorder. The service read
only diagnoses, and its `observations` prefetch did not even ask for the AUDIT-C, so a patient
screening at AUDIT-C 10 was offered duloxetine and a duloxetine order passed without a word.

Now the AUDIT-C total (LOINC 75626-2, as Synthea writes it: an Observation with valueQuantity
{score}, the result of a 72109-2 panel DiagnosticReport) and the AUDIT total (75624-7) are read as
scores, and a recent one at or above the clinic's cut-off (policy `auditc_substantial_use` 8,
`audit_substantial_use` 16, within `alcohol_screen_recent_days` 365) counts for the duloxetine
rule as an active alcohol use disorder does: not a switch option, with the score and its date as
the reason, and a warning on a drafted duloxetine. A later score below the cut-off supersedes an
earlier high one; no screen, a low one or an old one changes nothing. A screen is not a
diagnosis: the diagnosis review's "Substance use ... address it before escalating" and the payer
criteria's substance-use exclusion never fire on a screen alone.

Charts are US Core shaped (tests/fixtures/builders.py; the AUDIT Observations copy the shape of
the Synthea exafluence-qicore charts) and mapped by build_record with the real drug table.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources as package_files
from typing import Any

import pytest
from pydantic import ValidationError

from fhir_mapping.build import build_record
from fhir_mapping.record import DataDomain, FindingKind, PatientRecord, Score
from services import drug_rules
from services.catalog import services
from services.order_hooks import order_hook
from services.policy import Policy, load_policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.services.helpers import screen_by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-duloxetine-audit-c"
Resource = dict[str, Any]
CONTRAINDICATED = "order-drug-contraindicated"
AUDITC = ("75626-2", "Total score [AUDIT-C]")
AUDIT = ("75624-7", "Total score [AUDIT]")
BARRED = (
    "duloxetine not listed: ordinarily not prescribed with substantial alcohol use "
    "(hepatotoxicity) ({shown}; Cymbalta label 5.2)."
)


def _screen(which: tuple[str, str], when: date | None, total: int, *, id: str) -> Resource:
    """An alcohol screen total as Synthea's substance-use screening writes it (exafluence-qicore:
    category survey, us-core-observation-survey, valueQuantity {score}), at 10:00 local time."""
    code, display = which
    body: Resource = {
        "resourceType": "Observation",
        "id": id,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-survey"
            ]
        },
        "status": "final",
        "category": [
            {
                "coding": [
                    b.coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "survey",
                        "Survey",
                    )
                ]
            }
        ],
        "code": b.concept(b.LOINC, code, display),
        "subject": b.reference("Patient", PATIENT),
        "valueQuantity": b.quantity(total, "{score}"),
    }
    if when is not None:
        body["effectiveDateTime"] = b.fhir_datetime(when)
        body["issued"] = b.fhir_datetime(when)
    return body


def _auditc(when: date | None, total: int, id: str = "auditc") -> Resource:
    return _screen(AUDITC, when, total, id=id)


def _audit(when: date, total: int, id: str = "audit") -> Resource:
    return _screen(AUDIT, when, total, id=id)


def _aud_diagnosis() -> Resource:
    return b.condition(
        b.ICD10CM,
        "F10.20",
        "Alcohol dependence, uncomplicated",
        date(2024, 11, 1),
        category="problem-list-item",
        patient=PATIENT,
        id="aud",
    )


def _chart(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """F33.2; sertraline 150 mg then escitalopram 20 mg failed; PHQ-9 21 on 2025-05-20 (the
    review's A3: two SSRIs failed, so the SNRIs, duloxetine among them, are on offer)."""
    resources = [
        b.patient(
            id=PATIENT, given="Ana", family="Ruiz", gender="female", birth_date=date(1975, 2, 9)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            category="problem-list-item",
            patient=PATIENT,
            extra_codings=[(b.SNOMED, "370143000", "Major depressive disorder (disorder)")],
            id="mdd",
        ),
        b.medication_statement(
            "36437",
            "sertraline 100 MG Oral Tablet",
            date(2024, 6, 3),
            date(2024, 10, 1),
            status="completed",
            dose_value=150,
            dose_unit="mg",
            patient=PATIENT,
            id="ser",
        ),
        b.medication_statement(
            "351250",
            "escitalopram 20 MG Oral Tablet",
            date(2024, 10, 1),
            dose_value=20,
            dose_unit="mg",
            patient=PATIENT,
            # Reported again at the last PHQ-9 visit: a patient's statement counts to one usual
            # fill after its dateAsserted (stmt72), and this course runs to today.
            date_asserted=date(2025, 5, 20),
            id="esc",
        ),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 10, 1), 21, patient=PATIENT),
        *b.phq9(date(2025, 5, 20), 21, patient=PATIENT),
        *extra,
    ]
    assert_valid([*resources, *drafts])
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts)


def _duloxetine_draft() -> Resource:
    return b.medication_request(
        "596934",
        "duloxetine 60 MG Delayed Release Oral Capsule",
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-dul",
    )


_cards = screen_by_topic


def _switch(record: PatientRecord, policy: Policy | None = None) -> str:
    detail = _cards(record, policy)["optimize-switch-augment"].detail
    return detail.split("**Switch:**")[1].split("\n\n")[0]


def _options(switch: str) -> str:
    """The proposed options only, not the "not listed" notes that follow them."""
    return switch.split("duloxetine not listed")[0]


def _order(record: PatientRecord, hook: str = "order-select") -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook=hook)}


# --- reading the screens ---------------------------------------------------------------------


def test_audit_c_and_audit_totals_are_read_as_scores() -> None:
    record = _chart(_auditc(date(2025, 5, 19), 10), _audit(date(2025, 3, 3), 18))
    screens = [s for s in record.scores if s.instrument in {"AUDIT-C", "AUDIT"}]
    assert [(s.instrument, s.value, s.date) for s in screens] == [
        ("AUDIT", 18, date(2025, 3, 3)),
        ("AUDIT-C", 10, date(2025, 5, 19)),
    ]
    assert all(isinstance(s, Score) and s.source is not None for s in screens)
    # Not PHQ-9s: the depression scores are as before.
    assert [s.value for s in record.phq9()] == [22, 21, 21]


def test_an_undated_or_out_of_range_audit_c_is_a_data_gap_not_silence() -> None:
    record = _chart(_auditc(None, 10, id="undated"), _auditc(date(2025, 5, 19), 13, id="high"))
    reasons = {g.reason for g in record.gaps_in(DataDomain.SCORES)}
    assert "an AUDIT-C result with no usable date" in reasons
    assert "an AUDIT-C score that is missing, not a number or out of range" in reasons
    assert not [s for s in record.scores if s.instrument == "AUDIT-C"]


def _template_codes(key: str) -> set[str]:
    template = dict(services()[0].prefetch)[key]
    codes = template.split("&code=", 1)[1].split("&", 1)[0]
    return {token.split("|", 1)[1] for token in codes.split(",")}


def test_the_observations_prefetch_asks_for_audit_c_and_audit() -> None:
    # Before: an EHR answering the code-filtered template never sent the screens at all.
    asked = _template_codes("observations")
    assert {"75626-2", "75624-7"} <= asked
    assert not {"75626-2", "75624-7"} & _template_codes("labs")


# --- patient-view: the switch list ---------------------------------------------------------


def test_a_high_audit_c_takes_duloxetine_off_the_switch_list_naming_score_and_date() -> None:
    switch = _switch(_chart(_auditc(date(2025, 5, 19), 10)))
    # Before: "SNRI: venlafaxine, desvenlafaxine, duloxetine, levomilnacipran, ...".
    assert "duloxetine" not in _options(switch)
    assert "venlafaxine" in _options(switch)  # the class stays on offer
    assert BARRED.format(shown="AUDIT-C 10 on 2025-05-19") in switch


def test_a_high_audit_total_takes_duloxetine_off_the_switch_list() -> None:
    switch = _switch(_chart(_audit(date(2025, 4, 2), 16)))
    assert "duloxetine" not in _options(switch)
    assert BARRED.format(shown="AUDIT 16 on 2025-04-02") in switch


def test_the_cut_off_is_clinic_policy() -> None:
    record = _chart(_auditc(date(2025, 5, 19), 5))
    assert "duloxetine" in _options(_switch(record))  # 5 < 8, the default
    # A clinic reading any positive screen as substantial use (women >= 3, men >= 4).
    stricter = Policy(auditc_substantial_use=4)
    assert BARRED.format(shown="AUDIT-C 5 on 2025-05-19") in _switch(record, stricter)
    assert load_policy({"auditc_substantial_use": 4}).auditc_substantial_use == 4
    with pytest.raises(ValidationError):
        load_policy({"auditc_substantial_use": 13})  # above the AUDIT-C's 0-12
    with pytest.raises(ValidationError):
        load_policy({"audit_substantial_use": 41})  # above the AUDIT's 0-40


@pytest.mark.parametrize(
    "extra",
    [
        (),
        (_auditc(date(2025, 5, 19), 7),),
        (_audit(date(2025, 5, 19), 15),),
        # Older than alcohol_screen_recent_days (365) before 2025-06-02.
        (_auditc(date(2024, 5, 31), 11),),
        # A later screen below the cut-off supersedes an earlier high one.
        (_auditc(date(2024, 12, 2), 10, id="high"), _auditc(date(2025, 5, 19), 3, id="low")),
        (_audit(date(2024, 12, 2), 24), _auditc(date(2025, 5, 19), 2)),
    ],
    ids=["no-screen", "auditc-7", "audit-15", "auditc-11-too-old", "later-low", "audit-then-low-c"],
)
def test_duloxetine_stays_a_switch_option_without_a_recent_high_screen(
    extra: tuple[Resource, ...],
) -> None:
    switch = _switch(_chart(*extra))
    assert "duloxetine" in _options(switch)
    assert "substantial alcohol use" not in switch


def test_a_later_high_screen_counts_after_an_earlier_low_one() -> None:
    switch = _switch(
        _chart(_auditc(date(2024, 12, 2), 2, id="low"), _auditc(date(2025, 5, 19), 9, id="high"))
    )
    assert BARRED.format(shown="AUDIT-C 9 on 2025-05-19") in switch


def test_on_one_day_either_screen_at_its_cut_off_counts() -> None:
    # An AUDIT of 12 (zone II) with its own AUDIT-C part at 9: the safer reading wins.
    switch = _switch(_chart(_audit(date(2025, 5, 19), 12), _auditc(date(2025, 5, 19), 9)))
    assert BARRED.format(shown="AUDIT-C 9 on 2025-05-19") in switch


def test_a_coded_alcohol_use_disorder_is_still_the_one_named() -> None:
    switch = _switch(_chart(_aud_diagnosis(), _auditc(date(2025, 5, 19), 10)))
    assert "(on record: Alcohol dependence, uncomplicated" in switch
    assert "AUDIT-C" not in switch


# --- a screen is not a diagnosis -------------------------------------------------------------


def test_a_screen_alone_does_not_raise_the_substance_use_gate() -> None:
    record = _chart(_auditc(date(2025, 5, 19), 12))
    assert record.context.of(FindingKind.SUBSTANCE_USE) == ()
    cards = _cards(record)
    assert "optimize-switch-augment" in cards and "diagnosis-review" in cards
    for card in cards.values():
        # Neither "Substance use: ... address it before escalating" (diagnosis review) nor the
        # payer criteria's "substance use disorder" exclusion (TMS card).
        assert "Substance use" not in card.detail, card.topic
        assert "Alcohol use disorder:" not in card.detail, card.topic
        assert "substance use disorder" not in card.detail.lower(), card.topic
        assert "address it before escalating" not in card.detail, card.topic
    # The same chart with the diagnosis does raise it: the check above can fail.
    coded = _cards(_chart(_aud_diagnosis()))
    assert "**Alcohol use disorder:**" in coded["diagnosis-review"].detail


# --- order-select / order-sign: the drafted duloxetine ---------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_drafted_duloxetine_with_a_high_audit_c_gets_a_warning(hook: str) -> None:
    record = _chart(_auditc(date(2025, 5, 19), 10), drafts=(_duloxetine_draft(),))
    rec = _order(record, hook)[CONTRAINDICATED]
    assert rec.indicator is Indicator.WARNING
    assert rec.summary == (
        "Duloxetine: ordinarily not prescribed with substantial alcohol use (hepatotoxicity) "
        "(AUDIT-C 10 on 2025-05-19; Cymbalta label 5.2)"
    )
    assert len(rec.summary) <= 140
    # The detail says it is a screen read against the clinic's cut-off, not a diagnosis.
    assert (
        "(AUDIT-C 10 on 2025-05-19: a screen at or above the clinic's cut-off (8), read as "
        "substantial use; no use disorder coded; Cymbalta label 5.2)"
    ) in rec.detail
    # The row's cite, not the label's words from its source notes (H14).
    assert "Cymbalta label 5.2" in rec.detail
    assert "should ordinarily not be prescribed" not in rec.detail


@pytest.mark.parametrize(
    "extra",
    [(), (_auditc(date(2025, 5, 19), 7),), (_auditc(date(2024, 12, 2), 10), _auditc(AS_OF, 1))],
    ids=["no-screen", "auditc-7", "later-low"],
)
def test_drafted_duloxetine_without_a_recent_high_screen_gets_no_card(
    extra: tuple[Resource, ...],
) -> None:
    # Distinct ids for the two screens of the last case.
    screens = tuple({**r, "id": f"{r['id']}-{i}"} for i, r in enumerate(extra))
    found = _order(_chart(*screens, drafts=(_duloxetine_draft(),)))
    assert CONTRAINDICATED not in found
    assert not any("alcohol" in r.summary.lower() for r in found.values())


# --- the tables ------------------------------------------------------------------------------


def test_the_alcohol_set_names_both_screens_and_each_has_a_cut_off() -> None:
    alcohol = drug_rules.code_sets()["alcohol-use"]
    assert set(alcohol.screens) == {"AUDIT-C", "AUDIT"}
    policy = Policy()
    for instrument in alcohol.screens:
        assert policy.substantial_alcohol_use_from(instrument) is not None, instrument
    assert policy.substantial_alcohol_use_from("GAD-7") is None
    (rule,) = [r for r in drug_rules.condition_rules() if r.ingredient == "duloxetine"]
    assert rule.finding_codes is alcohol


def test_every_score_row_of_the_code_sets_is_sourced_and_names_a_scale() -> None:
    text = package_files.files("services").joinpath("data/finding_code_sets.csv").read_text("utf-8")
    rows = [r for r in csv.DictReader(text.splitlines()) if r["match"] == "score"]
    # The DAST-10 (drug-use set) since fix dx68 (K61a s39 finding 8): a screen line, no drug rule.
    assert {r["code"] for r in rows} == {"75626-2", "75624-7", "82667-7"}
    for row in rows:
        assert row["system"] == b.LOINC, row
        statuses = {"confirmed", "corroborated", "UNVERIFIED"}
        assert row["source"].strip() and row["status"] in statuses, row


def _running_duloxetine() -> Resource:
    return b.medication_request(
        "596934",
        "duloxetine 60 MG Delayed Release Oral Capsule",
        date(2025, 2, 3),
        dose_value=1,
        frequency=1,
        expected_supply_days=30,
        repeats=5,
        patient=PATIENT,
        id="mr-dul",
    )


def test_a_running_duloxetine_beside_a_high_screen_is_a_running_drug_warning() -> None:
    """Review 10 R10: duloxetine already running with AUDIT-C 10 and no diagnosis gets the
    running-drug warning duloxetine with cirrhosis gets (the Cymbalta label, 5.2, names both in
    one sentence), naming the drug, the score and its date; not an information line beside a TSH
    reminder, and never the "active substance use" gate."""
    record = _chart(_auditc(date(2025, 5, 19), 10), _running_duloxetine())
    cards = _cards(record)
    card = cards["running-drug-caution"]
    assert card.indicator is Indicator.WARNING
    # The score once, the drug to review and the drinking to address (alongside escalation,
    # holding nothing, as whatever drug runs: review s22 RX finding 2) as two lines of one card
    # (review s24 RN finding 7); never as a coded use disorder.
    assert card.summary == (
        "AUDIT-C 10, no alcohol use disorder coded: review whether duloxetine continues "
        "(hepatotoxicity); address drinking alongside escalation"
    )
    assert "review whether it should continue" in card.detail
    assert "**Alcohol use on record:** AUDIT-C 10 on 2025-05-19" in card.detail
    assert "- **Alongside escalation:** Alcohol use is associated" in card.detail
    review = cards.get("diagnosis-review")
    assert review is None or "AUDIT-C" not in review.summary + review.detail
    for found in cards.values():
        assert "Substance use:" not in found.detail, found.topic
    low = _cards(_chart(_auditc(date(2025, 5, 19), 4), _running_duloxetine()))
    assert "running-drug-caution" not in low
    assert "AUDIT-C 4" not in "\n".join(r.summary + r.detail for r in low.values())
