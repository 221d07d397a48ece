"""Review s26 UD (follow-up of s26-oa): a poisoning CODED with undetermined intent raised nothing.

1. An ED visit (Oracle Health, EMER, finished 2026-11-25) of a patient with depression on
   sertraline, its encounter diagnosis coded T43.224A "Poisoning by selective serotonin reuptake
   inhibitors, undetermined" (or T43.94XA, T43.014A, Y21-Y33, SNOMED CT 269736006), got no
   suicide-risk card, while the free text "Overdose" alone asked "Overdose, intent not recorded
   ... assess suicide risk today". Now the code is read (fhir_mapping/self_harm_intent.py,
   data/self_harm_intent_codes.csv) and the same unescalated critical card asks to confirm the
   intent and assess today, never "suicide attempt". Decision: an accidental code (6th character
   1) of an antidepressant stays silent: the record states the intent (self_harm_intent.py).
2. "Opioid overdose" as the visit's reason without a diagnosis keeps the intent-not-recorded card
   (Goldman-Mellor et al. 2020: 18 times the population's suicide rate in the year after an ED
   visit for an opioid overdose); the same reason beside a diagnosis coded T40.1X1A (heroin,
   accidental) at that visit asked too, saying "intent not recorded" of an intent the visit's
   code records: now silent.

Charts: tests/services/undetermined_intent_charts/ (built from self_harm_text_charts' Oracle ED
chart; every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
WHO = "http://hl7.org/fhir/sid/icd-10"
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "undetermined_intent_charts")
_at = Evaluator(AS_OF)
_by_topic = _at.by_topic

_ADVICE = (
    "An overdose, poisoning or injury is coded with its intent undetermined: confirm with the "
    "patient and the visit record whether it was intentional. Assess today, make a safety plan "
    "and consider same-day psychiatric evaluation."
)


def _entries(doc: Doc, key: str) -> list[Doc]:
    entries: list[Doc] = doc["prefetch"][key]["entry"]
    return entries


def _diagnosis(doc: Doc) -> Doc:
    resource: Doc = _entries(doc, "conditions")[0]["resource"]
    assert resource["category"][0]["coding"][0]["code"] == "encounter-diagnosis"
    return resource


def _encounter(doc: Doc) -> Doc:
    resource: Doc = _entries(doc, "encounters")[0]["resource"]
    return resource


def _drop_diagnosis(doc: Doc) -> Doc:
    conditions = doc["prefetch"]["conditions"]
    conditions["entry"] = conditions["entry"][1:]
    conditions["total"] = len(conditions["entry"])
    return doc


def _coded(system: str, code: str, display: str) -> Doc:
    """The T43.224A chart with its diagnosis coded `code` alone (text as the display)."""
    doc = _chart("oracle_ed_ssri_poisoning_undetermined_t43224a")
    _diagnosis(doc)["code"] = {
        "coding": [{"system": system, "code": code, "display": display}],
        "text": display,
    }
    return doc


def test_t43224a_asks_to_confirm_intent_and_assess_today() -> None:
    card = _by_topic(_chart("oracle_ed_ssri_poisoning_undetermined_t43224a")).get(RISK)
    assert card is not None, "a poisoning coded undetermined at an ED visit said nothing"
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Poisoning of undetermined intent (T43.224A) at the ED visit on 2026-11-25: complete a "
        "suicide risk assessment today (e.g. C-SSRS)"
    )
    detail = card["detail"]
    assert (
        "- Poisoning by selective serotonin reuptake inhibitors, undetermined, initial encounter "
        "(ICD-10-CM T43.224A, intent undetermined: confirm), encounter diagnosis of the ED visit "
        "on 2026-11-25: not yet assessed"
    ) in detail
    assert _ADVICE in detail
    # No claim of an attempt or of an intentional overdose (the supply line's words).
    assert "suicide attempt" not in (card["summary"] + detail).lower()
    assert "intentional overdose is on record" not in detail
    # One visit, one line: the reason "Overdose" is not a second finding.
    assert "visit reason" not in detail


def test_t4394xa_fifth_character_form_asks() -> None:
    card = _by_topic(_chart("oracle_ed_psychotropic_poisoning_undetermined_t4394xa"))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Poisoning of undetermined intent (T43.94XA) at the ED visit")
    assert _ADVICE in card["detail"]


@pytest.mark.parametrize(
    ("system", "code", "display", "name"),
    [
        (ICD, "T43.014A", "Poisoning by tricyclic antidepressants, undetermined, initial encounter",
         "Poisoning of undetermined intent"),
        (ICD, "T42.4X4A", "Poisoning by benzodiazepines, undetermined, initial encounter",
         "Poisoning of undetermined intent"),
        (ICD, "T40.1X4A", "Poisoning by heroin, undetermined, initial encounter",
         "Poisoning of undetermined intent"),
        (ICD, "T71.164A", "Asphyxiation due to hanging, undetermined, initial encounter",
         "Asphyxiation of undetermined intent"),
        (ICD, "Y33.XXXA", "Other specified events, undetermined intent, initial encounter",
         "Injury of undetermined intent"),
        ("http://snomed.info/sct", "269736006", "Poisoning of undetermined intent",
         "Poisoning of undetermined intent"),
        # WHO ICD-10 chapter XX Y10-Y34 (session 27 fix fx-selfharm): read as the ICD-10-CM
        # rows are; before, only the words of the display or the visit's reason asked.
        (WHO, "Y14", "Poisoning by and exposure to other and unspecified drugs, medicaments "
         "and biological substances, undetermined intent", "Poisoning of undetermined intent"),
        ("urn:oid:2.16.840.1.113883.6.3", "Y11.0", "Poisoning by psychotropic drugs, "
         "undetermined intent", "Poisoning of undetermined intent"),
        (WHO, "Y20", "Hanging, strangulation and suffocation, undetermined intent",
         "Injury of undetermined intent"),
        (WHO, "Y34", "Unspecified event, undetermined intent", "Injury of undetermined intent"),
    ],
)  # fmt: skip
def test_other_codes_of_undetermined_intent_ask(
    system: str, code: str, display: str, name: str
) -> None:
    card = _by_topic(_coded(system, code, display))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(f"{name} ({code}) at the ED visit on 2026-11-25: ")
    assert "suicide attempt" not in card["summary"].lower()


def test_resolved_diagnosis_without_reason_still_asks() -> None:
    # The visit closed (resolved), not the risk; and the code alone, no reason words, asks.
    doc = _chart("oracle_ed_ssri_poisoning_undetermined_t43224a")
    _encounter(doc).pop("reasonCode")
    _diagnosis(doc)["clinicalStatus"]["coding"][0]["code"] = "resolved"
    card = _by_topic(doc)[RISK]
    assert card["summary"].startswith("Poisoning of undetermined intent (T43.224A)")


def test_coded_undetermined_visit_reason_asks() -> None:
    # The code as the Encounter's reasonCode, no diagnosis entered yet.
    doc = _drop_diagnosis(_chart("oracle_ed_ssri_poisoning_undetermined_t43224a"))
    _encounter(doc)["reasonCode"] = [
        {
            "coding": [
                {
                    "system": ICD,
                    "code": "T43.224A",
                    "display": "Poisoning by selective serotonin reuptake inhibitors, "
                    "undetermined, initial encounter",
                }
            ]
        }
    ]
    card = _by_topic(doc)[RISK]
    assert card["summary"].startswith(
        "Poisoning of undetermined intent (T43.224A) at the ED visit on 2026-11-25: "
    )
    assert "reason for the ED visit on 2026-11-25" in card["detail"]


def test_older_visit_is_history_not_called_self_harm() -> None:
    # Past the 90-day window, within the year: named as what it is on the optimise card.
    cards = _at.cards(
        _chart("oracle_ed_ssri_poisoning_undetermined_t43224a"), as_of=date(2027, 3, 1)
    )
    text = "\n".join(c["detail"] for c in cards)
    assert "ED visit for poisoning of undetermined intent on 2026-11-25" in text
    assert "ED visit for self-harm" not in text


def test_accidental_antidepressant_code_stays_silent() -> None:
    # Decision (fhir_mapping/self_harm_intent.py): the accidental code is the record's statement
    # of the intent; the visit's reason "Overdose" is not asked over it.
    doc = _chart("oracle_ed_ssri_poisoning_accidental_t43221a")
    assert _encounter(doc)["reasonCode"] == [{"text": "Overdose"}]
    assert RISK not in _by_topic(doc)


def test_heroin_accidental_with_opioid_overdose_reason_stays_silent() -> None:
    assert RISK not in _by_topic(_chart("oracle_ed_heroin_poisoning_accidental_t401x1a"))


def test_opioid_overdose_reason_alone_asks() -> None:
    # No diagnosis at the visit: the words leave the intent open, the card asks (s26-oa).
    doc = _drop_diagnosis(_chart("oracle_ed_heroin_poisoning_accidental_t401x1a"))
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Overdose, intent not recorded (visit reason text only: confirm) at the ED visit on "
        "2026-11-25: assess suicide risk today"
    )


def test_accidental_diagnosis_entered_in_error_does_not_silence_the_reason() -> None:
    doc = _chart("oracle_ed_heroin_poisoning_accidental_t401x1a")
    _diagnosis(doc)["verificationStatus"]["coding"][0]["code"] = "entered-in-error"
    assert _by_topic(doc)[RISK]["summary"].startswith("Overdose, intent not recorded")


def test_accidental_diagnosis_of_another_visit_does_not_silence_the_reason() -> None:
    doc = _chart("oracle_ed_heroin_poisoning_accidental_t401x1a")
    _diagnosis(doc)["encounter"] = {"reference": "Encounter/1111111"}
    assert _by_topic(doc)[RISK]["summary"].startswith("Overdose, intent not recorded")


def test_who_code_is_named_as_who_icd10() -> None:
    # The code alone decides (display "x": no words to read); the card names the WHO system.
    card = _by_topic(_coded(WHO, "Y12.0", "x"))[RISK]
    assert card["summary"].startswith("Poisoning of undetermined intent (Y12.0) at the ED visit")
    assert "(ICD-10 (WHO) Y12.0, intent undetermined: confirm)" in card["detail"]


def test_who_intentional_self_poisoning_is_self_harm() -> None:
    # WHO X60-X84 (condition_codes.csv), as ICD-10-CM X71-X83 and T-codes with 6th character 2.
    card = _by_topic(_coded(WHO, "X61", "Intentional self-poisoning by psychotropic drugs"))[RISK]
    assert card["summary"] == (
        "Intentional self-poisoning by psychotropic drugs at the ED visit on 2026-11-25: higher "
        "suicide risk, assess today (C-SSRS) and plan safety"
    )
    assert "(ICD-10 (WHO) X61)" in card["detail"]


def test_who_accidental_poisoning_silences_the_overdose_reason() -> None:
    # WHO X41 states an accident (block V01-X59), as T43.221A does: the reason "Overdose" of
    # the same visit is not asked over it.
    doc = _coded(WHO, "X41", "Accidental poisoning by psychotropic drugs")
    _diagnosis(doc)["code"]["text"] = "Poisoning"
    assert _encounter(doc)["reasonCode"][0]["text"] == "Overdose"
    assert RISK not in _by_topic(doc)


def test_who_y_code_is_not_read_as_icd10cm() -> None:
    # ICD-10-CM has no Y14 (Y21-Y33 only): the same code under the CM system reads nothing by
    # its code, only its words.
    card = _by_topic(_coded(ICD, "Y14", "x")).get(RISK)
    assert card is None or "Y14" not in card["summary"]
