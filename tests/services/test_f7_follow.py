"""Follow-ups of review 15 U1 and audit 14's wording leftovers.

- The suicide-risk card's acute-risk options leave esketamine out when its label contraindicates
  it (SPRAVATO label 4: aneurysmal vascular disease, an AVM, a history of intracerebral
  haemorrhage), by the decision the optimise card makes (services/pathway_contraindications.py),
  and one line says why. Chart: review 15's f07 (TRD, I67.1 "Cerebral aneurysm, nonruptured" on
  the problem list) with a PHQ-9 item 9 = 2 added to the visit of its latest PHQ-9, as a US Core
  survey Observation (LOINC 44260-8); controls: the same chart without the aneurysm.
- The contraindication order card names the code system by its short name ("ICD-10-CM I67.1"),
  never its URI (review 15 chart f08), and so do the other lines that print a finding's code.
- A preliminary PHQ-9 is named once on a card: not in the trial row when the card names it beside
  the table (audit 14 chart q07).
- A PDC with a documented hold says the held days were not counted, on the card tables, the TMS
  packet's table and the timeline; `--explain` lists the held stretch (audit 14 chart o02, built
  as in test_j2_audit).
- An "augment" summary says when the adjunct one-clicks are held, as a raise summary does.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.explain import explain
from fhir_mapping.record import Finding, FindingKind, SourceRef
from services.order_checks import sodium_draft
from services.timeline import summary as timeline_summary
from services.timeline import wording as timeline_wording
from services.trial_table import adherence_text
from tests.fixtures import builders as b
from tests.fixtures.scenarios import scenario
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.test_j2_audit import _escitalopram, _o02
from tests.services.test_suicide_risk_review import _cards

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review15_charts"
AUDIT14 = Path(__file__).parent / "audit14_charts"
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
CONTRAINDICATED = "order-drug-contraindicated"
MEASUREMENT = "measurement-based-care"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_audit14 = chart_files.loader(AUDIT14)
F07 = "f07_trd_cerebral_aneurysm_esketamine"
F08 = "f08_esketamine_draft_cerebral_aneurysm"
ANEURYSM = "Cerebral aneurysm, nonruptured (ICD-10-CM I67.1, since 2023-04-01)"


_at = Evaluator(AS_OF)
_by_topic = _at.by_topic


def _bundles(doc: Doc) -> list[Doc]:
    return [
        b
        for b in doc["prefetch"].values()
        if isinstance(b, dict) and b.get("resourceType") == "Bundle"
    ]


def _drop(doc: Doc, keep: Any) -> None:
    """Leave out every prefetched resource `keep(resource)` says no to."""
    for bundle in _bundles(doc):
        bundle["entry"] = [e for e in bundle.get("entry", []) if keep(e["resource"])]
        if "total" in bundle:  # a searchset's total that no longer matches reads as incomplete
            bundle["total"] = len(bundle["entry"])


def _codes(resource: Doc) -> set[str]:
    concept = resource.get("code") or resource.get("medicationCodeableConcept") or {}
    return {c.get("code", "") for c in concept.get("coding", [])}


def _with_item9(doc: Doc, value: int = 2) -> Doc:
    """The chart with PHQ-9 item 9 = `value` on 2025-05-12 (its latest PHQ-9's visit, total 18),
    shaped as the chart's own item 9 Observation of 2024-10-21."""
    observations = doc["prefetch"]["observations"]
    entry = next(e for e in observations["entry"] if "44260-8" in _codes(e["resource"]))
    added = copy.deepcopy(entry)
    item9 = added["resource"]
    item9["id"] = "f7-item9-2025-05-12"
    added["fullUrl"] = entry["fullUrl"].rsplit("/", 1)[0] + "/" + item9["id"]
    item9["meta"]["lastUpdated"] = "2025-05-12T17:00:00-05:00"
    item9["encounter"] = {"reference": "Encounter/83fbdedf-9b5f-5199-b464-218f6770bf30"}
    item9["effectiveDateTime"] = "2025-05-12T09:30:00-05:00"
    item9["issued"] = "2025-05-12T10:05:00-05:00"
    item9["valueInteger"] = value
    observations["entry"].append(added)
    return doc


def _without_aneurysm(doc: Doc) -> Doc:
    _drop(doc, lambda r: "I67.1" not in _codes(r))
    return doc


def _one_failed_trial(doc: Doc) -> Doc:
    """Venlafaxine's orders and fills left out: one failed trial (sertraline), below the TMS
    criteria, so the card names the acute-risk treatments, not "Not TMS now"."""

    def keep(resource: Doc) -> bool:
        concept = resource.get("medicationCodeableConcept") or {}
        names = [concept.get("text", "")] + [
            c.get("display", "") for c in concept.get("coding", [])
        ]
        return not any("venlafaxine" in n.lower() for n in names)

    _drop(doc, keep)
    return doc


def _line(detail: str, head: str) -> str:
    return next(x for x in detail.split("\n") if x.startswith(head))


# --- 1. esketamine on the suicide-risk card -----------------------------------------------------


def test_suicide_card_with_a_cerebral_aneurysm_offers_ect_not_esketamine() -> None:
    detail = _by_topic(_with_item9(_chart(F07)))[SUICIDE]["detail"]
    not_tms = _line(detail, "**Not TMS now:**")
    assert "consider ECT (CANMAT 2023 para 215" in not_tms
    assert "esketamine" not in not_tms
    why = _line(detail, "**Esketamine not offered (contraindicated):**")
    assert ANEURYSM in why
    assert why.endswith(": SPRAVATO label 4.")
    assert detail.count("sketamine") == 1  # named once: the line that says why not


def test_suicide_card_without_the_aneurysm_still_offers_esketamine() -> None:
    detail = _by_topic(_with_item9(_without_aneurysm(_chart(F07))))[SUICIDE]["detail"]
    assert "or esketamine nasal spray with an oral antidepressant" in _line(
        detail, "**Not TMS now:**"
    )
    assert "not offered" not in detail


def test_acute_treatment_line_leaves_esketamine_out_with_the_aneurysm() -> None:
    detail = _by_topic(_with_item9(_one_failed_trial(_chart(F07))))[SUICIDE]["detail"]
    # Not yet assessed (review 19, b03): named as what follows if the assessment finds acute risk.
    treatment = _line(detail, "**If the assessment finds acute risk:**")
    assert treatment.startswith(
        "**If the assessment finds acute risk:** ECT (CANMAT 2023 para 215)"
    )
    assert "esketamine" not in treatment
    assert ANEURYSM in _line(detail, "**Esketamine not offered (contraindicated):**")


def test_acute_treatment_line_without_the_aneurysm_names_esketamine() -> None:
    doc = _with_item9(_one_failed_trial(_without_aneurysm(_chart(F07))))
    detail = _by_topic(doc)[SUICIDE]["detail"]
    assert "or esketamine nasal spray" in _line(detail, "**If the assessment finds acute risk:**")
    assert "not offered" not in detail


def test_no_positive_item9_no_suicide_card() -> None:
    assert SUICIDE not in _by_topic(_chart(F07))


# --- 2. code systems by their short name --------------------------------------------------------


def test_contraindication_order_card_names_icd10cm_not_its_uri() -> None:
    detail = _by_topic(_chart(F08))[CONTRAINDICATED]["detail"]
    assert "(Cerebral aneurysm, nonruptured, ICD-10-CM I67.1, since 2023-04-01)" in detail
    assert "http" not in detail


def test_siadh_line_names_an_oid_coded_icd10cm_code_with_its_system() -> None:
    """SIADH coded under ICD-10-CM's OID, as C-CDA conversions write it (data/code_systems.csv):
    the line read the URI for "icd-10" and printed a bare "E22.2"."""
    siadh = Finding(
        FindingKind.SIADH,
        "E22.2",
        "urn:oid:2.16.840.1.113883.6.90",
        "Syndrome of inappropriate secretion of antidiuretic hormone",
        date(2024, 3, 1),
        SourceRef("Condition", "c-1"),
    )
    assert sodium_draft._coded(siadh) == "SIADH (ICD-10-CM E22.2, since 2024-03-01)"


def test_documented_risk_assessment_names_snomed_ct_not_its_uri() -> None:
    """item9_positive with a suicide risk assessment (SNOMED CT 225337009, the code of
    fhir_mapping/data/procedure_codes.csv) done the day after the positive answer."""
    s = scenario("item9_positive")
    done = b.procedure(
        b.SNOMED,
        "225337009",
        "Suicide risk assessment (procedure)",
        date(2025, 5, 24),
        patient=s.patient_id,
        id="f7-risk-assessment",
    )
    detail = _cards(s, done)[SUICIDE].detail or ""
    assert "Suicide risk assessment documented (SNOMED CT 225337009) on 2025-05-24" in detail
    assert "http" not in detail.split("**Guideline:**")[0]


# --- 3a. a preliminary PHQ-9 named once ---------------------------------------------------------


def test_preliminary_phq9_is_named_once_on_the_measurement_card() -> None:
    doc = _audit14("q07_prelim_total_only_newest_on_new_start")
    detail = _by_topic(doc)[MEASUREMENT]["detail"]
    assert "**Latest PHQ-9 not yet reviewed:** PHQ-9 9 on 2025-06-01" in detail
    row = _line(detail, "| sertraline")
    assert row.endswith("adequate; outcome not measured yet (no reviewed PHQ-9 on treatment) |")
    assert detail.count("2025-06-01") == 1


# --- 3b, 3c. a documented hold beside the PDC ---------------------------------------------------

HELD = "held 2025-01-31 – 2025-03-03, not counted"


def test_pdc_of_a_course_with_a_hold_names_the_hold() -> None:
    record = _o02()
    trial = _escitalopram(record)
    assert trial.adherence.pdc == 1.0
    assert f"refills on time (PDC 100 %; {HELD})" in adherence_text(trial)
    assert HELD in timeline_wording.adherence_text(trial)
    assert f"PDC 100 % ({HELD})" in timeline_summary.describe(record)


def test_pdc_without_a_hold_is_as_before() -> None:
    """The other side: the resumed order filled late, so the stretch is a gap, not a hold."""
    trial = _escitalopram(_o02(refills=6, resumed_fill=date(2025, 3, 20)))
    assert trial.adherence.held_gaps == ()
    assert "held" not in adherence_text(trial)
    assert "held" not in timeline_wording.adherence_text(trial)


def test_explain_lists_the_gap_inside_a_hold_as_held() -> None:
    lines = [x for x in explain(_o02()).splitlines() if x.strip().startswith("adherence:")]
    assert any(
        "no supply 2025-01-31 -> 2025-03-03 (31 days): held, not counted" in x for x in lines
    )


# --- 3d. an augment summary with its adjuncts held ----------------------------------------------


def test_augment_summary_says_the_adjuncts_are_held() -> None:
    card = _by_topic(_with_item9(_without_aneurysm(_chart(F07))))[OPTIMISE]
    assert card["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine): suicide risk assessment first, then "
        "augment or switch class"
    )
    assert not any(s["label"].startswith("Propose adjunctive") for s in card.get("suggestions", []))


def test_augment_summary_with_one_click_adjuncts_is_as_before() -> None:
    # Item 9 answered 0 on the latest PHQ-9: a total only holds the adjuncts (review 19 item 5).
    card = _by_topic(_with_item9(_chart(F07), 0))[OPTIMISE]
    assert card["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or "
        "brexpiprazole) or switch class"
    )
    assert any(s["label"].startswith("Propose adjunctive") for s in card["suggestions"])
