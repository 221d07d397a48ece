"""Whether a reaction word in a stop reason or note is the reaction of the drug stopped (fix
k64fix, review K64a finding 6).

Before, any reaction word not negated made the drug "not tolerated, never proposed": "Patient
request; tremor improved", "essential tremor, stopped for cost", "tremor from valproate; lithium
stopped - cost", "non-response; baseline tremor (Parkinson's)" counted lithium's intolerance (and
not its failed trial). Rules (data/intolerance_reasons.csv, rows by kind):
- `resolved-after`: a word closing the reaction's clause says it is gone or was there before
  ("tremor improved", "tremor resolved", "tremor at baseline"); with more words after it
  ("tremor resolved after stopping") it may be this drug's reaction and stays so;
- `other-cause-before`: a word right before it (one word between at most) names a condition of
  its own ("essential tremor", "baseline hand tremor");
- `attribution-after`: a word right after it and a drug named next that is not the drug stopped
  ("tremor from valproate"). Naming the drug stopped ("tremor from lithium"), no drug, or a
  reader that does not say which drug was stopped, keeps it the drug's reaction: a reaction read
  wrongly as another drug's would propose the drug again, the unsafe mistake.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.terminology import recognise
from fhir_mapping.text_bounds import CLAUSE_OR_DASH, first_piece, span_before
from fhir_mapping.tms_safety import normalise_text


@dataclass(frozen=True, slots=True)
class _Qualifiers:
    resolved_after: re.Pattern[str]
    other_cause_before: re.Pattern[str]
    attribution_after: re.Pattern[str]


def _words(terms: list[str]) -> str:
    ordered = sorted((re.escape(t) for t in terms), key=len, reverse=True)
    return "|".join(ordered) or "(?!)"


@cache
def _qualifiers() -> _Qualifiers:
    text = (
        resources.files("fhir_mapping").joinpath("data/intolerance_reasons.csv").read_text("utf-8")
    )
    by_kind: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        by_kind.setdefault(row["kind"], []).append(normalise_text(row["term"].strip().lower()))
    edge = r"(?<![\w/])(?:{})(?![\w/])"
    return _Qualifiers(
        # closing its clause: "tremor resolved after stopping" may be this drug's tremor
        resolved_after=re.compile(
            edge.format(_words(by_kind.get("resolved-after", []))) + r"[\s.)]*$"
        ),
        # the word, then at most one word, closing the span before the reaction
        other_cause_before=re.compile(
            edge.format(_words(by_kind.get("other-cause-before", []))) + r"(?:\s+[\w'-]+)?\s*$"
        ),
        attribution_after=re.compile(
            r"\s*" + edge.format(_words(by_kind.get("attribution-after", []))) + r"\s+(?P<drug>.*)"
        ),
    )


def not_this_drugs(normal: str, start: int, end: int, ingredient: str | None) -> bool:
    """Whether the reaction word normal[start:end] (normalised text) is no reaction of the drug
    stopped, `ingredient` (None: not known): module docstring."""
    table = _qualifiers()
    after = first_piece(normal[end:], CLAUSE_OR_DASH)
    if table.resolved_after.search(after) is not None:
        return True
    if table.other_cause_before.search(span_before(normal, start, CLAUSE_OR_DASH)) is not None:
        return True
    attributed = table.attribution_after.match(after)
    if attributed is None or ingredient is None:
        return False
    named = {c.ingredient for c in recognise({"text": attributed.group("drug")})}
    return bool(named) and ingredient not in named
