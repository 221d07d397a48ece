"""One PHQ-9 item answer given as a CodeableConcept: every reading it carries, and what it says
only when they all agree.

Review s22 RR2 finding 4: an item 9 answered `{local "3", display "Nearly every day"}` with the
concept's text "Not at all" was read as 0 (the text), and `LA6568-5` ("Not at all") with the
text "Nearly every day" as 0 (the first known code): a positive self-harm answer read as none,
and no risk card. A concept whose parts name different answers is not an answer this service
can vouch for; which part is right (a mis-mapped local list, a text typed over a default) is for
the clinician to check in the chart. So each part is read on its own (a LOINC answer code of
LL358-3, with or without its system; the display of any coding and the concept's text, each
compared as codes.answer_words compares them, exact display only) and:

- none names an answer -> None (unread, as before);
- all that name one name the same -> that answer;
- two name different answers -> None: the answer is unread, so the suicide-risk rule raises its
  "could not be read: check it in the chart" card (services/risk_evidence.py). The safer choice
  for the patient: never the lower reading silently, and not the higher one either (a card that
  claims a score the chart may not hold); the unread card says what to do.

A code of another (local) table is never read on its own nor set against the words: sites number
their answer lists differently (some from 1), so a local "1" beside "Not at all" is no
disagreement (screen_lookalike.py: a number under a code not known is not read). Words that are
no answer of the list ("see note") are neither a reading nor a disagreement.
"""

from __future__ import annotations

from fhir_mapping.codes import (
    answer_words,
    phq9_answer_codes_without_system,
    phq9_answer_texts,
    phq9_answer_values,
)
from fhir_mapping.fhir_fields import JSON_OBJECT, codings

__all__ = ["concept_answer"]


def concept_answer(concept: object, *, words: bool = True) -> int | None:
    """The PHQ-9 answer (0..3) a valueCodeableConcept names when every part of it that names one
    agrees, else None (module docstring). `words=False`: displays and text may only disagree,
    never read on their own (a score whose range is not an item's, where answer words say
    nothing of the score)."""
    if not isinstance(concept, JSON_OBJECT):
        return None
    values = phq9_answer_values()
    texts = phq9_answer_texts()
    coded: set[int] = set()
    worded: set[int] = set()
    for system, code, display in codings(concept):
        if (system, code) in values:
            coded.add(values[(system, code)])
        elif not system and code in (bare := phq9_answer_codes_without_system()):
            coded.add(bare[code])  # "LA6569-3" with its system left out (SDC)
        if display and (said := texts.get(answer_words(display))) is not None:
            worded.add(said)
    text = concept.get("text")
    if isinstance(text, str) and (said := texts.get(answer_words(text))) is not None:
        worded.add(said)
    readings = coded | worded
    if len(readings) != 1 or (not words and not coded):
        return None
    return next(iter(readings))
