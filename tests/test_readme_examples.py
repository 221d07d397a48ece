"""The README's generated card examples match the service's output today.

They had drifted for a whole session (session 20: "14 prefetch keys" where discovery declares 19,
the old payer label): scripts/readme_card_example.py regenerates them; this keeps them honest.
"""

from __future__ import annotations

import re
from pathlib import Path

from cds_hooks.observability.middleware import new_request_id
from scripts.readme_card_example import FIRST_CALL_MARK, SAMPLE_REQUEST_ID, regenerate

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_card_examples_are_current() -> None:
    text = README.read_text("utf-8")
    assert regenerate(text) == text, (
        "README.md's generated examples are stale: run "
        "`.venv/bin/python -m scripts.readme_card_example`"
    )


def test_the_first_calls_request_id_has_the_shape_the_service_gives() -> None:
    """It showed a uuid's first group (3f1c0c8e-…), which no log line would ever carry (s24 RZ 5)."""
    shape = re.compile(r"[0-9a-f]{12}-[0-9a-f]+")
    assert shape.fullmatch(new_request_id())  # the shape is the service's, today
    assert shape.fullmatch(SAMPLE_REQUEST_ID)
    text = README.read_text("utf-8")
    block = text[text.index(FIRST_CALL_MARK) :].split("```")[1]
    (line,) = [line for line in block.splitlines() if "request id" in line]
    assert line.endswith(f"request id {SAMPLE_REQUEST_ID}")
