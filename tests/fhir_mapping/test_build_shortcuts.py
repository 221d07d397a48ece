"""build_record skips an Observation no reader wants by the identity of `_observation_reads`'
answer (issue 14): every such Observation must get that very answer, or it would be kept."""

from __future__ import annotations

from fhir_mapping import build
from tests.fhir_mapping.test_hot_path import _observations


def test_every_observation_no_reader_wants_gets_the_one_no_reader_answer() -> None:
    wanted = unwanted = 0
    for observation in _observations():
        reads = build._observation_reads(observation)
        if reads == (None, False, False):
            assert reads is build._NO_READER, observation.get("code")
            unwanted += 1
        else:
            assert reads is not build._NO_READER
            wanted += 1
    assert wanted > 50 and unwanted > 500
