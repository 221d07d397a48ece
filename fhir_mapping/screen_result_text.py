"""A suicide screen or risk assessment named with its negative result, in words (session 37 fix
text82): "Suicide screening completed, negative", "Suicide risk assessment: no risk", "Suicide
risk: none" raised the critical suicide-risk card (the 'suicide' row of data/diagnosis_terms.csv,
session 36 fix text77) and held the TMS referral on a chart whose screen had found nothing.

A `lead` word ("suicide"), then only `screen` words ("screening", "risk assessment",
"completed"), then a `negative` result ("negative", "no risk", "none", "denies") after at most a
colon, dash, comma or space, closing its clause. The whole phrase is blanked (same length), so the
'suicide' row does not read it, only when the result closes the text or every clause after it opens
with a `rest_denial` word ("..., negative. Denies HI"); otherwise only the result word is blanked
and the screen stays read (fix text84, recheck K57a finding 3: "..., then endorses", ", per mother
yes", "; high per collateral", ", mother found note" were quiet). "no" is no `negative` row: after
"completed" / "done" it says the screen was not done ("Suicide screening completed: no"), a screen
still owed. Nothing else is blanked: a bare "Suicide screening" (a reason to screen), "Suicide
screening positive", a rated level ("suicide risk: low": a low risk is a risk rated, not no risk,
session 35 decision; "moderate risk"), or a result that goes on in its clause ("Suicide risk: none
but has a plan") stays read, and so does any SI or self-harm word elsewhere in the text. A false
critical card costs a question; a quiet one on a positive screen may cost a life.

Apart from ideation_lookalike.py (which calls it) because a screen's result is its own idea."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.negation_cues import normalise_text

__all__ = ["blank_negative_screens"]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"


@cache
def _pattern() -> re.Pattern[str]:
    table = resources.files("fhir_mapping").joinpath("data/screen_result_terms.csv")
    by_role: dict[str, list[str]] = {}
    for row in csv.DictReader(table.read_text("utf-8").splitlines()):
        by_role.setdefault(row["role"], []).append(normalise_text(row["term"]))
    lead = _alternation(by_role.get("lead", []))
    screen = _alternation(by_role.get("screen", []))
    negative = _alternation(by_role.get("negative", []))
    # At least one screen word ("Suicide: no" names no screen); the result closes its clause.
    # The result must close the text, or be followed only by clauses that open with a denial
    # ("..., negative. Denies HI"): "..., then endorses", ", per mother yes", "; high per
    # collateral", ", mother found note" go on to what the screen missed (recheck K57a finding 3,
    # fix text84).
    denial = _alternation(by_role.get("negative", []) + by_role.get("rest_denial", []))
    return re.compile(
        rf"\b(?:{lead})(?:\s+(?:{screen})\b)+\s*(?:[:,=]|\s-)?\s*(?P<result>{negative})\b"
        rf"(?P<closed>(?:\s*[.;,\n]+\s*(?:{denial})\b[^.;,\n]*)*\s*[.;,\n]*\s*$)?"
    )


def _blank(match: re.Match[str]) -> str:
    # A result the text goes on from is not read as one: only it is blanked, so the screen
    # reads as named (a reason to screen: the critical card, the safer mistake; fix text84).
    if match.group("closed") is not None:
        return " " * (match.start("closed") - match.start()) + match.group("closed")
    result = " " * len(match.group("result"))
    return match.group()[: match.start("result") - match.start()] + result


def blank_negative_screens(text: str) -> str:
    """`text` (normalised) with each suicide screen named with its negative result blanked, same
    length (module docstring)."""
    return _pattern().sub(_blank, text)
