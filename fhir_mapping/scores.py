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
- The alcohol screens (review 9 finding 8): AUDIT-C total 75626-2 (0-12) and AUDIT total 75624-7
  (0-40), standalone totals as Synthea writes them (its 72109-2 AUDIT-C panel is a
  DiagnosticReport whose result is the 75626-2 Observation: no DiagnosticReport is read). An
  AUDIT-C filed as a 72109-2 panel Observation (EHR flowsheets, form tools) gives its 75626-2
  component, else its own value, else the sum of its three item answers (`Score.total_computed`),
  else a DataGap: score_alcohol.py. They are Scores of instrument "AUDIT-C" / "AUDIT" for the
  duloxetine rule (services/rules/populations.py: a recent score at or above the clinic's cut-off
  is substantial alcohol use, Cymbalta label 5.2); none takes part in the PHQ-9 logic below.
- PHQ-9 item 9 (44260-8) as valueInteger 0-3, valueQuantity, or a LOINC answer (LA6568-5 = 0 ...
  LA6571-9 = 3, data/phq9_answer_codes.csv), standalone or as a panel component. A standalone item
  9 joins the PHQ-9 total it belongs to: first one linked to it (hasMember / derivedFrom either
  way, or members of the same panel), else one of the same encounter, else one of the same day;
  otherwise it stays a PHQ-9 Score with value None and item9 set, so the suicide-safety rule
  still sees it. When two item-9 answers meet on one total, the higher is kept (safer). An
  undated answer (no effective[x], no issued) is no Score; item9_undated.py reads it apart for
  the suicide-risk signal, joined among undated results only (review s34 K39a finding 1).
- An item-9 answer that is present but cannot be read (a code under an unknown system, out of
  range, not a number) is a DataGap as before, and also joins its total the same way as
  `Score.item9_unread` (or stays a Score of its own with value and item9 None): it may be
  positive, so the suicide-safety rule must see it (review patient-view finding 3). Beside a
  readable answer on the same score it stays unless that answer is positive (a 0 does not settle
  it: item9_unread.py, review s23 RR finding 2).
- Only status final / amended / corrected counts here (data/result_statuses.csv, `all`);
  preliminary, cancelled, unknown, registered and unrecognised-status Observations (review s27
  RF 1) are read apart by `read_unfinished` into scores with
  `Score.status` set, which no outcome rests on (result_statuses.py; review 14 U1: a preliminary
  portal PHQ-9 with item 9 = 3 was dropped whole). Observations dated after as-of are ignored;
  values outside the instrument's range (0..max_score) are dropped as data errors.
- The same total reported twice (panel component and standalone Observation) counts once.
- A PHQ-9 total of 25 or more with no item-9 answer proves item 9 >= total - 24: it is carried
  as `item9` with `item9_inferred` set (`infer_item9`), so the suicide-safety rule sees it.

Where each rule lives: the status and date of a scale Observation, and the walk that reads them
(`read_rated`): here. Which Observations are scales (`scale_row`, `wants`): score_scales.py. What
one Observation, panel or component says (value[x], panel and component item 9, `_value`):
score_values.py. A standalone item 9 joining its total: item9_join.py. A score being assembled
(`_Total`), the order of scores (`score_order`) and the same total counted once: score_totals.py.
What a total proves about item 9 (`infer_item9`, `item9_floor`, `PHQ9`): item9_floor.py. The
PHQ-9 before and on each trial (`attach_scores`): score_windows.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping import member_unread
from fhir_mapping.codes import ObservationCode
from fhir_mapping.fhir_fields import day_by_instant, effective_date, parse_date
from fhir_mapping.gaps import future_gap, resource_gap

# The `name as name` imports are re-exports, so no importer changed with the split: build.py
# and the tests import these from here, and the tests of the issue-14 shortcuts
# (test_first_sight_shortcuts, test_score_shortcuts) reach the private steps through this module.
from fhir_mapping.item9_floor import _NO_FLOOR_UP_TO as _NO_FLOOR_UP_TO
from fhir_mapping.item9_floor import PHQ9 as PHQ9
from fhir_mapping.item9_floor import infer_item9 as infer_item9
from fhir_mapping.item9_floor import item9_floor as item9_floor
from fhir_mapping.item9_join import _join_items, _links
from fhir_mapping.panel_members import NOT_RECEIVED, members_absent
from fhir_mapping.phq9_item_groups import check, member_totals, standalone_totals
from fhir_mapping.phq9_item_sum import (
    ItemSum,
    component_answers,
    item_number,
    item_sum,
    summed,
)
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.result_statuses import OBSERVATION, Reads, given, statuses, unfinished
from fhir_mapping.reviewed_scores import without_reviewed as without_reviewed
from fhir_mapping.score_corrections import _instant, resolve_corrections
from fhir_mapping.score_scales import is_scale as is_scale
from fhir_mapping.score_scales import scale_row as scale_row
from fhir_mapping.score_scales import wants as wants
from fhir_mapping.score_totals import _dedupe as _dedupe
from fhir_mapping.score_totals import _merged as _merged
from fhir_mapping.score_totals import _Total as _Total
from fhir_mapping.score_totals import score_order as score_order
from fhir_mapping.score_unread_reason import unread_reason
from fhir_mapping.score_values import (
    _auditc_panel,
    _component_item9,
    _has_components,
    _has_value,
    _panel_values,
    _unanswered,
)
from fhir_mapping.score_values import _value as _value
from fhir_mapping.score_windows import PHQ9ByDate as PHQ9ByDate
from fhir_mapping.score_windows import attach_scores as attach_scores
from fhir_mapping.score_windows import baseline_score as baseline_score
from fhir_mapping.score_windows import on_treatment_score as on_treatment_score

Resource = Mapping[str, Any]

# final / amended / corrected (data/result_statuses.csv, `all`).
_COUNTED = statuses(OBSERVATION, Reads.ALL)
# The reason's opening for a PHQ-9 panel with items answered but no total and no item 9 (review
# 13 W11): the measurement card finds these gaps by it.
INCOMPLETE_PHQ9 = "a PHQ-9 incomplete"


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


def read_unfinished(
    rated: Iterable[tuple[Resource, ObservationCode]], *, as_of: date
) -> tuple[Score, ...]:
    """The scores of preliminary and cancelled Observations (data/result_statuses.csv), each
    with `Score.status` set, oldest first: read as `read_rated` reads final ones, one status at a
    time, so a preliminary item 9 joins a preliminary total and never a reviewed one.

    Their gaps are not returned: an unfinished form missing a total or an answer is what
    unfinished means, and a gap would bring the "incomplete PHQ-9" card for it. An item-9 answer
    that is present but unreadable is still carried on the Score (`item9_unread`), as on a final
    one, so the suicide-risk rule sees it."""
    by_status: dict[str, list[tuple[Resource, ObservationCode]]] = {}
    for resource, row in rated:
        sent = resource.get("status")
        # preliminary / cancelled / unknown / registered, and a status no row names (review s27
        # RF 1: never dropped in silence): result_statuses.unfinished. A missing or malformed
        # one too, read as a status of its own (result_statuses.given; s30 status31): the
        # resource is read with it in place, so read_rated counts it.
        status = given(sent)
        if unfinished(OBSERVATION, status):
            read_as = resource if status == sent else {**resource, "status": status}
            by_status.setdefault(status, []).append((read_as, row))
    found: list[Score] = []
    for status, group in by_status.items():
        read, _gaps = read_rated(group, as_of=as_of, counted=frozenset({status}))
        found.extend(dataclasses.replace(score, status=status) for score in read)
    return tuple(sorted(found, key=score_order))


def read_after_today(
    rated: Iterable[tuple[Resource, ObservationCode]], *, as_of: date
) -> tuple[Score, ...]:
    """The PHQ-9s dated after `as_of` whose item 9 is positive (answered, or implied by a total
    of 25-27) or could not be read, oldest first; final, preliminary and cancelled alike
    (`Score.status` set on the unfinished ones).

    Review 15 recheck U-a: a PHQ-9 with item 9 = 3 dated 2025-06-10 (a typing error) read on
    2025-06-02 was only a "dated after today" gap at the foot of the cards, and no suicide-risk
    card came. A wrong date does not make the answer less real, so its item 9 is read apart from
    `scores` (PatientRecord.after_today_item9) for the suicide-risk signal alone; its total still
    judges no trial and stays a data gap (`read_rated`). Each answer joins its own total as in
    `read_rated`, among the results dated after `as_of` only."""
    later: list[tuple[Resource, ObservationCode]] = []
    for resource, row in rated:
        if row.instrument not in (None, "", PHQ9):
            continue  # another scale has no item 9
        day = _day(resource, as_of)
        if day is not None and day > as_of:
            later.append((resource, row))
    if not later:  # nearly every chart
        return ()
    final, _ = read_rated(later, as_of=date.max)
    unfinished = without_reviewed(read_unfinished(later, as_of=date.max), final)
    return tuple(
        sorted(
            [
                s
                for s in (*final, *unfinished)
                if s.instrument == PHQ9 and ((s.item9 or 0) > 0 or s.item9_unread is not None)
            ],
            key=score_order,
        )
    )


def read_rated(
    rated: Iterable[tuple[Resource, ObservationCode]],
    *,
    as_of: date,
    counted: frozenset[str] = _COUNTED,
) -> tuple[tuple[Score, ...], list[DataGap]]:
    """`read_scores` and `score_gaps` in one walk, for Observations whose scale row the caller
    has already found (`scale_row`; build.py finds it while sorting the chart's Observations):
    each Observation's code, date and value are read once (issue 14). `counted`: the statuses
    read (final ones; `read_unfinished` asks for one unfinished status at a time)."""
    totals: list[_Total] = []
    items: list[_Total] = []
    gaps: list[DataGap] = []
    parent_of: dict[str, set[str]] = {}
    item_answers: dict[str, tuple[int, int | None]] = {}  # items 1-8 by Observation id
    item_where: dict[str, tuple[str, date, Resource]] = {}  # their instant, day and resource
    member_panels: list[tuple[Resource, date, str]] = []  # panels listing members
    checked: list[tuple[_Total, ItemSum | None]] = []  # panel totals and their components' sum
    rated = list(rated)  # walked twice: the ids, then the results
    ids = {rid for r, _ in rated if isinstance(rid := r.get("id"), str)}  # (panel_members.py)
    for resource, row in rated:
        status = resource.get("status")
        if not isinstance(status, str) or status not in counted:  # malformed reads as absent
            continue
        # effective_date, its usual first reading (effectiveDateTime) asked here: one call fewer
        # per score (issue 14); the others only when that gives no date.
        day = _day(resource, as_of)
        item9: int | None = None
        unread = False  # an item-9 answer is present but unreadable (finding 3)
        computed = False  # an AUDIT-C total summed from its items (score_alcohol.py)
        listed = False  # a PHQ-9 panel listing members (hasMember / derivedFrom)
        items_sum: ItemSum | None = None  # the sum of a PHQ-9 panel's answer components
        concept = row.concept  # read once: asked three times below (issue 14)
        if concept == "phq9-panel":
            # A panel's total comes from its components: no gap of its own. An undated one's
            # item 9 is read apart (item9_undated.py, review s34 K39a finding 1).
            if day is None:
                continue
            if day > as_of:
                # A typo to correct, named (review 15 M3), never the latest score. A panel with
                # members is named by them (each is an Observation of its own, dated too).
                if not _links(resource):
                    gaps.extend(future_gap(resource, day, DataDomain.SCORES))
                continue
            rid = resource.get("id")
            if isinstance(rid, str):
                for member in _links(resource):
                    parent_of.setdefault(member, set()).add(rid)
            value, item9, unread = _panel_values(resource)
            listed = isinstance(rid, str) and bool(_links(resource))
            if listed and isinstance(rid, str):  # (isinstance again: for the type checker)
                # Members may hold its total or its items: phq9_item_groups, after the walk.
                member_panels.append((resource, day, rid))
            elif value is None:
                # Nine item components and no total: their sum (review 17 M4).
                value = summed(component_answers(resource, _value))
                computed = value is not None
            else:
                # A total filed with its nine answers is checked against their sum (s22 RS 1).
                items_sum = item_sum(component_answers(resource, _value))
            if value is None and item9 is None and not unread and members_absent(resource, ids):
                # Members listed, none sent: named, dated (panel_members.py, s27 RF finding 7).
                reason = f"{INCOMPLETE_PHQ9} ({NOT_RECEIVED}): item 9 unknown"
                for gap in resource_gap(resource, reason, DataDomain.SCORES):
                    gaps.append(dataclasses.replace(gap, date=day))
            elif value is None and item9 is None and not unread and rid not in parent_of:
                # Items answered, no total and no item 9 (review 13 W11): never dropped in
                # silence, since the suicide item is unknown. No date in the reason (reasons go
                # to the logs); the gap's resource names it.
                unanswered = _unanswered(resource)
                if unanswered:
                    reason = f"{INCOMPLETE_PHQ9} ({unanswered} unanswered): item 9 unknown"
                    # Dated on the gap (not in the reason): the measurement card says "PHQ-9
                    # on 2025-05-23 incomplete" when it is the latest PHQ-9 (review 13 W11).
                    gaps.extend(
                        dataclasses.replace(gap, date=day)
                        for gap in resource_gap(resource, reason, DataDomain.SCORES)
                    )
        elif concept == "phq9-item":
            # Items 1-8 filed as Observations of their own (US Core hasMember panel): read only
            # to sum a panel that has no total (review 17 M4); never a score themselves.
            rid = resource.get("id")
            if day is not None and day <= as_of and isinstance(rid, str):
                number = item_number(resource.get("code"))
                if number is not None:
                    item_answers[rid] = (number, _value(resource, row.max_score))
                    item_where[rid] = (_instant(resource), day, resource)
            continue
        elif concept == "auditc-panel":
            # Seldom: most charts file the AUDIT-C total alone (Synthea) or not at all.
            if day is None:
                if _has_components(resource) or _has_value(resource):
                    reason = "an AUDIT-C result with no usable date"
                    gaps.extend(resource_gap(resource, reason, DataDomain.SCORES))
                continue
            if day > as_of:
                gaps.extend(future_gap(resource, day, DataDomain.SCORES))
                continue
            panel = _auditc_panel(resource, row.max_score)
            for problem in panel.problems:
                gaps.extend(resource_gap(resource, problem, DataDomain.SCORES))
            value, computed = panel.value, panel.computed
        else:
            if day is None:
                # Not a score; a PHQ-9's item 9 is read apart for the suicide-risk signal
                # (item9_undated.py, review s34 K39a 1; meta.lastUpdated is no result date).
                name = row.instrument or PHQ9
                reason = f"{_a(name)} {name} result with no usable date"
                gaps.extend(resource_gap(resource, reason, DataDomain.SCORES))
                continue
            if day > as_of:
                gaps.extend(future_gap(resource, day, DataDomain.SCORES))
                continue
            value = _value(resource, row.max_score)
            # An EPDS panel (71354-5) listing its members has no value of its own: no gap
            # (it is read as the total only when valued; review s28 RI finding 2).
            member_panel = concept == "epds-total" and bool(_links(resource))
            if value is None and not _has_components(resource) and not member_panel:
                name = row.instrument or PHQ9
                what = "item 9 answer" if concept == "phq9-item9" else "score"
                reason = unread_reason(resource, _a(name), name, what)
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
        if computed:
            total.computed = True
        elif concept == "phq9-panel" and value is not None and not listed:
            checked.append((total, items_sum))
        if unread:  # the unreadable answer is this resource (a standalone answer or a component)
            total.unread = SourceRef("Observation", rid or "")
        (totals if value is not None else items).append(total)
    for total, items_sum in checked:
        check(total, items_sum)
    if member_panels:
        totals.extend(member_totals(member_panels, item_answers, items, totals, _value))
    if item_answers:
        members = set(parent_of)
        totals.extend(standalone_totals(item_answers, item_where, items, totals, members))
    if items:
        _join_items(items, totals, parent_of)
    gaps.extend(member_unread.mark(totals, ids))  # a member not sent (review K59b finding 3)
    # Two totals of one administration that disagree: the correction stands, or neither
    # (review 17 W2; score_corrections.py).
    totals, conflicts = resolve_corrections(totals)
    gaps.extend(conflicts)
    return _dedupe(totals), gaps


def _day(resource: Resource, as_of: date) -> date | None:
    """The date of a scale result (effective_date, its usual first reading asked first: one call
    fewer per score, issue 14); one dated after `as_of` as written but whose instant had already
    passed by it, with no site zone set, on its UTC date (fhir_fields.day_by_instant)."""
    effective = resource.get("effectiveDateTime")
    day = parse_date(effective) or effective_date(resource)
    if day is not None and day > as_of:
        return day_by_instant(effective, day, as_of)
    return day


def _a(instrument: str) -> str:
    """The article before an instrument's name: "an AUDIT-C result", "a PHQ-9 result" (every
    other instrument read here starts with a consonant letter, and keeps its "a")."""
    return "an" if instrument and instrument[0] in "AEIOU" else "a"
