"""fhir_fields' first-sight shortcuts (issue 14) read every value as the general reading does."""

from __future__ import annotations

import random

from fhir_mapping.fhir_fields import codings, ref_id


def _reference_ref_id(reference: object) -> str | None:
    """ref_id as it read every reference before its "Type/id" fast path."""
    if isinstance(reference, dict):
        reference = reference.get("reference")
    if not isinstance(reference, str) or not reference:
        return None
    if reference.startswith("urn:uuid:"):
        return reference[len("urn:uuid:") :]
    if reference.startswith("#"):
        return reference[1:]
    parts = [p for p in reference.split("?")[0].split("/") if p]
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    return parts[-1] if parts else None


def test_reference_ids_read_as_the_general_reading_reads_them() -> None:
    written = [
        "Encounter/1",
        "Encounter/1/",
        "https://ehr.example/fhir/Observation/1/_history/2",
        "Observation/1?_format=json",
        "Observation/x_history",
        "urn:uuid:5f0c",
        "#contained-1",
        "a//b",
        "/",
        "",
    ]
    rng = random.Random(14)
    pieces = ["a", "b1", "/", "?", "_history", "#", "urn:uuid:", " ", "x_history"]
    written += ["".join(rng.choice(pieces) for _ in range(rng.randrange(6))) for _ in range(5000)]
    differing = [r for r in written if r and _reference_ref_id(r) != r.rpartition("/")[2]]
    assert len(differing) > 100  # the general case is exercised, not only "Type/id"
    for reference in written:
        assert ref_id(reference) == _reference_ref_id(reference), reference
        assert ref_id({"reference": reference}) == _reference_ref_id(reference), reference
    assert ref_id(None) is None and ref_id({"reference": 5}) is None


def test_codings_are_a_tuple_read_once() -> None:
    concept = {"coding": [{"system": "http://loinc.org", "code": " 44261-6 "}, None, {"code": 5}]}
    found = codings(concept)
    assert found == (("http://loinc.org", "44261-6", ""),)
    assert codings(concept) == found  # a value, not a spent iterator
    assert codings({"coding": "44261-6"}) == () and codings(None) == ()
