"""A line break read as a sentence end for the suicide-risk reading (session 36, text75; recheck
K53a finding 3). `normalise_text` collapses all whitespace, so in a Condition note or a visit
reason typed over lines ("No HI" / "Overdosed on 30 ativan last night", "Denies HI" / "SI with
plan") the first line's denial reached the second and the card was quiet, TMS offered. A clinician
who starts a new line starts a new statement, so each line break is read as a ";" (the text's
length unchanged: one character for another), except where the lines are one list:
- the line before ends with ":" or "," or a joint word ("and", "or", "nor", "&", "/"): the list
  or sentence goes on ("Denies SI,\nHI" reads as "Denies SI, HI");
- the next line starts with a bullet ("-", "*", "•", "1.", "1)") under a line ending with ":"
  (bullet lines between): "Denies:\n- SI\n- HI\n- self-harm" reads as "Denies: SI, HI, self-harm"
  (each bullet blanked, each break a comma, so the list readers, text_checklist.py, see the
  list they read on one line);
- bare lines after a colon: a line that is a whole screening checklist item
  (text_checklist.checklist_item: "SI", "HI", "self-harm", "cutting") under a line ending with
  ":" (checklist lines between) goes on its list: "Denies:\nSI\nHI" reads as "Denies: SI, HI".
  Why: a screening template lists its items one a line under the denial, and an item alone is no
  statement of its own; a line with anything more ("Overdosed on 30 ativan", "SI with plan") is
  a statement, and the break ends the list (the safer reading: a report after a denial is read).
Only the self-harm and suicidal-ideation reading uses this (condition_text.py, visit_risk.py,
condition_harm_notes.py): the other readers' words are unchanged. It is read BESIDE the words as
written, not instead, and either reading raises the finding: a ";" also ends what reads forward
over the break, a retraction ("Denied self-harm\nnow endorses it": denial_undone.py) or a
pseudo-negation ("No suicide attempt\nuntil last week"), which a line's wrap must not undo (the
safer reading; a false critical card costs a question, a quiet one may cost a life).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from fhir_mapping import self_harm_text
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from fhir_mapping.text_checklist import checklist_item
from fhir_mapping.text_negation import normalise_text

_R = TypeVar("_R")

__all__ = [
    "by_lines",
    "readings",
    "harm_ideation",
    "harm_reading",
    "harm_wanted",
    "names_ideation",
    "risk_kinds",
    "sentence_lines",
]

# A line break with the blank lines after it ("\r\n", "\n\n"): one break.
_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))*")
# A line that goes on: it ends with a list's or a sentence's joint (grammar, not clinical words).
_GOES_ON = re.compile(r"(?:[:,&/]|\b(?:and|or|nor))\s*$", re.IGNORECASE)
# A list bullet at a line's start, with its space ("- ", "• ", "1. ", "2) ").
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])\s+")
# A bare item's trailing punctuation ("SI." / "HI;").
_ITEM_END = re.compile(r"[\s.;]+$")


def _bare_item(line: str) -> bool:
    return checklist_item(_ITEM_END.sub("", normalise_text(line)))


def sentence_lines(text: str) -> str:
    """`text` (as written) with each line break that ends a statement read as ";", the lines of
    one list joined as on one line (module docstring); same length."""
    if "\n" not in text and "\r" not in text:
        return text
    breaks = list(_BREAK.finditer(text))
    starts = [0, *(b.end() for b in breaks)]
    lines = [
        text[s : (breaks[i].start() if i < len(breaks) else len(text))]
        for i, s in enumerate(starts)
    ]
    out = list(text)
    # Whether a list a colon opened is still open: its colon line, then bullets or bare items.
    open_list = False
    for i, b in enumerate(breaks):
        before, after = lines[i], lines[i + 1]
        opened = before.rstrip().endswith(":")
        open_list = opened or open_list
        bullet = _BULLET.match(after)
        if bullet is not None and open_list:
            mark = " " if opened else ","
            for at in range(b.end() + bullet.start(), b.end() + bullet.end()):
                out[at] = " "
        elif open_list and _bare_item(after):
            mark = " " if opened else ","
        elif _GOES_ON.search(before):
            mark = " "
            open_list = False
        else:
            mark = ";"
            open_list = False
        # The break's first character stands for it: "\n" or the "\r" of "\r\n".
        out[b.start() + len(b.group()) - len(b.group().lstrip(" \t"))] = mark
    return "".join(out)


def readings(text: str) -> tuple[str, ...]:
    """The texts the risk reading reads for `text`, each raising what it names: the words as
    written and by their lines where a line break ends a statement; by their lines alone where
    the breaks only join a list (a bullet list under a colon reads as that list on one line)."""
    lined = sentence_lines(text)
    if lined == text:
        return (text,)
    return (text, lined) if ";" in _marks(text, lined) else (lined,)


def _marks(text: str, lined: str) -> str:
    return "".join(b for a, b in zip(text, lined, strict=True) if a != b)


def by_lines(
    read: Callable[[str], tuple[_R | None, bool]], texts: Iterable[str]
) -> tuple[_R | None, bool]:
    """(the first reading's finding that is not None, whether any reading says yes): `read` of
    each of `texts` (`readings`, each prepared by the caller as it prepares its words)."""
    found: _R | None = None
    said = False
    for text in texts:
        kind, yes = read(text)
        found = kind if found is None else found
        said = said or yes
    return found, said


def harm_reading(text: str) -> self_harm_text.Reading | None:
    """self_harm_text.reading of the first of `readings` that names self-harm."""
    return next((r for t in readings(text) if (r := self_harm_text.reading(t)) is not None), None)


def harm_ideation(text: str) -> bool:
    """self_harm_text.ideation of any of `readings`."""
    return any(self_harm_text.ideation(t) for t in readings(text))


def harm_wanted(text: str) -> bool:
    """self_harm_text.wanted (no codes) of any of `readings`."""
    return any(self_harm_text.wanted(t, ()) for t in readings(text))


def names_ideation(text: str) -> bool:
    """Whether any of `readings` names suicidal ideation (diagnosis_text.text_kinds)."""
    return any(FindingKind.SUICIDAL_IDEATION in text_kinds(t) for t in readings(text))


def risk_kinds(text: str) -> tuple[FindingKind, ...]:
    """diagnosis_text.text_kinds of the words as written, suicidal ideation as `readings` name it
    ("Denies HI\\nSI with plan"): the other kinds as the words are written."""
    kinds = tuple(k for k in text_kinds(text) if k is not FindingKind.SUICIDAL_IDEATION)
    return (*kinds, FindingKind.SUICIDAL_IDEATION) if names_ideation(text) else kinds
