"""The tables a PHQ-9 QuestionnaireResponse is read by, and the small readers they share.

PHQ-9 items (data/phq9_items.csv: LOINC code -> item 1..9 or the total, with its highest valid
score), the known Questionnaires' items (data/questionnaire_items.csv), answer codes and texts
(data/phq9_answer_codes.csv, data/questionnaire_answers.csv), the item-weight extensions that put a
score on an answer, and how a canonical, a LOINC system and an answer's text are compared. Apart
from questionnaires.py: both the item reader (questionnaire_items.py) and the answer reader
(questionnaire_answers.py) use them, and each table is loaded once per process.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.code_systems import LOINC, canonical_system
from fhir_mapping.codes import phq9_answer_values
from fhir_mapping.fhir_fields import array, number, string

QR = "QuestionnaireResponse"
_ANY_QUESTIONNAIRE = "*"  # questionnaire_items.csv rows that hold for any questionnaire
# Extensions that put a score on an answer (Coding or answerOption). ordinalValue is R4's name,
# itemWeight its R5 / extensions-pack name ("used to be called ordinalValue"), iso21090-CO-value
# the DSTU2-era one.
_WEIGHT_URLS = frozenset(
    {
        "http://hl7.org/fhir/StructureDefinition/ordinalValue",
        "http://hl7.org/fhir/StructureDefinition/itemWeight",
        "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
    }
)


# --- data tables ---------------------------------------------------------------------------------
def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True, slots=True)
class _Item:
    loinc: str
    number: int | None  # 1..9; None for the total
    max_score: int


@cache
def phq9_items() -> dict[str, _Item]:
    """LOINC code -> PHQ-9 item (1..9) or the total, with its highest valid score."""
    return {
        row["loinc"]: _Item(
            row["loinc"],
            None if row["item"] == "total" else int(row["item"]),
            int(row["max_score"]),
        )
        for row in _read("phq9_items.csv")
    }


@cache
def _item9_code() -> str:
    return next(i.loinc for i in phq9_items().values() if i.number == 9)


@cache
def _total_code() -> str:
    return next(i.loinc for i in phq9_items().values() if i.number is None)


@cache
def known_items() -> dict[tuple[str, str], str]:
    """(questionnaire canonical or "*", linkId) -> LOINC item code (data/questionnaire_items.csv)."""
    return {
        (canonical(row["questionnaire"]) or _ANY_QUESTIONNAIRE, row["link_id"]): row["loinc"]
        for row in _read("questionnaire_items.csv")
    }


@cache
def _known_canonicals() -> frozenset[str]:
    return frozenset(q for q, _ in known_items() if q != _ANY_QUESTIONNAIRE)


@cache
def _answer_codes() -> dict[tuple[str, str], int]:
    """(system, code) -> item score; system "" for codes sent without one."""
    found = {
        (LOINC, code): value
        for (system, code), value in phq9_answer_values().items()
        if _is_loinc(system)
    }
    for row in _read("questionnaire_answers.csv"):
        found[(row["system"], row["code"])] = int(row["value"])
    return found


def _words(text: str) -> str:
    return " ".join(re.sub(r"[-_]", " ", text).lower().split())


@cache
def _answer_texts() -> dict[str, int]:
    """Normalised answer text ("more than half the days") -> item score."""
    return {_words(row["display"]): int(row["value"]) for row in _read("questionnaire_answers.csv")}


# --- small readers -------------------------------------------------------------------------------
def _is_loinc(system: object) -> bool:
    return isinstance(system, str) and canonical_system(system) == LOINC


def canonical(value: object) -> str | None:
    """A questionnaire canonical without its `|version` (R4 string; STU3-style Reference too)."""
    if isinstance(value, Mapping):
        value = value.get("reference")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().split("|", 1)[0].rstrip("/")


def _weight(element: object) -> float | None:
    """The score an item-weight extension puts on a Coding, an answer or an answerOption."""
    if not isinstance(element, Mapping):
        return None
    for extension in array(element.get("extension")):
        if isinstance(extension, Mapping) and string(extension.get("url")) in _WEIGHT_URLS:
            for key in ("valueDecimal", "valueInteger"):
                found = number(extension.get(key))
                if found is not None:
                    return found
    return None
