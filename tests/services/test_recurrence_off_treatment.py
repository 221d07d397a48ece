"""Review 11 finding 3, chart M3: a recurrence off treatment got NO cards. Escitalopram 10 mg
renewed yearly 2019-2024 (Synthea's shape: completed orders, no duration), PHQ-9 18 -> 4, 3, 2
on it, the last supply ends 2024-05-01, then PHQ-9 20 and 21 in 2025 with no antidepressant on
record. The remission ended the 2019 episode, so the course is rightly no trial of this one, and
no card spoke at all.

Now one warning card (services/rules/relapse.py recurrence_rule): "Recurrence off treatment:
PHQ-9 21 on 2025-05-26 (escitalopram 10 mg/day brought remission, PHQ-9 2 on 2023-04-03; stopped
2024-05-01)": review first, then consider restarting what worked; text only. Not while a drug
runs, not below the relapse cut-off, not when the remission was not on the drug or the patient
was worse again before it stopped. Every resource validates against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules import relapse
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-recurrence-off-1"
Resource = dict[str, Any]
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
TOPIC = "recurrence-off-treatment"  # a literal: the old code has no such constant
# M3: remission on escitalopram, then the rise in 2025 after the yearly renewals stopped.
ON_DRUG = [(date(2019, 3, 25), 18), (date(2019, 9, 30), 4), (date(2021, 4, 5), 3)]
ON_DRUG += [(date(2023, 4, 3), 2)]
RISE = [(date(2025, 4, 28), 20), (date(2025, 5, 26), 21)]


def _patient(onset: date = date(2019, 3, 25)) -> list[Resource]:
    return [
        fb.patient(
            id=P, given="Nora", family="Vance", gender="female", birth_date=date(1975, 2, 14)
        ),
        fb.condition(
            "http://hl7.org/fhir/sid/icd-10-cm",
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            onset,
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
    ]


def _yearly_renewals(years: range, *, last_active: bool = False) -> list[Resource]:
    """Synthea's shape: one completed order a year, no dispenseRequest (no duration stated)."""
    return [
        fb.medication_request(
            *ESCITALOPRAM_10,
            date(year, 4, 1),
            status="active" if last_active and year == years[-1] else "completed",
            patient=P,
            id=f"mr-esc-{year}",
        )
        for year in years
    ]


def _build(resources: list[Resource], scores: list[tuple[date, int]], item9: int = 0) -> Any:
    for day, total in scores:
        resources.extend(fb.phq9(day, total, item9 if day == scores[-1][0] else 0, patient=P))
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def cards(record: Any) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


def m3(scores: list[tuple[date, int]] = ON_DRUG + RISE, item9: int = 0) -> Any:
    return _build(_patient() + _yearly_renewals(range(2019, 2025)), scores, item9)


def test_recurrence_off_treatment_after_remission_on_a_drug_gets_one_warning_card() -> None:
    shown = cards(m3())
    card = shown[TOPIC]
    assert card.summary == (
        "Recurrence off treatment: PHQ-9 21 on 2025-05-26 (escitalopram 10 mg/day brought "
        "remission, PHQ-9 2 on 2023-04-03; stopped 2024-05-01)"
    )
    assert len(card.summary) <= 140
    assert card.indicator is Indicator.WARNING
    assert "brought remission from 2019-09-30 to 2023-04-03 (PHQ-9 4, 3, 2" in card.detail
    assert "no antidepressant is on record since" in card.detail
    # The stop is the counted end of an order with no duration: said so, not claimed as recorded.
    assert "its records state no duration: that end is counted, not recorded" in card.detail
    assert "check adherence, intercurrent stressors, alcohol and substance use" in card.detail
    assert "and why escitalopram was stopped" in card.detail
    assert "escitalopram 10 mg/day: consider restarting it at the dose that brought" in card.detail
    assert "(APA 2010; UNVERIFIED)" in card.detail
    assert "continue it for at least 6-12 months" in card.detail
    assert "Not counted as a failed trial of this episode (from 2025-04-28)" in card.detail
    # Text only: a restart rests on the review the card asks for.
    assert card.suggestions == ()
    assert relapse.TOPIC not in shown


def test_no_card_while_an_antidepressant_runs() -> None:
    # M3b: the 2025 renewal is active: a relapse on the drug, the relapse card's case.
    record = _build(
        _patient() + _yearly_renewals(range(2019, 2026), last_active=True), ON_DRUG + RISE
    )
    shown = cards(record)
    assert TOPIC not in shown
    assert relapse.TOPIC in shown


def test_a_course_on_hold_since_the_remission_counts_as_off_treatment() -> None:
    # The 2024 renewal is on hold, with no fill: the drug is not taken now (Trial.on_hold).
    resources = _patient() + _yearly_renewals(range(2019, 2024))
    resources.append(
        fb.medication_request(
            *ESCITALOPRAM_10, date(2024, 4, 1), status="on-hold", patient=P, id="mr-esc-2024"
        )
    )
    card = cards(_build(resources, ON_DRUG + RISE))[TOPIC]
    assert card.summary == (
        "Recurrence off treatment: PHQ-9 21 on 2025-05-26 (escitalopram 10 mg/day brought "
        "remission; on hold since 2024-04-01)"
    )
    # The held renewal, never filled, counts no assumed month (review 14 W6): held from its date.
    assert "it is on hold on record, taken to 2024-04-01 at most" in card.detail


def test_no_card_below_the_relapse_cut_off() -> None:
    # PHQ-9 8 (mild) is below policy relapse_phq9_at_least (moderate, >= 10).
    assert TOPIC not in cards(m3(ON_DRUG + [(date(2025, 4, 28), 7), (date(2025, 5, 26), 8)]))


def test_no_card_when_the_remission_was_not_on_the_drug() -> None:
    # Escitalopram 2019-2020 without remission on it; the remission came off it, in 2022.
    scores = [(date(2019, 3, 25), 18), (date(2019, 9, 30), 12), (date(2022, 6, 6), 3)] + RISE
    record = _build(_patient() + _yearly_renewals(range(2019, 2021)), scores)
    assert TOPIC not in cards(record)


def test_no_card_when_worse_again_before_it_stopped() -> None:
    # Remission on it, then PHQ-9 14 on it before the last renewal ran out: not stopped in
    # remission, so "restart what worked" would claim more than the record shows.
    scores = ON_DRUG + [(date(2024, 4, 8), 14)] + RISE
    assert TOPIC not in cards(m3(scores))


def test_suicide_risk_stays_first() -> None:
    shown = [r.topic for r in patient_view(m3(item9=2), Policy())]
    assert shown[0] == "suicide-risk"
    assert TOPIC in shown


def _stopped_sertraline(later: list[tuple[date, int]]) -> Any:
    """Epic's shape: an order with monthly fills, Sep 2023 - Jul 2024, PHQ-9 20 -> 4 -> 3."""
    start, fills, rid = date(2023, 9, 4), 11, "mr-sertraline"
    resources = _patient(start) + [
        fb.medication_request(
            *SERTRALINE_100, start, status="completed", patient=P, id=rid, repeats=fills - 1
        ),
        *[
            fb.medication_dispense(
                *SERTRALINE_100,
                start + timedelta(days=30 * n),
                30,
                30,
                prescription=rid,
                patient=P,
                id=f"md-sertraline-{n}",
            )
            for n in range(fills)
        ],
    ]
    scores = [(date(2023, 9, 4), 20), (date(2024, 1, 8), 4), (date(2024, 6, 3), 3)]
    return _build(resources, scores + later)


def test_a_return_within_the_episode_is_called_a_relapse_off_treatment() -> None:
    # Stopped after 5 months in remission (no 6-month break: fhir_mapping/episode.py), PHQ-9 18
    # in Nov 2024: the same episode, so a relapse, and the course is no failed trial of it.
    record = _stopped_sertraline([(date(2024, 11, 4), 16), (date(2025, 5, 19), 18)])
    assert record.episode_start == date(2023, 9, 4)
    card = cards(record)[TOPIC]
    assert card.summary.startswith(
        "Relapse off treatment: PHQ-9 18 on 2025-05-19 (sertraline 100 mg/day brought "
        "remission, PHQ-9 3 on 2024-06-03; stopped 2024-"
    )
    assert "Not counted as a failed trial" not in card.detail
