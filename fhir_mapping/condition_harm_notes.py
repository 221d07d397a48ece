"""Suicidal ideation, a stated plan or self-harm written in a Condition's note (session 32 fix
heads43, recheck K30a; heads42's leftover).

Oracle Health and Epic problems carry the clinician's comments in `Condition.note`, and only
mania was read there (mania_notes.py): a depression entry noted "SI with plan to hang self" or
"Plan: hang self" gave no card and TMS was offered. A note is now read as the entry's own text is
(condition_text.text_findings: self_harm_text's ideation and act readers, a risk heading's plan,
the negation and relative readers: "Denies SI", "Mother has SI" say nothing of the patient), for
those kinds only: the diagnoses a note names are not the entry's. The finding quotes the note's
words (cut), dated by the note's time, else the entry's onset; a note dated after the as-of day
is not read.

Session 32 fix forms44 (recheck K32a finding 7): the note's time is when the words were written,
not the problem's onset (`Finding.noted_on`: the card says "note of 2026-11-25", not "on the
problem list since 2026-11-25"); and a note that states suicidal ideation only as past, as a
visit reason is read (stated_history.py: a clause led by "history of", "previous", "hx of" and
dated by a year, with no ideation named elsewhere, "History of SI with plan to hang self in 2015,
none since"; or an undated history beside a current denial, "Previous SI with plan (2019);
currently denies"), is marked visit_risk.PAST_DENIED: the warning that asks about current
thoughts (services/past_answers.py), not the critical card of current ideation. A dated history
gets the warning too, not the visit reason's risk-factor line: the entry is the depression being
treated and the note is recent, so asking about now costs less than a missed risk (decided here).

Session 42 fix text107: a note that states an emergency psychiatric hold or a 1:1 observation
("pt on 5150", "Baker Act initiated") was quiet, TMS offered, while the same words as an ED visit's
reason give the critical card: read as there (psych_hold.py), marked visit_risk.HOLD, or
HOLD_ENDED (the past warning) for a hold since ended, when the note names no ideation itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from fhir_mapping import (
    harm_abbreviations,
    psych_hold,
    stated_history,
    stated_plan_text,
    stated_terms,
)
from fhir_mapping.condition_text import text_findings
from fhir_mapping.mania_notes import _notes
from fhir_mapping.record import Finding, FindingKind, SourceRef
from fhir_mapping.stated_history_dates import dates
from fhir_mapping.text_bounds import CLAUSE, pieces
from fhir_mapping.text_lines import harm_wanted
from fhir_mapping.text_negation import normalise_text

__all__ = ["harm_note_findings", "has_harm_note", "stated_past"]

# The kinds a note is read for (module docstring).
_KINDS = (FindingKind.SUICIDAL_IDEATION, FindingKind.SELF_HARM)
# The longest note the finding quotes before cutting it ("...").
_QUOTE_CHARS = 160


def has_harm_note(resource: Mapping[str, Any]) -> bool:
    """Whether a note of the Condition may name self-harm, ideation or a plan (whatever its date):
    conditions.wants_condition keeps the entry for `harm_note_findings`."""
    return any(
        # "O.D.", "SH attempt" spelled as read (harm_abbreviations.py; fix text103).
        harm_wanted(harm_abbreviations.spelled(text))
        or stated_plan_text.states_plan(text)  # by lines too (text_lines.py)
        or psych_hold.hold_state(text) is not None  # a hold (fix text107)
        for text, _ in _notes(resource)
    )


def harm_note_findings(
    resource: Mapping[str, Any],
    *,
    state: str,
    onset: date | None,
    source: SourceRef | None,
    as_of: date,
    intent_coded: bool = False,
    side: Callable[[str], str] = str,
) -> dict[FindingKind, Finding]:
    """The self-harm and ideation findings the Condition's notes state (module docstring), the
    first note naming each kind; `intent_coded`: a poisoning code states the intent, so the
    words are not read for self-harm (as for the entry's text)."""
    found: dict[FindingKind, Finding] = {}
    for text, on in _notes(resource):
        if on is not None and on > as_of:
            continue
        said = " ".join(text.split())
        if len(said) > _QUOTE_CHARS:
            said = said[: _QUOTE_CHARS - 3].rstrip() + "..."
        # `side`: "OD" alone in a note is no overdose, an eye entry's "OD" the right eye
        # (od_lookalike.unless_bare, eye_sided; fix text70, recheck K52a finding 5).
        # "O.D.", "SH attempt" spelled as read (harm_abbreviations.py; fix text103).
        read = text_findings(
            side(harm_abbreviations.spelled(text)),
            said,
            state,
            on or onset,
            source,
            intent_coded=intent_coded,
        )
        for kind in _KINDS:
            if kind in read:
                finding = replace(read[kind], noted_on=on)
                if kind is FindingKind.SUICIDAL_IDEATION and stated_past(text, on or as_of):
                    finding = replace(finding, verification=_past_mark())
                found.setdefault(kind, finding)
        # A hold stated as history in a note ("h/o 5150 holds", "involuntary commitment 2015")
        # is past, the warning (psych_hold._past; session 42 fix text108, K70a finding 4).
        written = (on or as_of).year
        held = psych_hold.hold_state(text, written)
        if held is not None and _IDEATION not in read:
            # A hold in the note, as in a visit reason (psych_hold.py; fix text107); one ended
            # with no current denial critical, one stated as history the warning (text108).
            mark = _hold_mark(held, text)
            found.setdefault(
                _IDEATION,
                Finding(
                    kind=_IDEATION,
                    code="",
                    system="text",
                    display=said,
                    onset=on or onset,
                    source=source,
                    verification=mark,
                    noted_on=on,
                ),
            )
    return found


_IDEATION = FindingKind.SUICIDAL_IDEATION


def _hold_mark(held: str, text: str) -> str:
    """HOLD for a hold in force; for one ended ("5150 hold released") the visit reason's mark
    (visit_reason_kinds.ended_mark: critical unless denied now); for one only stated as history
    ("h/o 5150 holds"), HOLD_ENDED, the past warning (fix text108)."""
    from fhir_mapping.visit_risk import HOLD, HOLD_ENDED, ended_mark  # no cycle at import

    if held == psych_hold.CURRENT:
        return HOLD
    return ended_mark(text) if held == psych_hold.ENDED else HOLD_ENDED


def stated_past(text: str, on: date) -> bool:
    """Whether a note written on `on` states suicidal ideation only as past (module docstring).
    The C-SSRS reader asks the same of a row's note (suicide_screen_answers._names_plan: a past
    plan "in 2015, none since" answers no past-month question; recheck K41b s34 finding 3).
    Every past reading (a dated history, a history denied now, a plan in the past tense) keeps
    `_dated_plan_past`'s two guards (`_kept_current`): "Hx plan to hang self on 11/20/2026, none
    since" beside a C-SSRS "No" of 2026-11-25, or "Hx plan to hang self in 2015, none since, has
    a gun", went from critical to quiet with text56 (recheck K44a s34 findings 1, 2; fix text58)."""
    from fhir_mapping.visit_risk import _names_any  # no cycle at import

    if _kept_current(text, on):
        return False
    current, year = stated_history.past_clauses(text, _names_any)
    if year is not None and not _names_any(current):
        return True
    return stated_history.history_denied(text, _names_any) or _dated_plan_past(text)


# A year in a clause (1900-2099), as self_harm_ideation's "<year>".
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _dated_plan_past(text: str) -> bool:
    """Whether a note states a plan in the past tense (a stated_history_terms.csv `past_plan_lead`
    "plan was to") in a clause dated by a year, says nothing happened since (`current_absent`:
    "none since"), holds no `current` word and names no ideation in another clause: "In 2015
    his plan was to hang himself, none since" was critical as current ideation while "History
    of SI with plan to hang self in 2015, none since" is the past warning (recheck K38a s34
    finding 4, fix text54). Not a `history_lead` row: those also keep a heading's plan from
    being read ("plan was to take 40 ativan" stays a risk: stated_heading.py).

    Fix text56 (recheck K41b s34 finding 4): a plan dated within the `past_plan_days` window
    before the note's day ("On 11/20/2026 his plan was to hang himself, none since" in a
    note of 2026-11-25), or access to means in another clause ("has access to a gun"), is
    current. Both guards are `_kept_current`'s, which `stated_past` asks first (fix text58), so
    they are not asked again here."""
    from fhir_mapping.visit_risk import _names_any  # no cycle at import

    said = normalise_text(text)
    plain = stated_terms.absent_blanked(said)  # "none since" holds the `current` word "since"
    if plain == said or any(p.search(plain) for p in stated_terms.patterns("current")):
        return False
    leads = stated_terms.patterns("past_plan_lead")
    clauses = pieces(plain, CLAUSE)
    dated = [c for c in clauses if _YEAR.search(c) and any(p.search(c) for p in leads)]
    if not dated or any(_names_any(c) for c in clauses if c not in dated):
        return False
    # A stated date is what makes the plan past ("Nov 20, 2026" holds a comma: the whole note's).
    return bool(dates(said))


def _kept_current(text: str, on: date) -> bool:
    """Whether a note stated as past is current all the same (fix text58): a date in it lies
    within the `past_plan_days` window (the C-SSRS past month) before `on`, or later; or a
    clause naming no ideation states access to means (stated_history's `risk_means`: "has a
    gun"). The safer mistake: a date anywhere in the note counts."""
    from fhir_mapping.visit_risk import _names_any  # no cycle at import

    said = normalise_text(stated_terms.absent_blanked(normalise_text(text)))
    if any(stated_history.means(c) and not _names_any(c) for c in pieces(said, CLAUSE)):
        return True
    written = [when for _, _, when in dates(normalise_text(text))]
    window = timedelta(days=int(stated_terms.terms("past_plan_days")[0]))
    return bool(written) and max(map(stated_history.latest_day, written)) + window >= on


def _past_mark() -> str:
    from fhir_mapping.visit_risk import PAST_DENIED  # no cycle at import

    return PAST_DENIED
