"""Whether a Condition's own words enter its bipolar diagnosis as one to rule out (review s28 RJ
finding 14): "r/o bipolar disorder" typed in read "bipolar disorder on record".

A coded bipolar entry whose verificationStatus is `differential` is named "differential, not
confirmed" (services/bipolar_findings.py) and still stops the unipolar pathway until psychiatry
settles it, the safer reading. A text-only entry that says the same in words ("r/o", "rule out":
data/differential_cues.csv; "rule-out" reads as "rule out", text_negation.normalise_text) is read
the same way: `verification` "differential". Only when every clause of the text that names
bipolar disorder carries such a cue before it ("Bipolar I disorder; r/o psychosis" is a bipolar
diagnosis); clauses end at ";", "." or a line break. "ruled out" refutes and is not a cue here
(text_negations.csv reads it). Only bipolar disorder is marked: the other kinds' cards have no
"not confirmed" wording, and their text reading is unchanged.
"""

from __future__ import annotations

from functools import lru_cache

from fhir_mapping.diagnosis_text import rule_out_cues, text_kinds
from fhir_mapping.record import FindingKind
from fhir_mapping.text_bounds import SENTENCE_OR_LINE, pieces
from fhir_mapping.tms_safety import normalise_text

# The FHIR R4 condition-ver-status code the cue stands for (Finding.verification).
DIFFERENTIAL = "differential"
_BIPOLAR = FindingKind.BIPOLAR


@lru_cache(maxsize=1024)
def bipolar_to_rule_out(text: str) -> bool:
    """Whether every clause of `text` naming bipolar disorder names it after a rule-out cue
    (module docstring); False when no clause names it."""
    named = [c for c in pieces(text, SENTENCE_OR_LINE) if _BIPOLAR in text_kinds(c)]
    if not named:
        return False
    for clause in named:
        cue = rule_out_cues().search(normalise_text(clause))
        if cue is None:
            return False
        # The cue before the diagnosis: "bipolar disorder, r/o psychosis" rules out the other.
        if _BIPOLAR not in text_kinds(normalise_text(clause)[cue.end() :]):
            return False
    return True
