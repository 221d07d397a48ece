"""An "OD" standing as its own item of an ED visit's or a stay's reason read as an overdose
(session 36 fix text78, recheck K54a finding 3).

Decision: 'Narcan for OD', 'OD, narcan given', 'OD requiring narcan', 'Pt with OD', 'Found down,
OD', 'AMS, ?OD', 'OD vs accidental ingestion', 'OD, 30 tylenol', 'OD - tylenol', 'OD 30 tylenol'
were quiet, TMS offered: text68 read a bare "OD" only as the whole text (od_lookalike._BARE_OD).
Its argument holds for an item of a list as well: in an ED visit's or a stay's reason an "OD"
standing alone between list marks (the start, ",", ";", "-", "?", the end), after an
`od_item_lead` word ("for", "with") or before a count, a substance or an `od_item_next` word
("requiring", "vs") is far more often an overdose than the right eye or a once-daily dose, and a
missed overdose costs a life where a card to dismiss costs a question. The eye's and the sig's
readings name their measure or drug right before "OD" ("blurry vision OD", "IOP 18 OD",
"sertraline 50 mg OD") or the other eye after it ("OD/OS"): no item of its own. An eye measure,
exam or visit word anywhere in the reason (`lookalike_eye_next`, `od_eye_visit`, `od_item_eye`
rows: "OD, IOP 18") or an eye word before the "OD" (`lookalike_eye`: "Eye pain, OD") leaves it
to the eye readers (od_lookalike.py), the eye's side being likelier there; an eye finding after
it ("Found down, OD, eyes closed") does not (fix text81), nor one before it when the reason names
an overdosed patient's presentation (`od_item_acute`: "Found down, eyes closed, OD", fix text88).
Only
the readers of an ED visit's or a stay's reason use this (visit_reason_kinds._od_side); an eye
record never does (eye_context.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from fhir_mapping import self_harm_terms, stated_heading
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.substance_words import substance_alternation
from fhir_mapping.text_negation import normalise_text

__all__ = ["acute_sided"]

# The words the event rows read as an overdose, put in place of an item's "OD".
_OVERDOSE = "overdose"


def _alternation(terms: Sequence[str]) -> str:
    """`terms` (normalised) as one alternation, longest first, "*" any ending; never matches
    when there are none."""
    if not terms:
        return "(?!)"
    return "|".join(
        re.escape(t.rstrip("*")).replace(r"\*", r"\w*") + (r"\w*" if t.endswith("*") else r"\b")
        for t in sorted(terms, key=len, reverse=True)
    )


def _rows(*roles: str) -> tuple[str, ...]:
    return tuple(normalise_text(t) for role in roles for t in self_harm_terms.terms(role))


@cache
def _item() -> re.Pattern[str]:
    """The "od" of an item: list marks or a lead word before it, a list mark, the end, a count,
    a substance or a next word after it (module docstring)."""
    lead = _alternation(_rows("od_item_lead"))
    after = _alternation(_rows("od_item_next"))
    # A count, not a measure or a date after it ("OD 20/40", "OD 11/18": the eye's acuity, a visit).
    count = r"\d+(?![\d/:.])"
    before = r"(?P<before>^|[,;?-][ \t]*|\b(?:" + lead + r")[ \t]+)"
    words = substance_alternation() + r"|" + after
    then = r"(?=[ \t]*(?:$|[,;?.-]|" + count + r"|(?:" + words + r")))"
    return re.compile(before + r"od\b" + then, re.IGNORECASE | re.MULTILINE)


@cache
def _eye() -> re.Pattern[str]:
    """An eye word that makes the reason's "OD" the eye's wherever it stands: the other eye
    ("OS", "OU"), an eye visit, an eye measure, exam or procedure (`lookalike_eye_next`: "OD,
    IOP 18", "OD - exam")."""
    words = _rows("lookalike_eye_next", "od_eye_visit", "od_item_eye")
    return re.compile(r"\b(?:" + _alternation(words) + r")")


@cache
def _eye_before() -> re.Pattern[str]:
    """An eye word (`lookalike_eye`: "eye", "cataract") that makes an item's "OD" the eye's only
    before it. After it, in an item of its own, it is a finding beside an overdose: "Found down,
    OD, eyes closed" was quiet, TMS offered (session 37 fix text81); closed eyes, like pinpoint
    pupils, are what an ED writes of an overdosed patient, and the right eye is named before its
    finding or measure ("Eye pain OD", "VA OD 20/40"), never as an item after it."""
    return re.compile(r"\b(?:" + _alternation(_rows("lookalike_eye")) + r")")


@cache
def _acute() -> re.Pattern[str]:
    """A presentation of an overdosed patient named anywhere in the reason (`od_item_acute`:
    "found down", "unresponsive", "eyes closed", "pinpoint"). "Found down, eyes closed, OD" was
    quiet, TMS offered (session 38 fix text88): "eyes" before the item's "OD" read it as the right
    eye (`_eye_before`, fix text48a's "Eye pain, OD"). A patient found down or unresponsive has no
    eye complaint in the same list; the "eyes" there are a finding of the collapse (closed eyes,
    pinpoint pupils), so the item's "OD" is the ingestion, and a missed overdose costs a life where
    a card to dismiss costs a question (the safer error). An eye measure or visit word
    (`_eye`: "OS", "IOP") still makes the whole reason the eye's."""
    return re.compile(r"\b(?:" + _alternation(_rows("od_item_acute")) + r")")


@cache
def _lookalikes() -> tuple[re.Pattern[str], ...]:
    """The `lookalike` rows naming "od" ("seen by * *, od": an optometrist's credential)."""
    rows = self_harm_terms.terms("lookalike")
    return tuple(term_regex(t) for t in rows if re.search(r"\bod\b", normalise_text(t)))


def _other_reading(text: str) -> bool:
    """Whether the text reads "OD" otherwise: an eye word in it, a `lookalike` row naming "od",
    or a method as a plan heading's answer ("Plan: yes, OD": planned, not done; stated_heading)."""
    plain = normalise_text(text)
    return (
        _eye().search(plain) is not None
        or any(p.search(plain) for p in _lookalikes())
        or stated_heading.states_method(plain)
    )


def acute_sided(text: str) -> str:
    """`text`, each "OD" standing as its own item written "overdose", unless an eye word stands
    in the text, or a `lookalike_eye` word before that "OD" in a reason naming no overdosed
    patient's presentation (module docstring, `_eye_before`, `_acute`). Its
    lines and case are kept: the readers read by lines (text_lines.py)."""
    if _other_reading(text):
        return text
    before = _eye_before()
    acute = _acute().search(normalise_text(text)) is not None

    def item(m: re.Match[str]) -> str:
        if not acute and before.search(normalise_text(text[: m.start()])):
            return m.group()
        return m.group("before") + _OVERDOSE

    return _item().sub(item, text)
