"""data/self_harm_intent_codes.csv read by fhir_mapping/self_harm_intent.py (review s26 UD)."""

from __future__ import annotations

import pytest

from fhir_mapping.self_harm_intent import intent_coded, undetermined, undetermined_name

ICD = "http://hl7.org/fhir/sid/icd-10-cm"
SCT = "http://snomed.info/sct"


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
