"""When an unreadable item-9 answer stays on a PHQ-9 Score beside a readable one, and when a
later answer clears it: one rule for every reader (scores.py and score_totals.py for
Observations, questionnaires.py and questionnaire_duplicates.py for QuestionnaireResponses, the
suicide-risk signal and the item-9 line in services/).

Review s23 RR finding 2 (h6): item 9 = 0 and an unreadable "yes, daily" on the same day gave no
card. The two joined one total, and a readable answer on the same score won, so the unreadable
one was dropped; and a readable answer on the same day also closed an unreadable one filed as a
score of its own. Two answers of one day that may say different things are not settled by the
one the service can read: the other may be the positive one (a patient's "yes, daily" typed in a
free-text row beside a default 0). So:

- `kept_unread`: the unreadable answer stays on the Score beside a readable 0 (or beside none),
  and the suicide-risk card asks for a look in the chart. Beside a readable POSITIVE answer
  (or one a total of 25-27 proves) it is dropped: that answer raises the higher card itself,
  and the unreadable one could add nothing it does not already ask for.
- `clears_unread`: only a readable answer dated strictly after the unreadable one's last
  possible day clears it (a month-only answer may be the 30th: Score.latest_day). A readable
  answer of the same day, or of a month that holds that day, does not. A documented risk
  assessment still closes it from the same day (services/risk_evidence.py): it asks the
  question directly.

The safer choice for the patient: a look at the chart costs a minute; a positive answer hidden
behind a 0 of the same day may cost a life.
"""

from __future__ import annotations

from fhir_mapping.source_ref import SourceRef
from fhir_mapping.trial_parts import Score


def kept_unread(item9: int | None, unread: SourceRef | None) -> SourceRef | None:
    """The unreadable answer a Score carries beside its readable `item9` (module docstring):
    kept unless that readable answer is positive."""
    if item9 is not None and item9 > 0:
        return None
    return unread


def clears_unread(unread: Score, later: Score) -> bool:
    """Whether `later`'s readable item-9 answer clears `unread`'s unreadable one: recorded (not
    inferred from a total) and dated strictly after the last day `unread`'s date allows. The
    caller bounds `later` by as-of."""
    return later.item9 is not None and not later.item9_inferred and later.date > unread.latest_day()
