"""The README's command-line synopsis names every option each `trd-cds` command takes (review
s21 RI finding 6: `evaluate --timezone` was missing, though the README used it further down)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cds_hooks.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = ("serve", "evaluate", "request", "db")


def _options_of(command: str, capsys: pytest.CaptureFixture[str]) -> set[str]:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    # Each option opens a line of the help's option list ("  --url URL  ...", "  -h, --help").
    found = re.findall(r"^  (?:-\w, )?(--[a-z][a-z-]*)", capsys.readouterr().out, re.M)
    return set(found) - {"--help"}


def _synopsis(command: str) -> set[str]:
    text = README.read_text("utf-8")
    block = text[text.index("## The command line") :].split("```")[1]
    (line,) = [x for x in block.splitlines() if x.startswith(f"trd-cds {command} ")]
    return set(re.findall(r"--[a-z][a-z-]*", line))


@pytest.mark.parametrize("command", COMMANDS)
def test_the_synopsis_names_every_option(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert sorted(_options_of(command, capsys) - _synopsis(command)) == []
    assert sorted(_synopsis(command) - _options_of(command, capsys)) == []
