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
and a date: a year ("in 2015", "2015"), a month ("Dec 2025", "12/2025") or a day ("12/28/2025",
"2025-12-28", "Dec 28, 2025"). A kind named only in such clauses is dated by the LATEST day the
words allow (`latest_day`: a day itself, a month's last day, a year's December 31; review s29 RQ4
finding 1: dated January 1 of its year, "History of overdose on 12/28/2025" at an ED visit of
2026-01-10 read as a year old and lost its critical card), as a Condition with onset "2015" is
read by its latest day (`Finding.onset_latest`); visit_risk.py keeps the visit's date for a day
not before the visit's own. A day that reads both ways ("01/02/2025") is read the later way.

What keeps the visit's reading (a current visit for SI stays critical):
- the kind named in any other clause ("SI; hx of SI in 2015", "Passive SI, history of attempt
  2015": the SI is today's);
- a `current` word anywhere in the reason ("History of SI in 2015, now recurrent", "since
  2015", "again", "today"): the history is given as the background of a present risk; not one
  a `denial` word follows in its clause ("Hx of SI 2010, now denies": review s29 RQ4 t01, no
  current finding is stated) with nothing after it or the finding's own words ("now denies
  SI"): "now denies intent", "now denies plan", "now denies HI" deny something else, the
  finding stands (recheck K19a s29 t19);
- a clause with a finding before its lead ("SI with history of attempt in 2015").
Where the words leave it open, the visit's date is kept: a question costs less than a missed
current risk. The words are data (data/stated_history_terms.csv).

A history with no date and a current denial beside it ("History of SI, denies current SI",
"Past SI, denies SI now": `history_denied`) keeps the visit's date, but is no finding of now:
visit_risk.py marks it, and the card is the warning a form's past yes beside a current no gets
(services/past_answers.py; session 29 fix net33, K18 recheck), not the critical one.

A clause that affirms a `risk` (a plan, intent, an overdose or attempt, a preparatory act: "+
plan", "positive for intent", "has a plan", "OD x2", "HI with plan", "mother found note") keeps
the visit's reading whatever the rest says (`affirms_risk`; recheck K20a s30: "History of SI,
denies current SI, + plan" was the past-SI warning, "Hx of SI 2010, now denies SI, has a plan"
no card at all): the risk is stated now. Not one a `denial` or `risk_denial` word denies before
it in its part of the clause ("denies intent", "no plan"; a `contrast` word starts a new part),
one a `history_lead` dates ("prior attempt"), a `risk_excluded` phrase ("safety plan"), nor a
bare list that goes on a denial ("now denies SI, intent or plan": only `risk` and `list_word`
words). A `denial_negated` phrase ("unable to deny", "cannot deny", "does not deny") is no
denial anywhere here: it is read as an affirmation ("+").

A denial denies the risk it governs, not every risk after it (recheck K21 s30 c00: "not sure
about her plan", "no one knows about her plan" were denied plans): between the denial word and
the risk only `risk_gap` words, other risks, list words or words naming the finding ("denies SI
or plan", "no current plan", "negative for intent"). A risk word is no risk of its own when a
`risk_after` word follows it (recheck K21 s30: "Plan: outpatient follow-up", "attempt to reach
family", "intends to start college", "plan reviewed with patient" were critical cards): a
heading (":") whose answer is a denial, the treatment plan or harmless ("Plan: check lithium
level", "Plan: none", "Intent: no"; any other answer is a risk: "Plan: crash car", "Intent:
high"; stated_heading.py, recheck K25a s30, fix hist35), or a purpose that names no risk ("to follow up"). The
purposes are a list of the harmless ones, so an unlisted "plan to jump" keeps the critical
reading (a question costs less than a missed risk), as does a `risk_method` word later in the
clause ("plan to follow up with her dealer for more pills to end it"); what a purpose names
("plan to overdose") is read as a risk itself. A `risk_harmless` phrase names no method ("hang
out", "cut back", "pill organizer"), and access to means or a preparatory act after the answer
keeps the risk ("Plan: none, but has pills saved": `means`, recheck K24a s30). "SA" is an
attempt unless its clause says otherwise (stated_sa.py). Session 31 fix hist37 (recheck K27a):
a checklist denial ("SI/HI: denies", "-SI") denies now too (stated_denied.py); "Intent - none",
"intent none", "SI plan: none" deny the risk (stated_heading.heading_answer, heading_denied); a
`current` word in a clause denying now ("denies current SI") makes no history current.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from fhir_mapping import stated_denied, stated_heading, stated_sa, stated_terms
from fhir_mapping.stated_denial_now import plain_denial
from fhir_mapping.stated_history_dates import dates, latest_day
from fhir_mapping.stated_means import means
from fhir_mapping.text_bounds import (
    CLAUSE,
    CLAUSE_KEPT,
    first_piece,
    pieces,
    span_after,
    span_before,
)
from fhir_mapping.text_negation import normalise_text

__all__ = ["affirms_risk", "denied_lists", "history_denied", "latest_day", "means", "past_clauses"]

# What a bare list of risks has none of (`affirms_risk`): a word, or a "+" ("+ plan").
_WORD = re.compile(r"[\w+]")


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    roles = (
        *("history_lead", "current", "current_absent", "denial", "denial_time", "contrast"),
        "denial_now",  # fix text83
        *("risk", "risk_denial", "risk_excluded", "denial_negated", "list_word"),  # K20a s30
        *("risk_gap", "risk_after", "risk_method", "risk_sa"),  # K21, K23 s30
        *("risk_heading_yes", "risk_harmless", "risk_means"),  # K24a s30
    )
    return {role: stated_terms.patterns(role) for role in roles}


def _undenied(plain: str) -> str:
    """`plain` with each `denial_negated` phrase ("unable to deny") read as an affirmation ("+" and
    spaces, the same length) and each `current_absent` one ("none since": fix eye43) blanked,
    not one a `contrast` word follows in its sentence ("none recently but urges daily": a
    present after it; fix text48b restored "none recent*", which od46 had dropped for it)."""
    plain = stated_terms.absent_blanked(plain)
    for p in _terms()["denial_negated"]:
        plain = p.sub(lambda m: "+" + " " * (len(m.group()) - 1), plain)
    return plain


def _followed(clause: str, end: int, role: str) -> bool:
    """Whether a `role` term stands right after `end` in `clause` (spaces aside)."""
    at = len(clause) - len(clause[end:].lstrip())
    return any(p.match(clause, at) for p in _terms()[role])


def _stands(clause: str, risk: re.Match[str], after: str = "") -> bool:
    """Whether a risk word is a risk of its own: no `risk_after` word right after it ("plan to
    follow up", "Plan:"), or one whose words name a risk. A heading's answer ("Plan: ...",
    "Intent: ...") is read by stated_heading.py: a risk unless a denial, the treatment plan or a
    harmless phrase ("Plan: crash car" is one, "Plan: check lithium level" is not; recheck K25a
    s30, fix hist35). A purpose does when a `risk_method` word comes later in the clause ("plan
    to follow up with her dealer for more pills to end it"); a `risk_harmless` phrase names none
    ("pill organizer"). Either does when access to means or a preparatory act (`means`)
    follows in the clause or `after` it, the rest of the reason ("Plan: none, but has pills
    saved", "Plan: outpatient follow-up; rope in car": recheck K24a s30)."""
    rest = clause[risk.end() :].lstrip()
    answer = stated_heading.heading_answer(rest)
    if answer is not None:  # a heading: its answer is read by stated_heading.py (fix hist35)
        return stated_heading.answer_is_risk(risk.group(), answer, after, means)
    if not _followed(clause, risk.end(), "risk_after"):
        return True
    rest = stated_terms.blanked(rest, "risk_harmless")
    return any(p.search(rest) for p in _terms()["risk_method"]) or means(rest + "." + after)


def _governs(gap: str, names: Callable[[str], bool]) -> bool:
    """Whether a denial governs a risk with `gap` between them: only `risk_gap`, `risk` or
    `list_word` words, or words naming the finding ("denies SI or plan"), never "not sure about
    her plan" (module docstring)."""
    terms = _terms()
    for p in (*terms["risk"], *terms["risk_sa"], *terms["risk_gap"], *terms["list_word"]):
        gap = p.sub(" ", gap)
    return not gap.split() or names(gap)


def affirms_risk(
    clause: str, names: Callable[[str], bool] = lambda _: False, after: str = ""
) -> bool:
    """Whether a clause (normalised, `_undenied`) affirms a `risk` (module docstring): a risk word
    that stands as a risk (`_stands`) with no denial governing it in its part of the clause (up
    to a `contrast` word: `_governs`), no `history_lead` before it, not in a `risk_excluded`
    phrase, and the clause not a bare list. `names`: as for `past_clauses`; `after`: the reason's
    words after the clause (`_stands`)."""
    terms = _terms()
    clause = stated_terms.blanked(clause, "risk_excluded")
    read = _plan_blanked(clause)  # "Plan: overdose education": no overdose (fix hist35)
    found = [m for p in terms["risk"] for m in p.finditer(read)]
    if stated_sa.is_attempt(read):
        found += [m for p in terms["risk_sa"] for m in p.finditer(read)]
    if not found:
        return False
    bare = clause
    for p in (*terms["risk"], *terms["risk_sa"], *terms["list_word"]):
        bare = p.sub(" ", bare)
    if not _WORD.search(bare) and ":" not in bare:
        # "intent or plan": a list going on the clause before it; not a heading ("Plan: safety
        # plan; will hang self": its answer goes on in the next clause, fix hist36)
        return False
    cuts = [0] + [m.end() for p in terms["contrast"] for m in p.finditer(clause)]
    for risk in found:
        if not _stands(clause, risk, after):
            continue
        part = clause[max(c for c in cuts if c <= risk.start()) : risk.start()]
        if any(p.search(part) for p in terms["history_lead"]):
            continue
        denials = [m for p in (*terms["denial"], *terms["risk_denial"]) for m in p.finditer(part)]
        if not any(_governs(part[m.end() :], names) for m in denials):
            return True
    return False


def _past_date(clause: str, names: Callable[[str], bool], act: bool = False) -> str | None:
    """The latest date `clause` (normalised) states as a history, written "2025-12-28",
    "2025-12" or "2025", or None (module docstring). An `act` with a bare year needs no lead
    ("SA in 2012": critical at the visit before fix hist39, recheck K29b s31)."""
    written = [when for _, _, when in dates(clause)]
    if not written:
        return None
    for lead in _terms()["history_lead"]:
        found = lead.search(clause)
        if found is not None and not names(clause[: found.start()]):
            return max(written, key=latest_day)
    if act and all(len(when) == 4 for when in written) and names(clause):
        return max(written, key=latest_day)
    return None


def _current(plain: str, names: Callable[[str], bool], act: bool = False) -> bool:
    """Whether a `current` word stands in `plain` with no denial of the finding itself after it:
    a `denial` word among the next two words of its clause with nothing after it in the clause
    or words `names` reads ("now recurrent" is current, "now denies", "currently pt denies SI"
    are not; "now denies intent", "now denies plan", "now denies HI" are: the finding stands,
    recheck K19a s29 t19). For an `act` (an attempt, self-harm), nor is a word in a clause that
    denies now (`_denies_now`: "denies current SI"), which dated "Prior SA 2010, denies current
    SI" by the visit (recheck K27a s31 finding 3, fix hist37); the ideation's denial keeps the
    visit's date, the past-SI warning ("Hx of SI 2010, denies SI today": fix hist31)."""
    for word in _terms()["current"]:
        for found in word.finditer(plain):
            own = span_before(plain, found.start(), CLAUSE) + plain[found.start() :]
            piece = first_piece(own, CLAUSE)
            if act and _denies_now(piece.strip(), names, own[len(piece) :]):
                continue  # "Prior SA 2010, denies current SI": the denial's time (fix hist37)
            clause = span_after(plain, found.end(), CLAUSE)
            after = " ".join(clause.split()[:2])
            denials = (m for p in _terms()["denial"] if (m := p.search(after)) is not None)
            if not any(_denies_finding(clause, m.group(), names) for m in denials):
                return True
    return False


def _denies_finding(clause: str, denial: str, names: Callable[[str], bool]) -> bool:
    """Whether the words after `denial` in `clause` are none or name the finding ("denies",
    "denies SI", not "denies intent")."""
    rest = clause.split(denial, 1)[1] if denial in clause else ""
    return not rest.strip() or names(rest)


def past_clauses(
    text: str, names: Callable[[str], bool], act: bool = False
) -> tuple[str, str | None]:
    """(`text` with each clause that states a past history blanked, the latest date those
    clauses state, written "2025-12-28", "2025-12" or "2025": `latest_day` reads it); (`text`,
    None) when none does or a `current` word stands anywhere. `names`: whether some words name
    a finding (the caller's readers), so a clause whose finding comes before its lead is not
    read as a history (module docstring); `act`: read for an act (`_current`)."""
    plain = _undenied(normalise_text(text))
    if _current(plain, names, act):
        return text, None
    # A comma or full stop inside a date ("Dec 28, 2025", "12.28.2025") ends no clause.
    cut = list(plain)
    for start, end, _ in dates(plain):
        for i in range(start, end):
            cut[i] = " " if cut[i] in ".;," else cut[i]
    bounds = [0] + [m.end() for m in CLAUSE.finditer("".join(cut))] + [len(plain)]
    parts = [plain[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    latest: str | None = None
    for i, part in enumerate(parts):
        written = _past_date(part, names, act)
        if written is not None:
            parts[i] = " " * len(part)
            if latest is None or latest_day(written) > latest_day(latest):
                latest = written
    if latest is None or any(
        affirms_risk(part, names, "".join(parts[i + 1 :])) for i, part in enumerate(parts)
    ):
        return text, None  # a risk stated now beside the history (module docstring)
    return "".join(parts), latest


def _denies_now(clause: str, names: Callable[[str], bool], after: str = "") -> bool:
    """Whether a clause is a denial of now: it opens with a `denial` word (after at most two
    words naming no finding: "now denies", "pt denies"), holds no `contrast` word ("denies SI
    but ...") and no `current` word but a `denial_time` one ("denies SI now", "denies current
    SI"); what it denies is nothing more or the finding itself (recheck K19a s29 t19)."""
    terms = _terms()
    # A `denial_now` word opens a denial of now too ("OD 2015; no SI today" was critical while
    # "OD 2015; denies SI today" was the past-overdose warning: fix text83); only here, where
    # what it denies must be the finding itself and its time a `denial_time` word.
    found = min(
        (m for p in (*terms["denial"], *terms["denial_now"]) if (m := p.search(clause))),
        key=lambda m: m.start(),
        default=None,
    )
    if found is None or len(clause[: found.start()].split()) > 2:
        return False
    if any(p.fullmatch(found.group()) for p in terms["denial_now"]) and not plain_denial(
        clause[found.end() :], names, after
    ):
        return False  # "not sure about SI today", "no SI today?" (stated_denial_now, fix text85)
    lead = clause[: found.start()]
    if names(lead) or any(p.search(clause) for p in terms["contrast"]):
        return False
    if any(p.search(lead) for p in terms["risk"]):
        return False  # "Intent: none", "Plan: none": the risk's denial, not the SI's (fix hist36)
    denied = clause[found.end() :]
    for p in terms["denial_time"]:
        denied = p.sub(" ", denied)
    if denied.strip() and not names(denied):
        return False  # "denies intent", "denies plan", "denies HI": not the finding (K19a t19)
    rest = clause
    for p in terms["denial_time"]:
        rest = p.sub(" ", rest)
    return not any(p.search(rest) for p in terms["current"])


denies_now = _denies_now  # for an ended hold (visit_reason_kinds.ended_mark; fix text108)


def _denies_risks(clause: str) -> bool:
    """Whether a clause only denies risks: it opens with a `denial` or `risk_denial` word and
    holds nothing but those, risks and `risk_gap`, `list_word` or `history_lead` words ("no
    current plan", "no intent", "no prior attempts"); its "current" is the denied risk's, no
    present finding (recheck K23 s30 n17: a full denial was the critical card)."""
    terms = _terms()
    denials = (*terms["denial"], *terms["risk_denial"])
    if not any(p.match(clause) for p in denials):
        return False
    rest = clause
    for p in (*denials, *terms["risk"], *terms["risk_sa"], *terms["risk_gap"], *terms["list_word"]):
        rest = p.sub(" ", rest)
    rest = stated_terms.blanked(rest, "history_lead")
    return not rest.split()


def history_denied(text: str, names: Callable[[str], bool]) -> bool:
    """Whether `text` states a finding only as a history ("History of SI", a `history_lead` with
    nothing named before it) and denies it now in a clause of its own (`_denies_now`), with no
    `current` word in any other clause (module docstring). `names`: as for `past_clauses`."""
    lead = denial = False
    tokens = pieces(_undenied(normalise_text(text)), CLAUSE_KEPT)
    # Each clause with the reason after it, from its closing mark (stated_heading.sentence_rest).
    pairs = [(tokens[i].strip(), "".join(tokens[i + 1 :])) for i in range(0, len(tokens), 2)]
    for clause, after in ((c, a) for c, a in pairs if c):
        if affirms_risk(clause, names, after):
            return False  # a plan, intent, overdose or attempt stated now (recheck K20a s30)
        clause = _plan_blanked(clause)  # "Plan: overdose education" names no overdose
        if _denies_now(clause, names, after):
            denial = True
            continue
        if _denies_risks(clause):
            continue  # "no current plan", "no prior attempts": a full denial (recheck K23 n17)
        if any(p.search(clause) for p in _terms()["current"]):
            return False
        if stated_denied.denied_finding(clause) and not names(clause):
            denial = True  # "SI/HI: denies", "-SI, +HI", "SI neg" (fix hist37)
            continue
        if not names(clause) or stated_heading.heading_denied(clause, names):
            continue  # "SI plan: none" (fix hist37)
        if not any(
            (m := p.search(clause)) is not None and not names(clause[: m.start()])
            for p in _terms()["history_lead"]
        ):
            return False
        lead = True
    return lead and denial


def _bare(clause: str, names: Callable[[str], bool]) -> bool:
    """Whether a clause holds only risks and `list_word`, `risk_gap` or `history_lead` words, or
    words `names` reads ("or prior attempts", "plan"): a list item, no statement of its own."""
    terms = _terms()
    rest = clause
    for role in ("risk", "risk_sa", "risk_gap", "list_word", "history_lead"):
        for p in terms[role]:
            rest = p.sub(" ", rest)
    return not rest.split() or names(rest)


def _plan_blanked(clause: str) -> str:
    """`clause` with a heading's answer that is the treatment plan blanked ("Plan: overdose
    education, naloxone": no overdose; stated_heading.treatment_answer, recheck K25a s30)."""
    for risk in (m for p in _terms()["risk"] for m in p.finditer(clause)):
        rest = clause[risk.end() :]
        if rest.lstrip().startswith(":") and stated_heading.treatment_answer(rest.lstrip()[1:]):
            return clause[: risk.end()] + " " * len(rest)
    return clause


def denied_lists(text: str, names: Callable[[str], bool]) -> str:
    """`text` (normalised) with each list going on a denial blanked: the comma-separated bare
    clauses (`_bare`) after a clause that denies (`_denies_now`, `_denies_risks`), the last of
    them opening with a `list_word` ("denies current SI, plan, intent, or prior attempts": the
    attempts are denied too, recheck K23 s30 n18 was the critical self-harm card). Without the
    closing "or" ("denies current SI, prior attempts") the clause is a statement and stays. A
    treatment plan's answer is blanked too (`_plan_blanked`)."""
    tokens = pieces(_undenied(normalise_text(text)), CLAUSE_KEPT)
    texts, ends = [_plan_blanked(t) for t in tokens[0::2]], [*tokens[1::2], ""]
    i = 0
    while i < len(texts):
        clause = texts[i].strip()
        j = i + 1
        after = "".join(t + e for t, e in zip(texts[i + 1 :], ends[i + 1 :], strict=True))
        if _denies_now(clause, names, ends[i] + after) or _denies_risks(clause):
            while j < len(texts) and ends[j - 1] == "," and _bare(texts[j].strip(), names):
                j += 1
            last = texts[j - 1].strip()
            if j > i + 1 and any(p.match(last) for p in _terms()["list_word"]):
                texts[i + 1 : j] = [" " * len(t) for t in texts[i + 1 : j]]
        i = j
    return "".join(t + e for t, e in zip(texts, ends, strict=True))
