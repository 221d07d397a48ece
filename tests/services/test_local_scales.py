"""Depression scales other than the PHQ-9 filed under a site's local code only, and the packet's
severity line on a chart measured only with such a scale.

1. An Epic flowsheet row holding a MADRS, HAM-D, QIDS or BDI total under the site's flowsheet
   code alone (../shared/fhir/vendor/README.md trap 8) was only counted as skipped: a course
   measured that way read "no PHQ-9 on record" with nothing said of the scores on the chart. Now
   each is a DataGap naming its scale (fhir_mapping/scale_lookalike.py, terms in
   data/scale_lookalike_terms.csv, negations read as the safety screen reads them), never a
   score; --explain lists them, and where they could change a conclusion (no PHQ-9 on record, a
   course not judged on a PHQ-9 pair) the cards resting on scores name them ("3 MADRS-like
   scores under a local code not read").
2. The TMS packet said "Latest: no PHQ-9 on record" on a chart measured only with the MADRS while
   its card read severity from the MADRS: the packet now names the scale the card used.

Charts: the recheck probe m13 (Epic-shaped patient-view request: MADRS rows under an Epic
flowsheet code and the project code), with the project code removed for the local-only case;
Epic flowsheet rows from tests/fixtures/vendor_charts.py; all valid R4B.
"""

from __future__ import annotations

import copy
import csv
import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.explain import explain
from fhir_mapping.phq9_lookalike import names_phq9
from fhir_mapping.record import DataDomain, PatientRecord
from fhir_mapping.scale_lookalike import (
    FIRST_LOOK,
    may_name_scale,
    observation_gaps,
    scale_named,
    scale_reason,
    unread_scale,
)
from services import data_gaps
from services.packet import render_packet
from services.packet.severity import latest_phq9_text
from services.policy import Policy
from services.rules.context import build_context
from tests.fhir_mapping.other_scale_charts import chart, scale
from tests.fixtures import vendor_charts as V
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck2_charts"
TMS = "tms-referral"
PROJECT = "urn:trd-cds:scale"
Doc = dict[str, Any]
Resource = dict[str, Any]


def _valid(resource: Resource) -> Resource:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def _row(
    name: str, *, rid: str = "fs-1", day: date = date(2025, 5, 12), **changes: Any
) -> Resource:
    """An Epic flowsheet Observation: the site's flowsheet code only, the value as a string."""
    row = V.epic_flowsheet_row(rid, "p1", "1234", name, day, "31")
    row.update(changes)
    return _valid(row)


def _m13(*, local_only: bool = False) -> Doc:
    """m13: sertraline then venlafaxine failed on MADRS 34 -> 32 -> 31 (latest 2025-05-12), no
    PHQ-9. `local_only`: the MADRS rows keep only their Epic flowsheet code (the project code a
    configured site map would add is removed), as a site without `[codes]` sends them."""
    (path,) = CHARTS.glob("m13_*.json")
    doc: Doc = json.loads(path.read_text("utf-8"))
    if not local_only:
        return doc
    doc = copy.deepcopy(doc)
    for bundle in doc["prefetch"].values():
        for entry in (bundle or {}).get("entry", []):
            r = entry["resource"]
            if r["resourceType"] != "Observation":
                continue
            codings = r["code"].get("coding", [])
            if any(c.get("system") == PROJECT for c in codings):
                r["code"]["coding"] = [c for c in codings if c.get("system") != PROJECT]
                _valid(r)
    return doc


_at = Evaluator(AS_OF, hook="patient-view")
_evaluate = _at.by_topic_and_record


# --- what looks like another scale (data/scale_lookalike_terms.csv) ---------------------------------


@pytest.mark.parametrize(
    ("text", "instrument"),
    [
        ("MADRS Total Score", "MADRS"),
        ("R MADRS TOTAL SCORE", "MADRS"),
        ("Montgomery-Åsberg Depression Rating Scale", "MADRS"),
        ("HAM-D", "HAM-D"),
        ("HAM-D17 TOTAL", "HAM-D"),
        ("Hamilton Depression", "HAM-D"),
        ("HDRS-17 total", "HAM-D"),
        ("QIDS", "QIDS"),
        ("QIDS-SR16 Total", "QIDS"),
        ("Beck Depression Inventory", "BDI"),
        ("R BDI-II TOTAL", "BDI"),
    ],
)
def test_flowsheet_rows_named_another_scale(text: str, instrument: str) -> None:
    row = _row(text)
    assert may_name_scale(row)
    assert scale_named(row) == instrument


def test_every_term_passes_the_first_look() -> None:
    """build_record asks `may_name_scale` first (plain substrings of the lower-cased text): every
    term of the table must hold a FIRST_LOOK word, in upper case too, in a text or a display, or
    a scale named by that term would be skipped in silence."""
    text = resources.files("fhir_mapping").joinpath("data/scale_lookalike_terms.csv")
    terms = [row["term"] for row in csv.DictReader(text.read_text("utf-8").splitlines())]
    assert terms
    for term in terms:
        assert any(word in term.lower() for word in FIRST_LOOK), term
        assert may_name_scale({"code": {"text": term.upper()}}), term
        assert may_name_scale({"code": {"coding": [{"code": "1", "display": term}]}}), term


def test_the_first_look_rejects_vitals_and_labs() -> None:
    for text in ("Body Height", "Hemoglobin A1c", "Sodium [Moles/volume] in Serum", "Heart rate"):
        assert not may_name_scale({"code": {"text": text, "coding": [{"display": text}]}})


@pytest.mark.parametrize(
    "text",
    [
        "PHQ-8 Total Score",  # read by no rule, coded or not: nothing it could change
        "Hamilton Anxiety Rating Scale",
        "Beck Anxiety Inventory",
        "BDIX",  # no whole word
        "No MADRS this visit",  # negated (NegEx pre-trigger "no")
        "MADRS: none",  # a checklist answer after the name
        "Pulse",
    ],
)
def test_rows_that_name_no_other_scale(text: str) -> None:
    assert scale_named(_row(text)) is None


def test_a_phq8_is_not_taken_for_a_phq9() -> None:
    """ "Patient Health Questionnaire-8" named the PHQ family with no other PHQ instrument the
    table knew, so it read as a PHQ-9 whose item 9 was unknown: the PHQ-8 has no item 9."""
    assert not names_phq9(["Patient Health Questionnaire-8 (PHQ-8) total score"])
    assert not names_phq9(["PHQ8 TOTAL"])


def test_only_results_up_to_as_of_and_never_a_phq9_row() -> None:
    rows = [
        _row("MADRS Total Score", rid="a"),
        _row("MADRS Total Score", rid="b", status="preliminary"),
        _row("MADRS Total Score", rid="c", day=date(2025, 7, 1)),  # after as-of
        _row("PHQ-9 and MADRS", rid="d"),  # named PHQ-9: phq9_lookalike.py's
    ]
    gaps = observation_gaps(rows, as_of=AS_OF)
    assert [str(g.source) for g in gaps] == ["Observation/a"]
    (gap,) = gaps
    assert gap.domain is DataDomain.SCORES and unread_scale(gap) == "MADRS"
    assert gap.reason == scale_reason("MADRS")


# --- the chart: gaps, never scores -----------------------------------------------------------------


def test_local_only_madrs_rows_are_named_gaps_not_scores() -> None:
    cards, record = _evaluate(_m13(local_only=True))
    assert not [s for s in record.scores if s.instrument == "MADRS"]
    unread = [g for g in record.gaps if unread_scale(g) == "MADRS"]
    assert len(unread) == 3
    # --explain names them.
    text = explain(record)
    assert "3 rating-scale results could not be read (named MADRS under a local code" in text
    # With no score, the TMS rule cannot document severity: it names the unread MADRS rows.
    facts = build_context(record, Policy(), hook="patient-view").facts
    assert (
        "no PHQ-9 on record (3 MADRS-like scores under a local code not read) to document severity"
    ) in facts.tms.blockers
    assert TMS not in cards
    # Every card resting on scores says so; no card leaves them out. The block is listed once
    # per screen, on the first card, and a later card with the same gaps points to it (audit 15
    # W3).
    resting = [
        c
        for c in cards.values()
        if "scores" in data_gaps.topic_domains().get(c["source"]["topic"]["code"], ("scores",))
    ]
    assert resting
    assert "named MADRS under a local code" in resting[0]["detail"]
    for card in resting[1:]:
        detail = card["detail"]
        assert "named MADRS under a local code" in detail or (
            "**Data not read** (the conclusion may change once it is): listed on the " in detail
        ), card["source"]["topic"]


def test_the_same_rows_coded_are_read_and_name_no_gap() -> None:
    _, record = _evaluate(_m13())
    assert [s.value for s in record.scores if s.instrument == "MADRS"] == [34, 32, 31]
    assert not [g for g in record.gaps if unread_scale(g) is not None]
    assert data_gaps.unread_scales_text(record) == ""


def test_unread_rows_that_no_conclusion_rests_on_are_not_on_cards() -> None:
    """Every course judged on a PHQ-9 pair and a PHQ-9 on record: another scale is read for
    nothing, so an unread HAM-D row would be noise on each card (it stays on --explain)."""
    from tests.fhir_mapping.other_scale_charts import START

    phq9 = [
        scale_phq9(START, 20),
        scale_phq9(date(2025, 3, 3), 18),
        scale_phq9(date(2025, 5, 19), 17),
    ]
    hamd = V.epic_flowsheet_row("fs-hamd", "pt-scales-1", "1234", "HAM-D", date(2025, 5, 1), "22")
    hamd["subject"] = {"reference": "Patient/pt-scales-1"}
    record = chart(*phq9, _valid(hamd))
    assert [unread_scale(g) for g in record.gaps] == ["HAM-D"]
    assert "named HAM-D under a local code" in explain(record)
    cards = data_gaps.annotate(_cards_of(record), record)
    assert cards and not any("HAM-D" in c.detail for c in cards)
    assert data_gaps.TOPIC not in [c.topic for c in cards]


def scale_phq9(day: date, total: int) -> Resource:
    """A PHQ-9 total as a US Core survey Observation (LOINC 44261-6)."""
    obs = scale("BDI-II", day, total)
    obs["id"] = f"phq9-{day.isoformat()}"
    obs["code"] = {
        "coding": [
            {
                "system": "http://loinc.org",
                "code": "44261-6",
                "display": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
            }
        ]
    }
    return _valid(obs)


def _cards_of(record: PatientRecord) -> list[Any]:
    from services.patient_view import patient_view

    return list(patient_view(record, Policy()))


# --- the packet names the scale the card used ------------------------------------------------------


def test_packet_latest_severity_names_the_madrs_the_card_read() -> None:
    cards, record = _evaluate(_m13())
    assert "MADRS 31: consider TMS referral" in cards[TMS]["summary"]
    assert latest_phq9_text(record) == "MADRS 31 (moderate) on 12 May 2025"
    html = render_packet(record, Policy())
    assert "Latest: MADRS 31 (moderate) on 12 May 2025." in html
    assert "no PHQ-9 on record" not in html


def test_packet_with_only_unread_rows_names_them() -> None:
    _, record = _evaluate(_m13(local_only=True))
    assert latest_phq9_text(record) == (
        "no PHQ-9 on record (3 MADRS-like scores under a local code not read)"
    )


def test_packet_keeps_the_phq9_first() -> None:
    from tests.fhir_mapping.other_scale_charts import START

    record = chart(scale_phq9(START, 20), scale("MADRS", date(2025, 5, 19), 31))
    assert latest_phq9_text(record).startswith("PHQ-9 20 ")
