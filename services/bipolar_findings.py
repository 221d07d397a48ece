"""How a card names the bipolar-spectrum findings on record: a bipolar diagnosis, or mania or
hypomania recorded as a reaction to an antidepressant (review 10 finding 4).

fhir_mapping/intolerance.py reads a manic reaction recorded by an AllergyIntolerance or an
AdverseEvent as a BIPOLAR finding, so that every protection of a bipolar diagnosis applies (no
unipolar escalation, no TMS, the order hooks' bipolar check). But it is not a diagnosis: a card
that said "bipolar disorder on record" would claim more than the chart shows. So the cards say
"mania on an antidepressant on record" when every bipolar finding is such a reaction ("hypomania
..." when each says hypomania), date each
reaction "on" its day (a one-off event, not a condition present "since"), and name every reaction,
not only the first (citalopram in 2019 and sertraline in 2021 are two switches, which is what makes
the pattern).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import Finding

# The resource types fhir_mapping/intolerance.py reads a manic reaction from.
_REACTION_TYPES = frozenset({"AllergyIntolerance", "AdverseEvent"})

BIPOLAR_HEAD = "bipolar disorder on record"
MANIA_HEAD = "mania on an antidepressant on record"
# Every reaction says hypomania: named so, not as mania (review 10 recheck R8).
HYPOMANIA_HEAD = (
    "hypomania on an antidepressant"  # "on record" left out: the summary keeps its action
)


def is_reaction(finding: Finding) -> bool:
    """A bipolar finding read from a reaction (AllergyIntolerance, AdverseEvent), not a diagnosis."""
    return finding.source is not None and finding.source.resource_type in _REACTION_TYPES


def reactions_only(findings: Sequence[Finding]) -> bool:
    """Every bipolar finding is a manic reaction: none is a diagnosis."""
    return bool(findings) and all(is_reaction(f) for f in findings)


def head(findings: Sequence[Finding]) -> str:
    """ "bipolar disorder on record", or "mania on an antidepressant on record" when no bipolar
    diagnosis is on record, only manic reactions."""
    if not reactions_only(findings):
        return BIPOLAR_HEAD
    return HYPOMANIA_HEAD if all(map(says_hypomania, findings)) else MANIA_HEAD


def says_hypomania(finding: Finding) -> bool:
    """A reaction recorded as hypomania ("Hypomania on escitalopram, recorded as an adverse
    event"): its display starts with the manifestation as recorded (mania_findings._mania_finding)."""
    return finding.display.lower().startswith("hypoman")


def named(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """The findings a card names: the first diagnosis (a problem list may hold several codes of
    one disorder) and every manic reaction, each a separate event."""
    diagnoses = [f for f in findings if not is_reaction(f)]
    return tuple(diagnoses[:1]) + tuple(f for f in findings if is_reaction(f))


def when_word(finding: Finding) -> str:
    """ "on" for a reaction (a dated event), "since" for a diagnosis (a condition's onset)."""
    return "on" if is_reaction(finding) else "since"
