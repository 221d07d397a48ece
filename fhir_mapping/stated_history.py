"""A visit reason that states a history from a past year, not the visit's own reason (review s29
RQ3: an ED visit's reason "History of passive SI in 2015, resolved" raised the critical
suicide-risk card as an ED visit for suicidal ideation today, while the same words on a
Condition with onset 2015 stay quiet).

A Condition is dated by its onset, and the suicide-risk windows (policy
suicide_condition_recent_days, suicide_ed_visit_history_days) read that date: an onset in 2015
is history, whatever the words. A reason has no onset: visit_risk.py dates its finding by the
visit's start. So the words' own date is read instead, where the words say the mention is a
past one: a clause (up to a comma, semicolon or full stop) holding a `history_lead` ("history
of", "hx of", "h/o", "remote", "prior") with nothing the readers take for a finding before it,
and a year ("in 2015", "2015"). A kind named only in such clauses is dated that year (the
latest one they state), as a Condition with onset "2015" is (`Finding.onset_written`);
visit_risk.py keeps the visit's date for a year not before the visit's own.

What keeps the visit's reading (a current visit for SI stays critical):
- the kind named in any other clause ("SI; hx of SI in 2015", "Passive SI, history of attempt
  2015": the SI is today's);
- a `current` word anywhere in the reason ("History of SI in 2015, now recurrent", "since
  2015", "again", "today"): the history is given as the background of a present risk;
- a clause with a finding before its lead ("SI with history of attempt in 2015").
Where the words leave it open, the visit's date is kept: a question costs less than a missed
current risk. The words are data (data/stated_history_terms.csv).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from fhir_mapping.text_negation import normalise_text, term_pattern

__all__ = ["past_clauses"]

# A clause ends at a comma, semicolon or full stop (text_negation.py's clause); kept in the split.
_CLAUSE_END = re.compile(r"([.;,])")
# A year a history states: 1900-2099, a whole number ("in 2015", "2015", "(2015)").
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    data = resources.files("fhir_mapping").joinpath("data/stated_history_terms.csv")
    found: dict[str, list[re.Pattern[str]]] = {}
    for row in csv.DictReader(data.read_text("utf-8").splitlines()):
        found.setdefault(row["role"], []).append(term_pattern(normalise_text(row["term"])))
    return {role: tuple(found.get(role, ())) for role in ("history_lead", "current")}


def _past_year(clause: str, names: Callable[[str], bool]) -> str | None:
    """The latest year `clause` (normalised) states as a history, or None (module docstring)."""
    years: list[str] = _YEAR.findall(clause)
    if not years:
        return None
    for lead in _terms()["history_lead"]:
        found = lead.search(clause)
        if found is not None and not names(clause[: found.start()]):
            return max(years)
    return None


def past_clauses(text: str, names: Callable[[str], bool]) -> tuple[str, str | None]:
    """(`text` with each clause that states a past history blanked, the latest year those
    clauses state); (`text`, None) when none does or a `current` word stands anywhere. `names`:
    whether some words name a finding (the caller's readers), so a clause whose finding comes
    before its lead is not read as a history (module docstring)."""
    plain = normalise_text(text)
    if any(p.search(plain) for p in _terms()["current"]):
        return text, None
    parts = _CLAUSE_END.split(plain)
    latest: str | None = None
    for i in range(0, len(parts), 2):
        year = _past_year(parts[i], names)
        if year is not None:
            parts[i] = " " * len(parts[i])
            latest = max(latest or year, year)
    if latest is None:
        return text, None
    return "".join(parts), latest
