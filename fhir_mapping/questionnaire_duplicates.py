"""One PHQ-9 administration filed both as Observations and as a QuestionnaireResponse, counted
once.

Duplicates: US Core derives Observations from the response (`derivedFrom`), and some EHRs file
both. `merge_scores` counts one administration once: an Observation score derived from the
response (directly or through its panel), else one of the same day (or the same instant: one
administration written in two zones falls on two written days, fix 20 item 3) with the same total,
else one of the same day or instant where either has no total. Shown on the patient's local day as
written (`_local_day`). The merged score keeps the source that recorded item 9
(the response when both or neither did), the highest recorded item-9 answer, and the total of
that source (else the other's).

Disagreeing (review s27 RF finding 4): a response and an Observation total of the same day (or
instant) that are none of those, two totals that differ with nothing linking them, were two
scores, and the higher was used ("2 PHQ-9s that day (11, 1): the higher is used"), so a partial
response was judged on an 11 beside answers summing to 1. Filed both ways on one day they are
one administration (the premise above), so they are what score_corrections.py calls totals of
one administration that disagree, neither correcting the other: neither total is used (no
response, remission, failure or severity rests on it), the item-9 answers stay on a score
without a value (the higher kept), and a data gap names both totals. The Observation of the same
instant is taken first, else the first of the day. Two Observations of one day at different
times stay two administrations (score_corrections.py); only a response and an Observation are
paired here.

Apart from questionnaires.py: it relates scores already read (by scores.py and questionnaires.py)
and the Observations' links, not one response's answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping.fhir_fields import array, ref_id
from fhir_mapping.item9_floor import infer_item9
from fhir_mapping.item9_unread import kept_unread
from fhir_mapping.questionnaire_codes import QR
from fhir_mapping.questionnaire_pool import ANY_TOTAL, ScorePool
from fhir_mapping.record import DataDomain, DataGap, Score, TotalConflict
from fhir_mapping.score_corrections import CONFLICTING_TOTALS
from fhir_mapping.score_totals import score_order

Resource = Mapping[str, Any]


def _response_id(reference: object) -> str | None:
    """The id of a reference to a QuestionnaireResponse ("QuestionnaireResponse/x", a full URL,
    "urn:uuid:x"); None for references to other types."""
    raw = reference.get("reference") if isinstance(reference, Mapping) else reference
    if not isinstance(raw, str):
        return None
    if f"{QR}/" not in raw and not raw.startswith("urn:uuid:"):
        return None
    return ref_id(raw)


def _derived(observations: Iterable[Resource]) -> dict[str, set[str]]:
    """Observation id -> the QuestionnaireResponse ids it was derived from (directly, or through
    the panel that lists it in hasMember)."""
    derived: dict[str, set[str]] = {}
    panels: list[tuple[Resource, set[str]]] = []
    for resource in observations:
        rid = resource.get("id")
        if not isinstance(rid, str):
            continue
        sources = {
            qr
            for ref in array(resource.get("derivedFrom"))
            if (qr := _response_id(ref)) is not None
        }
        if sources:
            derived.setdefault(rid, set()).update(sources)
            panels.append((resource, sources))
    for panel, sources in panels:
        for member in array(panel.get("hasMember")):
            mid = ref_id(member)
            if mid:
                derived.setdefault(mid, set()).update(sources)
    return derived


def _recorded(score: Score) -> bool:
    return score.item9 is not None and not score.item9_inferred


def _combine(group: list[Score]) -> Score:
    """One score for one administration (module docstring, "Duplicates")."""
    chosen = next((s for s in group if _recorded(s)), group[0])
    recorded = [s.item9 for s in group if _recorded(s) and s.item9 is not None]
    valued = chosen
    if chosen.value is None:
        valued = next((s for s in group if s.value is not None), chosen)
    # An unreadable item-9 answer of either record stays unless a readable one is positive
    # (item9_unread.kept_unread: review s23 RR finding 2).
    unread = kept_unread(
        max(recorded) if recorded else None,
        next((s.item9_unread for s in group if s.item9_unread), None),
    )
    # A total that disagrees with its answers in either record (phq9_item_sum.checked_total): the
    # higher stands and the conflict is kept, so no outcome rests on it (review s22 RS 1).
    conflicted = next((s for s in group if s.total_conflict is not None), None)
    if conflicted is not None:
        valued = max((s for s in group if s.value is not None), key=lambda s: s.value or 0)
    merged = dataclasses.replace(
        chosen,
        date=_local_day(group, chosen),
        value=valued.value,
        # An item-9 contradiction (item9_floor.checked_item9) is found again on the merged score
        # by infer_item9 below: the merged item 9 may be another record's.
        total_conflict=_conflict(conflicted),
        total_computed=valued.total_computed,
        item9=max(recorded) if recorded else None,
        item9_inferred=False,
        item9_unread=unread,
        item9_doubt=None,
    )
    return infer_item9(merged)


def _conflict(conflicted: Score | None) -> TotalConflict | None:
    """The total-and-answers conflict a merged score keeps: not one that only said its item 9
    was below its total's floor (found again on the merged score)."""
    if conflicted is None or conflicted.total_conflict is None:
        return None
    conflict = conflicted.total_conflict
    return None if conflict.item9 is not None else conflict


def _local_day(group: list[Score], chosen: Score) -> date:
    """The day the merged score is shown on: the chosen record's, unless the records' written
    days differ (one instant in two zones), then the day of one written in a zone other than
    UTC, the patient's local day as written (a feed in UTC writes the next day for an evening
    visit in the Americas); UTC-only records keep the chosen one's."""
    if all(s.date == chosen.date for s in group):
        return chosen.date
    local = [s for s in group if s.instant is not None and s.instant.utcoffset()]
    return local[0].date if local else chosen.date


def _same_administration(response: Score, pool: ScorePool) -> list[int]:
    """The Observation scores (positions in `pool`) that record the same PHQ-9 as `response`:
    every one derived from it, else the first of the same day (or instant: questionnaire_pool._whens) with
    the same total, else the first of the same day where either has no total."""
    qr_id = response.source.id if response.source is not None else None
    if qr_id is not None:
        linked = pool.derived_from(qr_id)
        if linked:
            return linked
    day, instant = response.date, response.instant
    if response.value is not None:
        same_total = pool.first(day, instant, response.value)
        if same_total is not None:
            return [same_total]
        partial = pool.first(day, instant, None)  # a score with no total
    else:
        partial = pool.first(day, instant, ANY_TOTAL)  # the response has none: any score
    return [] if partial is None else [partial]


def _disagreeing(response: Score, pool: ScorePool) -> int | None:
    """The Observation total (its position in `pool`) of the response's day that records another
    total (module docstring, "Disagreeing"): the one of the same instant, else the first of the
    day; None when the response has no total or the day has no other."""
    if response.value is None:
        return None
    if response.instant is not None:
        same_instant = pool.first_at(response.instant)
        if same_instant is not None:
            return same_instant
    return pool.first(response.date, response.instant, ANY_TOTAL)


def _held(response: Score, observed: Score) -> tuple[Score, DataGap]:
    """The two disagreeing totals as one score without a value, keeping the higher item-9 answer
    (recorded, else the least a total proves: the safer reading for the suicide-risk rule), and
    the gap naming both totals."""
    group = [response, observed]
    chosen = next((s for s in group if _recorded(s)), response)
    item9s = [s for s in group if s.item9 is not None]
    top = max(item9s, key=lambda s: (s.item9 or 0, _recorded(s))) if item9s else None
    recorded = [s.item9 for s in group if _recorded(s) and s.item9 is not None]
    held = dataclasses.replace(
        chosen,
        value=None,
        date=_local_day(group, chosen),
        total_conflict=None,
        total_computed=False,
        item9=None if top is None else top.item9,
        item9_inferred=top is not None and not _recorded(top),
        item9_unread=kept_unread(
            max(recorded) if recorded else None,
            next((s.item9_unread for s in group if s.item9_unread), None),
        ),
        item9_doubt=None,
    )
    answers = " answers" if response.total_computed else ""
    stated = (
        f"{observed.instrument} totals {observed.value} and {response.value} "
        f"(questionnaire{answers}) on {held.date.isoformat()}"
    )
    gap = DataGap(
        DataDomain.SCORES, CONFLICTING_TOTALS, observed.source, date=held.date, stated=stated
    )
    return held, gap


def merge_read(
    observation_scores: Iterable[Score],
    questionnaire_scores: Iterable[Score],
    observations: Iterable[Resource] = (),
) -> tuple[tuple[Score, ...], list[DataGap]]:
    """All scores, oldest first, with each PHQ-9 administration recorded both as Observations
    and as a QuestionnaireResponse counted once (module docstring, "Duplicates"; one whose
    totals disagree held without a value, "Disagreeing"), and the gaps naming those. The scores
    are looked up by what makes them one administration (questionnaire_pool.py), not scanned for
    each response (review s25 RP H1)."""
    pool = ScorePool(observation_scores, _derived(observations))
    out: list[Score] = []
    gaps: list[DataGap] = []
    for response in questionnaire_scores:
        group = _same_administration(response, pool)
        if not group and (other := _disagreeing(response, pool)) is not None:
            pool.take([other])
            held, gap = _held(response, pool.scores[other])
            out.append(held)
            gaps.append(gap)
            continue
        pool.take(group)
        scores = [pool.scores[p] for p in group]
        out.append(_combine([response, *scores]) if scores else response)
    return tuple(sorted([*pool.left(), *out], key=score_order)), gaps


def merge_scores(
    observation_scores: Iterable[Score],
    questionnaire_scores: Iterable[Score],
    observations: Iterable[Resource] = (),
) -> tuple[Score, ...]:
    """The scores of `merge_read`, without its gaps."""
    return merge_read(observation_scores, questionnaire_scores, observations)[0]
