"""LOINC codes of the scales and labs the rules read (data/observation_codes.csv, with sources).

`instrument` names the rating scale a code belongs to ("PHQ-9", "PHQ-2", "GAD-7"; empty for labs)
and `max_score` its highest valid value (a result outside 0..max_score is a data error and is
dropped). PHQ-9 answers coded as LOINC answers (item 9) are in data/phq9_answer_codes.csv.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.code_systems import LOINC, canonical_system


@dataclass(frozen=True, slots=True)
class ObservationCode:
    concept: str  # "phq9-total", "phq9-item9", "tsh", ...
    system: str
    code: str
    display: str
    source: str
    status: str
    instrument: str | None = None  # "PHQ-9" | "PHQ-2" | "GAD-7" for scale codes
    max_score: int | None = None
    # Asked for by the prefetch query (services/catalog.py); "no" in the table: read when a chart
    # carries it, no room to ask (labs70: the race-specific eGFR codes, free T4 14920-3).
    asked: bool = True


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def observation_codes() -> tuple[ObservationCode, ...]:
    return tuple(
        ObservationCode(
            concept=row["concept"],
            system=canonical_system(row["system"]),
            code=row["code"].strip(),
            display=row["display"],
            source=row["source"],
            status=row["status"],
            instrument=row.get("instrument") or None,
            max_score=int(row["max_score"]) if row.get("max_score") else None,
            asked=(row.get("asked") or "").strip() != "no",
        )
        for row in _read("observation_codes.csv")
    )


@cache
def observation_concepts() -> dict[tuple[str, str], str]:
    """(system, code) -> concept, for the cheap pre-validation filter. Systems are canonical
    (code_systems.py): look them up with what `fhir_fields.codings` yields."""
    return {(c.system, c.code): c.concept for c in observation_codes()}


@cache
def observation_code_rows() -> dict[tuple[str, str], ObservationCode]:
    """(system, code) -> the full row (instrument, valid range)."""
    return {(c.system, c.code): c for c in observation_codes()}


@cache
def phq9_answer_codes_without_system() -> dict[str, int]:
    """LOINC answer code -> item score, for a coding sent without a system (SDC writes them so:
    ../shared/fhir/vendor trap 9). LOINC "LA" answer codes are LOINC's own and name one answer
    whatever the system left out, so reading them is safe; a bare code of any other table is
    not read."""
    return {
        code: value
        for (system, code), value in phq9_answer_values().items()
        if system == LOINC and code.startswith("LA")
    }


@cache
def phq9_answer_values() -> dict[tuple[str, str], int]:
    """(system, LOINC answer code) -> item score 0..3 (answer list LL358-3)."""
    return {
        (canonical_system(row["system"]), row["code"].strip()): int(row["value"])
        for row in _read("phq9_answer_codes.csv")
    }


def answer_words(text: str) -> str:
    """An answer text as compared with the answer list's displays: case folded, surrounding
    and repeated white space removed. Nothing else is forgiven (no spelling, abbreviation or
    partial match): a near miss stays unread and is reported, never guessed."""
    return " ".join(text.casefold().split())


@cache
def phq9_answer_texts() -> dict[str, int]:
    """The LOINC answer list LL358-3 displays ("Not at all" ... "Nearly every day", the display
    column of data/phq9_answer_codes.csv), compared by `answer_words`, -> item score 0..3.

    Review 17 M5: an Epic flowsheet row sends item 9 as `valueString "Several days"`, the exact
    display of LA6569-3; it was "could not be read". Only an exact (case-insensitive) display
    is read."""
    return {
        answer_words(row["display"]): int(row["value"]) for row in _read("phq9_answer_codes.csv")
    }


@cache
def phq9_answer_max() -> int:
    """The highest score on the PHQ-9 answer list (3): the scale of one item, the only place
    an answer text is read (a total of 27 has no answer text)."""
    return max(phq9_answer_values().values())
