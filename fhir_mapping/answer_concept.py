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
- all that name one name the same -> that answer, when a part that is read names it: a LOINC
  answer code, or the concept's text where the reader reads it (`words`: a row under a local
  code, screen_lookalike.listed_answer, reads it as it reads a valueString; a PHQ-9 item row
  under its LOINC code, score_values._value, since review s23 RO finding 1: an Oracle
  nomenclature answer with the text "More than half the days" under 44260-8 was unread, and the
  chart lost its item-9 hold). A coding's display only ever disagrees: it is never read on its
  own (a site's answer code with a display and no text stays unread);
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
    agrees and a part that is read names it, else None (module docstring). `words=False`: the
    text, as every display, may only disagree (a reader that never read a concept's text)."""
    if not isinstance(concept, JSON_OBJECT):
        return None
    values = phq9_answer_values()
    texts = phq9_answer_texts()
    read: set[int] = set()
    said: set[int] = set()  # displays, and the text when it is not read: they only disagree
    for system, code, display in codings(concept):
        if (system, code) in values:
            read.add(values[(system, code)])
        elif not system and code in (bare := phq9_answer_codes_without_system()):
            read.add(bare[code])  # "LA6569-3" with its system left out (SDC)
        if display and (named := texts.get(answer_words(display))) is not None:
            said.add(named)
    text = concept.get("text")
    if isinstance(text, str) and (named := texts.get(answer_words(text))) is not None:
        (read if words else said).add(named)
    if len(read) != 1 or not said <= read:
        return None
    return next(iter(read))
