"""Whether a self-harm mention is said and not denied, for self_harm_text.py: `_denied` (the
shared NegEx-style cues of text_negation.py and self-harm's own, in the scope self_harm_scope.py
sets), `_said` (a mention read as an item of a list, not a thought, not a relative's, not beside
an accident), and `_negated` / `_masked` (an intent or doubt word negated, or blanked where it is
not). Why each reading is the safer one: self_harm_text.py's docstring (Denials).

Apart from self_harm_text.py (split out in session 37 to keep that module under 400 lines)
because reading a denial of the words is its own idea, whatever the words say."""

from __future__ import annotations

import re

from fhir_mapping.denial_scope import denial_scope
from fhir_mapping.od_lookalike import before_intent, od_intent
from fhir_mapping.question_answer import question_end
from fhir_mapping.self_harm_context import accident_beside
from fhir_mapping.self_harm_plan_step import planned
from fhir_mapping.self_harm_roles import _terms
from fhir_mapping.self_harm_scope import cue_window
from fhir_mapping.self_harm_subject import other_subject
from fhir_mapping.text_negation import answer_covers, negated, pre_cued, scope_after


def _denied(text: str, start: int, end: int, *, listed: bool = False) -> bool:
    """Whether the phrase at text[start:end] is negated: the shared cues (text_negation.py) and
    self-harm's own (`negation`: "never attempted suicide", "didn't overdose", "wasn't a
    suicide attempt"; `negation_answer`: "Self-harm: denies"), in the same scope (five words
    of the mention's own part, or back over a list of bare nouns to its cue: self_harm_scope.py;
    up to a "but"). A `negation_pseudo` phrase in that scope, in the mention's own words or in
    the rest of the clause ("not the first suicide attempt", "never self-harmed until last
    week", "never attempted before today": the `act_bare` term holds "before today", fix
    text80) undoes any of them: the mention is read, the safer mistake (self_harm_text.py
    docstring: Denials)."""
    terms = _terms()
    asked = question_end(text, start, end)
    if asked is not None:
        # "Suicide note? SI denied", "Self harm? Denies SI": the answer after the question is the
        # next item's, so its denial does not reach the question, which stays unanswered and is
        # read (fix text99: quiet, TMS offered; question_answer.py).
        text = text[:asked]
    before = denial_scope(text, start)
    if terms.negation_pseudo is not None and any(
        terms.negation_pseudo.search(part)
        for part in (before, text[start:end], scope_after(text, end))
    ):
        return False
    # `listed`: a self-harm or overdose mention, whose denial is read where it reaches in a list
    # (self_harm_scope.py): "denies SI or self-harm" reaches, "denies SI and attempted overdose
    # last week" does not (session 28 fix fx-selfharm2). A qualifier ("accidental" in "no
    # suicidal intent, accidental overdose") keeps NegEx's window: it is no item of a list.
    window = cue_window(text, start, end, _cued) if listed else before
    if negated(text, start, end, window=window):
        return True
    if terms.negation is not None and terms.negation.search(window):
        return True
    # A comma-joined answer denies only a plain list of screening items ("SI, HI: denies"), not
    # the act before it ("Intentional OD, SI: denies"; recheck K27a s31 finding 1).
    return terms.negation_answer is not None and answer_covers(
        text, start, end, terms.negation_answer.search(text[end:])
    )


def _cued(words: str) -> bool:
    """Whether `words` hold a negation cue, shared or self-harm's own (self_harm_scope.py)."""
    own = _terms().negation
    return pre_cued(words) or (own is not None and own.search(words) is not None)


def _said(
    text: str,
    patterns: tuple[re.Pattern[str], ...],
    *,
    listed: bool = False,
    act: bool = False,
    spans: tuple[tuple[int, int], ...] = (),
) -> bool:
    """Whether any of `patterns` occurs in `text` (normalised) and is not negated there.
    `listed`: the mentions themselves (act, event), read as items of a list (`_denied`); one
    after an ideation qualifier or its step (self_harm_plan_step.py) is a thought, not read
    here (`ideation`); one a relative governs ("Brother with multiple suicide attempts") is
    the relative's (self_harm_subject.py). `act`: an act with an accident stated beside it
    ("cut arm on broken glass", "Accidentally cut her wrist") is not read
    (self_harm_context.py); an event's accident is read by `_verdict`. `spans`: mentions found
    otherwise, read the same way (a past act of taking: self_harm_taken.py, fix text49b). A
    `listed` event's denial is read up to an `od_intent` word after it ("OD with SI denied"
    denies the intent, not the overdose: od_lookalike.before_intent, fix text55a)."""
    found = [(m.start(), m.end()) for p in patterns for m in p.finditer(text)]
    cuts = (od_intent(),) if listed and not act else ()
    return any(
        not (listed and planned(text, start))
        and not (listed and other_subject(text, start))
        and not (act and accident_beside(text, start, end))
        and not _denied(*before_intent(text, start, end, cuts), listed=listed)
        for start, end in (*found, *spans)
    )


def _negated(text: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
    """Whether any of `patterns` occurs in `text` negated ("overdose, not intentional")."""
    return any(_denied(text, m.start(), m.end()) for p in patterns for m in p.finditer(text))


def _masked(text: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    """`text` with each occurrence of `patterns` that is not negated blanked out (same length,
    so the positions negation reads stay)."""
    for p in patterns:
        for m in p.finditer(text):
            if not _denied(text, m.start(), m.end()):
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text
