"""build_record skips an Observation no reader wants by the identity of `_observation_reads`'
answer (issue 14): every such Observation must get that very answer, or it would be kept. A
pregnancy status or EDD Observation gets another object of that value, `_PREGNANCY_READER`
(review 10 finding 3), exactly when pregnancy.wants takes it."""

from __future__ import annotations

from fhir_mapping import blood_pressure, build, pregnancy
from tests.fhir_mapping.test_hot_path import _observations


def test_every_observation_no_reader_wants_gets_the_one_no_reader_answer() -> None:
    wanted = unwanted = 0
    for observation in _observations():
        reads = build._observation_reads(observation)
        if reads == (None, False, False):
            if pregnancy.wants(observation):
                assert reads is build._PREGNANCY_READER, observation.get("code")
            elif _is_blood_pressure(observation):  # review 13 W6: blood_pressure.py reads it
                assert reads is build._VITALS_READER, observation.get("code")
            else:
                assert reads is build._NO_READER, observation.get("code")
            unwanted += 1
        else:
            assert reads is not build._NO_READER
            wanted += 1
    assert wanted > 50 and unwanted > 500


def _is_blood_pressure(observation: dict[str, object]) -> bool:
    concept = observation.get("code")
    codings = concept.get("coding", []) if isinstance(concept, dict) else []
    return any(
        isinstance(c, dict) and str(c.get("code", "")).strip() in blood_pressure.codes()
        for c in codings
    )
