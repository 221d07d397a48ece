"""HTML writing: elements with escaped attributes and text, tables that stack on a narrow screen.

Every text that comes from data (drug names, diagnoses, free-text reasons, resource ids) goes
through `esc` here, so the packet stays well-formed and inert whatever the chart holds.

Written for speed (the packet is rendered on every TMS card, issue 14): most texts hold none of
the five characters `esc` replaces, so it only looks for them; elements are f-strings, and a
table's header cells and cell openings are built once per header. A table with a row per chart
entry (the severity history: one per score) writes each row as one f-string instead of
`table`'s walk of its cells (`written_table`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

Attr = str | int | None


def esc(text: object) -> str:
    """Text for an element or an attribute: &, <, >, " and ' escaped (as html.escape)."""
    if type(text) is not str:
        text = str(text)
    # html.escape's five replacements in its order (& first), each only when its character is
    # there: most texts hold none of them, and a test costs less than a replacement.
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "'" in text:
        text = text.replace("'", "&#x27;")
    return text


# Keyword name -> attribute name, filled as names are used (a handful in the packet).
_NAMES: dict[str, str] = {"cls": "class"}


def _attrs(attrs: dict[str, Attr]) -> str:
    """' name="value"' for each attribute, in the order given; None drops one."""
    if len(attrs) == 1 and "cls" in attrs:
        # The packet's usual one, a class of its own (a constant, never chart data): kept per
        # class as a table cell's is.
        cls = attrs["cls"]
        return _class_attr(cls if cls is None else str(cls))
    out = ""
    for key, value in attrs.items():
        if value is None:
            continue
        name = _NAMES.get(key)
        if name is None:
            name = _NAMES[key] = key.replace("_", "-")
        out += f' {name}="{esc(value)}"'
    return out


def el(tag: str, *children: str, **attrs: Attr) -> str:
    """An element. Keyword names become attribute names (cls -> class, data_label -> data-label);
    None drops the attribute; values are escaped. Children are markup, already escaped."""
    if attrs:
        return f"<{tag}{_attrs(attrs)}>{''.join(children)}</{tag}>"
    return f"<{tag}>{''.join(children)}</{tag}>"


def text(tag: str, content: str, **attrs: Attr) -> str:
    """An element holding raw text (escaped here)."""
    if attrs:
        return f"<{tag}{_attrs(attrs)}>{esc(content)}</{tag}>"
    return f"<{tag}>{esc(content)}</{tag}>"


def section_open(section_id: str, heading: str) -> str:
    """'<section id="…"><h2>…</h2>': a section's opening, which its module builds once; the
    section ends with "</section>"."""
    return f'<section id="{esc(section_id)}">{text("h2", heading)}'


def bullets(lines: Iterable[str], **attrs: Attr) -> str:
    """A list of raw text lines (escaped here)."""
    items = "".join([f"<li>{esc(line)}</li>" for line in lines])
    return f"<ul{_attrs(attrs)}>{items}</ul>"


class Rendered(str):
    """A whole cell (`<td …>…</td>`) already written by `rendered_cell` for its column, which
    `table` takes as it is: for a cell whose text is the same on every packet (a rule set's
    wording and source), rendered once by its module instead of escaped again on each."""

    __slots__ = ()


Cell = str | tuple[str, str] | Rendered  # raw text, (raw text, class), or a rendered cell


@lru_cache(maxsize=64)
def _header(header: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """A table's <thead>, and each column's cell opening without its closing '>'
    ('<td data-label="Date"'). The packet's headers are constants: built once each."""
    head = "".join([f'<th scope="col">{esc(h)}</th>' for h in header])
    return f"<thead><tr>{head}</tr></thead>", tuple(f'<td data-label="{esc(h)}"' for h in header)


def rendered_cell(column: str, content: str, cls: str | None = None) -> Rendered:
    """The cell `table` writes for raw text `content` (with `cls`, if any) in the column headed
    `column`."""
    return Rendered(f'<td data-label="{esc(column)}"{_class_attr(cls)}>{esc(content)}</td>')


# ' class="ref"' by cell class: the cell classes are the packet's own few words (constants in
# its modules, never chart data), each attribute built once as it is first used.
_CLASS_ATTRS: dict[str | None, str] = {None: ""}


def _class_attr(cls: str | None) -> str:
    """' class="ref"' ("" for None), kept in _CLASS_ATTRS."""
    attr = _CLASS_ATTRS.get(cls)
    if attr is None:
        attr = _CLASS_ATTRS[cls] = "" if cls is None else f' class="{esc(cls)}"'
    return attr


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
    head, openings = _header(tuple(header))
    width = len(openings)
    body: list[str] = []
    add = body.append
    class_attrs = _CLASS_ATTRS
    # The loop runs once per cell (a few hundred a packet): the escape test is inlined, so a
    # cell pays for `esc` only when it holds one of its characters (most hold none).
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} cells in a table of {width} columns")
        add("<tr>")
        # Lengths checked above; a keyword argument (strict=) would cost zip a dict per row.
        for opening, cell in zip(openings, row):  # noqa: B905
            if type(cell) is str:
                attr = ""
            elif type(cell) is Rendered:  # written by `rendered_cell` for this column
                add(cell)
                continue
            elif type(cell) is tuple or isinstance(cell, tuple):  # (text, class)
                cell, cell_cls = cell
                attr = class_attrs.get(cell_cls) or _class_attr(cell_cls)
                if type(cell) is not str:
                    cell = str(cell)
            else:
                attr = ""
                cell = str(cell)
            if "&" in cell or "<" in cell or ">" in cell or '"' in cell or "'" in cell:
                cell = esc(cell)
            add(f"{opening}{attr}>{cell}</td>")
        add("</tr>")
    return _table(head, body, caption=caption, cls=cls, stack=stack)


def _table(head: str, body: list[str], *, caption: str, cls: str, stack: bool) -> str:
    table_cls = esc(f"stack {cls}" if stack else cls)
    return (
        f'<table class="{table_cls}"><caption>{esc(caption)}</caption>{head}'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def plain(content: str) -> bool:
    """Whether `esc` leaves `content` as it is (it holds none of the five characters)."""
    return not (
        "&" in content or "<" in content or ">" in content or '"' in content or "'" in content
    )


def cell_openings(header: Sequence[str]) -> tuple[str, ...]:
    """Each column's cell opening as `table` writes it, without its class and closing '>'
    ('<td data-label="Date"'), for a module that writes its rows itself (`written_table`)."""
    return _header(tuple(header))[1]


def class_attr(cls: str | None) -> str:
    """A cell's class attribute as `table` writes it (' class="ref"'; "" for None)."""
    return _class_attr(cls)


def written_table(
    header: Sequence[str],
    rows: list[str],
    *,
    caption: str,
    cls: str,
    stack: bool = False,
) -> str:
    """`table`, for rows (`<tr>…</tr>`) its caller has written as `table` would, from
    `cell_openings` and `class_attr` (tests/services/test_severity_rows.py pins the two to
    one output)."""
    head, _ = _header(tuple(header))
    return _table(head, rows, caption=caption, cls=cls, stack=stack)
