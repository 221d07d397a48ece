"""What a card says beside a result other results of its test that day disagree with
(services/same_day_labs.py, lab59 item 1), and that it says it once per card (lab60 item 12).

The note names every result of the day with its time and id: a line or more. A card that reads
the level in several places (the lithium card's heading and its list, the optimise card's
"Not one click", "Optimise" and "Augment" sections) printed the whole note in each, and the
clinician read the same list three times. The first place keeps it; the others say it shorter.
"""

from __future__ import annotations

import re

from fhir_mapping.record import LabResult

# The words closing the note, by which a card's text is searched for it.
_READ = "the more abnormal is read, the safer reading"
_MARK = " disagree: "

# A whole note: " (results of 2026-11-18 disagree: ...; the more abnormal is read, the safer
# reading)". The names between hold parentheses of their own ("(Observation/li-a)"), never the
# closing words: the shortest match up to them is the one note.
_NOTE = re.compile(r" \(results of (\d{4}-\d{2}-\d{2}) disagree: .*?; " + re.escape(_READ) + r"\)")


def same_day_note(lab: LabResult) -> str:
    """Beside a result other results of its test that day disagree with (same_day_labs.py):
    " (results of 2026-11-10 disagree: 12.1 mIU/L high at 08:00-05:00 (Observation/a); 2.1
    mIU/L at 14:00-05:00 (Observation/b); the more abnormal is read, the safer reading)"."""
    if not lab.same_day:
        return ""
    return f" ({lab.same_day}; {_READ})"


def once_per_card(detail: str) -> str:
    """`detail` with each same-day note in full the first time only; the same note again reads
    " (results of 2026-11-18 disagree, named above)" (lab60 item 12)."""
    if _MARK not in detail:
        return detail  # nearly every card: no note at all
    seen: set[str] = set()

    def shorter(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole not in seen:
            seen.add(whole)
            return whole
        return f" (results of {match.group(1)} disagree, named above)"

    return _NOTE.sub(shorter, detail)
