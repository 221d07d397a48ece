"""When a record that says its drug MAY be taken now stops being read so (review s21 RR finding 5).

A MedicationStatement `unknown` (status_to_confirm.py) and a record whose code and name give
different drugs (product_conflict.py) are records to confirm: their drugs are `DataGap.taken_now`,
read as possibly running by every check that asks what runs (the MAOI washout and combination,
the two-serotonin-reuptake-inhibitor lines, the interaction table, the adjunct hold, the
timeline). Read so whatever came after, a fluoxetine `unknown` of 2023 followed by its order
stopped 2023-06-01 still said "fluoxetine ... may be running" and held the adjuncts, beside the
same card's "fluoxetine (failed)"; a 2019 `unknown` with nothing since held them too. The one
rule, here, before any check reads the gap (so every user of "may be running" follows it):

- a LATER record of each of its drugs that ends it supersedes it: an order or statement whose
  stated end (boundsPeriod / effectivePeriod end) is after the record's day and not after as-of,
  or one made after the record's day whose status says it ended (`stopped`, `completed`). Later
  means a later day: a stop on the record's own day does not say which came first, so the record
  keeps the safer reading. A fill is no stop record: its supply running out says nothing of what
  the patient took after it;
- else, when the newest record of each of its drugs (its own day, or any later order, fill or
  statement of the drug) is older than MappingPolicy.maybe_running_days, it is stale, unless one
  of its drugs is an MAOI (data/antidepressants.csv class MAOI): an MAOI that may be taken is
  never aged out, as a years-old `active` statement of one is not (an MAOI with a serotonergic
  drug can kill; MAOIs are rare, so the question costs little noise).

Either way its drugs move from `taken_now` to `set_aside` (DataGap.set_aside): no check reads them
as running, and the data-gap line names the record, the drug and why. A record with no day of
its own keeps the safer reading.

The MAOI washout and serotonergic checks need nothing apart. A superseding stop is itself a
course on record, so the washout counts from it (services/washout_exposures.py), and the policy
never sets the window shorter than the longest washout of services/data/maoi_washout.csv
(services/policy/mapping_config.py): a record is only stale once no washout could still run from
its day, whatever the drug was.

An undated `active` record (its status says the drug is taken: "running", not "may be") is not a
record to confirm and is not changed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from fhir_mapping import drug_table
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.product_conflict import TWO_DRUGS_TO_CONFIRM
from fhir_mapping.record import DataGap, SetAside
from fhir_mapping.status_to_confirm import STATUS_TO_CONFIRM

# The gap reasons of a record that says only that its drug may be taken now.
TO_CONFIRM = frozenset({*TWO_DRUGS_TO_CONFIRM, STATUS_TO_CONFIRM})
# The statuses an order or a statement records its end by (FHIR R4 medicationrequest-status and
# medication-statement-status): FHIR structure, so in code.
_ENDED = frozenset({"stopped", "completed"})
# The kinds of record that can say a drug was stopped (a fill cannot).
_STOP_KINDS = frozenset({EventKind.ORDER, EventKind.STATEMENT})


def settle(
    gaps: Sequence[DataGap],
    events: Sequence[MedicationEvent],
    *,
    as_of: date,
    window_days: int,
) -> list[DataGap]:
    """`gaps` with each record to confirm that a later record ends, or that is stale, set
    aside (module docstring); every other gap unchanged."""
    return [_settled(g, events, as_of, window_days) for g in gaps]


def _settled(
    gap: DataGap, events: Sequence[MedicationEvent], as_of: date, window_days: int
) -> DataGap:
    day = gap.recorded
    if gap.reason not in TO_CONFIRM or not gap.taken_now or day is None:
        return gap
    drugs = gap.taken_now
    stops = [_later_stop(day, [e for e in events if e.ingredient == d], as_of) for d in drugs]
    if all(s is not None for s in stops):
        why = "; ".join(dict.fromkeys(s for s in stops if s is not None))
        return _set_aside(gap, why)
    if any(_is_maoi(d) for d in drugs):
        # An MAOI that may still be taken is never aged out: with a serotonergic drug it can
        # kill, and MAOIs are prescribed rarely enough that keeping the question costs little
        # noise (the lead's decision on review s21 RR finding 5; a later stop still settles it).
        return gap
    newest = max(_newest(day, [e for e in events if e.ingredient == d], as_of) for d in drugs)
    if newest + timedelta(days=window_days) < as_of:
        what = "it" if len(drugs) == 1 else "them"
        why = f"no record of {what} in the last {window_days} days"
        return _set_aside(gap, why)
    return gap


def _is_maoi(ingredient: str) -> bool:
    info = drug_table.drug_info(ingredient)
    return info is not None and info.drug_class == "MAOI"


def _set_aside(gap: DataGap, why: str) -> DataGap:
    return replace(gap, taken_now=(), set_aside=SetAside(gap.taken_now, why))


def _later_stop(day: date, events: Iterable[MedicationEvent], as_of: date) -> str | None:
    """How the latest order or statement of one drug that ends it after `day` says so ("a
    later order ended 2023-06-01"), or None when none does."""
    found: tuple[date, str] | None = None
    for e in events:
        if e.kind not in _STOP_KINDS:
            continue
        if e.end is not None and day < e.end <= as_of:
            said = (e.end, f"a later {e.kind.value} ended {e.end.isoformat()}")
        elif e.status in _ENDED and day < (made := max(e.start, e.asserted or e.start)) <= as_of:
            said = (made, f"a later {e.kind.value} of {made.isoformat()} records it {e.status}")
        else:
            continue
        if found is None or said[0] > found[0]:
            found = said
    return None if found is None else found[1]


def _newest(day: date, events: Iterable[MedicationEvent], as_of: date) -> date:
    """The newest day a record of one drug was made or covers, up to as-of (`day` at least)."""
    days = [day]
    for e in events:
        days.extend(d for d in (e.start, e.asserted, e.end) if d is not None and d <= as_of)
    return max(days)
