"""Words after a shorthand `prefix` denial that undo or limit it (data/text_negations.csv
`prefix_undo`, `prefix_undo_lead`; session 41 fix text104, recheck K66a finding 1).

"Negative SI/HI screen, positive on repeat", "Negative SI until today", "Negative SI HI plan",
"neg SI passive" were quiet with TMS offered: the prefix ("Negative", "Neg", "(-)") was read as
denying the SI whatever followed it. A prefix is a checklist's shorthand for a plain negative
screen; words after it that say the screen turned ("positive", "+", "on repeat"), that it held
only for a while ("until"), that a kind of ideation or a plan is there ("passive", "plan"), or a
conjunction ("but", "however") say the denial is not the whole answer, and the doubtful reading
keeps the finding: a false critical card costs a question, a quiet one a missed current risk.
A `prefix_undo_lead` word ("now", "today", "yesterday") undoes only when a word follows it in its
clause ("Negative SI, now endorses", "Neg SI yesterday, today with plan"): "Negative SI today"
is a plain negative screen. An undo word a `pre` cue denies in its own clause ("Neg SI/HI, no
plan", "Negative SI, denies passive thoughts") undoes nothing: "Negative SI/HI/AH/VH" and
"neg SI/HI, no plan" stay denials.

Apart from text_negation.py (a module near its limit) because what ends a prefix's reach is its
own idea; read there, in `negated`, where the prefix is read."""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.negation_cues import cue_rows
from fhir_mapping.text_bounds import CLAUSE, SENTENCE_OR_LINE, span_after, span_before

__all__ = ["pre_undone", "prefix_undone"]

# Grammar, not a clinical word: an item joined to a denial's list ("Denies SI, HI, plan or
# intent", "denies SI or plan", "SI/HI/plan") is one more thing denied.
# "with" and "any" / "a" join as well ("Denies SI with plan", "Denies SI, HI, any plans to harm
# self"), and so does a blank an answered item left ("Denies SI, thoughts or plans to ...").
_LIST_JOINT_BEFORE = re.compile(
    r"(?:[,/&]|\b(?:or|and|nor|with|without)|[^\S\n]{2,})\s*(?:(?:any|a)\s+)?$"
)


def _words(cues: list[str]) -> str:
    # A cue of punctuation ("+", "(+)") has no word boundary: it stands after a space or
    # starts a word ("+plan", "(+) passive"); a word cue is a whole word.
    parts = []
    for cue in sorted(cues, key=len, reverse=True):
        left = r"\b" if cue[:1].isalnum() else r"(?<![\w+])"
        right = r"\b" if cue[-1:].isalnum() else ""
        parts.append(left + re.escape(cue) + right)
    return "|".join(parts) or "(?!)"


# A comma, dash or colon right after a lead word opening a sentence ("Today, with plan", "Today -
# with plan", "Now: plan to overdose") joins the lead word to its clause (fix text113).
_LEAD_MARK = re.compile(r"^\s*(?:[,:]|-+|[\u2013\u2014])")


@cache
def _undo() -> re.Pattern[str]:
    rows = cue_rows()
    plain = _words(rows.get("prefix_undo", []))
    # A lead word counts only with a word after it in its clause (no comma or stop between).
    lead = _words(rows.get("prefix_undo_lead", []))
    return re.compile(r"(?:" + plain + r")|(?:" + lead + r")(?=[^\S\n]+[\w+])")


@cache
def _role(role: str) -> re.Pattern[str]:
    return re.compile(_words(cue_rows().get(role, [])))


def _denied(text: str, start: int) -> bool:
    """Whether a shared `pre` cue stands before `start` in its own clause ("no plan")."""
    from fhir_mapping.text_negation import pre_cued  # no cycle at import

    return pre_cued(span_before(text, start, CLAUSE))


def _time_limited(between: str) -> bool:
    """Whether a `pre_undo_time` word ("yesterday", "last week") stands in `between`, the words
    from a denied finding to a lead word: the denial was limited to that earlier time."""
    return _role("pre_undo_time").search(between) is not None


def _finding_after(after: str, phrase: str, *, own_denials: bool) -> bool:
    """Whether the clause after a lead word names the finding again or holds an undo word;
    with `own_denials`, one its own `pre` cue denies ("yesterday, today denies plan") is none."""
    if re.search(r"\b" + re.escape(phrase) + r"\b", after) and not (
        own_denials and _denied(after, after.index(phrase))
    ):
        return True
    return any(not (own_denials and _denied(after, u.start())) for u in _undo().finditer(after))


def prefix_undone(text: str, start: int, end: int) -> bool:
    """Whether the rest of the sentence (or line) after the phrase at text[start:end] (of
    `normalise_text` output) holds a word that undoes a `prefix` denial before the phrase, not
    itself denied in its clause. The text after the phrase only: the prefix is read before it.
    With `pre_undone`'s narrowings (recheck K68a finding 9: "Neg SI/HI, positive for anxiety",
    "(-) SI/HI, + anxiety", "..., safety plan reviewed", "..., passive smoker", "..., now
    sleeping better", "..., but tearful" had become critical: a review of systems is written
    so): benign plans blanked, a listed plan one more item denied, "intent" no undo, an opening
    word ("positive", "+", "but", "endorses") only with the finding named again; a lead word
    ("now", "today") only with the finding or another undo word after it in its clause
    ("Negative SI, now endorses", "Neg SI yesterday, today with plan")."""
    return _undone(text, start, end, lead_kept=True)


def pre_undone(text: str, start: int, end: int) -> bool:
    """Whether the rest of the sentence (or line) after the phrase at text[start:end] undoes a
    `pre` denial ("denies", "no", "without") before it, as `prefix_undone` does a prefix's
    (session 41 fix text105: "Denies SI until today", "Denies SI passive", "Denies SI HI plan",
    "No SI until today", "denies SI, positive on repeat" were quiet, TMS offered). A `pre` cue is
    the commonest denial in notes, so narrowings keep plain denials quiet: everyday and safety
    plans are blanked first ("but has a plan for discharge"); a `pre_undo_listed` word ("plan",
    "passive") joined to the denial's list is one more item denied ("Denies SI, HI, plan or
    intent", "denies SI or plan", "Denies SI with plan", "denies SI, plan to follow up"); a
    `pre_undo_not` word ("intent": "denies suicidal intent") never undoes; a `pre_undo_open` word
    ("positive", "endorses", "but") undoes only when it names the denied finding again ("denies
    SI, positive for SI on repeat"), not another ("Denies SI/HI, positive for anxiety",
    "denies SI, now endorses HI"); a `prefix_undo_lead` word never does ("denies SI today,
    reports none", "no SI today, plan: ...": the denial's time, common in notes) unless the denial was limited
    to another time before it ("Denies SI yesterday, today with plan": fix text106). Past these,
    the doubtful reading keeps the finding."""
    return _undone(text, start, end, lead_kept=False)


def _benign_blanked(words: str) -> str:
    """`words` with an everyday plan ("but has a plan for discharge") or a `risk_excluded` one
    ("has a safety plan", "treatment plan") blanked, length kept: no plan of self-harm."""
    from fhir_mapping import stated_terms  # no cycle at import
    from fhir_mapping.stated_report import blank_benign_plans

    words = blank_benign_plans(words)
    for p in stated_terms.patterns("risk_excluded"):
        words = p.sub(lambda m: " " * len(m.group()), words)
    return words


def _undone(text: str, start: int, end: int, *, lead_kept: bool) -> bool:
    """`pre_undone` and `prefix_undone`: `lead_kept`, whether a lead word may undo (a prefix's
    \"Negative SI, now endorses\"; never a `pre` cue's, see there)."""
    rest = _benign_blanked(span_after(text, end, SENTENCE_OR_LINE))
    phrase = text[start:end].strip()
    listed, opener, lead = (
        _role("pre_undo_listed"),
        _role("pre_undo_open"),
        _role("prefix_undo_lead"),
    )
    for m in _undo().finditer(rest):
        word = m.group()
        if _denied(rest, m.start()) or _role("pre_undo_not").fullmatch(word):
            continue
        if listed.fullmatch(word) and _LIST_JOINT_BEFORE.search(rest[: m.start()]):
            continue
        if opener.fullmatch(word) and not re.search(
            r"\b" + re.escape(phrase) + r"\b", rest[m.end() :]
        ):
            continue
        if lead.fullmatch(word):
            # "denies SI now, reports feeling well": the denial's time (`pre_undone`); after a
            # prefix, only with the finding or an undo word after it in its clause. After a
            # `pre` cue limited to another time first ("Denies SI yesterday, today with plan",
            # "No SI last week, now with plan": a `pre_undo_time` word between the finding and
            # the lead word), the later clause is read as a prefix's (fix text106): the denial
            # covered the earlier time only, and the doubtful reading keeps the finding.
            after = span_after(rest, m.end(), CLAUSE)
            if not (lead_kept or _time_limited(rest[: m.start()])):
                continue
            if not _finding_after(after, phrase, own_denials=not lead_kept):
                continue
        return True
    return _next_sentence_undoes(text, end, rest, phrase)


def _next_sentence_undoes(text: str, end: int, rest: str, phrase: str) -> bool:
    """Whether a denial limited to an earlier time ("denied SI last night.") is undone by the
    next sentence opening with a lead word and the finding or an undo word ("Today with plan"):
    the full stop ends the sentence, not what the denial covered; a clinician writes the two
    times as two sentences as often as two clauses (recheck K70a finding 4, fix text109: it
    was quiet, TMS offered). Only after a full stop, only a lead word opening the sentence
    ("Today here for refill", "Today denies plan" stay denials). After a plain denial, only the
    finding or a plan word (`_plainly_contradicted`, fix text110)."""
    close = end + len(rest)
    if text[close : close + 1] != ".":
        return False
    following = text[close + 1 :].lstrip()
    # A subject word may open the sentence before the lead word ("Pt now with plan", "She now
    # has a plan"), and a comma or dash may follow it ("Today, with plan"): fix text113, both
    # were quiet, TMS offered; the doubtful reading keeps the finding.
    subject = _role("prefix_undo_subject").match(following)
    if subject is not None and following[subject.end() : subject.end() + 1].isspace():
        following = following[subject.end() :].lstrip()
    opening = _role("prefix_undo_lead").match(following)
    if opening is None:
        return False
    tail = _LEAD_MARK.sub(lambda m: " " * len(m.group()), following[opening.end() :], count=1)
    after = span_after(_benign_blanked(tail), 0, CLAUSE)
    if _time_limited(rest):
        return _finding_after(after, phrase, own_denials=True)
    return _plainly_contradicted(after, phrase)


def _plainly_contradicted(after: str, phrase: str) -> bool:
    """Whether the clause after a lead word opening the next sentence after a plain denial
    ("Denies SI. Today with plan", "denies SI. now + plan") names the finding again or a
    `pre_undo_listed` word ("plan", "passive"), not denied in its clause (fix text110: it was
    quiet, TMS offered). A plain denial stands for the visit, so a later sentence that opens
    with "today" / "now" and names a plan contradicts it, and the doubtful reading keeps the
    finding. Narrower than a time-limited denial's `_finding_after`: an opening word ("but",
    "positive") there reads another finding ("Denies SI. Today tired but OK" stays a denial);
    everyday plans are blanked ("Denies SI. Today plan for discharge"), a plan heading is none
    ("Denies SI. Today plan: f/u 4 wks")."""
    found = [m.start() for m in re.finditer(r"\b" + re.escape(phrase) + r"\b", after)]
    # A plan word as a heading ("Today plan: f/u 4 wks") opens the note's plan section.
    found += [
        m.start()
        for m in _role("pre_undo_listed").finditer(after)
        if not after[m.end() :].lstrip().startswith(":")
    ]
    return any(not _denied(after, at) for at in found)
