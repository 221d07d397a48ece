"""data/self_harm_intent_codes.csv read by fhir_mapping/self_harm_intent.py (review s26 UD)."""

from __future__ import annotations

import pytest

from fhir_mapping.self_harm_intent import intent_coded, undetermined, undetermined_name

ICD = "http://hl7.org/fhir/sid/icd-10-cm"
SCT = "http://snomed.info/sct"
WHO = "http://hl7.org/fhir/sid/icd-10"


@pytest.mark.parametrize(
    ("system", "code", "name"),
    [
        (ICD, "T43.224A", "Poisoning of undetermined intent"),
        (ICD, "T43224A", "Poisoning of undetermined intent"),  # sent without the dot
        (ICD, "T43.014A", "Poisoning of undetermined intent"),
        (ICD, "T43.94XA", "Poisoning of undetermined intent"),  # intent as the 5th character
        (ICD, "T58.04XA", "Poisoning of undetermined intent"),  # carbon monoxide, toxic effect
        (ICD, "T71.164A", "Asphyxiation of undetermined intent"),
        (ICD, "Y30.XXXA", "Injury of undetermined intent"),
        (SCT, "269736006", "Poisoning of undetermined intent"),
        (SCT, "371341003", "Poisoning of undetermined intent"),
        # WHO ICD-10 Y10-Y34 (session 27 fix fx-selfharm), under its URI or its OID.
        (WHO, "Y10", "Poisoning of undetermined intent"),
        (WHO, "Y19", "Poisoning of undetermined intent"),
        (WHO, "Y14.9", "Poisoning of undetermined intent"),
        ("urn:oid:2.16.840.1.113883.6.3", "Y12.0", "Poisoning of undetermined intent"),
        (WHO, "Y20", "Injury of undetermined intent"),
        (WHO, "Y34", "Injury of undetermined intent"),
    ],
)
def test_undetermined(system: str, code: str, name: str) -> None:
    assert undetermined([(system, code, "")]) == (system, code, "")
    assert undetermined_name(system, code) == name
    assert intent_coded([(system, code, "")])


@pytest.mark.parametrize(
    "code",
    [
        "T43.221A",  # accidental
        "T43.222A",  # intentional self-harm: condition_codes.csv's self-harm row
        "T43.223A",  # assault
        "T43.225A",  # adverse effect
        "T43.226A",  # underdosing
        "T40.1X1A",  # heroin, accidental
        "T43.91XA",  # 5th-character form, accidental
        "Y35.001A",  # legal intervention
        "X78.9XXA",  # intentional self-harm
    ],
)
def test_stated_intent_is_not_undetermined(code: str) -> None:
    assert undetermined([(ICD, code, "")]) is None
    assert intent_coded([(ICD, code, "")])


def test_other_codes_state_nothing() -> None:
    assert undetermined([(ICD, "F33.1", ""), (SCT, "1149222004", "Overdose")]) is None
    assert not intent_coded([(ICD, "F33.1", "")])
    # An IMO or site code with the same characters is not ICD-10-CM.
    assert undetermined([("http://www.imohealth.com", "T43.224A", "")]) is None


@pytest.mark.parametrize("code", ["X61", "X84", "X44", "Y09", "Y35.0", "V89.2"])
def test_who_blocks_that_state_an_intent(code: str) -> None:
    # WHO ICD-10 chapter XX: V01-X59 accidents, X60-X84 self-harm, X85-Y09 assault, Y35-Y36.
    assert undetermined([(WHO, code, "")]) is None
    assert intent_coded([(WHO, code, "")])


@pytest.mark.parametrize("code", ["Y40", "T43.2", "F33.1"])
def test_who_codes_outside_the_blocks_state_nothing(code: str) -> None:
    # Y40-Y84 complications of care, a WHO T-code (no intent character): the words are read.
    assert undetermined([(WHO, code, "")]) is None
    assert not intent_coded([(WHO, code, "")])


def test_icd10cm_y14_is_not_a_who_code() -> None:
    # ICD-10-CM's undetermined block is Y21-Y33 (poisoning moved to the T-codes): no Y14 there.
    assert undetermined([(ICD, "Y14", "")]) is None
