"""The per-fill shortcuts of issue 14 (speed round 5) read as the plain readings they replaced.

Each added MedicationDispense of a long course passes through these: clusters cut from spans
already in key order (no second and third sort), a trial's sources sorted by id then by type
(plain string comparisons), whole days of supply found without round(), and the dose memo
looking for a null only when it would remember. Each is checked against the plain reading,
written out here, over seeded random inputs with the edge cases: same-day records with other
ends, notes on same-day spans, ids that sort differently as strings and as pairs.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any

from fhir_mapping import adherence, episodes, medications
from fhir_mapping.adherence import dispense_adherence
from fhir_mapping.dose import daily_dose_mg
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Role, SourceRef
from tests.fhir_mapping.test_adherence import dispense

POLICY = MappingPolicy()
DAY0 = date(2023, 1, 1)
_KINDS = {
    EventKind.ORDER: "MedicationRequest",
    EventKind.STATEMENT: "MedicationStatement",
    EventKind.DISPENSE: "MedicationDispense",
}


def _event(rng: random.Random, index: int) -> MedicationEvent:
    kind = rng.choice(list(_KINDS))
    start = DAY0 + timedelta(rng.randint(0, 400))
    return MedicationEvent(
        kind=kind,
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=start,
        end=rng.choice([None, start + timedelta(rng.randint(0, 90))]),
        mg_per_day=rng.choice([None, 50.0, 100.0]),
        days_supply=rng.choice([None, 1.0, 30.0]),
        status="completed" if kind is EventKind.DISPENSE else rng.choice(["active", "stopped"]),
        # Ids of different lengths and cases: "a-1" sorts before "a1" and after "A".
        source=SourceRef(_KINDS[kind], rng.choice(["a", "A", "a-1", "a1", "b"]) + str(index)),
    )


def _plain_cluster(spans: list[episodes._Span]) -> list[episodes._Cluster]:
    """`_cluster` as it read before issue 14's round 5: the spans sorted by start, end, key;
    with review 10 finding 8's restart (an order after >= supply_gap_days, every order of the
    cluster's latest order day having ended), read plainly from the cluster's spans."""
    gap = POLICY.new_trial_gap_weeks * 7
    clusters: list[episodes._Cluster] = []
    current = episodes._Cluster()
    for span in sorted(spans, key=lambda s: (s.start, s.end, s.key)):
        orders = [s.event for s in current.spans if s.event.kind is EventKind.ORDER]
        last_day = max([o.start for o in orders], default=None)
        ended = bool(orders) and all(
            o.end is not None or o.status in ("completed", "stopped")
            for o in orders
            if o.start == last_day
        )
        restart = (
            ended
            and span.event.kind is EventKind.ORDER
            and (span.start - current.end).days >= POLICY.supply_gap_days
        )
        if not clusters or (span.start - current.end).days > gap or restart:
            current = episodes._Cluster([], span.end, span.start)
            clusters.append(current)
        current.spans.append(span)
        current.end = max(current.end, span.end)
    return clusters


def _spans(rng: random.Random) -> list[episodes._Span]:
    """Spans in _event_key order, as build_trials gives them to `_cluster`: same-day starts with
    other ends, long gaps (new clusters), a note on some."""
    spans = []
    for index in range(rng.randint(1, 12)):
        event = _event(rng, index)
        start = event.start
        end = start + timedelta(rng.choice([0, 1, 30, 200, 400]))
        note = rng.choice([None, None, f"note {index}"])
        spans.append(episodes._Span(event, episodes._event_key(event), start, end, note))
    return sorted(spans, key=lambda s: s.key)


def test_clusters_of_spans_in_key_order_are_the_sorted_clusters() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        spans = _spans(rng)
        fast = episodes._cluster(spans, POLICY)
        plain = _plain_cluster(spans)
        assert len(fast) == len(plain)
        for mine, theirs in zip(fast, plain, strict=True):
            assert (mine.start, mine.end) == (theirs.start, theirs.end)
            # Same spans; in key order, as _trial reads its events.
            assert mine.spans == sorted(theirs.spans, key=lambda s: s.key)
            # The notes in the order the sorted clusters gave them.
            noted = sorted([s for s in mine.spans if s.note], key=episodes._NOTE_ORDER)
            assert [s.note for s in noted] == [s.note for s in theirs.spans if s.note]


def test_trial_sources_come_in_type_then_id_order() -> None:
    rng = random.Random(9)
    for _ in range(500):
        events = [_event(rng, index) for index in range(rng.randint(1, 10))]
        trials = episodes.build_trials(events, as_of=DAY0 + timedelta(500), policy=POLICY)
        sources = [s for t in trials for s in t.sources]
        for trial in trials:
            pairs = [(s.resource_type, s.id) for s in trial.sources]
            assert pairs == sorted(set(pairs))
        usable = {e.source for e in events if episodes._usable(e, DAY0 + timedelta(500))}
        assert set(sources) == usable


def test_whole_days_read_as_rounded_days() -> None:
    values: list[float] = [0.0, 1.0, 30.0, 90.0, 999.0, 1000.0, 3650.0, 0.5, 1.5, 2.5, 29.6, 7]
    for value in values:
        assert episodes._days(value) == timedelta(days=round(value)), value


def test_dose_memo_never_remembers_a_null_so_nan_and_null_stay_apart() -> None:
    """JSON writes a NaN as null: lines holding either are read afresh every time, in any order,
    and the memo never holds their JSON (a hit is then never a null standing for a NaN)."""
    nan_line = [{"doseAndRate": [{"doseQuantity": {"value": math.nan, "unit": "mg"}}]}]
    null_line: list[dict[str, Any]] = [{"doseAndRate": [{"doseQuantity": {"value": None}}]}]
    sig_line = [{"text": "null 50 mg daily", "doseAndRate": [{"doseQuantity": {"value": 50}}]}]
    for order in ([nan_line, null_line, sig_line], [sig_line, null_line, nan_line]):
        for dosages in order * 2:
            fresh = daily_dose_mg(dosages, strength_mg=None, per_ml=False, mass_applies=True)
            remembered = medications._daily_dose_mg(
                dosages, strength_mg=None, per_ml=False, mass_applies=True
            )
            assert remembered == fresh
    assert not any(b"null" in key[0] for key in medications._dose_memo)


def test_whole_days_of_supply_count_as_rounded_days_in_adherence() -> None:
    values: list[float] = [0.0, 1.0, 30.0, 90.0, 999.0, 1000.0, 0.5, 1.5, 2.5, 29.6, 7]
    for value in values:
        found = adherence._WHOLE_DAYS.get(value)
        assert (found if found is not None else round(value)) == round(value), value
    # And through the reading: 29.6 days of supply counts 30 days, as 30.0 does.
    window_end = DAY0 + timedelta(60)
    for supply in (29.6, 30.0):
        fills = [dispense(DAY0, supply, "a"), dispense(DAY0 + timedelta(30), supply, "b")]
        assert dispense_adherence(fills, window_end=window_end, policy=POLICY).pdc == 1.0
