"""Issue 14: clinical_context orders the labs it read without a set and a Python sort key when
no two results share a source or a test and day (context._ordered_labs). Checked against the
plain reading it replaced, `sorted(set(found), key=(test, date, source text, value))`, on the
labs of the sized and fixture charts and on made-up results with ties, duplicates and results
without a source."""

from __future__ import annotations

import random
from datetime import date

from bench.inprocess import hook_input
from fhir_mapping import build, context
from fhir_mapping.record import LabResult, SourceRef
from tests.fixtures import sizes
from tests.fixtures.scenarios import AS_OF


def _plain(found: list[LabResult]) -> tuple[LabResult, ...]:
    return tuple(
        sorted(set(found), key=lambda x: (x.test, x.date, str(x.source or ""), x.value or 0.0))
    )


def test_chart_labs_in_the_plain_order() -> None:
    for chart in (sizes.typical(), sizes.ten_year()):
        hook = hook_input(chart, AS_OF)
        record = build.build_record(hook.resources, as_of=AS_OF, patient_id=hook.patient_id)
        labs = list(record.context.labs)
        assert len(labs) > 5
        random.Random(3).shuffle(labs)
        assert context._ordered_labs(labs) == _plain(labs)


def test_ties_duplicates_and_results_without_source() -> None:
    rng = random.Random(14)
    for _ in range(300):
        found = []
        for _n in range(rng.randint(0, 12)):
            source = (
                None if rng.random() < 0.2 else SourceRef("Observation", f"o{rng.randint(0, 8)}")
            )
            found.append(
                LabResult(
                    test=rng.choice(["sodium", "tsh"]),
                    value=rng.choice([None, 130.0, 140.0]),
                    unit="mmol/L",
                    date=date(2024, 1, rng.randint(1, 3)),
                    source=source,
                )
            )
        if rng.random() < 0.3 and found:
            found.append(found[0])  # the same result twice: counted once
        # (Results equal in test, date, source and value but not otherwise have no order of
        # their own: the plain reading left them in the set's order. Not made here.)
        keys = [(x.test, x.date, str(x.source or ""), x.value) for x in set(found)]
        if len(set(keys)) != len(keys):
            continue
        assert context._ordered_labs(found) == _plain(found)
