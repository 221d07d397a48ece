"""The gap reason of a PHQ-9 form not finished whose item 9 is read (unfinished_form.py), and the
"Data not read" line that names it (`unread_line`, gaps.describe's last line).

Such a form is read: its item 9 is used by the suicide-risk checks and its total so far is named
where a total would be (services/phq9_no_total.py). Only its total is not read as a total. The
line said "1 rating-scale result could not be read (PHQ-9 form not finished: ...)", which calls a
form whose item 9 decided a card unreadable (session 36 lab57 item 4): it now says "1 PHQ-9 form
not finished (read for its item 9; ...)". Apart from unfinished_form.py, which imports what
imports gaps.py.
"""

from __future__ import annotations

from fhir_mapping.unknown_surveys import UNKNOWN_DEPRESSION_SCORE, UNKNOWN_SURVEY

# The gap's reason (no values or dates): services/phq9_no_total.py finds the gap by it.
UNFINISHED_PHQ9 = "PHQ-9 form not finished: its total so far is not a final total"


def unread_line(reason: str, count: int, counted: str, shown: str) -> str:
    """ "1 PHQ-9 form not finished (read for its item 9; its total so far is not a final
    total): the questionnaire of 2026-11-15 (in progress, total 23 as filed)"; for every other
    reason "2 lab results could not be read (reason): ..." (`counted`: gap_counts.phrase)."""
    named = f": {shown}" if shown else ""
    if reason == UNFINISHED_PHQ9:
        forms = "1 PHQ-9 form" if count == 1 else f"{count} PHQ-9 forms"
        its = "its" if count == 1 else "their"
        return (
            f"{forms} not finished (read for {its} item 9; {its} total so far is not a final "
            f"total){named}"
        )
    if reason == UNKNOWN_SURVEY:  # fix data68 (unknown_surveys.py)
        results = "1 survey result" if count == 1 else f"{count} survey results"
        which = "it is" if count == 1 else "one is"
        return f"{results} under a code this service does not know{named}: check whether {which} a PHQ-9 or its item 9"
    if reason == UNKNOWN_DEPRESSION_SCORE:  # fix data69 item 1 (unknown_surveys.py)
        scores = "1 depression score" if count == 1 else f"{count} depression scores"
        return (
            f"{scores} could not be read (under a code this service does not know){named}: "
            "not read as a PHQ-9, the instrument is not known; check it in the chart"
        )
    return f"{counted} could not be read ({reason}){named}"
