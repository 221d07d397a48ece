"""Probe charts kept as JSON request files beside a test module: each read once, handed out as a
fresh copy (a test may edit it), and the resources of its prefetch walked in document order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

Doc = dict[str, Any]


@cache
def _text(path: Path) -> str:
    return path.read_text("utf-8")


def loader(folder: Path) -> Callable[[str], Doc]:
    """`load(name)`: a fresh copy of `folder/name.json` (the file is read once)."""

    def load(name: str) -> Doc:
        doc: Doc = json.loads(_text(folder / f"{name}.json"))
        return doc

    return load


def prefetch_resources(doc: Doc) -> Iterator[Doc]:
    """Every resource of the request's prefetch, bundled or not (Bundles themselves left out)."""

    def walk(node: Any) -> Iterator[Doc]:
        if isinstance(node, dict):
            if "resourceType" in node and node["resourceType"] != "Bundle":
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(doc["prefetch"])
