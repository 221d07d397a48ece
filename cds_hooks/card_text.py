"""CDS Hooks cards as a short terminal summary: indicator, summary, the first lines of the detail,
suggestions, links and source. Plain text; a little ANSI colour when asked (a TTY, no NO_COLOR).

The detail is CDS Hooks GitHub-flavoured Markdown: emphasis markers and link targets are dropped,
tables are skipped (their rows make no sense cut to a terminal's width).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

DETAIL_LINES = 3
WIDTH = 110
INDENT = " " * 12  # under the summary: "  " + an 8-wide indicator + "  "

_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_EMPHASIS = re.compile(r"\*\*|__|`")

# ANSI SGR codes: bold red / bold yellow / cyan for the indicators (critical stands out even
# without colour: it is spelled out in capitals), dim for secondary lines.
_COLOURS = {"critical": "1;31", "warning": "1;33", "info": "36", "dim": "2", "bold": "1"}


def colour_wanted(stream: TextIO = sys.stdout) -> bool:
    """Colour on a terminal unless NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


@dataclass(frozen=True, slots=True)
class Style:
    colour: bool

    def paint(self, text: str, what: str) -> str:
        return f"\x1b[{_COLOURS[what]}m{text}\x1b[0m" if self.colour and what in _COLOURS else text


def clip(text: str, width: int = WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def detail_lines(detail: str, count: int = DETAIL_LINES) -> list[str]:
    """The first `count` prose lines of a Markdown detail, markup removed, tables skipped."""
    out: list[str] = []
    for raw in detail.splitlines():
        line = raw.strip()
        if not line or line.startswith("|"):
            continue
        line = _EMPHASIS.sub("", _LINK.sub(r"\1", line))
        if line.startswith(("- ", "* ")):
            line = "- " + line[2:]
        out.append(line)
        if len(out) == count:
            break
    return out


def render_card(card: Mapping[str, Any], style: Style) -> list[str]:
    indicator = str(card.get("indicator", "info"))
    tag = style.paint(f"{indicator.upper():<8}", indicator)
    lines = [f"  {tag}  {style.paint(str(card.get('summary', '')), 'bold')}"]
    detail = card.get("detail")
    if isinstance(detail, str):
        lines += [INDENT + clip(line) for line in detail_lines(detail)]
    for suggestion in card.get("suggestions", []) or []:
        marker = "*" if suggestion.get("isRecommended") else "-"
        lines.append(f"{INDENT}{marker} suggests: {suggestion.get('label', '')}")
    for link in card.get("links", []) or []:
        lines.append(f"{INDENT}{link.get('label', 'link')}: {link.get('url', '')}")
    source = card.get("source", {})
    if isinstance(source, Mapping) and source.get("label"):
        lines.append(style.paint(f"{INDENT}source: {clip(str(source['label']), 90)}", "dim"))
    return lines


def render_cards(cards: Sequence[Mapping[str, Any]], style: Style) -> list[str]:
    if not cards:
        return [f"  {style.paint('no cards', 'dim')} (nothing for the clinician to act on)"]
    out: list[str] = []
    for card in cards:
        out += render_card(card, style)
    return out


def topics(cards: Sequence[Mapping[str, Any]]) -> set[str]:
    """The cards' topic codes (source.topic.code)."""
    found: set[str] = set()
    for card in cards:
        topic = card.get("source", {}).get("topic", {})
        if isinstance(topic, Mapping) and topic.get("code"):
            found.add(str(topic["code"]))
    return found
