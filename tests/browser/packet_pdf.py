"""What a printed page holds, read from the tagged PDF Chromium prints (Page.printToPDF with
generateTaggedPDF): the page count, and for every table row the pages its content was painted on.

A tagged PDF carries the document's structure (ISO 32000-1, 14.7-14.8): a tree of structure
elements (/S /Table, /TR, /TH, /TD, ...) whose leaves are marked-content ids on a page (/Pg).
A row whose cells were painted on two pages was cut by a page break; a table header repeated on
every page shows as header-row content on each of those pages (Chromium tags a header row as a
TR of TH cells, with no THead element). Chromium writes these
objects uncompressed, one `N 0 obj << ... >> endobj` each; only page content and fonts are
streams, and they are not read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_NAME = re.compile(rb"/S /(\w+)")
_PARENT = re.compile(rb"/P (\d+) 0 R")
_PAGE = re.compile(rb"/Pg (\d+) 0 R")
_KIDS = re.compile(rb"/K (\[.*?\]|<<.*?>>|\d+ 0 R|\d+)", re.S)
_KID = re.compile(rb"<<(.*?)>>|(\d+) 0 R|(\d+)", re.S)
_PAGES = re.compile(rb"/Type /Pages\s.*?/Kids \[(.*?)\]", re.S)


def _page_order(objects: dict[int, bytes]) -> list[int]:
    """The page objects in document order. A long document's page tree has intermediate /Pages
    nodes (ISO 32000-1, 7.7.3.2: Chromium groups pages once there are many): walk it from the
    root, the /Pages node without a /Parent."""
    roots = [
        body
        for body in objects.values()
        if _PAGES.search(body) is not None and b"/Parent" not in body
    ]
    if not roots:
        raise ValueError("no /Pages object: not a PDF Chromium wrote")

    def walk(body: bytes) -> list[int]:
        found = _PAGES.search(body)
        assert found is not None
        order: list[int] = []
        for number in (int(n) for n in re.findall(rb"(\d+) 0 R", found.group(1))):
            kid = objects.get(number, b"")
            order.extend(walk(kid) if _PAGES.search(kid) is not None else [number])
        return order

    return walk(roots[0])


@dataclass(frozen=True, slots=True)
class Element:
    number: int
    role: str  # TR, TH, TD, Table, THead, TBody, ...
    parent: int | None
    page: int | None  # the page object its integer kids (marked content ids) are on
    kids: tuple[tuple[str, int], ...]  # ("mcid", page object) or ("element", object number)


class TaggedPdf:
    def __init__(self, data: bytes) -> None:
        self.data = data
        objects = {int(n): body for n, body in _OBJECT.findall(data)}
        self.page_objects = _page_order(objects)
        self.elements: dict[int, Element] = {}
        for number, body in objects.items():
            if b"/Type /StructElem" not in body:
                continue
            role = _NAME.search(body)
            parent = _PARENT.search(body)
            page = _PAGE.search(body[: body.find(b"/K")] if b"/K" in body else body)
            own_page = int(page.group(1)) if page else None
            kids: list[tuple[str, int]] = []
            found = _KIDS.search(body)
            for mcr, ref, mcid in _KID.findall(found.group(1)) if found else ():
                if mcr:  # <</Type /MCR /Pg n 0 R /MCID m>>: content on another page
                    on = _PAGE.search(mcr)
                    if b"/MCID" in mcr and (on or own_page is not None):
                        kids.append(("mcid", int(on.group(1)) if on else own_page or 0))
                elif ref:
                    kids.append(("element", int(ref)))
                elif mcid and own_page is not None:
                    kids.append(("mcid", own_page))
            self.elements[number] = Element(
                number=number,
                role=role.group(1).decode() if role else "",
                parent=int(parent.group(1)) if parent else None,
                page=own_page,
                kids=tuple(kids),
            )

    @property
    def page_count(self) -> int:
        return len(self.page_objects)

    def pages_of(self, number: int) -> frozenset[int]:
        """The pages (1-based) the element's content was painted on."""
        return self._pages(number)

    @cache  # noqa: B019 - one small object per test; the cache dies with it
    def _pages(self, number: int) -> frozenset[int]:
        element = self.elements.get(number)
        if element is None:  # an annotation or another non-structure object
            return frozenset()
        found: set[int] = set()
        for kind, value in element.kids:
            if kind == "mcid":
                found.add(self.page_objects.index(value) + 1)
            else:
                found |= self._pages(value)
        return frozenset(found)

    def with_role(self, role: str) -> list[Element]:
        return [e for e in self.elements.values() if e.role == role]

    def ancestor(self, element: Element, role: str) -> Element | None:
        parent = element.parent
        while parent is not None and parent in self.elements:
            candidate = self.elements[parent]
            if candidate.role == role:
                return candidate
            parent = candidate.parent
        return None

    def is_header(self, row: Element) -> bool:
        """A header row: in a THead, or (as Chromium tags it) a row of TH cells only."""
        if self.ancestor(row, "THead") is not None:
            return True
        cells = [
            self.elements[n].role
            for kind, n in row.kids
            if kind == "element" and n in self.elements
        ]
        return bool(cells) and all(role == "TH" for role in cells)

    def body_rows(self) -> list[Element]:
        """Table rows that are not header rows."""
        return [r for r in self.with_role("TR") if not self.is_header(r)]

    def split_rows(self) -> list[tuple[int, frozenset[int]]]:
        """(row, pages) for every body row painted on more than one page."""
        return [
            (r.number, pages) for r in self.body_rows() if len(pages := self.pages_of(r.number)) > 1
        ]

    def tables(self) -> list[tuple[frozenset[int], frozenset[int]]]:
        """(pages of the body rows, pages the header was painted on) per table."""
        out = []
        for table in self.with_role("Table"):
            body: set[int] = set()
            head: set[int] = set()
            for row in self.with_role("TR"):
                if self.ancestor(row, "Table") is not table:
                    continue
                if self.is_header(row):
                    head |= self.pages_of(row.number)
                else:
                    body |= self.pages_of(row.number)
            out.append((frozenset(body), frozenset(head)))
        return out
