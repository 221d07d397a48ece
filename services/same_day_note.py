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

# The words closing the note: which result is read and why (project wording, lab62: "the more
# abnormal is read" was said of lithium 0.9 then 0.2, where 0.9 is read because the lithium lines
# guard against a high level, not because it is further out of range). By what decided
# (same_day_labs._decided_by) and, for "side", the side the test's lines guard (+1 high, -1 low).
_READ = {
    "critical": "the one the lab called critical is read, the safer reading",
    "abnormal": "the one out of range is read over the one within it, the safer reading",
    "latest": "the latest is read: neither is the safer by this test's lines, judge which stands",
}
_SIDE = {
    1: "the higher is read, as this test's lines guard against a high value: the safer reading",
    -1: "the lower is read, as this test's lines guard against a low value: the safer reading",
}
_MARK = " disagree: "

# A whole note: " (results of 2026-11-18 disagree: ...; the higher is read, as ...)". The names
# between hold parentheses of their own ("(Observation/li-a)"), never a semicolon-free run up to
# the closing parenthesis holding " is read": the shortest match up to it is the one note.
_NOTE = re.compile(r" \(results of (\d{4}-\d{2}-\d{2}) disagree: .*?; [^;()]* is read[^;()]*\)")


def read_words(decided: str, direction: int) -> str:
    """The closing words of a note: `decided` one of critical, abnormal, side, latest
    (same_day_labs._decided_by); `direction` the side the test's lines guard."""
    if decided == "side":
        return _SIDE.get(direction, _READ["latest"])
    return _READ[decided]


def same_day_note(lab: LabResult) -> str:
    """Beside a result other results of its test that day disagree with (same_day_labs.py):
    " (results of 2026-11-10 disagree: 12.1 mIU/L high at 08:00-05:00 (Observation/a); 2.1
    mIU/L at 14:00-05:00 (Observation/b); the one out of range is read over the one within
    it, the safer reading)"."""
    if not lab.same_day:
        return ""
    return f" ({lab.same_day})"


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
