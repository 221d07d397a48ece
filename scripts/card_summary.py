"""Moved to the package (`trd-cds request` prints cards with it): cds_hooks/card_text.py.
Re-exported here for the demo and the tests that import it from scripts."""

from cds_hooks.card_text import (
    DETAIL_LINES,
    INDENT,
    WIDTH,
    Style,
    clip,
    colour_wanted,
    detail_lines,
    render_card,
    render_cards,
    topics,
)

__all__ = [
    "DETAIL_LINES",
    "INDENT",
    "WIDTH",
    "Style",
    "clip",
    "colour_wanted",
    "detail_lines",
    "render_card",
    "render_cards",
    "topics",
]
