"""A command hallucination to die or to harm oneself (session 42 fix text107): "Neg SI/HI; AH
telling her to die", "hearing voices telling her to jump", "AH telling her to hang herself" gave
no suicide-risk card (TMS held only for the psychotic feature), while "command AH to kill self"
did through a suicidal-ideation phrase.

Decision: command hallucinations to harm or kill oneself are a current suicide-risk signal (the
C-SSRS and ED practice ask about them as suicidal ideation: the patient hears an order to die),
whatever the patient's own denial of SI beside them: read as suicidal ideation, the critical card
that names the words, beside the psychotic-features card. Read only as a `voice` word (AH, CAH,
voices, command hallucinations), then nothing but `between` words ("telling her", "saying he
should"), a `link` ("to", "should") and a `self_object` ("die", "kill <self>", "jump"): "AH
telling her she is worthless" orders nothing and "voices telling him to kill the neighbour" names
another (homicidal: no suicide card, as "HI" gives none). A denial before the voice ("denies
command AH to harm self") is read by the shared negation. The words are data
(data/command_hallucination_terms.csv); `<self>` and `<poss>` stand for the reflexive and
possessive pronouns (`self_word`, `poss_word` rows).

Session 43 fix text114: "voices telling her nobody would miss her", "voices say she should not be
alive" gave the psychotic-features card only, no suicide-risk card. A voice whose content is that
the patient should not live or would not be missed orders nothing, but it is suicidal content (the
C-SSRS asks of such hallucinations as of wish-to-be-dead ideation): read as a command to die is,
the critical card the safer error. Read only as a voice word, its `between` words, then a
`self_content` phrase whose person, where it names one, is the one addressed (`<obj>`, `<subj>`:
the `object_addressee` and `addressee` rows): "voices telling him he is evil", "voices telling
her nobody likes her" stay psychotic only, "voices telling him he'd be better off without his
wife" names another. Fix text115 (recheck K75a finding 8): whom a voice wants dead is the
patient only (`<own>`, the `own_object` rows): "voices saying she wants them dead" is homicidal
content, the psychotic-features card (TMS held), not the suicide-risk card.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_negation import negated, normalise_text

__all__ = ["commands_self_harm", "role_words"]


@cache
def _by_role() -> dict[str, tuple[str, ...]]:
    data = resources.files("fhir_mapping").joinpath("data/command_hallucination_terms.csv")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(data.read_text("utf-8").splitlines()):
        found.setdefault(row["role"], []).append(normalise_text(row["term"]))
    return {role: tuple(terms) for role, terms in found.items()}


def _term(term: str) -> str:
    """A table term as a regex body: "jump*" any ending, `<self>` / `<poss>` any such pronoun."""
    roles = _by_role()
    body = re.escape(term.rstrip("*")) + (r"\w*" if term.endswith("*") else r"\b")
    marks = (
        ("<self>", "self_word"),
        ("<poss>", "poss_word"),
        ("<obj>", "object_addressee"),  # fix text114
        ("<own>", "own_object"),  # the patient only: "wants them dead" is homicidal (fix text115)
        ("<subj>", "addressee"),
    )
    for mark, role in marks:
        words = "|".join(re.escape(w) for w in roles.get(role, ()))
        body = body.replace(re.escape(mark), f"(?:{words})")
    return body


def role_words(role: str) -> str:
    """The table's words of `role` as one alternation, longest first (voices_verb.py too)."""
    return _either(role)


def _either(role: str) -> str:
    terms = sorted(_by_role().get(role, ()), key=len, reverse=True)
    return "|".join(_term(t) for t in terms) or "(?!)"


@cache
def _pattern() -> re.Pattern[str]:
    between = rf"(?:\s+(?:{_either('between')}))*"
    lead = _either("object_lead")
    # What joins the voice (and its `between` words) to the object: a `link` ("telling her to
    # die"), a colon or opening quote ("CAH: kill self", "voices telling her 'kill
    # yourself'"), or an `object_lead` alone ("voices say go kill yourself"); fix text109.
    joint = (
        rf"(?:\s+(?:{_either('link')})\s+(?:(?:{lead})\s+)?"
        rf"|\s*[:'\"\u2018\u201c]+\s*(?:(?:{lead})\s+)?|\s+(?:{lead})\s+)"
    )
    ordered = (
        rf"{joint}['\"\u2018\u201c]?(?:{_either('self_object')})(?!\s+(?:{_either('not_after')})\b)"
    )
    # Or suicidal content told, no command ("voices telling her nobody would miss her"; fix
    # text114, module docstring), right after the between words or a colon or quote.
    content = rf"(?:\s*[:'\"\u2018\u201c]+\s*|\s+)(?:{_either('self_content')})"
    return re.compile(rf"\b(?P<voice>{_either('voice')}){between}(?:{ordered}|{content})")


def commands_self_harm(text: str) -> bool:
    """Whether `text` states a command hallucination to die or to harm oneself, not denied
    (module docstring)."""
    plain = normalise_text(text)
    return any(not negated(plain, m.start("voice"), m.end()) for m in _pattern().finditer(plain))
