"""Audit 13 (what the clinician reads): WRONG 5-7 and the wording and noise findings.

Each test fails on the code before the change: the label, line or code form it asserts was not
written then (the comment says what was)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from cds_hooks.offline import evaluate_document
from fhir_mapping.code_systems import system_label
from fhir_mapping.record import DataDomain, DataGap, FindingKind, GapCause
from services import data_gaps
from services.cards import make
from services.pathway import derive_facts
from services.policy import Policy
from services.staging import maudsley_stage
from tests.fixtures import vendor_charts as V
from tests.services.factories import draft, finding, mdd, record, trd_record, trial


def _cards(chart_name: str, hook: str) -> list[Any]:
    chart = V.ALL_CHARTS[chart_name]()
    request = V.hook_request(chart, hook)
    found = evaluate_document(request, hook=hook, as_of=chart.as_of, policy=Policy())
    return list(found.response.cards)


# --- WRONG 5: sessions on record are never "Not on record" ---------------------------------------


def test_oracle_tms_card_says_to_confirm_for_sessions_on_record() -> None:
    (tms,) = [c for c in _cards("oracle_trd", "patient-view") if "TMS" in c.summary]
    line = next(x for x in tms.detail.splitlines() if "Psychotherapy: 4 sessions" in x)
    # Before: "- **Not on record** · Psychotherapy: 4 sessions, ..."
    assert line.startswith("- **To confirm** · Psychotherapy: 4 sessions")
    assert "Not on record" not in line


# --- WRONG 6 and finding 19: the Maudsley line -----------------------------------------------------


def _stage_line(chart: str) -> str:
    details = "\n".join(c.detail for c in _cards(chart, "patient-view"))
    return next(x for x in details.splitlines() if x.startswith("**Maudsley staging**"))


def test_epic_maudsley_severity_from_the_coded_moderate_diagnosis() -> None:
    line = _stage_line("epic_trd")
    # Before: "Severity 1 (subsyndromal; no PHQ-9 on record: scored as lowest)"
    assert "subsyndromal" not in line
    assert (
        "Severity 3 (moderate; no PHQ-9 on record: from the coded diagnosis, Moderate recurrent "
        "major depression (disorder))" in line
    )


def test_no_score_and_no_coded_severity_reads_not_measured() -> None:
    rec = trd_record(scores=(), findings=(mdd(),))  # MDD with no severity, no PHQ-9
    severity = maudsley_stage(rec, derive_facts(rec, Policy())).severity
    assert severity.category == "not measured"  # before: "subsyndromal"
    assert severity.points == 1
    assert "scored as lowest" in severity.assumed


def test_coded_severity_takes_the_latest_onset() -> None:
    older = dataclasses.replace(mdd(), severity="severe", onset=date(2019, 1, 1))
    newer = dataclasses.replace(mdd(rid="mdd-2"), severity="mild", onset=date(2023, 1, 1))
    rec = trd_record(scores=(), findings=(older, newer))
    severity = maudsley_stage(rec, derive_facts(rec, Policy())).severity
    assert (severity.category, severity.points) == ("mild", 2)


def test_failed_antidepressants_shows_the_count_beside_the_band() -> None:
    line = _stage_line("oracle_trd")  # venlafaxine and escitalopram failed
    # Before: "Failed antidepressants 1 (1-2 medications)" beside "2 adequate trials failed"
    assert "Failed antidepressants 1 (2 failed: 1-2 medications)" in line


# --- WRONG 7: the running drug of another class on the order card --------------------------------


def test_epic_sertraline_draft_names_running_duloxetine() -> None:
    for hook in ("order-select", "order-sign"):
        (card,) = _cards("epic_trd", hook)
        assert card.summary.endswith("; duloxetine still running")
        assert "**Still running:** duloxetine 60 mg/day since 2024-04-01" in card.detail
        assert "(SNRI). Is sertraline a switch" in card.detail
        # An SSRI on a running SNRI: two serotonin reuptake inhibitors, no CANMAT combination
        # (recheck 16-2 m01); the line no longer says "CANMAT 2023 combines different mechanisms".
        assert "or a combination (both continue: two serotonin reuptake inhibitors" in card.detail


# --- finding 14: a missing liverTests key only where ALT/AST could change the card ---------------

_LIVER_GAP = DataGap(
    DataDomain.LIVER_TESTS,
    "prefetch key 'liverTests' was not sent",
    whole_domain=True,
    cause=GapCause.NOT_PROVIDED,
)


def _annotated(drug: str, drug_class: str) -> str:
    rec = dataclasses.replace(record(draft_orders=(draft(drug, drug_class),)), gaps=(_LIVER_GAP,))
    card = make("order-drug-contraindicated", summary="s", detail="d")
    (out,) = data_gaps.annotate((card,), rec)
    return out.detail


def test_liver_tests_gap_left_off_a_card_it_cannot_change() -> None:
    # Before: the seizure, MI, heart failure and adolescent cards all carried it.
    assert "liverTests" not in _annotated("bupropion", "NDRI")


def test_liver_tests_gap_kept_where_transaminases_count() -> None:
    assert "liverTests" in _annotated("duloxetine", "SNRI")
    assert "liverTests" in _annotated("nefazodone", "SARI")


def test_liver_tests_gap_on_patient_view_follows_the_running_drugs() -> None:
    running = trial("duloxetine", "SNRI", ongoing=True)
    rec = dataclasses.replace(record(trials=(running,)), gaps=(_LIVER_GAP,))
    card = make("running-drug-caution", summary="s", detail="d")
    (out,) = data_gaps.annotate((card,), rec)
    assert "liverTests" in out.detail


# --- finding 12: codes as clinicians name them ---------------------------------------


def test_coding_names_the_system_by_its_label() -> None:
    bipolar = finding(
        FindingKind.BIPOLAR, code="F31.81", system="http://hl7.org/fhir/sid/icd-10-cm"
    )
    assert (
        bipolar.coding == "ICD-10-CM F31.81"
    )  # before: "http://hl7.org/fhir/sid/icd-10-cm F31.81"
    assert finding(FindingKind.EPILEPSY, code="84757009").coding == "SNOMED CT 84757009"
    assert system_label("urn:oid:2.16.840.1.113883.6.90") == "ICD-10-CM"
    assert system_label("urn:example:local") == "urn:example:local"  # unknown: as sent


def test_ccda_bipolar_shows_the_condition_not_the_value_set_name() -> None:
    details = "\n".join(c.detail for c in _cards("ccda_bipolar", "patient-view"))
    # Before: "Bipolar disorder (all F31.x) (http://hl7.org/fhir/sid/icd-10-cm F31.81, ..."
    assert "all F31.x" not in details
    assert "Bipolar disorder (ICD-10-CM F31.81, since 2025-03-10)" in details
