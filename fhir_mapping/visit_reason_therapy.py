"""Whether a visit's reason names a visit that may be psychotherapy (fix psy63, review K67a
finding 4).

care64 read a reason naming psychotherapy ("CBT session") as a may-be-psychotherapy visit. A
reason that denies or declines it ("No CBT available", "Declined CBT, wants medication only"),
a referral made at the visit ("Referral to CBT": a referral is its ServiceRequest's, not a
session), and CBT for insomnia ("CBT-I for insomnia": not a psychotherapy for depression,
data/psychotherapy_kind_terms.csv `insomnia`) name none: the card then says no psychotherapy is
on record and prompts CBT/IPT, the safer reading (a may-be line asks only to confirm).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.clinical_codes import terms
from fhir_mapping.psychotherapy_maybe import maybe_terms
from fhir_mapping.session_kinds import kind_in_words
from fhir_mapping.text_negation import negated, normalise_text

__all__ = ["reason_may_be_therapy"]

_INSOMNIA = "insomnia"  # the psychotherapy_kind_terms.csv kind that is not depression therapy


@cache
def _no_session() -> re.Pattern[str]:
    text = resources.files("fhir_mapping").joinpath("data/visit_reason_no_session.csv")
    words = [r["term"].strip() for r in csv.DictReader(text.read_text("utf-8").splitlines())]
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])")


def _mentions(text: str) -> list[re.Match[str]]:
    found = [
        m
        for t in terms()
        if t.kind == "psychotherapy" and "encounter" in t.applies_to
        for m in t.pattern.finditer(text)
    ]
    spaced = text.replace("-", " ")  # as may_be_psychotherapy reads ("IV-therapy")
    return found + [
        m for t in maybe_terms() if "encounter" in t.applies_to for m in t.pattern.finditer(spaced)
    ]


def reason_may_be_therapy(reason: str) -> bool:
    """Whether the reason text names psychotherapy (procedure_terms.csv or
    psychotherapy_maybe_terms.csv words) in a mention not negated, declined or referred, and
    not as CBT for insomnia (module docstring)."""
    text = normalise_text(reason)
    if not text or _no_session().search(text) or kind_in_words(text) == _INSOMNIA:
        return False
    return any(not negated(text, m.start(), m.end()) for m in _mentions(text))
