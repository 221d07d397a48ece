"""The table of the options beyond medication (data/pathway_options.csv: ECT, esketamine,
ketamine, pharmacogenomic testing, zuranolone; each row with its line, level of evidence, what
the card says, source and status) and the UNVERIFIED mark every card writes after a row whose
status says so.

Apart from the modules that word the lines (pathway_options.py, adjunct_monitoring.py,
ect_course_lines.py, drug_course_lines.py) so each reads the one table without importing the
others; pathway_options.py re-exports `options`, `PathwayOption` and `unverified_mark`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True, slots=True)
class PathwayOption:
    option: str  # "ect" | "esketamine" | "ketamine" | "pgx"
    label: str
    when: frozenset[str]  # situations that name it: trd, older-adult, poor-response
    line: str  # its guideline line, e.g. "CANMAT 2023 second line"
    level: str  # CANMAT level of evidence, "" when not read
    card: str  # what the card says: what it offers, its label status, its safety issue
    source: str
    status: str
    # Labelled for major depression only (esketamine: SPRAVATO's indications are TRD and MDD with
    # suicidal ideation): not named while another depressive disorder is the diagnosis.
    mdd_only: bool = False
    # Why it is listed first for an older adult, as the source says it (ECT: "may be especially
    # effective in older patients", CANMAT 2023 para 215; review s25 RA finding 4: the card said
    # "first choice", which para 215 does not); "" for the others.
    older_adult: str = ""


@cache
def options() -> dict[str, PathwayOption]:
    return {
        r["option"]: PathwayOption(
            option=r["option"],
            label=r["label"],
            when=frozenset(w for w in r["when"].split(";") if w),
            line=r["line"],
            level=r["level"],
            card=r["card"],
            source=r["source"],
            status=r["status"],
            mdd_only=r.get("mdd_only", "").strip().lower() == "true",
            older_adult=r.get("older_adult", "").strip(),
        )
        for r in _rows("pathway_options.csv")
    }


def unverified_mark(status: str) -> str:
    """ " (UNVERIFIED)" after a row whose status says so, as every card writes it; else ""."""
    return " (UNVERIFIED)" if status == "UNVERIFIED" else ""
