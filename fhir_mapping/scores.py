"""Rating-scale scores from Observations, and the PHQ-9 before and on each trial.

Encodings read (LOINC codes in data/observation_codes.csv):

- PHQ-9 total 44261-6 or 89204-2 (Synthea's teen code, used for all ages), PHQ-2 55758-7 and
  GAD-7 70274-6 as valueInteger or valueQuantity (unit `{score}` or none), standalone or as a
  `component` of the PHQ-9 panel 44249-1 / 89206-7. A panel's own value counts as its total when
  it has no total component (some EHRs file the total on the panel).
- The other depression scales payers accept for TMS (issue 12): BDI-II 89209-1, and HAM-D (17
  items), MADRS and QIDS-SR16, for which no LOINC code could be confirmed: they are read under the
  project codes `urn:trd-cds:scale|hamd17-total` / `madrs-total` / `qids-sr16-total`, which a
  site's own codes map to (`[codes]`). Each is a standalone total, `Score(instrument=...)` with
  the instrument named in data/observation_codes.csv ("HAM-D17", "MADRS", "QIDS-SR16",
  "BDI-II"), checked against its range; none takes part in the PHQ-9 logic below.
- PHQ-9 item 9 (44260-8) as valueInteger 0-3, valueQuantity, or a LOINC answer (LA6568-5 = 0 ...
  LA6571-9 = 3, data/phq9_answer_codes.csv), standalone or as a panel component. A standalone item
  9 joins the PHQ-9 total it belongs to: first one linked to it (hasMember / derivedFrom either
  way, or members of the same panel), else one of the same encounter, else one of the same day;
  otherwise it stays a PHQ-9 Score with value None and item9 set, so the suicide-safety rule
  still sees it. When two item-9 answers meet on one total, the higher is kept (safer).
- An item-9 answer that is present but cannot be read (a code under an unknown system, out of
  range, not a number) is a DataGap as before, and also joins its total the same way as
  `Score.item9_unread` (or stays a Score of its own with value and item9 None): it may be
  positive, so the suicide-safety rule must see it (review patient-view finding 3). A readable
  answer on the same score wins (`item9_unread` is set only while `item9` is None).
- Only status final / amended / corrected counts; Observations dated after as-of are ignored;
  values outside the instrument's range (0..max_score) are dropped as data errors.
- The same total reported twice (panel component and standalone Observation) counts once.
- A PHQ-9 total of 25 or more with no item-9 answer proves item 9 >= total - 24: it is carried
  as `item9` with `item9_inferred` set (`infer_item9`), so the suicide-safety rule sees it.

Per trial (MappingPolicy): baseline = latest PHQ-9 in the `baseline_days_before` days up to the
start, else the earliest in the first `baseline_days_after` days of treatment (the least treated
score); on-treatment = latest PHQ-9 from week `on_treatment_from_week` of the trial to
`on_treatment_days_after_end` days after it ends.
"""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from operator import attrgetter
from typing import Any

from fhir_mapping.codes import (
    ObservationCode,
    observation_code_rows,
    phq9_answer_codes_without_system,
    phq9_answer_values,
)
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    NUMBER_TYPES,
    codings,
    effective_date,
    number,
    parse_date,
    ref_id,
)
from fhir_mapping.gaps import resource_gap
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef, Trial

Resource = Mapping[str, Any]

_COUNTED = frozenset({"final", "amended", "corrected"})
_SCORE_CONCEPTS = frozenset(
    {
        "phq9-total",
        "phq9-panel",
        "phq9-item9",
        "phq2-total",
        "gad7-total",
        # The other severity scales payers accept for TMS (issue 12): standalone totals only.
        "hamd17-total",
        "madrs-total",
        "qids-sr16-total",
        "bdi2-total",
    }
)
PHQ9 = "PHQ-9"


def _row(concept: object) -> ObservationCode | None:
    rows = observation_code_rows()
    for system, code, _ in codings(concept):
        row = rows.get((system, code))
        if row is not None:
            return row
    return None


def is_scale(row: ObservationCode) -> bool:
    """Whether a row of data/observation_codes.csv is one of the scales read here."""
    return row.concept in _SCORE_CONCEPTS


def scale_row(resource: Resource) -> ObservationCode | None:
    """The row an Observation is read by (the first of its codings in data/observation_codes.csv),
    when that row is a scale; else None."""
    row = _row(resource.get("code"))
    return row if row is not None and row.concept in _SCORE_CONCEPTS else None


def wants(resource: Resource) -> bool:
    """Cheap pre-validation filter: an Observation coded as one of the scales."""
    return scale_row(resource) is not None


def _value(element: Mapping[str, Any], max_score: int | None) -> int | None:
    """An integer score within 0..max_score from value[x], or None."""
    raw: float | None = None
    if "valueInteger" in element:
        raw = number(element.get("valueInteger"))
    elif isinstance(quantity := element.get("valueQuantity"), JSON_OBJECT):  # dict: C speed
        # `number`, written out: every valueQuantity score comes through here (issue 14).
        found = quantity.get("value")
        if isinstance(found, NUMBER_TYPES) and not isinstance(found, bool):
            raw = found  # an int as it is: int(raw) below takes either (no float() call)
    elif isinstance(element.get("valueString"), str) and element["valueString"].strip().isdigit():
        raw = float(element["valueString"].strip())
    elif "valueCodeableConcept" in element:
        answers = phq9_answer_values()
        for system, code, _ in codings(element.get("valueCodeableConcept")):
            if (system, code) in answers:
                raw = float(answers[(system, code)])
                break
            if not system and code in (bare := phq9_answer_codes_without_system()):
                raw = float(bare[code])  # "LA6570-1" with its system left out (SDC)
                break
    if raw is None:
        return None
    value = int(raw)
    if value != raw:
        return None
    if value < 0 or (max_score is not None and value > max_score):
        return None
    return value


_NO_IDS: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Total:
    """A score being assembled. What links other Observations to it (`links`, `parents`,
    `encounter`) is read only when a standalone item 9 looks for its total (`_link`): most charts
    have none, and reading every score's references cost more than the rest of it (issue 14)."""

    instrument: str
    value: int | None
    day: date
    item9: int | None
    obs_id: str | None
    resource: Resource  # the Observation, read again only by `_link`
    links: AbstractSet[str] = _NO_IDS  # ids of hasMember / derivedFrom targets
    parents: AbstractSet[str] = _NO_IDS  # ids of panels listing this Observation as a member
    encounter: str | None = None
    unread: SourceRef | None = None  # an item-9 answer of it that could not be read

    def score(self) -> Score:
        """The Score, with the item 9 its total proves where none was recorded: `infer_item9`'s
        reading, made before the Score is built instead of replacing it after."""
        item9, inferred = self.item9, False
        value = self.value
        if (
            item9 is None
            and value is not None
            and value > _NO_FLOOR_UP_TO  # item9_floor proves nothing up to it: not asked
            and self.instrument == PHQ9
        ):
            floor = item9_floor(value)
            if floor is not None:
                item9, inferred = floor, True
        source = SourceRef("Observation", self.obs_id) if self.obs_id else None
        # An unreadable answer matters only while no readable one was recorded with it.
        unread = self.unread if self.item9 is None else None
        return Score(
            self.instrument, self.value, self.day, item9, source, inferred, item9_unread=unread
        )

    @property
    def ref(self) -> str:
        """The last sort key: "Observation/<id>" (str of its SourceRef), or "" without one. Built
        when asked (ties, merges, item-9 joins), not for every score (issue 14)."""
        return f"Observation/{self.obs_id}" if self.obs_id else ""

    def order(self) -> tuple[date, str, int, int, str]:
        """score_order of the recorded score (item 9 as recorded, before any inference)."""
        return (
            self.day,
            self.instrument,
            -1 if self.value is None else self.value,
            -1 if self.item9 is None else self.item9,
            self.ref,
        )


def _merge_item9(current: int | None, new: int | None) -> int | None:
    if current is None:
        return new
    if new is None:
        return current
    return max(current, new)


def _links(resource: Resource) -> set[str]:
    found: set[str] = set()
    for key in ("hasMember", "derivedFrom"):
        for ref in resource.get(key) or ():
            rid = ref_id(ref)
            if rid:
                found.add(rid)
    return found


def _link(total: _Total, parent_of: Mapping[str, set[str]]) -> None:
    """Read what links other Observations to a total (for `_owner`)."""
    total.links = _links(total.resource)
    total.parents = parent_of.get(total.obs_id, _NO_IDS) if total.obs_id else _NO_IDS
    total.encounter = ref_id(total.resource.get("encounter"))


def read_scores(observations: Iterable[Resource], *, as_of: date) -> tuple[Score, ...]:
    """Scores from Observations, oldest first (score_order)."""
    return read_rated(_rated(observations), as_of=as_of)[0]


def score_gaps(observations: Iterable[Resource], *, as_of: date) -> list[DataGap]:
    """Rating-scale Observations `read_scores` cannot use, as DataGaps (issue 10, never silent):
    no usable date, or a total / item-9 value that is missing, not a number or out of range. An
    undated item-9 answer of 2 is exactly what must not vanish in silence."""
    return read_rated(_rated(observations), as_of=as_of)[1]


def _rated(observations: Iterable[Resource]) -> list[tuple[Resource, ObservationCode]]:
    return [(r, row) for r in observations if (row := scale_row(r)) is not None]


def read_rated(
    rated: Iterable[tuple[Resource, ObservationCode]], *, as_of: date
) -> tuple[tuple[Score, ...], list[DataGap]]:
    """`read_scores` and `score_gaps` in one walk, for Observations whose scale row the caller
    has already found (`scale_row`; build.py finds it while sorting the chart's Observations):
    each Observation's code, date and value are read once (issue 14)."""
    totals: list[_Total] = []
    items: list[_Total] = []
    gaps: list[DataGap] = []
    parent_of: dict[str, set[str]] = {}
    for resource, row in rated:
        status = resource.get("status")
        if not isinstance(status, str) or status not in _COUNTED:  # malformed reads as absent
            continue
        # effective_date, its usual first reading (effectiveDateTime) asked here: one call fewer
        # per score (issue 14); the others only when that gives no date.
        day = parse_date(resource.get("effectiveDateTime")) or effective_date(resource)
        item9: int | None = None
        unread = False  # an item-9 answer is present but unreadable (finding 3)
        concept = row.concept  # read once: asked three times below (issue 14)
        if concept == "phq9-panel":
            # A panel's total comes from its components: no gap of its own.
            if day is None or day > as_of:
                continue
            rid = resource.get("id")
            if isinstance(rid, str):
                for member in _links(resource):
                    parent_of.setdefault(member, set()).add(rid)
            value, item9, unread = _panel_values(resource)
        else:
            if day is None:
                name = row.instrument or PHQ9
                reason = f"a {name} result with no usable date"
                gaps.extend(resource_gap(resource, reason, DataDomain.SCORES))
                continue
            if day > as_of:
                continue
            value = _value(resource, row.max_score)
            if value is None and not _has_components(resource):
                name = row.instrument or PHQ9
                what = "item 9 answer" if concept == "phq9-item9" else "score"
                reason = f"a {name} {what} that is missing, not a number or out of range"
                gaps.extend(resource_gap(resource, reason, DataDomain.SCORES))
            if concept == "phq9-item9":  # a standalone answer: its total is found below
                item9, value = value, None
                # Unreadable (the gap above): kept, flagged, so the suicide-risk rule sees it.
                unread = item9 is None and not _has_components(resource)
                if item9 is None and not unread:
                    continue
            elif components := resource.get("component"):
                item9, unread = _component_item9(components)
        if value is None and item9 is None and not unread:
            continue  # e.g. a panel whose members are separate Observations
        rid = resource.get("id")
        if not isinstance(rid, str):
            rid = None
        instrument = PHQ9 if concept == "phq9-item9" else row.instrument or PHQ9
        total = _Total(instrument, value, day, item9, rid, resource)
        if unread:  # the unreadable answer is this resource (a standalone answer or a component)
            total.unread = SourceRef("Observation", rid or "")
        (totals if value is not None else items).append(total)
    if items:
        _join_items(items, totals, parent_of)
    return _dedupe(totals), gaps


def _panel_values(panel: Resource) -> tuple[int | None, int | None, bool]:
    """(total, item 9, an item-9 answer unreadable) of a PHQ-9 panel: from its components, else
    the panel's own value as the total (some EHRs file the total on the panel)."""
    value = item9 = None
    unread = False
    for component in panel.get("component") or ():
        if not isinstance(component, JSON_OBJECT):
            continue
        part = _row(component.get("code"))
        if part is None:
            continue
        if part.concept == "phq9-total" and value is None:
            value = _value(component, part.max_score)
        elif part.concept == "phq9-item9":
            answer = _value(component, part.max_score)
            unread = unread or answer is None
            item9 = _merge_item9(item9, answer)
    if value is None:
        value = _value(panel, _phq9_max())
    return value, item9, unread


def _component_item9(components: Any) -> tuple[int | None, bool]:
    """The item-9 answer filed as a component of a total (the higher of two), and whether an
    item-9 component is there but could not be read."""
    item9 = None
    unread = False
    for component in components:
        if not isinstance(component, JSON_OBJECT):
            continue
        part = _row(component.get("code"))
        if part is not None and part.concept == "phq9-item9":
            answer = _value(component, part.max_score)
            unread = unread or answer is None
            item9 = _merge_item9(item9, answer)
    return item9, unread


def _join_items(
    items: list[_Total], totals: list[_Total], parent_of: Mapping[str, set[str]]
) -> None:
    """Each standalone item 9 joins the PHQ-9 total it belongs to (`_owner`), or stays a score
    of its own in `totals`, where a later item 9 may find it."""
    candidates = [t for t in totals if t.instrument == PHQ9]
    for total in (*candidates, *items):
        _link(total, parent_of)
    for item in items:
        match = _owner(item, candidates)
        if match is None:
            totals.append(item)
            if item.instrument == PHQ9:
                candidates.append(item)
        else:
            match.item9 = _merge_item9(match.item9, item.item9)
            match.unread = match.unread or item.unread  # the answer's own resource


def _has_components(resource: Resource) -> bool:
    components = resource.get("component")
    return isinstance(components, list) and any(isinstance(c, JSON_OBJECT) for c in components)


@cache  # read for every PHQ-9 (item9_floor); the table is loaded once per process
def _phq9_max() -> int | None:
    for row in observation_code_rows().values():
        if row.concept == "phq9-total":
            return row.max_score
    return None


@cache
def _item9_max() -> int | None:
    for row in observation_code_rows().values():
        if row.concept == "phq9-item9":
            return row.max_score
    return None


# The two maxima item9_floor reads, from the table at import: it runs for every PHQ-9 total, and
# two cached calls cost more than the rest of it (issue 14).
_PHQ9_MAX, _ITEM9_MAX = _phq9_max(), _item9_max()
# The highest total item9_floor proves nothing for (24 = 27 - 3: the other eight items alone reach
# it); with no maxima in the table it proves nothing for any total.
_NO_FLOOR_UP_TO: float = (
    _PHQ9_MAX - _ITEM9_MAX if _PHQ9_MAX is not None and _ITEM9_MAX is not None else math.inf
)


def item9_floor(total: int) -> int | None:
    """The least item-9 answer a PHQ-9 total proves, or None when it proves none above 0.

    The other eight items score at most total_max - item9_max (27 - 3 = 24, data/
    observation_codes.csv), so a total of 25 proves item 9 >= 1, 26 proves >= 2 and 27 proves 3.
    """
    total_max, item_max = _PHQ9_MAX, _ITEM9_MAX
    if total_max is None or item_max is None or total > total_max:
        return None
    floor = total - (total_max - item_max)
    return floor if floor >= 1 else None


def infer_item9(score: Score) -> Score:
    """A PHQ-9 with no item-9 answer recorded, whose total proves item 9 >= 1, carries that lower
    bound as `item9` with `item9_inferred` set (issue 10 item 5): the suicide-safety rule must not
    miss a positive item 9 only because the EHR filed the total alone. Recorded answers are never
    replaced."""
    if score.instrument != PHQ9 or score.item9 is not None or score.value is None:
        return score
    floor = item9_floor(score.value)
    if floor is None:
        return score
    return dataclasses.replace(score, item9=floor, item9_inferred=True)


def _owner(item: _Total, totals: list[_Total]) -> _Total | None:
    """The PHQ-9 total a standalone item 9 belongs to (see module docstring for the order)."""

    def linked(total: _Total) -> bool:
        if item.obs_id and item.obs_id in total.links:
            return True
        if total.obs_id and total.obs_id in item.links:
            return True
        return bool(item.parents & total.parents)

    def key(total: _Total) -> tuple[int, str]:
        return (abs((total.day - item.day).days), total.ref)

    for test in (
        linked,
        lambda t: item.encounter is not None and t.encounter == item.encounter,
        lambda t: t.day == item.day,
    ):
        found = [t for t in totals if test(t)]
        if found:
            return min(found, key=key)
    return None


def _dedupe(totals: list[_Total]) -> tuple[Score, ...]:
    """The scores of `totals`, those of one merge key merged (`_merged`), in score_order of the
    recorded scores (unique: merged scores differ in value or source), with the item 9 a total
    proves (infer_item9).

    A chart seldom has two scores of one instrument on one day, and then no two totals merge
    (the merge key holds both) and the order is by (day, instrument) alone: both are found at C
    speed. Only then are the totals merged and ordered by the whole key, which costs a Python
    walk and call per total (issue 14)."""
    ordered = sorted(totals, key=_DAY_INSTRUMENT)
    if len(set(map(_DAY_INSTRUMENT, ordered))) != len(ordered):
        ordered = sorted(_merged(totals), key=_Total.order)
    return tuple([total.score() for total in ordered])


# (day, instrument), the first two items of `_Total.order` and of `_merged`'s key, at C speed.
_DAY_INSTRUMENT = attrgetter("day", "instrument")


def _merged(totals: list[_Total]) -> Iterable[_Total]:
    """One total per merge key, in order of first appearance."""
    merged: dict[tuple[str, date, int | None, str], _Total] = {}
    for total in totals:
        # A valued total merges with the same value on the same day; an orphan item 9 only with
        # itself (its source), so two separate orphan answers both stay visible.
        key = (
            total.instrument,
            total.day,
            total.value,
            "" if total.value is not None else total.ref,
        )
        found = merged.setdefault(key, total)
        if found is not total:
            # The first in (day, instrument, source) order stands for the merged ones (the
            # earlier of equal sources); it is not read again, so it may change in place.
            item9 = _merge_item9(found.item9, total.item9)
            unread = found.unread or total.unread
            if total.ref < found.ref:
                merged[key] = found = total
            found.item9 = item9
            found.unread = unread
    return merged.values()


def score_order(score: Score) -> tuple[date, str, int, int, str]:
    """A total order of scores: by date, then instrument, value, item 9, source."""
    return (
        score.date,
        score.instrument,
        -1 if score.value is None else score.value,
        -1 if score.item9 is None else score.item9,
        str(score.source or ""),
    )


class PHQ9ByDate:
    """The valued PHQ-9 totals of a chart in date order, for the windows below: each trial's
    windows are found by bisection (issue 14), not by reading every score for every trial.
    Scores of one date keep the order they came in, so max / min by score_order pick the same
    score among equals as a walk of the scores in that order would."""

    def __init__(self, scores: Iterable[Score]) -> None:
        self.scores = sorted(
            [s for s in scores if s.instrument == PHQ9 and s.value is not None], key=_DATE
        )
        self.days = list(map(_DATE, self.scores))

    def between(self, first: date, last: date) -> list[Score]:
        """The scores dated first..last, both included."""
        return self.scores[bisect_left(self.days, first) : bisect_right(self.days, last)]

    def after(self, start: date, last: date) -> list[Score]:
        """The scores dated after start up to last included."""
        return self.scores[bisect_right(self.days, start) : bisect_right(self.days, last)]

    def latest(self, first: date, last: date) -> Score | None:
        """max(between(first, last), key=score_order). score_order compares dates first, so only
        the scores of the window's last date can be that maximum: they are found by bisection
        and compared, in the order they came in, like the whole window (issue 14)."""
        days = self.days
        high = bisect_right(days, last)
        low = bisect_left(days, first, 0, high)
        if low >= high:
            return None
        low = bisect_left(days, days[high - 1], low, high)
        return max(self.scores[low:high], key=score_order)

    def earliest_after(self, start: date, last: date) -> Score | None:
        """min(after(start, last), key=score_order), from the window's first date alone."""
        days = self.days
        high = bisect_right(days, last)
        low = bisect_right(days, start, 0, high)
        if low >= high:
            return None
        high = bisect_right(days, days[low], low, high)
        return min(self.scores[low:high], key=score_order)


_DATE = attrgetter("date")


def baseline_score(trial: Trial, phq9: PHQ9ByDate, policy: MappingPolicy) -> Score | None:
    before = phq9.latest(trial.start - timedelta(days=policy.baseline_days_before), trial.start)
    if before is not None:
        return before
    return phq9.earliest_after(
        trial.start, trial.start + timedelta(days=policy.baseline_days_after)
    )


def on_treatment_score(trial: Trial, phq9: PHQ9ByDate, policy: MappingPolicy) -> Score | None:
    first = trial.start + timedelta(days=round(policy.on_treatment_from_week * 7))
    last = trial.end + timedelta(days=policy.on_treatment_days_after_end)
    return phq9.latest(first, last)


def attach_scores(
    trials: Iterable[Trial], scores: Iterable[Score], policy: MappingPolicy
) -> tuple[Trial, ...]:
    phq9 = PHQ9ByDate(scores)
    return tuple(
        _with_scores(
            trial, baseline_score(trial, phq9, policy), on_treatment_score(trial, phq9, policy)
        )
        for trial in trials
    )


# Trial's fields in order, read at C speed: dataclasses.replace walks them in Python (issue 14).
_TRIAL_FIELDS = tuple(f.name for f in dataclasses.fields(Trial))
assert all(f.init for f in dataclasses.fields(Trial))  # every field is an __init__ argument
_trial_values = attrgetter(*_TRIAL_FIELDS)
_BASELINE, _ON_TREATMENT = _TRIAL_FIELDS.index("baseline"), _TRIAL_FIELDS.index("on_treatment")


def _with_scores(trial: Trial, baseline: Score | None, on_treatment: Score | None) -> Trial:
    """dataclasses.replace(trial, baseline=..., on_treatment=...), built from the field values
    in order; the trial itself when neither changes."""
    if baseline is trial.baseline and on_treatment is trial.on_treatment:
        return trial
    values = list(_trial_values(trial))
    values[_BASELINE], values[_ON_TREATMENT] = baseline, on_treatment
    return Trial(*values)
