"""The named text boundaries (fhir_mapping/text_bounds.py): each one's cut on small strings, so
a change to a boundary's characters is a visible decision, not a side effect."""

from __future__ import annotations

import re

import pytest

from fhir_mapping import text_bounds as tb

# (boundary, text, its pieces): one row per named boundary and each mark it does or does not cut.
CASES: list[tuple[re.Pattern[str], str, list[str]]] = [
    (tb.SENTENCE, "no SI. HI; none", ["no SI", " HI", " none"]),
    (tb.SENTENCE, "Hx SI: none, denies", ["Hx SI: none, denies"]),
    (tb.SENTENCE, "a\nb", ["a\nb"]),
    (tb.SENTENCE_OR_LINE, "QTc 420, normal: ok\nnext.x", ["QTc 420, normal: ok", "next", "x"]),
    (tb.SENTENCE_OR_MARK, "stopped! why? a\nb.c;d", ["stopped", " why", " a", "b", "c", "d"]),
    (tb.SENTENCE_OR_MARK, "Not completed: PHQ-9, 10", ["Not completed: PHQ-9, 10"]),
    (tb.SENTENCE_OR_COLON, "SI (cut), a: b. c", ["SI (cut), a", " b", " c"]),
    (tb.CLAUSE, "denies SI, endorses HI; a. b: c", ["denies SI", " endorses HI", " a", " b: c"]),
    (tb.CLAUSE_KEPT, "a, b. c", ["a", ",", " b", ".", " c"]),
    (tb.CLAUSE_OR_COLON, "mild: anaphylaxis, a", ["mild", " anaphylaxis", " a"]),
    (tb.CLAUSE_OR_DASH, "Yes - for son: x-ray, a", ["Yes", "for son", " x-ray", " a"]),
    (tb.CLAUSE_OR_BRACKET, "ECT (declined): a", ["ECT ", "declined", "", " a"]),
    (tb.LIST_CLAUSE, "ROS: SI, HI (cut). a", ["ROS", " SI, HI ", "cut)", " a"]),
    (tb.DOSE_CLAUSE, "took 2.5 mg, 3. then: a", ["took 2.5 mg, 3", " then", " a"]),
    (tb.DOSE_CLAUSE, "took 2 but 3!x?y\nz", ["took 2 but 3", "x", "y", "z"]),
    (tb.DOSE_CLAUSE_OR_COMMA, "ativan 0.5 mg, daily. a", ["ativan 0.5 mg", " daily", " a"]),
    (tb.DOSE_CLAUSE_OR_BUT, "took 2.5 but butter, 3", ["took 2.5 ", " butter, 3"]),
]


@pytest.mark.parametrize(("bound", "text", "expected"), CASES)
def test_each_boundary_cuts_where_named(
    bound: re.Pattern[str], text: str, expected: list[str]
) -> None:
    assert tb.pieces(text, bound) == expected


def test_decimal_point_is_no_dose_clause_end() -> None:
    # "." before a digit is a decimal point for the dose-safe bounds, a stop for the others.
    assert (
        tb.span_after("took 0.5 mg of ativan. later", 0, tb.DOSE_CLAUSE) == "took 0.5 mg of ativan"
    )
    assert tb.span_after("took 0.5 mg", 0, tb.CLAUSE) == "took 0"


def test_colon_ends_some_bounds_and_not_others() -> None:
    text = "Hx SI: none"
    assert tb.span_before(text, len(text), tb.CLAUSE_OR_COLON) == " none"
    assert tb.span_before(text, len(text), tb.CLAUSE_OR_DASH) == " none"
    assert tb.span_before(text, len(text), tb.DOSE_CLAUSE) == " none"
    assert tb.span_before(text, len(text), tb.CLAUSE) == "Hx SI: none"
    assert tb.span_before(text, len(text), tb.SENTENCE) == "Hx SI: none"


def test_scopes_around_a_match() -> None:
    text = "pt fine. denies SI, HI; ok"
    m = re.search("SI", text)
    assert m is not None
    assert tb.span_before(text, m.start(), tb.CLAUSE) == " denies "
    assert tb.span_after(text, m.end(), tb.CLAUSE) == ""
    assert tb.span_after(text, m.end(), tb.SENTENCE) == ", HI"
    assert tb.first_piece(text, tb.SENTENCE) == "pt fine"
    assert tb.last_piece(text, tb.SENTENCE) == " ok"
    assert tb.first_piece("none", tb.CLAUSE) == tb.last_piece("none", tb.CLAUSE) == "none"


def test_kept_marks_cut_scopes_as_plain_clause() -> None:
    # A capture group adds the marks to `pieces` only: span_before/span_after cut as CLAUSE does.
    text = "a, b. c; d"
    for at in range(len(text) + 1):
        assert tb.span_before(text, at, tb.CLAUSE_KEPT) == tb.span_before(text, at, tb.CLAUSE)
        assert tb.span_after(text, at, tb.CLAUSE_KEPT) == tb.span_after(text, at, tb.CLAUSE)


def test_span_end_reads_the_whole_text() -> None:
    assert tb.span_end("took 2.5 mg; more", 0, tb.DOSE_CLAUSE) == 11
    assert tb.span_end("took 2", 0, tb.DOSE_CLAUSE) == 6
    # "but" is a word: "butter" is none, and `\b` sees the character before `start`.
    assert tb.span_end("took butter", 5, tb.DOSE_CLAUSE_OR_BUT) == 11
    assert tb.span_end("rebut x", 2, tb.DOSE_CLAUSE_OR_BUT) == 7


def _ends_with_cue(words: str) -> bool:
    # A stand-in for denial_scope.cue_introduces: the words end with "denies" or "negative for".
    return re.search(r"(?:denies|negative for)\s*$", words) is not None


# (words before a phrase, what of them a denial may reach): session 36 text69.
REACH: list[tuple[str, str]] = [
    ("no hi: wants to ", " wants to "),  # a colon after a denied item ends the denial
    ("no hi - wants to ", "wants to "),  # so does a free-standing dash
    ("denies si? wants to ", " wants to "),  # and a question or exclamation mark
    ("denies si! ", " "),
    ("denies: ", "denies: "),  # a colon right after the cue introduces what is denied
    ("negative for: si, ", "negative for: si, "),
    ("psych: denies ", " denies "),  # the cue after a heading's colon
    ("psych: denies: ", " denies: "),
    ("denies si, x-ray ", "denies si, x-ray "),  # a hyphen in a word is no dash; a comma no mark
]


@pytest.mark.parametrize(("before", "reached"), REACH)
def test_denial_reach(before: str, reached: str) -> None:
    assert tb.denial_reach(before, _ends_with_cue) == reached


def test_denial_question_mark_never_introduces() -> None:
    assert tb.denial_reach("denies? si ", lambda _: True) == " si "
    assert tb.denial_reach("denies: si ", lambda _: True) == "denies: si "


def test_sentence_or_bracket_cuts_no_comma_or_colon() -> None:
    assert tb.pieces("Denies: SI, HI (cut). a", tb.SENTENCE_OR_BRACKET) == [
        "Denies: SI, HI ",
        "cut)",
        " a",
    ]
