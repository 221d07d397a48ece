"""PHQ-9s on the chart that the service could not recognise are named, never "no PHQ-9 on record".

Epic flowsheet PHQ-9s often carry only the site's own flowsheet code (../shared/fhir/vendor/
README.md trap 8), and a site's own PHQ-9 form has opaque linkIds (trap 9): until the site's codes
are configured (`[codes]`) they are not read. The chart then used to say "no PHQ-9 total on
record" on the measurement-based-care card and nothing anywhere about item 9: a card claimed more
than the record shows, and item 9 read as if no positive answer were there. Now each such
resource is a DataGap (fhir_mapping/phq9_lookalike.py, "looks like" from data/
phq9_lookalike_terms.csv, never a score), the measurement-based-care card counts them and says a
site code can be configured, and every card that lists them says their total and item 9 are not
known.

QuestionnaireResponses are reported by the mapping end to end. Observations are reported by
`phq9_lookalike.observation_gaps`, which build_record calls on the Observations no reader takes
(after `may_name_phq9`, a cheap first look); the card tests add its gaps to the record directly;
`test_build_record_reports_the_flowsheet_phq9s` checks the wiring.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, timedelta
from importlib import resources
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.fhir_fields import effective_date
from fhir_mapping.phq9_lookalike import (
    UNRECOGNISED_PHQ9_OBSERVATION,
    UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ,
    may_name_phq9,
    names_phq9,
    observation_gaps,
)
from fhir_mapping.record import DataDomain, DataGap, PatientRecord, SourceRef
from services import data_gaps
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fhir_mapping import fhir_resources as R
from tests.fhir_mapping import questionnaire_resources as Q
from tests.fixtures import vendor_charts as V
from tests.services.test_questionnaire_phq9 import AS_OF, PID, _card, _chart, _evaluate

Resource = dict[str, Any]
SITE_FORM = "https://ehr.example.org/fhir/Questionnaire/phq9-local"
LINK_IDS = [f"phq9_{n}" for n in range(1, 10)] + ["phq9_total", "phq9_difficulty"]
NOT_KNOWN = "total and item 9 not known"


def valid(resource: Resource) -> Resource:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def _site_form(
    questionnaire: str = SITE_FORM, *, authored: date = AS_OF - timedelta(days=3)
) -> Resource:
    """A PHQ-9 on the site's own form (LHC-Forms' response with opaque linkIds), item 9 = 2:
    positive, and unread while the form's items are not mapped."""
    return valid(
        Q.lhc_forms(
            Q.answers_for(16, 2),
            16,
            link_ids=LINK_IDS,
            questionnaire=questionnaire,
            authored=authored,
            patient=PID,
            qid="qr-site",
        )
    )


def _flowsheet(rid: str, name: str, day: date, value: str, **changes: Any) -> Resource:
    row = V.epic_flowsheet_row(rid, "p1", "3049", name, day, value)
    row.update(changes)
    return row


# --- what looks like a PHQ-9 (data/phq9_lookalike_terms.csv) ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "PHQ-9 Total Score",
        "PHQ9 TOTAL",
        "PHQ-9 Q9 Thoughts of self-harm",
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        "Patient Health Questionnaire - 9 Item",
        "Patient Health Questionnaire",  # the family alone: the safer reading
        "https://ehr.example.org/fhir/Questionnaire/phq-9-local|3.1",
    ],
)
def test_names_of_a_phq9(text: str) -> None:
    assert names_phq9([text])


@pytest.mark.parametrize(
    "text",
    [
        "PHQ-2 Total Score",
        "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]",
        "Patient Health Questionnaire (PHQ-15)",
        "PHQ-90",
        "GAD-7 Total Score",
        "Pulse",
        "",
    ],
)
def test_names_that_are_not_a_phq9(text: str) -> None:
    assert not names_phq9([text])


def test_epic_flowsheet_phq9s_without_the_site_map_are_gaps_never_scores() -> None:
    chart = V.epic_chart()
    rows = [r for r in chart.resources if r["resourceType"] == "Observation"]
    gaps = observation_gaps(rows, as_of=chart.as_of)
    flowsheet = [r["id"] for r in rows if r["code"]["coding"][0]["system"] == V.FLOWSHEET]
    assert len(flowsheet) == 7  # six totals and item 9 (trap 8)
    # Each dated as the row is (review 19 I6: the card names the latest one's date).
    dated = {r["id"]: effective_date(r) for r in rows}
    assert gaps == [
        DataGap(
            DataDomain.SCORES,
            UNRECOGNISED_PHQ9_OBSERVATION,
            SourceRef("Observation", rid),
            date=dated[rid],
        )
        for rid in flowsheet
    ]
    assert all(g.date is not None for g in gaps)
    # Never a score: the record built from the chart has no PHQ-9 total nor answer read. The
    # item-9 row is an answer not read (its words name item 9, review s22 RS finding 2).
    record = build_record(chart.resources, as_of=chart.as_of, patient_id=chart.patient_id)
    (item9,) = record.phq9()
    assert (item9.value, item9.item9) == (None, None)
    assert item9.item9_unread is not None and item9.item9_unread.id in flowsheet


def test_only_results_named_phq9_count() -> None:
    day = date(2025, 5, 12)
    rows = [
        _flowsheet("phq2", "PHQ-2 Total Score", day, "3"),
        _flowsheet("pulse", "Pulse", day, "72"),
        _flowsheet("error", "PHQ-9 Total Score", day, "17", status="entered-in-error"),
        _flowsheet("later", "PHQ-9 Total Score", AS_OF + timedelta(days=1), "17"),
        _flowsheet("undated", "PHQ-9 Total Score", day, "17"),
    ]
    del rows[-1]["effectiveDateTime"], rows[-1]["issued"]  # its date unknown, not later
    assert [g.source for g in observation_gaps(rows, as_of=AS_OF)] == [
        SourceRef("Observation", "undated")
    ]


def test_a_site_phq9_form_not_mapped_is_a_gap_and_other_forms_are_not() -> None:
    record = build_record(_chart(AS_OF, _site_form()), as_of=AS_OF, patient_id=PID)
    # Item 9 alone, read by its words (review s28 K10 finding 1: phq9_form_item9.py); no total.
    assert [(s.value, s.item9) for s in record.phq9()] == [(None, 2)]
    # Its item 9 read, the gap says only that its total is not known (session 29 fix forms30).
    assert record.gaps_in(DataDomain.SCORES) == (
        DataGap(
            DataDomain.SCORES,
            UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ,
            SourceRef("QuestionnaireResponse", "qr-site"),
            date=AS_OF - timedelta(days=3),  # its authored date
        ),
    )
    gad7 = _site_form("https://ehr.example.org/fhir/Questionnaire/gad-7-local")
    assert build_record(_chart(AS_OF, gad7), as_of=AS_OF, patient_id=PID).gaps == ()
    # A contained Questionnaire titled as the PHQ-9 names it too.
    contained = _site_form("#form")
    contained["contained"] = [
        {
            "resourceType": "Questionnaire",
            "id": "form",
            "status": "active",
            "title": "Patient Health Questionnaire (PHQ-9)",
            "item": [{"linkId": link, "type": "choice"} for link in LINK_IDS],
        }
    ]
    record = build_record(_chart(AS_OF, valid(contained)), as_of=AS_OF, patient_id=PID)
    assert [g.reason for g in record.gaps] == [UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ]


# --- the cards ----------------------------------------------------------------------------------------


def _assert_item9_not_known(card: Recommendation) -> None:
    """The card lists the results and says their item 9 is not known."""
    assert "**Data not read**" in card.detail
    assert NOT_KNOWN in card.detail


def test_measurement_card_names_a_site_phq9_form_it_could_not_read() -> None:
    result = _evaluate(_chart(AS_OF, _site_form()))
    mbc = _card(result, "measurement-based-care")
    assert mbc is not None
    # What the record shows and what would fix it, not "repeat the PHQ-9" beside a form filed
    # three days ago (review 19 I6); the detail says more.
    assert mbc.summary == (
        "On sertraline: 1 PHQ-9 form of an unmapped site questionnaire (latest 2024-05-31): read "
        "it in the chart; map the site form ([codes])"
    )
    # Its item 9 was read (below): only its total is said not known (session 29 fix forms30).
    assert (
        "**PHQ-9s not read:** No PHQ-9 total could be read: 1 questionnaire response named PHQ-9 "
        "uses a form this service does not know (its items can be mapped in the site "
        "configuration). Their totals are not known: check them in the chart."
    ) in mbc.detail
    assert "no PHQ-9 on record" not in mbc.detail
    assert "no PHQ-9 total on record" not in mbc.summary
    # Its item 9 of 2 is read by its words (review s28 K10 finding 1): the suicide-risk card,
    # which lists the form's "total not known" line (its total is still not read; its item 9
    # read is not said to be unknown: session 29 fix forms30 item 3).
    risk = _card(result, "suicide-risk")
    assert risk is not None
    assert risk.summary.startswith("PHQ-9 item 9 = 2 (more than half the days) on 2024-05-31")
    assert "listed on the Suicide risk card" in mbc.detail
    assert "**Data not read**" in risk.detail
    assert "site configuration; total not known)" in risk.detail
    assert NOT_KNOWN not in risk.detail


def test_without_the_site_form_the_same_chart_says_no_phq9_on_record() -> None:
    # The contrast: the wording above comes from the unrecognised form, not from the chart.
    mbc = _card(_evaluate(_chart(AS_OF)), "measurement-based-care")
    assert mbc is not None
    assert "no PHQ-9 total on record" in mbc.summary
    assert "PHQ-9s not read" not in mbc.detail


def test_an_older_phq9_read_and_a_recent_one_not_read() -> None:
    old = R.phq9_total("t-old", AS_OF - timedelta(days=120), 15, patient=PID)
    result = _evaluate(_chart(AS_OF, old, _site_form()))
    mbc = _card(result, "measurement-based-care")
    assert mbc is not None
    # Its date is not read: the recent PHQ-9 this card asks for may be among them.
    assert "no PHQ-9 total that could be read in 120 days" in mbc.summary
    assert (
        "**PHQ-9s not read:** 1 questionnaire response named PHQ-9 uses a form this service does "
        "not know"
    ) in mbc.detail


def test_other_left_out_scores_say_in_the_data_that_could_be_read() -> None:
    undated = Q.sdc(Q.answers_for(14, 2), 14, authored=None, patient=PID)
    mbc = _card(_evaluate(_chart(AS_OF, valid(undated))), "measurement-based-care")
    assert mbc is not None
    assert "no PHQ-9 total in the data that could be read" in mbc.summary


def _screen(record: PatientRecord) -> dict[str, Recommendation]:
    """The patient-view cards with their "Data not read" sections, as evaluate() gives them."""
    cards = data_gaps.annotate(patient_view(record, Policy()), record)
    return {r.topic: r for r in cards}


def _epic_record_with_lookalikes() -> PatientRecord:
    """The Epic chart without the site map, as build_record reads it: its flowsheet PHQ-9s are
    gaps (test_build_record_reports_the_flowsheet_phq9s)."""
    chart = V.epic_chart()
    return build_record(chart.resources, as_of=chart.as_of, patient_id=chart.patient_id)


def test_epic_chart_without_the_site_map_names_its_flowsheet_phq9s() -> None:
    found = _screen(_epic_record_with_lookalikes())
    # The item-9 row's words name item 9: its answer not read raises the suicide-risk warning
    # (review s22 RS finding 2), which now leads and lists what was not read.
    assert list(found) == ["suicide-risk", "optimize-switch-augment", "measurement-based-care"]
    risk = found["suicide-risk"]
    assert risk.summary.startswith("PHQ-9 item 9 answer on 2025-05-12 could not be read")
    mbc = found["measurement-based-care"]
    assert mbc.summary == (
        "On duloxetine: 7 PHQ-9 results under an unmapped site code (latest 2025-05-12): read "
        "them in the chart; map the site code ([codes])"
    )
    assert (
        "No PHQ-9 total could be read: 7 observations named PHQ-9 use codes this service does "
        "not know (a site code can be configured)."
    ) in mbc.detail
    assert "no PHQ-9 on record" not in mbc.detail
    # The first card whose conclusion rests on the scores lists them, with item 9 not known; the
    # other points to that list (once per screen: audit 15 W3).
    _assert_item9_not_known(risk)
    assert "7 rating-scale results could not be read" in risk.detail
    assert "listed on the Suicide risk card." in mbc.detail
    assert "listed on the Suicide risk card." in found["optimize-switch-augment"].detail


def test_with_nothing_on_the_chart_to_carry_them_a_data_quality_card_does() -> None:
    record = _epic_record_with_lookalikes()
    # No antidepressant: no pathway card; no item-9 answer not read: no suicide-risk card.
    record = dataclasses.replace(record, trials=(), scores=())
    found = _screen(record)
    card = found["data-quality"]
    assert card.summary.startswith("7 rating-scale results could not be read")
    assert NOT_KNOWN in card.detail


def test_build_record_reports_the_flowsheet_phq9s() -> None:
    chart = V.epic_chart()
    record = build_record(chart.resources, as_of=chart.as_of, patient_id=chart.patient_id)
    assert [g.reason for g in record.gaps] == [UNRECOGNISED_PHQ9_OBSERVATION] * 7


def test_every_term_passes_build_records_first_look() -> None:
    """build_record asks `may_name_phq9` first (one lowercase substring test per text): every
    term of the table must contain "phq" or "patient health", or a PHQ-9 named by that term
    would be skipped in silence."""
    rows = csv.DictReader(
        resources.files("fhir_mapping")
        .joinpath("data/phq9_lookalike_terms.csv")
        .read_text("utf-8")
        .splitlines()
    )
    terms = [row["term"] for row in rows]
    assert terms
    for term in terms:
        observation = {"resourceType": "Observation", "code": {"text": term.upper()}}
        assert may_name_phq9(observation), term
        observation = {"code": {"coding": [{"system": "urn:site", "code": "1", "display": term}]}}
        assert may_name_phq9(observation), term


def test_first_look_rejects_vitals_and_labs() -> None:
    for text in ("Body Height", "Hemoglobin A1c", "GAD-7 total score", "Heart rate"):
        assert not may_name_phq9({"code": {"text": text, "coding": [{"display": text}]}})


def test_staging_does_not_say_no_phq9_on_record_beside_unread_phq9s() -> None:
    """The Maudsley severity scored without a PHQ-9 says the PHQ-9s could not be read, not that
    there are none (a card never claims more than the record shows)."""
    detail = _screen(_epic_record_with_lookalikes())["optimize-switch-augment"].detail
    assert "no PHQ-9 that could be read: from the coded diagnosis" in detail
    assert "no PHQ-9 on record" not in detail


def test_the_scores_section_does_not_say_no_phq9_on_record_beside_unread_phq9s() -> None:
    from services import cards

    assert cards.scores_section(_epic_record_with_lookalikes()) == (
        "**Scores:** no PHQ-9 that could be read."
    )


def test_the_tms_blocker_and_packet_do_not_say_no_phq9_on_record_beside_unread_phq9s() -> None:
    from services.packet.severity import latest_phq9_text
    from services.pathway import derive_facts

    record = _epic_record_with_lookalikes()
    assert latest_phq9_text(record) == "no PHQ-9 that could be read"
    blockers = derive_facts(record, Policy()).tms.blockers
    assert "no PHQ-9 that could be read to document severity" in blockers
    assert not any("no PHQ-9 on record" in b for b in blockers)


def test_the_timeline_summary_names_unread_phq9s() -> None:
    from services.timeline.summary import describe

    text = describe(_epic_record_with_lookalikes())
    assert "No PHQ-9 total that could be read (7 named PHQ-9 not read)." in text
    assert "No PHQ-9 total scores." not in text
