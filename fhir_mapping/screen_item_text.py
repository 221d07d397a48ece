"""A screening item's answer written as text: "PHQ-9 item 9: 2", "PHQ9 #9 = 1", "EPDS Q10 = 2",
"EPDS item 10: yes", "C-SSRS Q2: yes", "ASQ positive", "CSSRS screen positive" in an ED visit's
reason or a Condition's note (session 37 fix text79: all were quiet, TMS offered).

A screening answer written so is the same signal as the coded answer: a PHQ-9 item 9 above its
lowest answer is a positive screen that asks for a suicide-risk assessment today (../shared/
clinical/REFERENCE.md 5, Simon 2013; services/data/self_harm_items.csv), as an EPDS item 10 above
"Never" is, and a yes to any C-SSRS screener or ASQ question. Here such an answer is read as
suicidal ideation stated in words (self_harm_text.ideation reads it), so the suicide-risk card is
critical and the TMS referral held, as for a coded answer above the threshold.

The threshold is not a literal: an answer is positive when it is above the LOWEST answer of the
item's own list, the list the coded answer is read on (PHQ-9 LL358-3 "Not at all" in
data/phq9_answer_codes.csv, codes.phq9_answer_texts; EPDS item 10 "Never" in
data/epds_item10_answers.csv), which is the rule services/data/self_harm_items.csv states and the
suicide-risk rule applies to `Score.item9` ("above 0", "above 'Never'"). A number above the list's
highest answer ("item 9: 12") is no answer the list holds; it is read as positive: it is not the
lowest answer, and a false critical card is the safer error than a quiet positive.

Decision ("item 9 positive", no number): positive, read at the least positive answer. The words
say the item was positive, which is what a coded 1 says; which answer was given the clinician
looks up, and a critical card costs an assessment while a missed positive item 9 may cost a life
(COMMON safety rule). A bare "item 9" is the PHQ-9's (its suicide item) unless another scale is
named before it in its clause ("EPDS item 9: 2" is the EPDS crying item: `other_screen` rows).

Not read (nothing said): a total ("PHQ-9: 9", "EPDS 10": no item named), the lowest answer
("PHQ-9 item 9: 0", "EPDS item 10: never"), a negative word ("C-SSRS: negative", "ASQ
negative"), and an answer this reader does not know ("item 9: see flowsheet"). Only the first
answer after the item is read. The words are data (data/screen_item_text.csv).

Fix text89 (session 38): an answer written before its item ("Pt scored 2 on item 9": an
`answer_lead` word, the number, an `answer_join` word) or after its separator ("item 9: scored
2"); other scales' suicide items ("HAM-D item 3: 2", "MADRS item 10: 4", "QIDS item 12: 2") and
the C-SSRS screener as a number ("C-SSRS 2/6"), read on data/scale_suicide_items.csv
(scale_suicide_items.py: why above 0, and which numbers are no answer).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping import epds_item10, scale_suicide_items
from fhir_mapping.codes import phq9_answer_max, phq9_answer_texts
from fhir_mapping.text_negation import normalise_text

__all__ = ["positive"]

# Instruments whose answers are a list with values (numbers are read on it).
_PHQ9, _EPDS = "PHQ-9", "EPDS"
# A question's number in a `between` row ("q<n>": "q2").
_NUMBER = "<n>"
# Where the clause before a bare "item 9" starts (another scale named in it is looked for).
_CLAUSE = re.compile(r"[,;.\n]")
# What stands between an item and its answer: "item 9: 2", "item 9 = 1", "item 9 - 2", "(+)".
_SEPARATOR = r"\s*(?:[:=]|-|\bis\b|\bwas\b)?\s*\(?\s*"
# A number written as the answer, alone or out of its maximum ("2", "2/3"), not a decimal.
_ANSWER_NUMBER = re.compile(r"(\d{1,3})(?:\s*/\s*(\d{1,3}))?(?![\w.])")


@dataclass(frozen=True)
class _Lead:
    pattern: re.Pattern[str]
    instrument: str
    bare: bool  # an item named without its scale ("item 9"): another scale's name excludes it
    item: bool  # an item named (read at once), not a screen (a `between` word may come first)


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("fhir_mapping").joinpath("data/screen_item_text.csv")
    return tuple(csv.DictReader(text.read_text("utf-8").splitlines()))


def _words(term: str) -> str:
    """A term as a whole-word pattern, "<n>" a question's number (1-2 digits)."""
    body = r"\d{1,2}".join(re.escape(normalise_text(p)) for p in term.split(_NUMBER))
    return rf"(?<![\w#]){body}(?![\w#])"


def _alternation(role: str) -> str:
    terms = sorted((r["term"] for r in _rows() if r["role"] == role), key=len, reverse=True)
    return "|".join(_words(t) for t in terms) or r"(?!x)x"


@cache
def _leads() -> tuple[_Lead, ...]:
    rows = sorted((r for r in _rows() if r["role"] == "lead"), key=lambda r: -len(r["term"]))
    scale_names = ("phq", "epds", "c ssrs", "cssrs", "columbia", "asq")
    listed = (
        _Lead(
            re.compile(_words(r["term"])),
            r["instrument"],
            not normalise_text(r["term"]).startswith(scale_names),
            r["instrument"] in (_PHQ9, _EPDS),
        )
        for r in rows
    )
    # Other scales' suicide items ("HAM-D item 3", "MADRS item 10"; fix text89).
    others = (_Lead(p, i, False, True) for p, i in scale_suicide_items.item_leads())
    return (*listed, *others)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(words between a scale and its answer, another scale's name, a positive word, a negative
    word)."""
    between = re.compile(rf"(?:\s*(?:{_alternation('between')}))*")
    return (
        between,
        re.compile(_alternation("other_screen")),
        re.compile(rf"(?:{_alternation('positive')})"),
        re.compile(rf"(?:{_alternation('negative')})"),
    )


@cache
def _answer_lead() -> re.Pattern[str]:
    """A word between an item and its answer ("score of", "answered"), after a space."""
    return re.compile(rf"\s*(?:{_alternation('answer_lead')})")


@cache
def _item_wording() -> re.Pattern[str]:
    """The item's own question quoted between it and its answer ("PHQ9 item 9 better off dead 2",
    "... (better off dead): 2"): skipped, so the answer after it is read (fix text97: "Denies SI
    PHQ9 item 9 better off dead 2" was quiet, TMS offered: the answer went unread and the
    denial took the wording)."""
    return re.compile(rf"\s*\(?\s*(?:{_alternation('item_wording')})\s*\)?")


@cache
def _answer_before() -> re.Pattern[str]:
    """An answer written before its item ("scored 2 on item 9", "rated 4 on MADRS item 10": an
    `answer_lead` word, the number, an `answer_join` word, the item at the end; fix text89)."""
    lead, join = _alternation("answer_lead"), _alternation("answer_join")
    # Or a later answer of a list the lead word opened ("scored 2 on item 9 of the PCL-5, 2 on
    # PHQ-9 item 9": fix text92, once the first answer is another scale's).
    listed = rf"(?:{lead})[^.;\n?]*(?:,|\band\b)"
    return re.compile(rf"(?:{listed}|{lead})\s*(\d{{1,3}}(?:\s*/\s*\d{{1,3}})?)\s*(?:{join})\s*$")


@cache
def _item_of() -> re.Pattern[str]:
    """An `item_of` word and another scale's name right after a bare item ("item 9 of the
    PCL-5"): that scale's item, as one named before it (fix text92)."""
    _, other, _, _ = _patterns()
    return re.compile(rf"\s*(?:{_alternation('item_of')})\s*(?:{other.pattern})")


@cache
def _joined() -> re.Pattern[str]:
    """An `answer_join` word right after a number ("3 on item 3"; fix text92)."""
    return re.compile(rf"\s*(?:{_alternation('answer_join')})\s*")


def _joined_item(text: str, at: int, instrument: str) -> bool:
    """Whether an `answer_join` word at `at` leads to another item, another scale or a
    `later_stop` word ("3 on item 3", "2 on GAD-7 item 9"): not this item again ("0, 2 on item 9
    later" stays its later answer) nor a time ("2 on recheck")."""
    join = _joined().match(text, at)
    if join is None:
        return False
    leads = _leads()
    if any(lead.pattern.match(text, join.end()) for lead in leads if lead.instrument == instrument):
        return False
    stop, _, _ = _later_patterns()
    _, other, _, _ = _patterns()
    return any(p.match(text, join.end()) for p in (stop, other, *(x.pattern for x in leads)))


@cache
def _answer_list(instrument: str) -> tuple[dict[str, int], int, int] | None:
    """(answer words -> value, the lowest value, the highest) of the item's own list; None for a
    scale read by its positive and negative words only (C-SSRS, ASQ)."""
    if instrument == _PHQ9:
        values = phq9_answer_texts()
        words = {normalise_text(w): v for w, v in values.items()}
        return words, min(values.values()), phq9_answer_max()
    if instrument == _EPDS:
        # epds_item10's table of answer words (its private reader: the one place they are read).
        values = epds_item10._by_words()
        words = {normalise_text(w): v for w, v in values.items()}
        return words, min(values.values()), max(values.values())
    scale = scale_suicide_items.scale_items().get(instrument)
    if scale is not None:
        # No answer words: a number, positive above the row's threshold (fix text89).
        return {}, scale.positive_above, scale.highest
    return None


def _not_a_count(after: str, number: re.Match[str], instrument: str) -> bool:
    """Whether the number opening `after` is no answer of a scale of
    data/scale_suicide_items.csv (scale_suicide_items.py docstring): a date ("11/20", "12/1"),
    a time or unit after it ("2 weeks"), or a question's number with its answer after it
    ("C-SSRS 2: no"). The PHQ-9 and EPDS keep their reading (a number past the list is read)."""
    scale = scale_suicide_items.scale_items().get(instrument)
    # The EPDS keeps the reading of its answer list (its row names its item for the leads only;
    # fix text94): "EPDS item 10: 2 weeks" was read before the row and stays read.
    if scale is None or instrument in (_PHQ9, _EPDS):
        return False
    value, out_of = int(number.group(1)), number.group(2)
    if out_of is not None and (int(out_of) > scale.highest or value > int(out_of)):
        return True
    rest = after[number.end() :]
    if rest.startswith("/") or re.match(rf"\s*{_unit_words('not_answer_after')}(?!\w)", rest):
        return True
    _, _, positive_word, negative_word = _patterns()
    said = re.match(r"\s*[:=]\s*", rest)
    return said is not None and bool(
        positive_word.match(rest, said.end()) or negative_word.match(rest, said.end())
    )


def _read_answer(after: str, instrument: str) -> bool | None:
    """Whether the answer at the start of `after` is positive (True), the lowest or a negative
    word (False), or not an answer this reader knows (None)."""
    _, _, positive_word, negative_word = _patterns()
    listed = _answer_list(instrument)
    if listed is not None:
        words, lowest, _highest = listed
        # The list's own words first ("not at all", "hardly ever", "yes, quite often").
        for said in sorted(words, key=len, reverse=True):
            if re.match(rf"{re.escape(said)}(?!\w)", after):
                return words[said] > lowest
        number = _ANSWER_NUMBER.match(after)
        if number is not None and not _not_a_count(after, number, instrument):
            # Above the lowest answer, a number beyond the highest too (module docstring).
            return int(number.group(1)) > lowest
    if positive_word.match(after):
        return True
    if negative_word.match(after):
        return False
    return None


def _unit_words(role: str) -> str:
    """A `not_answer_*` or `later_stop` row as a pattern (scale_suicide_items.unit_words)."""
    return scale_suicide_items.unit_words(role)


@cache
def _later_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(where the item's later answers end, a number that is no answer, a number)."""
    stop = re.compile(rf"[;.\n?]|(?<![\w#]){_unit_words('later_stop')}(?![\w#])")
    not_answer = re.compile(
        rf"(?<!\w){_unit_words('not_answer_before')}\s*$"
        rf"|^\s*{_unit_words('not_answer_after')}(?!\w)"
    )
    return stop, not_answer, re.compile(r"(?<![\w./])(\d{1,3})(?:\s*/\s*(\d{1,3}))?(?![\w./])")


def _later_positive(text: str, at: int, instrument: str) -> bool:
    """Whether a later answer of the same item in its sentence, after `at`, is positive (module
    docstring: "item 9: 0 -> 2")."""
    stop, not_answer, number = _later_patterns()
    _, other, positive_word, _ = _patterns()
    end = min(
        (m.start() for m in (stop.search(text, at), other.search(text, at)) if m), default=len(text)
    )
    for lead in _leads():
        found = lead.pattern.search(text, at, end)
        end = found.start() if found is not None else end
    span = text[at:end]
    listed = _answer_list(instrument)
    if listed is not None:
        words, lowest, highest = listed
        for said in words:
            if words[said] > lowest and re.search(rf"(?<!\w){re.escape(said)}(?!\w)", span):
                return True
        for m in number.finditer(span):
            value, out_of = int(m.group(1)), m.group(2)
            # "2/3" is an answer out of the list's highest; "1/27" is a date.
            if out_of is not None and int(out_of) != highest:
                continue
            if not_answer.search(span[: m.start()]) or not_answer.search(span[m.end() :]):
                continue
            # "..., 3 on item 3": an answer written before the item it answers, read there
            # (`_answer_before`), never this item's later answer (fix text92).
            if _joined_item(text, at + m.end(), instrument):
                continue
            if lowest < value <= highest:
                return True
    # A positive word as an answer: the sentence's end or a `later_follow` word after it ("ASQ
    # negative, positive on repeat"), not "positive for anhedonia".
    follow = re.compile(rf"\W*(?:$|{_unit_words('later_follow')}(?!\w))")
    return any(follow.match(span, w.end()) for w in positive_word.finditer(span))


@lru_cache(maxsize=2048)
def positive(text: str) -> bool:
    """Whether `text` writes a self-harm screening item or screen answered above its lowest
    answer (module docstring)."""
    text = normalise_text(text)
    between, other, positive_word, _ = _patterns()
    answer_lead = _answer_lead()
    for lead in _leads():
        for m in lead.pattern.finditer(text):
            if lead.bare and other.search(_CLAUSE.split(text[: m.start()])[-1]):
                continue  # "EPDS item 9: 2": another scale's item
            if lead.bare and _item_of().match(text, m.end()):
                continue  # "item 9 of the PCL-5": the scale named after (fix text92)
            # A scale read by its result may name a question or "screen" before it.
            at = m.end() if lead.item else (between.match(text, m.end()) or m).end()
            wording = _item_wording().match(text, at)
            at = wording.end() if wording is not None else at
            # "item 9 score of 2", "item 9 answered 2": a word before the answer.
            said = answer_lead.match(text, at)
            at = said.end() if said is not None else at
            answer = re.match(_SEPARATOR, text[at:])
            start = at + (answer.end() if answer else 0)
            # "item 9: scored 2": the word after the separator (fix text89).
            said = answer_lead.match(text, start) if said is None else None
            if said is not None:
                again = re.match(_SEPARATOR, text[said.end() :])
                start = said.end() + (again.end() if again else 0)
            read = _read_answer(text[start:], lead.instrument)
            if read:
                return True
            # A later answer of the item once its first is read ("item 9: 0 -> 2").
            if read is False and _later_positive(text, start, lead.instrument):
                return True
            # A positive word right before the item or screen ("positive ASQ", "+ item 9").
            before = text[: m.start()].rstrip()
            # An answer before the item ("scored 2 on item 9"; fix text89).
            ahead = _answer_before().search(text[: m.start()])
            read = None if ahead is None else _read_answer(ahead.group(1), lead.instrument)
            if read:
                return True
            # "scored 0 on item 9, 2 on item 9 later", "..., later 2": a later positive answer
            # of the same item wins over the first (fix text92, as text87's later endorsement).
            if read is False and _later_positive(text, m.end(), lead.instrument):
                return True
            if any(w.end() == len(before) for w in positive_word.finditer(before)):
                return True
    return False
