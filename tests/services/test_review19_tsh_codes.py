"""Review s19 M3: a TSH sent under the LOINC codes of current assays was not read.

Only the method-less 3016-3 was in fhir_mapping/data/observation_codes.csv, so a third-generation
TSH (11580-8, detection limit <= 0.005 mIU/L) or a second-generation one (11579-0, <= 0.05 mIU/L)
was neither asked for in the `labs` prefetch nor read: on a7 (liothyronine, atrial fibrillation,
TSH 0.02 mIU/L) with its TSH sent as 11580-8 the diagnosis-review card said "No TSH in 365 days"
and the adjunct-harm card left the suppressed TSH out. LOINC's Mapper's Guide to Top 2000++ US Lab
Tests maps current assays to exactly those two codes. 3015-5 ("Thyrotropin [Units/volume] in
Blood") is a whole-blood test, not a lab's serum TSH, and is left out.

Fixed: the two rows in observation_codes.csv would take the `labs` prefetch query to 1,872
bytes, over services/catalog.py MAX_QUERY_BYTES (1,800; IIS refuses over 2,048), so they are
asked for under `labsSI` (fhir_mapping/data/lab_assay_codes.csv), whose key name the EHR's
registration already holds. A chart sent without `labsSI` may then hide a TSH, so that key's
gap covers TSH: "TSH not known", never "No TSH in 365 days", and the gap line names TSH.

Charts: tests/services/tsh_codes_charts/ (adjunct_harm_charts a7 with its two TSH Observations
recoded and sent under `labsSI`, every prefetch key present; as-of 2025-06-02 as in
test_adjunct_harm_signs.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.lab_si_key import key_tests
from fhir_mapping.record import DataDomain, DataGap, GapCause
from services.catalog import MAX_QUERY_BYTES, query_bytes, services
from services.policy import Policy
from tests.services import chart_files
from tests.services import test_older_adult_cautions as older
from tests.services.helpers import Evaluator

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "tsh_codes_charts")
AS_OF = date(2025, 6, 2)
THIRD_GENERATION = "tsh_11580_8_third_generation_suppressed_on_liothyronine"


@pytest.mark.parametrize(
    "chart",
    [
        "tsh_11580_8_third_generation_suppressed_on_liothyronine",
        "tsh_11579_0_second_generation_suppressed_on_liothyronine",
    ],
)
def test_a_tsh_of_a_current_assay_is_read(chart: str) -> None:
    doc = _chart(chart)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards = {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}
    assert "diagnosis-review" not in cards  # before: "No TSH in 365 days ..."
    assert "a suppressed TSH" in cards["adjunct-harm"]["summary"]
    labs = [lab for lab in result.evaluation.record.context.labs if lab.test == "tsh"]
    assert {lab.value for lab in labs} == {2.1, 0.02}


def test_the_labs_prefetch_asks_for_the_method_less_tsh_code() -> None:
    code = "3016-3"
    (service,) = [s for s in services() if s.hook == "patient-view"]
    assert f"http://loinc.org|{code}" in dict(service.prefetch)["labs"]


def test_the_assay_codes_are_asked_for_under_labs_si_and_labs_is_unchanged() -> None:
    (service,) = [s for s in services() if s.hook == "patient-view"]
    templates = dict(service.prefetch)
    for code in ("11580-8", "11579-0"):
        assert f"http://loinc.org|{code}" in templates["labsSI"]
        assert f"urn:oid:2.16.840.1.113883.6.1|{code}" in templates["labsSI"]
        assert code not in templates["labs"]
    assert query_bytes(templates["labs"]) == 1738  # as it was: no room taken from site codes
    assert query_bytes(templates["labsSI"]) <= MAX_QUERY_BYTES
    # creatinine 14682-9 in umol/L (review s21 RD finding 6); the nortriptyline level 3872-9
    # (review s25 RK3 finding 7); the combined totals amitriptyline + nortriptyline and
    # imipramine + desipramine (session 27); the lithium level's mass form 3719-2 (labs40,
    # recheck K28c s31 finding 1)
    assert key_tests() == {
        "tsh",
        "b12",
        "folate",
        "vitamin-d",
        "creatinine",
        "nortriptyline",
        "amitriptyline-nortriptyline",
        "imipramine-desipramine",
        "lithium",
        "crcl",  # the creatinine clearance codes 35591-7, 2164-2 (session 37 renal50)
    }


def _without_labs_si(chart: str) -> Doc:
    """The chart as an EHR with the older registration sends it: no `labsSI` key, so its TSH
    under 11580-8 is not received and no TSH is under 3016-3."""
    doc = _chart(chart)
    del doc["prefetch"]["labsSI"]
    return doc


_at = Evaluator(AS_OF)
_cards = _at.by_topic


def test_without_the_labs_si_key_no_tsh_is_not_said_as_a_fact() -> None:
    review = _cards(_without_labs_si(THIRD_GENERATION))["diagnosis-review"]
    assert "No TSH" not in review["summary"] and "No TSH" not in review["detail"]
    assert review["summary"].startswith("TSH not known (not all TSH results received)")
    assert (
        "**TSH not known:** a TSH under a second- or third-generation assay's code was not "
        "received from the EHR"
    ) in review["detail"]
    # The gap line names the TSH too, in plain words (no key or resource names).
    # (Its tests read from the key's tables: review s20 item 5.)
    line = "and TSH under an assay method's code (LOINC 11580-8, 11579-0) were not received"
    assert line in review["detail"]
    assert "labsSI" not in review["detail"] and "prefetch" not in review["detail"]


def test_with_the_labs_si_key_received_and_empty_no_tsh_is_said() -> None:
    doc = _chart(THIRD_GENERATION)
    doc["prefetch"]["labsSI"] = {"resourceType": "Bundle", "type": "searchset", "total": 0}
    review = _cards(doc)["diagnosis-review"]
    assert review["summary"].startswith("No TSH in 365 days")
    assert "not received" not in review["detail"]


def test_a_recent_tsh_under_the_method_less_code_is_read_without_the_labs_si_key() -> None:
    doc = _without_labs_si(THIRD_GENERATION)
    tsh = next(
        e["resource"]
        for e in _chart(THIRD_GENERATION)["prefetch"]["labsSI"]["entry"]
        if e["resource"]["valueQuantity"]["value"] == 0.02
    )
    tsh["code"]["coding"][0].update(
        code="3016-3", display="Thyrotropin [Units/volume] in Serum or Plasma"
    )
    doc["prefetch"]["labs"]["entry"].append({"resource": tsh, "search": {"mode": "match"}})
    cards = _cards(doc)
    assert "a suppressed TSH" in cards["adjunct-harm"]["summary"]
    # The TSH seen is recent (and liothyronine explains it): nothing for the review to say,
    # so the `labsSI` key not received raises no "TSH not known" line.
    assert "diagnosis-review" not in cards


def test_lithium_baseline_says_tsh_not_known_when_labs_si_was_not_received() -> None:
    record = older.chart(
        older.EGFR_38, born=date(1948, 1, 5), drafts=(older.drafted(older.LITHIUM_300, per_day=2),)
    )
    gap = DataGap(
        DataDomain.SI_LABS,
        "prefetch key 'labsSI' was not sent and the FHIR server could not be asked",
        whole_domain=True,
        cause=GapCause.NOT_PROVIDED,
    )
    card = older.at_order(dataclasses.replace(record, gaps=(gap,)))[older.BASELINE]
    assert card.summary.startswith("Lithium 600 mg/day started: no sodium in 365 days")
    assert "TSH: **none on record**" not in card.detail
    assert (
        "- TSH: not known: not all results were received from the EHR; check it in the chart"
    ) in card.detail
