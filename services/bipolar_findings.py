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
from datetime import date

from fhir_mapping.condition_text import TEXT_MENTION
from fhir_mapping.record import Finding
from services.card_format import record_cite

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


# How a diagnosis entered as not confirmed (Condition.verificationStatus) is named (review 14 M1):
# the finding still stops the unipolar pathway, as a confirmed one does (a suspected bipolar
# disorder makes an antidepressant without a mood stabiliser a risk of a switch to mania until
# psychiatry confirms or refutes it: the safer reading), but the card must not call it confirmed.
_NOT_CONFIRMED = {
    "differential": "differential, not confirmed",
    "provisional": "provisional, not confirmed",
    "unconfirmed": "unconfirmed",
    # Named only in the text of an entry coded as another diagnosis (fhir_mapping/
    # condition_text.py; review s22 RX finding 1: F33.1 "MDD recurrent moderate; r/o bipolar II"):
    # the cards say what the text says (`MENTION_HEAD`), never a bipolar diagnosis on record.
    TEXT_MENTION: "mentioned in the problem text, not coded",
}
# How `refuted_words` names such an entry ("differential 2025-03-03; a later entry refutes it").
_ENTRY_WORD = {TEXT_MENTION: "problem-text mention"}
MENTION_HEAD = "problem text mentions possible bipolar disorder"


def not_confirmed(findings: Sequence[Finding]) -> str | None:
    """ "differential, not confirmed" (or "provisional, not confirmed", "unconfirmed") when every
    bipolar diagnosis on record was entered as not confirmed; None when one is confirmed (or its
    verificationStatus is not stated) or none is a diagnosis (manic reactions only). A
    reaction beside the suspected diagnosis is named by the card itself (`named`)."""
    diagnoses = [f for f in findings if not is_reaction(f)]
    if not diagnoses or any(f.verification not in _NOT_CONFIRMED for f in diagnoses):
        return None
    return _NOT_CONFIRMED[str(diagnoses[0].verification)]


def mentioned_only(findings: Sequence[Finding]) -> bool:
    """Every bipolar diagnosis is only mentioned in the text of an entry coded otherwise."""
    return not_confirmed(findings) == _NOT_CONFIRMED[TEXT_MENTION]


def subject(findings: Sequence[Finding]) -> str:
    """ "bipolar disorder", "bipolar disorder (differential, not confirmed)", "possible bipolar
    disorder (problem text)", or "mania on an antidepressant" (hypomania ...) when only manic
    reactions are on record: what a summary names before "on record" or without it."""
    if reactions_only(findings):
        return head(findings).removesuffix(" on record")
    if mentioned_only(findings):
        return "possible bipolar disorder (problem text)"
    qualifier = not_confirmed(findings)
    return "bipolar disorder" + (f" ({qualifier})" if qualifier else "")


def head(findings: Sequence[Finding]) -> str:
    """ "bipolar disorder on record", "bipolar disorder on record (differential, not
    confirmed)" when every diagnosis was entered as not confirmed, or "mania on an antidepressant
    on record" when no bipolar diagnosis is on record, only manic reactions."""
    if not reactions_only(findings):
        qualifier = not_confirmed(findings)
        if mentioned_only(findings):
            return MENTION_HEAD
        return BIPOLAR_HEAD + (f" ({qualifier})" if qualifier else "")
    return HYPOMANIA_HEAD if all(map(says_hypomania, findings)) else MANIA_HEAD


def says_hypomania(finding: Finding) -> bool:
    """A reaction recorded as hypomania ("Hypomania on escitalopram, recorded as an adverse
    event"): its display starts with the manifestation as recorded (mania_findings._mania_finding)."""
    return finding.display.lower().startswith("hypoman")


def named(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """The findings a card names: the first diagnosis (a problem list may hold several codes of
    one disorder) and every manic reaction, each a separate event."""
    diagnoses = [f for f in findings if not is_reaction(f)]
    # A confirmed code first: beside a differential one, the confirmed diagnosis is the fact;
    # then an active one before one the record marks resolved (`status_words`).
    diagnoses.sort(key=lambda f: (f.verification in _NOT_CONFIRMED, f.state != "active"))
    return tuple(diagnoses[:1]) + tuple(f for f in findings if is_reaction(f))


def status_words(finding: Finding) -> str:
    """ "; marked resolved or inactive on the record, abated 2016-01-01" for a bipolar diagnosis
    whose clinicalStatus (or abatement) says it is no longer active (Finding.state; "in
    remission" for remission), "" for an active one or a reaction. Review s28 RJ finding 13: a
    resolved F31 was named as if active. It still counts (condition_codes.csv
    counts_when_resolved: bipolar disorder is lifelong, a resolved entry marks an episode's end,
    a revised diagnosis is entered refuted), and the card says what the record says so the
    prescriber can settle it. Finding.state does not tell resolved from inactive: both words."""
    if is_reaction(finding) or finding.state == "active":
        return ""
    what = "in remission" if finding.state == "remission" else "resolved or inactive"
    abated = f", abated {finding.abated.isoformat()}" if finding.abated is not None else ""
    return f"; marked {what} on the record{abated}"


def when_word(finding: Finding) -> str:
    """ "on" for a reaction (a dated event), "since" for a diagnosis (a condition's onset),
    "recorded" for one dated only by the day it was entered (Finding.onset_word)."""
    return "on" if is_reaction(finding) else finding.onset_word


def refuting(findings: Sequence[Finding], refuted: Sequence[Finding]) -> Finding | None:
    """The latest entry refuting a bipolar diagnosis (FindingKind.BIPOLAR_REFUTED) recorded on or
    after the not-confirmed diagnoses it could answer (review 14 recheck b01: a differential
    bipolar II in March, a second entry refuting it on May 20); None when every diagnosis is
    confirmed, or no such entry is on record. The card still blocks (the differential entry
    stays on the list: the safer reading), but names the entry that refutes it."""
    if not_confirmed(findings) is None:
        return None
    diagnoses = [f for f in findings if not is_reaction(f)]
    since = max((f.onset for f in diagnoses if f.onset is not None), default=None)
    later = [r for r in refuted if since is None or r.onset is None or r.onset >= since]
    return max(later, key=lambda r: r.onset or date.min, default=None)


def refuted_words(
    findings: Sequence[Finding], refuted: Sequence[Finding]
) -> tuple[str, str] | None:
    """How every card names a later entry refuting a not-confirmed bipolar diagnosis (`refuting`;
    review 14 recheck b01), as (qualifier, sentence): "differential 2025-03-03; a later entry
    refutes it (2025-05-20): confirm", and "A later entry records it as refuted (2025-05-20)
    [Condition/x], but the differential entry is still on the problem list: confirm with
    psychiatry which stands and clean up the list." None when no such entry is on record. The
    diagnosis-review card and the order hooks' bipolar check say it alike."""
    entry = refuting(findings, refuted)
    if entry is None:
        return None
    said = named(findings)[0]
    word = _ENTRY_WORD.get(str(said.verification), said.verification)
    first = f" {said.onset.isoformat()}" if said.onset else ""
    day = f" ({entry.onset.isoformat()})" if entry.onset else ""
    # The refuting entry's id only when it has no day to name it by (cards.record_cite).
    ref = record_cite(entry.source, entry.onset is not None, " [{}]")
    return (
        f"{word}{first}; a later entry refutes it{day}: confirm",
        f"A later entry records it as refuted{day}{ref}, but the {word} entry is "
        "still on the problem list: confirm with psychiatry which stands and clean up the list.",
    )
