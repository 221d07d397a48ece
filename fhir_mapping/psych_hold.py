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

Session 43 fix text114: "lot 5150 expired" gave the ended-hold card (text113's end words after
the number), so an `other_number_before` word right before the number ("lot", "room", "ext")
makes it another number (unless a `hold_in_force_after` word right after states a hold in
force, "bed 5150 hold": fix text115, recheck K75a finding 3); and "5150 in 2019" was quiet, TMS offered, while
"h/o 5150 2019" was read: a year right after the number makes it the hold (`_dated_after`), in
a note the past warning as "h/o 5150" (`_past`), in a visit reason the critical card.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping import stated_terms
from fhir_mapping.text_negation import negated, normalise_text, term_pattern

__all__ = ["CURRENT", "ENDED", "PAST", "hold_state", "states_hold"]

# What `hold_state` gives (module docstring).
CURRENT = "current"
ENDED = "ended"
PAST = "past"  # stated as history in a note (`_past`; fix text108)

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


@cache
def _in_force_after() -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{_either(_by_role().get('hold_in_force_after', ()))})\b")


@cache
def _other_number() -> re.Pattern[str]:
    return re.compile(rf"(?:^|\s)(?:{_either(_by_role().get('other_number_before', ()))})\s*$")


def _dated_after(rest: str) -> bool:
    """Whether a year dates the number right after it ("5150 in 2019", "5150 2019", "5150
    (3/2019)"): a hold's history (session 43 fix text114: '5150 in 2019' was quiet, TMS offered,
    while 'h/o 5150 2019' was read); in a note `_past` makes it the past warning, in a visit
    reason a hold as any other (critical, the safer error). The number of a lot, a room or an
    address is dropped before (`other_number_before`)."""
    lead = _either(_by_role().get("past_year_lead", ()))
    year = rf"(?:\d{{1,2}}/(?:\d{{1,2}}/)?)?{_YEAR.pattern}"
    return re.match(rf"\s*\(?\s*(?:x\s?\d\s+)?(?:(?:{lead})\s+)?{year}", rest) is not None


def _number_held(clause: str) -> list[tuple[int, int]]:
    """The spans of each hold number `clause` (normalised) reads as the hold (module
    docstring)."""
    spans = []
    for m in _number().finditer(clause):
        in_force = _in_force_after().search(clause[m.end() :]) is not None
        if _other_number().search(clause[: m.start()]) and not in_force:
            # Another number's word right before it ("lot 5150 expired", "rm 5150 released"):
            # no hold (fix text114), unless a word right after states one in force ("bed 5150
            # hold", "order 5150 hold": fix text115, the critical card the safer error).
            continue
        alone = not re.sub(r"[^\w]", "", clause[: m.start()] + clause[m.end() :])
        if (
            m.group("suffix")
            or alone
            or _before().search(clause[: m.start()])
            or in_force
            or _after().search(clause[m.end() :])
            or _dated_after(clause[m.end() :])
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


# What bounds the words read as the hold's own (session 42 fix text108): a clause mark, a colon,
# a bracket or a dash. "on 5150, declined PO meds", "Baker Act: pt declined", "on 5150 (declined
# voluntary)", "on 5150 - medications discontinued" say the end or refusal of something else.
_OWN = re.compile(r"[.;,:()\[\]]|\s-+\s|[\u2013\u2014]")


def _own_after(plain: str, end: int, upto: int) -> str:
    """The words right after a hold up to the next hold (`upto`) or mark (`_OWN`), the hold's
    own words (`hold_own`: "hold", "criteria", "has been") dropped from their front."""
    after = plain[end:upto]
    stop = _OWN.search(after)
    return _own_dropped(after[: stop.start()] if stop else after)


def _own_dropped(words: str) -> str:
    own = _role("hold_own")
    words = " ".join(words.split())
    while (m := next((m for p in own if (m := p.match(words))), None)) is not None and m.end():
        words = words[m.end() :].lstrip()
    return words


def _starts(words: str, role: str) -> bool:
    return any(p.match(words) for p in _role(role))


def _said_of(plain: str, start: int, end: int, upto: int, role: str) -> bool:
    """Whether a `role` word ("declined", "released") is said of the hold at plain[start:end]
    itself (session 42 fix text108, K70a findings 1, 2): right after it, only its own words
    between ("Baker Act declined", "5150 criteria not met", "5150 hold has been released"), or
    a `<role>_before` word right before it ("released from 5150", "no longer on a legal hold").
    A word past a comma, a colon, a bracket, a dash or another noun is another thing's ("5150
    hold, IV removed", "pt on 1:1 sitter, declined dinner", "released from jail on 5150"): the
    hold stands, the critical card the safer error. A `not_ended` phrase ("released to the psych
    unit") is no end. A hold weighed ("consider 5150") answered by a clause that is only a
    `not_placed_alone` phrase ("consider 5150, not indicated") is not placed."""
    after = _own_after(plain, end, upto)
    before = " ".join(re.split(_OWN, plain[:start])[-1].split())
    before = _article_dropped(before)  # "no longer on a legal hold", "off the 5150"
    if any(m.end() == len(before) for p in _role(f"{role}_before") for m in p.finditer(before)):
        return True
    if role == "not_placed" and _weighed(before) and not after:
        return _answered_alone(plain, end, upto)
    if not _starts(after, role):
        return False
    return not (role == "ended" and _starts(after, "not_ended"))


def _article_dropped(before: str) -> str:
    words = before.split()
    articles = set(_by_role().get("hold_article", ()))
    while words and words[-1] in articles:
        words.pop()
    return " ".join(words)


def _weighed(before: str) -> bool:
    return any(m.end() == len(before) for p in _role("weighed") for m in p.finditer(before))


def _answered_alone(plain: str, end: int, upto: int) -> bool:
    """Whether the clause right after a weighed hold is a `not_placed_alone` phrase and nothing
    else but a `not_placed_tail` ("consider 5150, not indicated at this time")."""
    rest = plain[end:upto]
    stop = _OWN.search(rest)
    if stop is None:
        return False
    clause = rest[stop.end() :]
    after = _OWN.search(clause)
    clause = " ".join((clause[: after.start()] if after else clause).split())
    for p in _role("not_placed_alone"):
        if (m := p.match(clause)) is not None:
            tail = clause[m.end() :].strip()
            if not tail or any(q.fullmatch(tail) for q in _role("not_placed_tail")):
                return True
    return False


def _still_held(plain: str, end: int) -> bool:
    """Whether the words after an ended hold say the patient is still held or admitted ("5150
    hold rescinded, pt now voluntary": a voluntary admission; fix text108, K70a finding 2)."""
    rest = plain[end:]
    return any(
        not negated(rest, m.start(), m.end()) for p in _role("still_held") for m in p.finditer(rest)
    )


def _past(plain: str, start: int, end: int, upto: int, year: int | None) -> bool:
    """Whether a hold in a note written in `year` is stated as history (session 42 fix text108,
    K70a finding 4): a `history_lead` word right before it ("h/o 5150 holds", "hx of Baker Act",
    "prior 5150 hold"), or a year before `year` right after it ("involuntary commitment 2015",
    "Baker Acted in 2018 after OD") or right before it ("in 2019 Baker Acted"). Never in a visit
    reason (`year` None): a reason's hold is today's.

    Only the words that govern the hold itself (fix text112, K72a finding 3): a lead or a year
    elsewhere in the clause or sentence is another thing's history ("Pt with hx of MDD placed on
    1:1 observation", "Pt on 5150 hold, similar presentation in 2023", "5150 placed (prior
    admission 2021)"), and a placed or in-force word between ("Prior to arrival pt placed on 5150",
    "on 5150 since 12/28/2025", "5150 hold in place, same as 2020") leaves the hold in force: read
    as history it gave the warning "hold since ended" with TMS beside a hold in force, where the
    critical card is the safer error."""
    if year is None:
        return False
    before = _count_dropped(_article_dropped(" ".join(re.split(_OWN, plain[:start])[-1].split())))
    leads = stated_terms.patterns("history_lead")
    if any(m.end() == len(before) for p in leads for m in p.finditer(before)):
        return True
    return any(int(y) < year for y in _years_beside(before, _own_after(plain, end, upto)))


def _count_dropped(before: str) -> str:
    """`before` without the count words at its end ("h/o multiple 5150 holds")."""
    words = before.split()
    counts = set(_by_role().get("past_count", ()))
    while words and words[-1] in counts:
        words.pop()
    return " ".join(words)


def _years_beside(before: str, after: str) -> list[str]:
    """The year right after a hold, a `past_year_lead` word ("in", "during") and a month or date
    allowed before it ("5150 in 2019", "involuntary commitment 3/2015"), and the one right before
    it ("in 2019 Baker Acted")."""
    lead = _either(_by_role().get("past_year_lead", ()))
    year = rf"(?:\d{{1,2}}/(?:\d{{1,2}}/)?)?{_YEAR.pattern}"
    found = [m.group(1) for m in [re.match(rf"(?:(?:{lead})\s+)?{year}", after)] if m]
    found += [m.group(1) for m in [re.search(rf"{year}$", before)] if m]
    return found


# A year in a note (1900-2099), as condition_harm_notes' `_YEAR`.
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def hold_state(text: str, year: int | None = None) -> str | None:
    """CURRENT when `text` states a hold or a 1:1 observation in force, not denied and not
    declined; else ENDED when one it states was placed and has ended; else PAST when one, in a
    note written in `year`, is stated as history (`_past`); else None (module docstring). The safer reading
    first: any hold in force makes the whole text CURRENT."""
    plain = normalise_text(text)
    spans = [(s, e) for s, e in _spans(plain) if not negated(plain, s, e)]
    state = None
    for i, (s, e) in enumerate(spans):
        upto = spans[i + 1][0] if i + 1 < len(spans) and spans[i + 1][0] > e else len(plain)
        if _said_of(plain, s, e, upto, "not_placed"):
            continue
        if _past(plain, s, e, upto, year):
            state = state or PAST
            continue
        if _said_of(plain, s, e, upto, "ended") and not _still_held(plain, e):
            state = ENDED
            continue
        return CURRENT
    return state


def states_hold(text: str) -> bool:
    """Whether `text` states an emergency psychiatric hold or a 1:1 observation in force, not
    denied (module docstring)."""
    return hold_state(text) == CURRENT
