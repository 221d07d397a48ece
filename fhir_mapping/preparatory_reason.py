"""A preparatory act with an ordinary reason stated beside it (recheck K70a finding 6, session 42
fix text109): "wrote will 2019", "wrote a will with lawyer", "gave away the dog to her sister due
to allergies", "texted goodbye to coworkers, moving to Ohio", "put affairs in order, terminal
cancer, DNR" each raised the critical suicide-risk card through the C-SSRS item 6 `preparatory`
rows (fix text106: a will written, a pet given away, a goodbye texted, affairs put in order).

Decision: these acts are genuinely ambiguous. Bare ("pt wrote will and gave away dog", "Neg
SI/HI, pt wrote will and gave away dog") they stay critical: the C-SSRS asks them as preparatory
behaviour, and a false critical card costs a question. With a `preparatory_reason` stated in
the same sentence (up to a full stop, semicolon or line end: the reason is often its own comma
part, "gave away cat, moving to apartment") they are not read: a move, an allergy, estate
planning with a lawyer, a deployment, hospice or a terminal illness, leaving coworkers, or a
year that dates the act ("<year>") is the record's own account of why. Another self-harm word in
the text is read as before ("gave away cat, moving; SI with plan" stays critical through the SI).
The reasons are data (data/self_harm_terms.csv, role `preparatory_reason`).

Narrowed after recheck K72a (findings 1-2): the reasons explained away every `preparatory` row,
death wishes, suicide notes and hidden pills included ("intent to die, in hospice", "wrote
suicide note, moving out", "hid his pills, landlord evicting" went quiet with TMS offered), and
"moving" / "retiring" are ways of saying dying ("gave away belongings, moving on", "said goodbye
to family, retiring from life"). Now only the acts of role `preparatory_ordinary_act` (a will,
affairs in order, a pet, a goodbye) can be explained, and the reasons that are risk factors or
euphemisms (moving, retiring, hospice, terminal illness, DNR, an eviction, coworkers as the only
addressees) are no longer reasons: a false critical card costs a question.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.self_harm_terms import terms
from fhir_mapping.text_bounds import SENTENCE_OR_LINE, span_after, span_before
from fhir_mapping.text_negation import normalise_text

__all__ = ["with_ordinary_reason"]


@cache
def _reasons() -> tuple[re.Pattern[str], ...]:
    return tuple(term_regex(normalise_text(t)) for t in terms("preparatory_reason"))


@cache
def _ordinary_acts() -> tuple[re.Pattern[str], ...]:
    return tuple(term_regex(normalise_text(t)) for t in terms("preparatory_ordinary_act"))


def with_ordinary_reason(text: str, start: int, end: int) -> bool:
    """Whether the sentence of the preparatory act at text[start:end] states an ordinary reason
    for it (module docstring); only a will, affairs, a pet or a goodbye can have one."""
    if not any(p.search(text[start:end]) for p in _ordinary_acts()):
        return False
    before, after = (
        span_before(text, start, SENTENCE_OR_LINE),
        span_after(text, end, SENTENCE_OR_LINE),
    )
    sentence = before + " " + after
    return any(p.search(sentence) for p in _reasons())
