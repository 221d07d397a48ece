"""The README's generated card examples match the service's output today.

They had drifted for a whole session (session 20: "14 prefetch keys" where discovery declares 19,
the old payer label): scripts/readme_card_example.py regenerates them; this keeps them honest.
"""

from __future__ import annotations

from pathlib import Path

from scripts.readme_card_example import regenerate

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_card_examples_are_current() -> None:
    text = README.read_text("utf-8")
    assert regenerate(text) == text, (
        "README.md's generated examples are stale: run "
        "`.venv/bin/python -m scripts.readme_card_example`"
    )
