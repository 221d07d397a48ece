"""The packet's document codes (data/packet_codes.csv): its LOINC type and US Core category."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class DocumentCode:
    concept: str
    system: str
    code: str
    display: str
    source: str
    status: str

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


@cache
def document_codes() -> dict[str, DocumentCode]:
    text = resources.files("services").joinpath("data/packet_codes.csv").read_text("utf-8")
    return {row["concept"]: DocumentCode(**row) for row in csv.DictReader(text.splitlines())}


def document_code(concept: str) -> DocumentCode:
    return document_codes()[concept]
