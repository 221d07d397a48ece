"""The rendered DOM Chromium dumps, read back: every start tag with its attributes."""

from __future__ import annotations

from html.parser import HTMLParser


class Elements(HTMLParser):
    """Every start tag of the rendered DOM with its attributes (feed it `dump_dom(...).stdout`)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def with_class(self, cls: str) -> list[dict[str, str]]:
        return [a for _, a in self.elements if cls in a.get("class", "").split()]

    def with_id(self, id_: str) -> list[tuple[str, dict[str, str]]]:
        return [(t, a) for t, a in self.elements if a.get("id") == id_]


def parse(html: str) -> Elements:
    dom = Elements()
    dom.feed(html)
    return dom


def wide_layout(html: str) -> str:
    """The page up to its narrow-layout picture: the timeline page holds the picture twice (wide
    and narrow, services/timeline/page.py), each with the same marks; tests read the wide one."""
    return html.split('<div class="layout-narrow">', 1)[0]
