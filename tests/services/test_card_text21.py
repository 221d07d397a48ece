"""Session 21 card-text leftovers (session 20's closing note), each pinned on a probe chart.

1. Records cited by what and when, not by resource id (services/card_format.record_cite's rule,
   now also in the data-gap lines: fhir_mapping/gaps.cite; lab citations; the TMS packet's
   safety section). Before: "...: MedicationStatement/bc93... (fluoxetine, may be taken now;
   status unknown, recorded 2025-05-26)", "The latest eGFR 45 ... on 2026-11-16
   (Observation/60b8...)", "Presence of cardiac pacemaker (ICD-10-CM Z95.0, since 15 Mar 2021,
   Condition/...)". An id stays where nothing else identifies the record: no day written in
   full, two records a line would name alike, another patient's record (the EHR team finds it
   by id).
2. Counts of weeks, days and months by card_format.plural: "1 week at an adequate dose", never
   "1 weeks" (t02: a one-week escitalopram course).
3. One builder per phrase: "no supply since DATE (N days)" (trial_adherence_text.no_supply_since)
   and "the US label's maximum of N mg/day (cite)" (label_maximums.LabelMaximum.maximum; the
   order card's detail had drifted to "the US label's maximum (cite), 45 mg/day").

Charts: tests/services/card_text21_charts/ (Epic-shaped requests, every prefetch key).
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping import gaps
from fhir_mapping.record import DataDomain, DataGap, Finding, FindingKind, SourceRef
from services import catalog, label_maximums
from services.card_format import plural, weeks_text
from services.packet import render_packet
from services.packet.wording import finding_text
from services.policy import Policy
from services.trial_adherence_text import no_supply_for, no_supply_since
from tests.services import chart_files

FOLDER = Path(__file__).parent / "card_text21_charts"
_chart = chart_files.loader(FOLDER)


def _run(name: str, as_of: date, hook: str = "patient-view") -> Any:
    return evaluate_document(_chart(name), hook=hook, as_of=as_of, policy=Policy())


def _details(result: Any) -> str:
    return "\n".join(c.get("detail", "") for c in result.response.to_json()["cards"])


def _packet_text(result: Any) -> str:
    page = render_packet(result.evaluation.record, Policy())
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_the_probe_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = json.loads(path.read_text())
    declared = {key for service in catalog.services() for key, _query in service.prefetch}
    assert declared <= set(doc["prefetch"])
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


# --- 1. by what and when ------------------------------------------------------------------------


def test_data_gap_lines_name_a_dated_record_by_its_day() -> None:
    detail = _details(_run("t01_status_unknown_statement_b12_unit_epic", date(2025, 6, 2)))
    assert (
        "- 1 medication record could not be read (status unknown: whether the drug is taken now "
        "is not known): the statement (fluoxetine, may be taken now; status unknown, recorded "
        "2025-05-26)"
    ) in detail
    assert (
        "- 1 lab result could not be read (vitamin B12 not compared: unit ug/dL): the result of "
        "2025-05-08"
    ) in detail
    gap_lines = [line for line in detail.splitlines() if "could not be read" in line]
    assert gap_lines and not any(
        kind in line for line in gap_lines for kind in ("MedicationStatement/", "Observation/")
    )


def _gap(rid: str, day: date | None, reason: str = "a reason") -> DataGap:
    return DataGap(
        DataDomain.SCORES, reason, SourceRef("Observation", rid), recorded=day, stated=""
    )


def test_a_record_keeps_its_id_where_nothing_else_identifies_it() -> None:
    # No day written in full: the id is all that finds it.
    assert gaps.describe([_gap("x-1", None)]) == [
        "1 rating-scale result could not be read (a reason): Observation/x-1"
    ]
    # A day: named by it.
    assert gaps.describe([_gap("x-1", date(2025, 5, 8))]) == [
        "1 rating-scale result could not be read (a reason): the result of 2025-05-08"
    ]
    # Two records of one day read alike: both by id.
    line = gaps.describe([_gap("x-1", date(2025, 5, 8)), _gap("x-2", date(2025, 5, 8))])[0]
    assert line.endswith(": Observation/x-1, Observation/x-2")
    # Another patient's record: the EHR team it is reported to finds it by id.
    other = _gap("x-3", date(2025, 5, 8), gaps.ANOTHER_PATIENT)
    assert "Observation/x-3" in gaps.describe([other])[0]


def test_a_lab_result_is_cited_by_its_day_on_the_card() -> None:
    detail = _details(_run("t03_lithium_egfr45_pacemaker_epic", date(2026, 12, 1)))
    assert (
        "The latest eGFR 45 mL/min/1.73 m2 on 2026-11-16 is in the moderate renal impairment band"
    ) in detail
    assert "Observation/60b8ae8b-9a14-5cb1-aada-736dd0c87e55" not in detail


def test_the_packets_safety_section_cites_a_dated_finding_by_its_day() -> None:
    text = _packet_text(_run("t03_lithium_egfr45_pacemaker_epic", date(2026, 12, 1)))
    assert "Presence of cardiac pacemaker (ICD-10-CM Z95.0, since 15 Mar 2021)" in text
    assert "Condition/eCd21PacemakerZ95.0" not in text


def test_an_undated_finding_keeps_its_id_in_the_packet() -> None:
    undated = Finding(
        FindingKind.EPILEPSY,
        "G40.909",
        "http://hl7.org/fhir/sid/icd-10-cm",
        "Epilepsy",
        None,
        SourceRef("Condition", "c-1"),
    )
    assert finding_text(undated) == "Epilepsy (ICD-10-CM G40.909, date not recorded, Condition/c-1)"


# --- 2. plurals ---------------------------------------------------------------------------------


def test_one_week_is_one_week() -> None:
    detail = _details(_run("t02_escitalopram_one_week_course_epic", date(2025, 6, 2)))
    assert "- **escitalopram** (2024-03-01): 1 week at an adequate dose (needs 6)" in detail
    assert not re.search(r"\b1 (weeks|days|months)\b", detail)


def test_the_count_rule_reads_written_counts_too() -> None:
    assert [plural(1, "day"), plural(2, "day"), plural("1", "week")] == [
        "1 day",
        "2 days",
        "1 week",
    ]
    assert [weeks_text(1.0), weeks_text(1.5), weeks_text(6)] == ["1 week", "1.5 weeks", "6 weeks"]
    assert plural("at least 1", "week") == "at least 1 week"


# --- 3. one phrase, one builder -----------------------------------------------------------------


def test_no_supply_since_is_built_once_and_said_alike_on_each_surface() -> None:
    doc = chart_files.loader(Path(__file__).parent / "gap_trials_charts")(
        "duloxetine_refill_gap_asof_2025-06-16"
    )
    result = evaluate_document(doc, hook="patient-view", as_of=date(2025, 6, 16), policy=Policy())
    (trial,) = [t for t in result.evaluation.record.trials if t.supply_ran_out is not None]
    assert no_supply_since(trial) == "no supply since 2025-05-04 (43 days)"
    assert no_supply_since(trial, count=False) == "no supply since 2025-05-04"
    assert no_supply_for(trial) == "no supply for 43 days"
    summaries = [c["summary"] for c in result.response.to_json()["cards"]]
    assert summaries[0].startswith(f"duloxetine: {no_supply_since(trial)}: confirm it is still")


def test_the_label_maximum_is_said_one_way_with_its_flag() -> None:
    (row,) = [r for r in label_maximums.rows() if r.ingredient == "mirtazapine"]
    assert row.maximum() == "the US label's maximum of 45 mg/day (Remeron US label 2.1)"
    assert row.maximum(cite=False) == "the US label's maximum of 45 mg/day"
    unverified = dataclasses.replace(row, status="UNVERIFIED")
    # The order card's summary dropped this flag (its own copy of the phrase).
    assert unverified.maximum().endswith("(Remeron US label 2.1 (UNVERIFIED))")
