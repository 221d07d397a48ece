"""The services' reference tables: sources present, values as the references state them."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from services import tables
from services.recommendation import Indicator

STATUSES = {"confirmed", "corroborated", "UNVERIFIED"}


@pytest.mark.parametrize(
    "name",
    [
        "guidelines.csv",
        "phq9_bands.csv",
        "phq9_item9_answers.csv",
        "maudsley.csv",
        "order_codes.csv",
        "mood_stabilisers.csv",
        "topics.csv",
        "drug_cautions.csv",
    ],
)
def test_every_row_has_a_source_and_a_status(name: str) -> None:
    text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    for row in rows:
        assert row["source"].strip(), row
        assert row["status"] in STATUSES, row


def test_override_reason_rows_have_sources() -> None:
    text = resources.files("services").joinpath("data/override_reasons.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        assert row["source"].strip() and row["display"].strip(), row


@pytest.mark.parametrize(
    ("value", "band", "depressed"),
    [
        (0, "none-minimal", False),
        (4, "none-minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "moderately-severe", True),
        (19, "moderately-severe", True),
        (20, "severe", True),
        (27, "severe", True),
    ],
)
def test_phq9_bands_follow_kroenke_2001(value: int, band: str, depressed: bool) -> None:
    found = tables.phq9_band(value)
    assert (found.band, found.indicates_depression) == (band, depressed)


def test_phq9_band_refuses_out_of_range() -> None:
    with pytest.raises(ValueError):
        tables.phq9_band(28)


def test_item9_answers_escalate_from_more_than_half_the_days() -> None:
    answers = tables.item9_answers()
    assert [(a.value, a.answer_code, a.escalate) for a in answers.values()] == [
        (0, "LA6568-5", False),
        (1, "LA6569-3", False),
        (2, "LA6570-1", True),
        (3, "LA6571-9", True),
    ]
    assert answers[3].display == "Nearly every day"


def test_guidelines_named_in_the_brief() -> None:
    g = tables.guidelines()
    assert g["canmat2023"].url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC11351064/"
    assert g["maudsley2018"].url == "https://doi.org/10.1186/s12888-018-1679-x"
    assert "L34998" in g["lcd-l34998"].label and "L37086" in g["lcd-l37086"].label
    assert "Kroenke" in g["kroenke2001"].label and "C-SSRS" in g["cssrs"].label
    # The FDA labels as a set have no page of their own (the DailyMed home page cites no label:
    # review 14 audit); every other guideline links its own.
    assert all(x.url.startswith("https://") for k, x in g.items() if k != "fda-labels")
    assert g["fda-labels"].url == ""


def test_every_topic_points_to_a_known_guideline() -> None:
    for topic in tables.topics().values():
        assert topic.guideline in tables.guidelines(), topic


def test_topic_flags() -> None:
    t = tables.topics()
    assert t["suicide-risk"].indicator is Indicator.CRITICAL
    assert t["suicide-risk"].snoozable is False
    assert {c for c, x in t.items() if x.wants_timeline} == {
        "adherence-review",
        "optimize-switch-augment",
        "tms-referral",
        "tms-course",
        "order-repeats-failed-trial",
    }
    assert t["tms-referral"].snoozable is True


def test_every_card_can_be_overridden_as_already_addressed_or_not_appropriate() -> None:
    for code in tables.topics():
        codes = [r.code for r in tables.override_reasons(code)]
        assert codes[-2:] == ["already-addressed", "not-clinically-appropriate"], code


def test_adherence_card_offers_non_adherence_reasons() -> None:
    reasons = {(r.system, r.code) for r in tables.override_reasons("adherence-review")}
    hl7 = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"
    assert (hl7, "patient-refuses") in reasons
    assert (hl7, "too-costly-uncovered") in reasons
    assert ("urn:trd-cds:override-reason", "stopped-side-effects") in reasons


def test_order_codes_used_by_suggestions() -> None:
    codes = tables.order_codes()
    assert (codes["suicide-risk-assessment"].system, codes["suicide-risk-assessment"].code) == (
        "http://snomed.info/sct",
        "225337009",
    )
    # A proposal to refer is coded as a referral, never as the treatment's CPT (90867 is a TMS
    # session, 90870 an ECT treatment): issue 11 item 16.
    for concept in ("tms-evaluation", "ect-evaluation"):
        assert (codes[concept].system, codes[concept].code) == (
            "http://snomed.info/sct",
            "183524004",
        )
    assert (codes["tsh"].system, codes["tsh"].code) == ("http://loinc.org", "3016-3")
    assert codes["cssrs-screener"].code == "93373-9"


def test_mood_stabilisers_cover_the_issue_list() -> None:
    assert {"lithium", "valproate", "aripiprazole", "quetiapine"} <= tables.mood_stabilisers()
    assert "sertraline" not in tables.mood_stabilisers()
    # Lamotrigine is a mood stabiliser without antimanic efficacy: not cover (CANMAT/ISBD 2018).
    assert "lamotrigine" not in tables.mood_stabilisers()
    # Nor lurasidone (bipolar depression, not mania) or brexpiprazole (no bipolar indication):
    # corrected in the issue 11 follow-up (data/mood_stabilisers.csv names the sources).
    assert tables.stabilisers_without_antimanic_cover() == {
        "lamotrigine",
        "lurasidone",
        "brexpiprazole",
    }


def test_codes_agree_with_the_shared_reference() -> None:
    """Every code the suggestions use appears in ../shared/clinical with the same value."""
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / ".." / "shared" / "clinical"
    text = (shared / "codes.csv").read_text("utf-8") + (shared / "code_verification.csv").read_text(
        "utf-8"
    )
    # ... or in the mapping's own verified table (SNOMED 183524004 "Referral to psychiatry
    # service", VSAC 2.16.840.1.113883.3.526.3.1570), which reads the accepted proposal back.
    text += resources.files("fhir_mapping").joinpath("data/procedure_codes.csv").read_text("utf-8")
    # ... or in the lab codes the mapping reads results by (the lithium level's LOINC 14334-7, which
    # the level-due card orders since session 35 fix lith52: corroborated there, not in ../shared).
    text += (
        resources.files("fhir_mapping").joinpath("data/observation_codes.csv").read_text("utf-8")
    )
    for row in tables.order_codes().values():
        if row.code:
            assert row.code in text, row


def test_bupropion_is_contraindicated_with_epilepsy() -> None:
    assert {(c.ingredient, c.finding) for c in tables.drug_cautions()} >= {
        ("bupropion", "epilepsy"),
        ("dextromethorphan-bupropion", "epilepsy"),
        ("bupropion", "eating-disorder"),
        ("bupropion", "alcohol-sedative-withdrawal"),
        ("paroxetine", "pregnancy"),
    }
