"""An emergency psychiatric hold or a 1:1 observation stated in a visit's reason (session 41 fix
text103): "pt on 5150", "on 5150 hold", "Baker Act", "PEC'd", "IVC'd by family", "involuntary
hold", "pt on 1:1 sitter" were quiet, TMS offered.

Decision: a hold (CA WIC 5150/5250, FL 394.463 "Baker Act", LA's Physician Emergency Certificate,
NC's involuntary commitment "IVC", VA's temporary detention order) is placed for danger to self,
danger to others or grave disability, and a 1:1 sitter or suicide precautions for the patient's
or others' safety. None of these says "suicidal", but each says that at this visit a clinician
judged the patient a danger needing detention or watch: a current-risk signal of its own. The
safer error is the critical card that asks for a risk assessment today and holds the TMS referral
(a referral must never be offered beside an unresolved current risk); the card's basis names the
hold's grounds and never claims suicidal ideation (visit_reason_kinds.HOLD,
services/risk_wording.coding_words).

Read where the words cannot mean something else: a hold statute's number (`hold_number`:
"5150") only as its own token with a hold word right before or after it ("pt on 5150", "5150
hold", "5150'd") or alone as its clause ("5150"), never inside a number, an address, an MRN or a
lot ("lot 5150", "5150 Main St"); "IVC" (also the inferior vena cava: "IVC filter placed") and
"PEC" (the pectoral muscle) only in a hold phrase ("IVC'd", "under IVC", "IVC papers", "PEC'd").
A hold the shared negation denies ("no 1:1 sitter needed", "not on 5150") is not read. The words
are data (data/psych_hold_terms.csv).

Session 42 fix text107: a hold that was not placed ("Baker Act declined", "Baker Act not
initiated", "5150 criteria not met", "consider 5150, not indicated": a `not_placed` word after the
hold in its sentence, or before it in its clause) is not read: the clinician judged the patient
not detainable, and no other words of risk stand. A hold that was placed and has ended ("5150 hold
released", "legal hold lifted", "released from 5150": an `ended` word) still says the patient was
judged a danger days ago: `hold_state` gives ENDED, which visit_reason_kinds.py and
condition_harm_notes.py mark HOLD_ENDED, the past warning that asks about current risk (as a past
SI denied now), not the critical card of a hold in force and not nothing. Other words of risk
beside it ("5150 released, SI today") are read as always: critical. A hold being sought ("pending
section 12", "5150 pending") is a hold (the critical card).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_bounds import CLAUSE, SENTENCE, span_before
from fhir_mapping.text_negation import negated, normalise_text, term_pattern

__all__ = ["CURRENT", "ENDED", "hold_state", "states_hold"]

# What `hold_state` gives (module docstring).
CURRENT = "current"
ENDED = "ended"

# A clause or a colon, the mark kept as a piece: what a hold number is read alone in ("Reason:
# 5150", "SI: denies. 5150").
_CLAUSE = re.compile(r"([.;,:])")


@cache
def _by_role() -> dict[str, tuple[str, ...]]:
    data = resources.files("fhir_mapping").joinpath("data/psych_hold_terms.csv")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(data.read_text("utf-8").splitlines()):
        found.setdefault(row["role"], []).append(normalise_text(row["term"]))
    return {role: tuple(terms) for role, terms in found.items()}


def _either(terms: tuple[str, ...]) -> str:
    return "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) or "(?!)"


@cache
def _phrases() -> tuple[re.Pattern[str], ...]:
    return tuple(term_pattern(t) for t in _by_role().get("hold", ()))


@cache
def _number() -> re.Pattern[str]:
    """A hold statute's number as its own token: a space, "(" or the start before it, nothing of
    a number, address or code attached ("#5150", "5150-2", "5150.5"); a `hold_number_suffix`
    attached ("5150'd") is kept in the group `suffix`."""
    roles = _by_role()
    number = _either(roles.get("hold_number", ()))
    suffix = _either(roles.get("hold_number_suffix", ()))
    return re.compile(rf"(?:^|(?<=[\s(]))(?:{number})(?P<suffix>{suffix})?(?![\w#/.:-]*\w)(?!-)")


@cache
def _before() -> re.Pattern[str]:
    return re.compile(rf"(?:^|\s)(?:{_either(_by_role().get('hold_number_before', ()))})\s*$")


@cache
def _after() -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{_either(_by_role().get('hold_number_after', ()))})\b")


def _number_held(clause: str) -> list[tuple[int, int]]:
    """The spans of each hold number `clause` (normalised) reads as the hold (module
    docstring)."""
    spans = []
    for m in _number().finditer(clause):
        alone = not re.sub(r"[^\w]", "", clause[: m.start()] + clause[m.end() :])
        if (
            m.group("suffix")
            or alone
            or _before().search(clause[: m.start()])
            or _after().search(clause[m.end() :])
        ):
            spans.append((m.start(), m.end()))
    return spans


def _spans(plain: str) -> list[tuple[int, int]]:
    """The spans of each hold `plain` (normalised) states, denied or not, in order."""
    spans = [(m.start(), m.end()) for p in _phrases() for m in p.finditer(plain)]
    at = 0
    for part in _CLAUSE.split(plain):
        spans += [(at + s, at + e) for s, e in _number_held(part)]
        at += len(part)
    return sorted(spans)


@cache
def _role(role: str) -> tuple[re.Pattern[str], ...]:
    return tuple(term_pattern(t) for t in _by_role().get(role, ()))


# How many words after a hold (in its sentence) or before it (in its clause) a `not_placed` or
# `ended` word is read in: its own words ("Baker Act not initiated", "5150 hold has been
# released"), never a later clause's ("Baker Act initiated as pt declined voluntary admission").
_NEAR_WORDS = 4


def _first(window: str, role: str) -> int | None:
    starts = [m.start() for p in _role(role) for m in p.finditer(window)]
    return min(starts) if starts else None


def _said_of(plain: str, start: int, end: int, upto: int, role: str) -> bool:
    """Whether a `role` word stands within _NEAR_WORDS after the hold at plain[start:end] in its
    sentence (before the next hold, at `upto`), or a `<role>_before` word within _NEAR_WORDS
    before it in its clause ("released from 5150"). After the hold, a `placed` word first
    ("Baker Act initiated as pt declined ...") keeps it placed; a `not_ended` phrase ("released
    to the psych unit") is no end."""
    after = plain[end:upto]
    stop = SENTENCE.search(after)
    after = " ".join(after[: stop.start()].split() if stop else after.split())
    after = " ".join(re.sub(r"[,:]", " ", after).split()[:_NEAR_WORDS])
    before = " ".join(span_before(plain, start, CLAUSE).split()[-_NEAR_WORDS:])
    if any(p.search(before) for p in _role(f"{role}_before")):
        return True
    found = _first(after, role)
    if found is None:
        return False
    placed = _first(after, "placed")
    if placed is not None and placed < found:
        return False
    if role == "ended":
        return not any(m.start() == found for p in _role("not_ended") for m in p.finditer(after))
    return True


def hold_state(text: str) -> str | None:
    """CURRENT when `text` states a hold or a 1:1 observation in force, not denied and not
    declined; else ENDED when one it states was placed and has ended; else None (module
    docstring). The safer reading first: any hold in force makes the whole text CURRENT."""
    plain = normalise_text(text)
    spans = [(s, e) for s, e in _spans(plain) if not negated(plain, s, e)]
    state = None
    for i, (s, e) in enumerate(spans):
        upto = spans[i + 1][0] if i + 1 < len(spans) and spans[i + 1][0] > e else len(plain)
        if _said_of(plain, s, e, upto, "not_placed"):
            continue
        if _said_of(plain, s, e, upto, "ended"):
            state = ENDED
            continue
        return CURRENT
    return state


def states_hold(text: str) -> bool:
    """Whether `text` states an emergency psychiatric hold or a 1:1 observation in force, not
    denied (module docstring)."""
    return hold_state(text) == CURRENT
