"""Whether a sig leaves unclear how often or how much of the dose is taken (session 23 item L1): a
rate and the times of day beside it that disagree ("twice daily at bedtime": sig_times.settle),
and since review s23 RR finding 3 one time said twice ("at bedtime and at 9 PM":
sig_times.restated; "1 tab qam and 1 tab at 8 AM") or an amount after its times ("8am and 8pm 2
tabs": sig_clauses.py). Such a sig is read as the range of both (1-2 a day: the low end for adequacy and raises, the high end
for the too-high checks), and the dose card quotes its words so the clinician checks them
(medication_event.py leaves the note, services/trial_dose_text.sig_unclear_text writes it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fhir_mapping.dose_sig import governing_step, sig_as_needed, sig_doses
from fhir_mapping.fhir_fields import JSON_OBJECT

# How the note on a course says it (services/trial_dose_text.py finds it by this mark).
MARK = "sig unclear: "


def sig_unclear(text: str) -> str | None:
    """The words of a sig that leave unclear how often or how much of the dose is taken, in the
    step that says the dose taken (dose_sig.governing_step): a rate and times of day that
    disagree, one time said twice, an amount after its times (sig_times.py, sig_clauses.py);
    None when none do, or the dose is taken as needed (its rate is then capped at once a day
    whatever the words say)."""
    if sig_as_needed(text):
        return None
    return next((d.unclear for d in sig_doses(governing_step(text)) if d.unclear), None)


def dosage_unclear(dosages: Sequence[Mapping[str, Any]]) -> str | None:
    """`sig_unclear` of the first dosage line whose sig (`text`, then `patientInstruction`) says
    it, as the note's words ("sig unclear: 'twice daily at bedtime'"); None when none does."""
    for line in dosages:
        if not isinstance(line, JSON_OBJECT):
            continue
        for key in ("text", "patientInstruction"):
            value = line.get(key)
            if isinstance(value, str) and (words := sig_unclear(value)) is not None:
                return f"{MARK}'{words}'"
    return None
