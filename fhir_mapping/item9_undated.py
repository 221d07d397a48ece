"""PHQ-9 item-9 answers on forms with no clinical date, read for the suicide-risk signal alone
(review s34 K39a finding 1; the record and the decision on `meta.lastUpdated`:
fhir_mapping/undated_answer.py).

Before: a QuestionnaireResponse without `authored` (questionnaires._read_one) and an Observation
without `effective[x]` or `issued` (scores.read_rated) were a DataGap only, before their item 9
was kept: k28d (item 9 "Several days", no `authored`) and k31b (item 9 = 1 as a component, no
date) gave no suicide-risk card, and the optimise and TMS cards said "item 9 not recorded".

Here each such form is read as its reader reads a dated one, under a placeholder date (the day
of `meta.lastUpdated` up to as-of, else as-of) that no card names: the answer joins its own
total as before (`read_rated`, among undated results only), an unfinished status is read as in
`read_unfinished`, an unreadable answer is kept (`item9_unread`). Their gaps stay the readers'
own ("without a date (authored)", "with no usable date"); their totals judge nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping.codes import ObservationCode
from fhir_mapping.fhir_fields import parse_date
from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.questionnaire_codes import QR
from fhir_mapping.questionnaire_items import SiteItems, _site_lookup
from fhir_mapping.questionnaires import _read_one
from fhir_mapping.record import Score
from fhir_mapping.scores import _day, read_rated, read_unfinished, without_reviewed
from fhir_mapping.undated_answer import UndatedItem9

Resource = Mapping[str, Any]


def record_day(resource: Resource) -> date | None:
    """The day of `meta.lastUpdated` (when the record was last written), or None."""
    meta = resource.get("meta")
    return parse_date(meta.get("lastUpdated")) if isinstance(meta, Mapping) else None


def _placeholder(recorded: date | None, as_of: date) -> str:
    return (recorded if recorded is not None and recorded <= as_of else as_of).isoformat()


def _says_item9(score: Score) -> bool:
    # A 0 is kept too: an undated 0 is no current answer, and the cards must not say item 9
    # "not recorded" of it (services/item9_unrecorded.py names it).
    return score.item9 is not None or score.item9_unread is not None


def read_undated_observations(
    rated: Iterable[tuple[Resource, ObservationCode]], *, as_of: date
) -> list[UndatedItem9]:
    """The undated PHQ-9 Observations' item-9 answers (module docstring); empty on nearly every
    chart (one date read per PHQ-9 result, as read_rated reads it)."""
    undated: list[tuple[Resource, ObservationCode]] = []
    recorded: dict[str, date | None] = {}
    for resource, row in rated:
        if row.instrument not in (None, "", PHQ9) or _day(resource, as_of) is not None:
            continue
        day = record_day(resource)
        rid = resource.get("id")
        if isinstance(rid, str):
            recorded[rid] = day
        undated.append(({**resource, "effectiveDateTime": _placeholder(day, as_of)}, row))
    if not undated:
        return []
    final, _ = read_rated(undated, as_of=date.max)
    unfinished = without_reviewed(read_unfinished(undated, as_of=date.max), final)
    return [
        UndatedItem9(s, recorded.get(s.source.id) if s.source is not None else None)
        for s in (*final, *unfinished)
        if s.instrument == PHQ9 and _says_item9(s)
    ]


def read_undated_responses(
    resources: Iterable[Resource], *, as_of: date, site_items: SiteItems | None = None
) -> list[UndatedItem9]:
    """The item-9 answers of PHQ-9 QuestionnaireResponses without `authored` (module
    docstring), read as questionnaires._read_one reads a dated one (statuses, forms known by
    their words, unreadable answers alike)."""
    site = _site_lookup(site_items)
    found: list[UndatedItem9] = []
    for resource in resources:
        if not isinstance(resource, Mapping) or resource.get("resourceType") != QR:
            continue
        if parse_date(resource.get("authored")) is not None:
            continue
        day = record_day(resource)
        score, _ = _read_one({**resource, "authored": _placeholder(day, as_of)}, as_of, site)
        if score is not None and _says_item9(score):
            found.append(UndatedItem9(score, day))
    return found


def read_undated(
    rated: Iterable[tuple[Resource, ObservationCode]],
    responses: Iterable[Resource],
    *,
    as_of: date,
    site_items: SiteItems | None = None,
) -> tuple[UndatedItem9, ...]:
    """Both readers' answers (PatientRecord.undated_item9). The Observations are walked only
    when one has no effectiveDateTime string (nearly every chart dates every result so)."""
    rated = list(rated)
    found = read_undated_responses(responses, as_of=as_of, site_items=site_items)
    if any(not isinstance(r.get("effectiveDateTime"), str) for r, _ in rated):
        found += read_undated_observations(rated, as_of=as_of)
    return tuple(found)
