"""Each Encounter's class and psychotherapy code read once per record build (fhir_mapping/
visit_reads.py, issue 14): the routing filter, the stays, the stays in progress, the visit risk
and the psychotherapy visits all ask the build's memo; the memo answers what the reading itself
answers, by the resource's identity, and lives for one build only (never across patients)."""

from __future__ import annotations

import contextlib
import copy
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any

import orjson
import pytest

from cds_hooks.offline import OfflineInputError, evaluate_document
from fhir_mapping import build
from fhir_mapping.admission_codes import class_key
from fhir_mapping.encounters import psychotherapy_code
from fhir_mapping.visit_reads import VisitReads
from services.policy import Policy
from tests.services import chart_files

AS_OF = date(2026, 12, 1)
_READERS = {class_key.__code__: "class", psychotherapy_code.__code__: "therapy"}
_BUILD = build._build_record.__code__


def _charts() -> list[dict[str, Any]]:
    """The test charts with an ED visit or an inpatient stay, and some with psychotherapy visits:
    every visit reader has something to read."""
    root = Path(__file__).resolve().parents[1]
    found: list[dict[str, Any]] = []
    therapy = 0
    for path in sorted(p for p in root.rglob("*.json") if "_charts" in str(p)):
        text = path.read_text("utf-8")
        if '"Encounter"' not in text:
            continue
        stays = '"EMER"' in text or '"IMP"' in text
        if not stays and not ("90834" in text and therapy < 20):
            continue
        therapy += not stays
        document = orjson.loads(text)
        if isinstance(document, dict) and "prefetch" in document:
            found.append(document)
    return found


class _Reads:
    """Per build: how often each resource's class and psychotherapy code were read."""

    def __init__(self) -> None:
        self.builds: list[Counter[tuple[str, int]]] = []

    def __call__(self, frame: FrameType, event: str, arg: object) -> None:
        if event != "call":
            return
        code = frame.f_code
        if code is _BUILD:
            self.builds.append(Counter())
        elif code in _READERS and self.builds:
            self.builds[-1][(_READERS[code], id(frame.f_locals["resource"]))] += 1


@contextlib.contextmanager
def _profiled(reads: _Reads) -> Iterator[None]:
    sys.setprofile(reads)
    try:
        yield
    finally:
        sys.setprofile(None)


@pytest.fixture(scope="module")
def charts() -> list[dict[str, Any]]:
    found = _charts()
    assert len(found) > 60
    return found


def test_each_visit_is_read_once_per_build(charts: list[dict[str, Any]]) -> None:
    reads = _Reads()
    for document in charts:
        with _profiled(reads), contextlib.suppress(OfflineInputError, ValueError):
            evaluate_document(document, hook="patient-view", as_of=AS_OF, policy=Policy())
    kinds = Counter(kind for counts in reads.builds for kind, _ in counts)
    # Not vacuous: classes and psychotherapy codes of many visits were read.
    assert kinds["class"] > 200 and kinds["therapy"] > 100, kinds
    for counts in reads.builds:
        assert set(counts.values()) <= {1}, counts.most_common(3)


def test_the_memo_answers_what_the_reading_answers_by_identity() -> None:
    ed = {"resourceType": "Encounter", "status": "in-progress", "class": {"display": "Emergency"}}
    therapy = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "type": [{"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "90834"}]}],
    }
    memo = VisitReads()
    for visit in (ed, therapy):
        assert memo.class_key(visit) == class_key(visit)
        assert memo.psychotherapy(visit) == psychotherapy_code(visit)
    assert memo.class_key(ed) == ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER")
    assert memo.psychotherapy(therapy) is not None
    # Another resource that happens to sit at a remembered id is read afresh (`is`, not id).
    other = copy.deepcopy(ed)
    other["class"] = {"display": "Inpatient"}
    assert memo.class_key(other)[1] == "IMP"  # type: ignore[index]
    assert memo.class_key(ed)[1] == "EMER"  # type: ignore[index]


def test_a_second_build_reads_again(charts: list[dict[str, Any]]) -> None:
    """The memo is the build's: the same resources built twice are read twice, once each time."""
    document = next(d for d in charts if '"EMER"' in orjson.dumps(d).decode())
    resources = list(chart_files.prefetch_resources(document))
    patient = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    reads = _Reads()
    with _profiled(reads):
        for _ in range(2):
            build.build_record(resources, as_of=AS_OF, patient_id=patient)
    first, second = reads.builds
    assert first and first == second
    assert set(first.values()) == {1}
