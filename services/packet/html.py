"""HTML writing: elements with escaped attributes and text, tables that stack on a narrow screen.

Every text that comes from data (drug names, diagnoses, free-text reasons, resource ids) goes
through `esc` here, so the packet stays well-formed and inert whatever the chart holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

Attr = str | int | None


def esc(text: object) -> str:
    """Text for an element or an attribute: &, <, >, " and ' escaped."""
    return escape(str(text), quote=True)


def el(tag: str, *children: str, **attrs: Attr) -> str:
    """An element. Keyword names become attribute names (cls -> class, data_label -> data-label);
    None drops the attribute; values are escaped. Children are markup, already escaped."""
    parts = [tag]
    for key, value in attrs.items():
        if value is None:
            continue
        name = "class" if key == "cls" else key.replace("_", "-")
        parts.append(f'{name}="{esc(value)}"')
    return f"<{' '.join(parts)}>{''.join(children)}</{tag}>"


def text(tag: str, content: str, **attrs: Attr) -> str:
    """An element holding raw text (escaped here)."""
    return el(tag, esc(content), **attrs)


def bullets(lines: Iterable[str], **attrs: Attr) -> str:
    """A list of raw text lines (escaped here)."""
    return el("ul", *(text("li", line) for line in lines), **attrs)


Cell = str | tuple[str, str]  # raw text, or (raw text, class)


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    caption: str,
    cls: str,
    stack: bool = False,
) -> str:
    """A data table. Every cell carries its column's name (data-label): a `stack` table (one
    too wide for a narrow window) shows each row as a block of "label: value" lines on a narrow
    screen. In print the header repeats on every page and no row is cut across a page break
    (style.py)."""
    head = el("thead", el("tr", *(text("th", h, scope="col") for h in header)))
    body_rows = []
    for row in rows:
        cells = []
        for label, cell in zip(header, row, strict=True):
            content, cell_cls = cell if isinstance(cell, tuple) else (cell, None)
            cells.append(text("td", content, data_label=label, cls=cell_cls))
        body_rows.append(el("tr", *cells))
    return el(
        "table",
        text("caption", caption),
        head,
        el("tbody", *body_rows),
        cls=f"stack {cls}" if stack else cls,
    )
