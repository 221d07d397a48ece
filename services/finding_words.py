"""How a card names a finding that records less than its kind's name says (review 19 D1).

A single convulsion (ICD-10-CM R56.9 "Unspecified convulsions", SNOMED CT 91175000 "Seizure")
is read as the epilepsy kind: TMS and bupropion are held as for a seizure disorder (the safer
reading, unchanged). One seizure is not a seizure disorder, so the card says what the record
shows ("a seizure (Unspecified convulsions, R56.9) on record"), and where a row's words speak of
the disorder, that the event is held as one on purpose. The event's words are data
(fhir_mapping/data/condition_codes.csv `named_as`, carried as Finding.named_as); a finding of
the kind itself is worded as before.

Epilepsy named only in the text of an entry coded as another diagnosis ("MDD recurrent; epilepsy
(per neurology)", fhir_mapping/condition_text.py; review s22 RR2 finding 1d) is held the same way
and said as what it is: "problem text mentions epilepsy, not coded: confirm it".
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.condition_text import TEXT_MENTION
from fhir_mapping.record import Finding, FindingKind

# How a card names a kind in a sentence ("a seizure disorder dated 2025-06-01 during the
# course"): the kinds a card names this way, each once here.
KIND_NAMES: dict[FindingKind, str] = {
    FindingKind.EPILEPSY: "a seizure disorder",
    FindingKind.IMPLANTED_DEVICE: "metal or a device near the head",
}


def named_first(findings: Sequence[Finding]) -> Finding:
    """The finding a card names for its kind: the first that codes the kind itself (a seizure
    disorder beside a single seizure), else the first. `findings` is not empty."""
    return next((f for f in findings if f.named_as is None), findings[0])


def kind_words(finding: Finding, default: str) -> str:
    """ "a seizure" for a single-event code, else the kind's name ("a seizure disorder"), else
    `default`."""
    return finding.named_as or KIND_NAMES.get(finding.kind, default)


def code_words(finding: Finding) -> str:
    """The code as a clinician reads it: an ICD-10-CM code bare ("R56.9"), another system's
    with its name ("SNOMED CT 91175000": a bare number says nothing; audit 16 minor, a11)."""
    return finding.code if finding.system == ICD10CM or not finding.code else finding.coding


# Findings that ask, not diagnose: an antiseizure drug with no indication coded, a running drug
# not identified (services/antiseizure_screen.py, unidentified_screen.py).
_QUESTIONS = frozenset({FindingKind.ANTISEIZURE_UNEXPLAINED, FindingKind.DRUG_UNIDENTIFIED})


def with_note(note: str, finding: Finding) -> str:
    """A row's note with what is on record: "contraindicated in seizure disorders (Epilepsy,
    unspecified on record)"; for a single-event code "contraindicated in seizure disorders; a
    seizure (Unspecified convulsions, R56.9) on record", never the event inside the disorder's
    parenthesis."""
    if finding.kind in _QUESTIONS:
        # A question, not a diagnosis: "(levetiracetam running, no indication coded: seizure
        # disorder?)", never "... seizure disorder? on record)" (fix tms44, K32a finding 9).
        return f"{note} ({finding.display})"
    if finding.named_as is None:
        return f"{note} ({finding.display} on record)"
    if _mention(finding):
        return f'{note}; {finding.named_as} ("{finding.display}"): confirm it'
    return f"{note}; {finding.named_as} ({finding.display}, {code_words(finding)}) on record"


def short(finding: Finding) -> str:
    """The finding in a few words: its display, or for a single-event code "a seizure
    (Unspecified convulsions)"."""
    if finding.named_as is None:
        return finding.display
    return f"{finding.named_as} ({finding.display})"


def detail_lead(note: str, finding: Finding, named: str) -> str:
    """A detail line's opening: "Contraindicated in seizure disorders (`named`)"; for a
    single-event code "Contraindicated in seizure disorders; on record: a seizure (`named`),
    not coded as a seizure disorder: held as one here (the safer reading)". `named` is the
    finding with its code and date, as the caller words it."""
    lead = f"{note[:1].upper()}{note[1:]}"
    if finding.named_as is None:
        return f"{lead} ({named})"
    if _mention(finding):
        return f"{lead} ({named}): {applied(finding)}"
    return f"{lead}; on record: {finding.named_as} ({named}), {applied(finding)}"


def applied(finding: Finding) -> str:
    """ "not coded as a seizure disorder: held as one here (the safer reading)" for a
    single-event code; "" otherwise."""
    if finding.named_as is None:
        return ""
    kind = KIND_NAMES.get(finding.kind, finding.kind.value.replace("-", " "))
    if _mention(finding):
        return f"{finding.named_as}, not coded: confirm it; held as {kind} here (the safer reading)"
    return f"not coded as {kind}: held as one here (the safer reading)"


def _mention(finding: Finding) -> bool:
    """Named only in the text of an entry coded as another diagnosis (no code of its own)."""
    return finding.verification == TEXT_MENTION


def resolved_text(finding: Finding, undated: str = " (no date on record)") -> str:
    """A finding no longer active as the record dates it: "resolved 2025-01-10", "in remission
    2025-01-10", "resolved (no date on record)" (`undated` follows the word when no abatement
    date is on record: ", no date on record" inside a parenthesis). The one wording of a past
    finding on the cards that keep it (a resolved heart block beside a running tricyclic, s26
    item 1; a clipped aneurysm, a past tardive dyskinesia): said as history, never as current."""
    word = "in remission" if finding.state == "remission" else "resolved"
    return f"{word} {finding.abated.isoformat()}" if finding.abated else f"{word}{undated}"


def past_hold(finding: Finding) -> str:
    """ "the entry is marked resolved 2016-03-01: a past seizure, still held (...)" for a seizure finding the entry
    marks resolved or inactive, "" otherwise. A seizure is counted whatever its status, coded
    (R56.9: condition_codes.csv counts_when_resolved) or in words (fix tms50,
    fhir_mapping/condition_text.py): a past seizure is at least a relative contraindication to
    TMS, which the TMS service weighs, so the card holds the one-click and says the entry is
    resolved, never a current seizure disorder."""
    if finding.kind is not FindingKind.EPILEPSY or finding.state == "active":
        return ""
    return (
        f"the entry is marked {resolved_text(finding, ' (no date)')}: a past seizure, still held "
        "(a seizure ever is what the TMS screen asks; the TMS service weighs it)"
    )
