"""hold_words' step templates, split once (issue 14), word a hold as Match.expand would."""

from __future__ import annotations

import pytest

from services.rules import hold_words

REASONS = [
    "PHQ-9 item 9 not recorded, ask it first",
    "PHQ-9 item 9 unanswered: ask it first",
    "PHQ-9 item 9 could not be read, check it first",
    "self-harm answer not read, check it first",
    "the GAD-7 not recorded, ask it first",
    "repeat the PHQ-9 first",
    "a dose above its label maximum",
    "lithium beyond its renal limit",
    "duloxetine beyond its hepatic limit",
    "strongly anticholinergic at 71",
    "tramadol and sertraline if both are taken",
    "sertraline and bupropion: no supply since 2025-06-10",
    "sertraline: no supply since 2025-06-10",
    "sertraline and bupropion on hold",
    "sertraline on hold",
    "duloxetine with AUDIT-C 9 on 2026-11-02",
    "an epilepsy on record",
    "the sodium is low",
]


@pytest.mark.parametrize("reason", REASONS)
def test_the_split_template_says_what_match_expand_says(reason: str) -> None:
    for pattern, words, parts in hold_words._STEPS:
        found = pattern.fullmatch(reason)
        if found is not None:
            assert hold_words._expand(found, parts) == found.expand(words)
            return
    pytest.fail(f"no row words {reason!r}")


def test_a_group_that_took_no_part_is_said_as_nothing() -> None:
    import re

    found = re.fullmatch(r"(?P<a>x)?(?P<b>y)", "y")
    assert found is not None
    parts = hold_words._template(r"[\g<a>|\g<b>]")
    assert hold_words._expand(found, parts) == found.expand(r"[\g<a>|\g<b>]") == "[|y]"


def test_a_template_with_another_escape_is_refused() -> None:
    with pytest.raises(ValueError, match="only"):
        hold_words._template(r"check \1 first")
