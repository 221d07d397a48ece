"""A PHQ-9 form not finished (a QuestionnaireResponse in-progress or stopped) whose item 9 is read:
what it holds so far, so no card calls it a form "with no total" (review s34 K39a finding 4).

questionnaires.py reads such a form for item 9 only (its total is not a total: the patient may
not have reached the last items, or may still change an answer), so its Score has no value and
no trial outcome, baseline, remission or TMS severity rests on it. The measurement card then
said "the PHQ-9 of 2026-11-15 has no total: score it before deciding" of a form carrying all
nine answers and a total of 23: the ask was wrong (it is completed, not scored) and "no total"
was untrue. This gap names the form as the status table names it (data/result_statuses.csv:
"in progress", "stopped") with the total it carries so far, in `DataGap.stated` (never in the
reason: reasons go to the logs); services/phq9_no_total.py words the ask from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fhir_mapping.phq9_item_sum import ItemSum, checked_total
from fhir_mapping.questionnaire_codes import _total_code, phq9_items
from fhir_mapping.record import DataDomain, DataGap, SourceRef
from fhir_mapping.result_statuses import RESPONSE, named

# Re-exported: services/phq9_no_total.py imports it from here.
from fhir_mapping.unfinished_form_words import UNFINISHED_PHQ9 as UNFINISHED_PHQ9


def so_far(resource: Mapping[str, Any], scores: Mapping[str, int]) -> str:
    """ "in progress, total 23 as filed" (or "... total 23 by its nine answers"); "in progress,
    no total yet" when neither a total nor all nine answers are on the form; both numbers when
    the filed total and the answers disagree (phq9_item_sum.checked_total)."""
    word = named(RESPONSE, str(resource.get("status"))).partition(" (")[0]
    filed = scores.get(_total_code())
    numbered = [i.loinc for i in phq9_items().values() if i.number is not None]
    answered = [scores[code] for code in numbered if code in scores]
    items_sum = ItemSum(sum(answered), len(answered) == len(numbered)) if answered else None
    value, conflict = checked_total(filed, items_sum)
    if conflict is not None:
        return f"{word}, total {conflict.filed} as filed, its answers sum to {conflict.items_sum}"
    if value is None:
        return f"{word}, no total yet"
    return f"{word}, total {value} {'as filed' if filed is not None else 'by its nine answers'}"


def unfinished_form_gap(
    resource: Mapping[str, Any], scores: Mapping[str, int], source: SourceRef | None, day: date
) -> DataGap:
    """The gap naming an unfinished PHQ-9 form read for its item 9 (module docstring)."""
    return DataGap(
        DataDomain.SCORES, UNFINISHED_PHQ9, source, date=day, stated=so_far(resource, scores)
    )
