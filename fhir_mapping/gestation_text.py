"""A current pregnancy written as the obstetric formula with a gestational age ("G2P1 at 20 wks",
"G3P1011, 32 weeks"): fix tms59 (review K63a s40 finding 11).

The `pregnancy` rows of diagnosis_terms.csv read "Pregnant" and "Intrauterine pregnancy, 14
weeks", but an obstetric problem is often typed as the formula alone. The formula by itself says
how many pregnancies she has had ("G2P2" on a well-woman problem list), not that one is current,
so it is read only beside a gestational age in weeks after it in its sentence: that dates a pregnancy
now. Why read it at all: the pregnancy line is a caution to confirm (a wrong one costs a glance),
while a missed one lets valproate or a one-click TMS referral pass without the perinatal line.
Negation is the diagnosis words' own ("not G2P1 at 20 wks" is no pregnancy). The patterns are
data (data/gestation_words.csv).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_bounds import SENTENCE, span_after
from fhir_mapping.tms_safety import negated


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    text = resources.files("fhir_mapping").joinpath("data/gestation_words.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return {
        kind: re.compile("|".join(rf"\b(?:{r['pattern']})" for r in rows if r["kind"] == kind))
        for kind in ("formula", "weeks")
    }


def gestation_stated(text: str) -> bool:
    """Whether normalised, lower-case `text` writes the obstetric formula with a gestational age
    after it in its sentence, not negated."""
    patterns = _patterns()
    for m in patterns["formula"].finditer(text):
        if negated(text, m.start(), m.end()):
            continue
        if patterns["weeks"].search(span_after(text, m.end(), SENTENCE)):
            return True
    return False
