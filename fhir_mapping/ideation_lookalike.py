"""Suicidal-ideation words that name something else by the words around them (session 31 fix
forms36; each raised the critical suicide-risk card):

- a living arrangement: "Doesn't want to live with her mother", "doesn't want to live alone",
  "does not want to live there anymore". A `living_term` ("want to live") followed by "with"
  and a person (data/self_harm_terms.csv `relative`, after its `relative_lead` words: "her
  mother", "his parents", "roommate") or by a `living_place` ("alone", "at home", "there") says
  where or with whom the patient will not live, not that they do not want to be alive. "Doesn't
  want to live", "doesn't want to live like this", "doesn't want to live with this pain" stay
  ideation (C-SSRS item 1, wish to be dead): only a person or a place ends the wish there;
- joining someone alive: "Wants to join her husband in Florida" (session 31 fix sib37, recheck
  K27a: critical by the "wants to join her" row, a wish to join a dead person). A `join_term`
  ("join him") followed by a person (`relative` after `relative_lead` words: "her husband") or
  by a `join_place` word and any word ("in Florida", "for dinner") names company, not death;
  unless a `join_death` word stands after it in its sentence ("join him in heaven", "join her
  husband who passed", "join her husband (died 2024)", "..., passed away last year": recheck
  K28b s31 finding 2, fix text39). "Wants to join her late husband", "wants to join him (husband died 2024)", "wants
  to join him soon" match neither and stay ideation;
- counselling: "Lethal dose of lithium discussed with pharmacist", "Educated on lethal dose":
  a `counsel_term` ("lethal dose") in a sentence (up to a full stop or semicolon) with a
  `counsel` word ("discussed", "counselled", "educated") is the clinician's safety advice, as
  lithium's narrow therapeutic index asks (NICE CG185 1.10.x lithium monitoring), not the
  patient's search for a method. Unless the sentence also holds an `inquiry` word ("asked",
  "googled", "researched", "wants to know"): "Pt asked about lethal dose, discussed with
  pharmacist" is preparatory behaviour (C-SSRS), read. The inquiry counts anywhere in the text
  ("Lethal dose discussed; pt asked how many would kill her": recheck K28b s31, fix text39);
- a sleep complaint: "Wishes she would not wake up so early", "... and not wake up at 3am"
  (recheck K28b s31 finding 4, fix text39: critical by the C-SSRS item 1 rows "would not wake
  up", "and not wake up"). A `wake_term` ("wake up") followed by a `wake_time` ("so early", "at
  #", "during the night") says when she wakes, not a wish not to; "wishes she would not wake up",
  "go to sleep and never wake up" stay ideation.

The phrases are blanked, same length, before the diagnosis terms are read (diagnosis_text.py),
as the look-alike rows of diagnosis_terms.csv are. Where the words leave it open the mention is
read: a false critical card is noise, a missed wish to die is the unsafe mistake. The words are
data (data/ideation_context_terms.csv; the persons data/self_harm_terms.csv's).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.denial_governs import blank_governed_passive
from fhir_mapping.lead_list import blank_lead_lists
from fhir_mapping.screen_result_text import blank_negative_screens
from fhir_mapping.text_bounds import SENTENCE, pieces, span_after
from fhir_mapping.text_negation import normalise_text

__all__ = ["blank_other_meanings"]


def _rows(name: str, column: str) -> dict[str, list[str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        found.setdefault(row[column], []).append(normalise_text(row["term"]))
    return found


def _alternation(terms: list[str]) -> str:
    # A closing "*" any ending ("counsel*"), else the whole word; longest first.
    ordered = sorted(terms, key=len, reverse=True)
    return "|".join(
        re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else r"\b") for t in ordered
    )


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(living arrangement, counsel term, counsel word, inquiry word): module docstring."""
    own = _rows("ideation_context_terms.csv", "role")
    persons = _rows("self_harm_terms.csv", "role")
    lead = _alternation(persons.get("relative_lead", []))
    person = rf"with\s+(?:(?:{lead})\s+)*(?:{_alternation(persons.get('relative', []))})"
    living = re.compile(
        rf"\b(?:{_alternation(own['living_term'])})\s+"
        rf"(?:{person}|(?:{_alternation(own['living_place'])}))"
    )
    return (
        living,
        re.compile(rf"\b(?:{_alternation(own['counsel_term'])})"),
        re.compile(rf"\b(?:{_alternation(own['counsel'])})"),
        re.compile(rf"\b(?:{_alternation(own['inquiry'])})"),
    )


@cache
def _joining() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a `join_term` with a living person or a place after it, a `join_death` word)."""
    own = _rows("ideation_context_terms.csv", "role")
    persons = _rows("self_harm_terms.csv", "role")
    lead = _alternation(persons.get("relative_lead", []))
    person = rf"(?:(?:{lead})\s+)*(?:{_alternation(persons.get('relative', []))})"
    place = rf"(?:{_alternation(own['join_place'])})\s+\w"
    return (
        re.compile(rf"\b(?:{_alternation(own['join_term'])})\s+(?:{person}|{place})"),
        re.compile(rf"\b(?:{_alternation(own['join_death'])})"),
    )


@cache
def _waking() -> re.Pattern[str]:
    """A `wake_term` ("wake up") followed by a `wake_time` ("so early", "at 3am"); a `#` in a
    time stands for a number."""
    own = _rows("ideation_context_terms.csv", "role")
    times = _alternation(own["wake_time"]).replace(r"\#", r"\d+")
    return re.compile(rf"\b(?:{_alternation(own['wake_term'])})\s+(?:{times})")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def blank_other_meanings(text: str) -> str:
    """`text` (normalised) with each living arrangement, joining of someone alive, waking time and
    counselled lethal dose blanked, same length (module docstring), and each suicide screen named
    with its negative result ("Suicide screening completed, negative": screen_result_text.py)."""
    living, term, counsel, inquiry = _patterns()
    # A denial before a list of qualifiers reaches its term ("Denies any thoughts of, intent to,
    # or plan to harm self": lead_list.py, fix text62), as in self_harm_text.py; a denial verb
    # opening the clause of a passive wish ("denies thoughts that family would be better off if
    # she were gone") reaches it past NegEx's five words (denial_governs.py, fix text95).
    text = blank_negative_screens(blank_governed_passive(blank_lead_lists(text)))
    for m in reversed(list(living.finditer(text))):
        text = _blank(text, m.start(), m.end())
    joining, death = _joining()
    for m in reversed(list(joining.finditer(text))):
        # A death word anywhere in the rest of the sentence counts, across a bracket or comma:
        # "join her husband (died 2024)", "join her husband, passed away last year" (recheck
        # K28b s31 finding 2: the clause ended at "(" and ",", and the death wish was blanked).
        if not death.search(span_after(text, m.start(), SENTENCE)):
            text = _blank(text, m.start(), m.end())
    for m in reversed(list(_waking().finditer(text))):
        text = _blank(text, m.start(), m.end())
    # The patient's inquiry anywhere in the text keeps every lethal-dose mention: "Lethal dose
    # discussed; pt asked how many would kill her" (recheck K28b s31 finding 3: read only in the
    # counselling's own sentence, the later inquiry hid the risk).
    asked = inquiry.search(text) is not None
    offset = 0
    for sentence in pieces(text, SENTENCE):
        if counsel.search(sentence) and not asked:
            for m in reversed(list(term.finditer(sentence))):
                text = _blank(text, offset + m.start(), offset + m.end())
        offset += len(sentence) + 1
    return text
