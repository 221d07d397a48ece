"""Two totals of one administration that disagree: which one stands (review 17 W2).

A PHQ-9 scored 18 at 09:30 (final, issued 10:05) and again 8 at 09:30 (amended, issued 16:40),
sent as two Observations, as an interface sends a correction: the trial took the 18 (the higher
of a day's totals) and the cards said "2 adequate trials failed" and offered a TMS referral,
where the corrected 8 is a 60 % response.

Totals of one instrument whose effective time is the same instant (the same administration;
a date without a time counts as one instant for its day, for a correction only: rule 3) and
whose values differ are resolved:

(A total summed from nine answers beside a recorded one: the recorded stands, checked against the
sum: `_check_sum`, review s22 RS finding 1.)

1. One whose status modifies a final result (data/result_statuses.csv `corrects`: amended,
   corrected; FHIR R4 ObservationStatus "modified after being final") supersedes the final ones;
   a final one of another value is kept as a CorrectedTotal (corrected_totals.py: read, not a
   gap), named on the cards where it changes a conclusion (fix score53, score54).
2. Among several correcting ones, the one issued last stands: each modifies the result, so the
   latest modification is the result.
3. Otherwise, for totals timed to the same instant and issued at different times (one
   administration filed twice), the conflict is not resolved. Two finals of one administration
   with different totals say nothing of which is right: neither claims to correct the other,
   and a later
   `issued` on a final may be an interface re-send of the stale value as easily as a silent
   correction, so `issued` alone does not decide between finals. Neither total is used (no
   trial outcome, TMS severity or measurement rests on it: the patient is not escalated, nor a
   failure counted, on a number that may be wrong) and a data gap names both values so the
   clinician resolves it in the chart. The same holds for correcting ones whose `issued`
   cannot be ordered.

An item-9 answer is never dropped by this: the answers of the totals set aside join the one
that stands (the higher kept, as everywhere: the safer reading), or, when none stands, stay on
a total without a value so the suicide-risk rule still sees them.

Totals of the same day at different times are two administrations and are left as they were;
so are two finals dated to the day only, or with no `issued` apart (nothing shows they are one
administration filed twice).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from fhir_mapping.corrected_totals import CORRECTED_TOTAL, carrier
from fhir_mapping.fhir_fields import string
from fhir_mapping.gaps import resource_gap
from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.phq9_item_sum import ItemSum, checked_total
from fhir_mapping.record import DataDomain, DataGap
from fhir_mapping.result_statuses import OBSERVATION, correcting
from fhir_mapping.score_totals import _merge_item9, _Total

Resource = Mapping[str, Any]

# The reason of the gap on an unresolved pair: no values or dates (reasons go to the logs); the
# values and the day go to DataGap.stated and DataGap.date.
CONFLICTING_TOTALS = "totals of one administration that disagree, neither correcting the other"


def resolve_corrections(totals: list[_Total]) -> tuple[list[_Total], list[DataGap]]:
    """`totals` with each disagreeing administration resolved (module docstring), and the gaps
    of those left unresolved. Most charts have no two totals of one instrument and day: they
    are returned as they are, after one pass."""
    seen: dict[tuple[str, date], int] = {}
    clash = False
    for total in totals:
        key = (total.instrument, total.day)
        seen[key] = seen.get(key, 0) + 1
        clash = clash or seen[key] > 1
    if not clash:
        return totals, []
    groups: dict[tuple[str, date, str], list[_Total]] = {}
    for total in totals:
        if seen[(total.instrument, total.day)] > 1:
            groups.setdefault((total.instrument, total.day, _instant(total.resource)), []).append(
                total
            )
    dropped: set[int] = set()
    added: list[_Total] = []
    gaps: list[DataGap] = []
    for group in groups.values():
        if len({t.value for t in group}) < 2:
            continue  # the same total twice: counted once downstream (score_totals._dedupe)
        standing = _standing(group)
        if standing is None and not _refiled(group):
            # Nothing shows the two are one administration filed twice (a date without a time,
            # or no `issued` apart): two finals stay two scores, as they were.
            continue
        dropped.update(id(t) for t in group if t is not standing)
        if standing is not None:
            for total in group:
                if total is not standing:
                    standing.item9 = _merge_item9(standing.item9, total.item9)
                    standing.unread = standing.unread or total.unread
            _check_sum(standing, group)
            gaps.extend(_corrected_gaps(standing, group))
            continue
        dropped.update(id(t) for t in group)
        added.append(_without_value(group))
        gaps.extend(_conflict_gap(group))
    kept = [t for t in totals if id(t) not in dropped]
    return kept + added, gaps


def _standing(group: list[_Total]) -> _Total | None:
    """The total that stands among disagreeing totals of one administration, or None."""
    recorded = [t for t in group if not t.computed]
    if recorded and len(recorded) < len(group):
        # A total summed from items beside a recorded one (review 17 M4): the recorded stands
        # when it is the only value recorded; the sum is the reader's, the total the form's.
        group = recorded
        if len({t.value for t in group}) == 1:
            return group[0]
    fixes = correcting(OBSERVATION)
    correcting_ones = [t for t in group if string(t.resource.get("status")) in fixes]
    if not correcting_ones:
        return None  # finals only: never decided by `issued` (module docstring, 3)
    if len({t.value for t in correcting_ones}) == 1:
        return correcting_ones[0]
    issued = [(_issued(t.resource), t) for t in correcting_ones]
    if any(when is None for when, _ in issued):
        return None
    latest = max(when for when, _ in issued if when is not None)
    last = [t for when, t in issued if when == latest]
    return last[0] if len({t.value for t in last}) == 1 else None


def _corrected_gaps(standing: _Total, group: list[_Total]) -> list[DataGap]:
    """One carrier per final total of another value that the correcting `standing` replaced
    (rule 1; corrected_totals.py: read and applied, so never a data gap; build.py takes it out
    of the gaps, fix score54): whether it changes a trial's response, remission, baseline or the
    TMS severity band is judged on the cards (services/score_correction_words.py). Not a summed
    total set aside for a recorded one (no correction), nor an entered-in-error one (never read:
    data/result_statuses.csv)."""
    fixes = correcting(OBSERVATION)
    if string(standing.resource.get("status")) not in fixes or standing.value is None:
        return []
    how = string(standing.resource.get("status")) or ""  # "corrected" / "amended", as sent
    corrected = standing.score()
    return [
        carrier(corrected, t.value, how, gap.source)
        for t in group
        if t is not standing
        and not t.computed
        and t.value is not None
        and t.value != standing.value
        and string(t.resource.get("status")) not in fixes
        for gap in resource_gap(t.resource, CORRECTED_TOTAL, DataDomain.SCORES)
    ]


def _check_sum(standing: _Total, group: list[_Total]) -> None:
    """A recorded total standing beside a total summed from the same form's nine answers is
    checked against that sum (phq9_item_sum.checked_total, review s22 RS finding 1): before, the
    recorded one stood as it was ("the total the form's"), a 4 beside answers summing to 18."""
    if standing.instrument != PHQ9 or standing.computed or standing.value is None:
        return
    sums = {t.value for t in group if t.computed and t.value is not None}
    if len(sums) != 1:
        return
    value, conflict = checked_total(standing.value, ItemSum(sums.pop(), complete=True))
    if conflict is not None:
        standing.value, standing.conflict = value, conflict


def _without_value(group: list[_Total]) -> _Total:
    """A total with no value carrying the group's item-9 answers (the higher kept)."""
    first = group[0]
    item9 = None
    unread = None
    for total in group:
        item9 = _merge_item9(item9, total.item9)
        unread = unread or total.unread
    held = _Total(first.instrument, None, first.day, item9, first.obs_id, first.resource)
    held.unread = unread
    return held


def _conflict_gap(group: list[_Total]) -> list[DataGap]:
    """One gap, on the last-listed resource, naming the values and the day."""
    values = " and ".join(
        f"{t.value}{_status_note(t.resource)}" for t in sorted(group, key=_by_issued)
    )
    stated = f"{group[0].instrument} totals {values} on {group[0].day.isoformat()}"
    return [
        DataGap(gap.domain, gap.reason, gap.source, date=group[0].day, stated=stated)
        for gap in resource_gap(group[-1].resource, CONFLICTING_TOTALS, DataDomain.SCORES)
    ]


def _status_note(resource: Resource) -> str:
    status = resource.get("status")
    return f" ({status})" if isinstance(status, str) and status != "final" else ""


def _by_issued(total: _Total) -> tuple[int, str]:
    when = _issued(total.resource)
    return (0, when.isoformat()) if when is not None else (1, "")


def _refiled(group: list[_Total]) -> bool:
    """Whether the totals are one administration filed more than once: the same effective
    instant with a time of day, each with an `issued`, not all issued at once."""
    if "T" not in _instant(group[0].resource):
        return False
    issued = [_issued(t.resource) for t in group]
    return all(when is not None for when in issued) and len(set(issued)) > 1


def _instant(resource: Resource) -> str:
    """The effective time as an instant ("2025-05-19T14:30:00+00:00"), or the text as sent when
    it has no time zone or no time (one instant for its day)."""
    raw = resource.get("effectiveDateTime")
    if not isinstance(raw, str):
        period = resource.get("effectivePeriod")
        raw = period.get("start") if isinstance(period, Mapping) else None
    if not isinstance(raw, str):
        return ""
    parsed = _datetime(raw)
    if parsed is None or parsed.tzinfo is None:
        return raw.strip()
    return parsed.astimezone(UTC).isoformat()


def _issued(resource: Resource) -> datetime | None:
    raw = resource.get("issued")
    if not isinstance(raw, str):
        return None
    parsed = _datetime(raw)
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _datetime(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
