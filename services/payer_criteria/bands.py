"""Severity bands of the rating scales: the PHQ-9's (phq9_bands.csv, Kroenke 2001) and the
others' (payer_criteria/scale_bands.csv), each band with its citation."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services.payer_criteria.errors import PayerCriteriaError

PHQ9 = "PHQ-9"
DATA_FOLDER = "data/payer_criteria"


# The ordinal band vocabulary the scale tables use (a vocabulary, not a threshold: the numbers
# behind each band are in phq9_bands.csv and scale_bands.csv).
BAND_RANKS: Mapping[str, int] = {
    "none": 0,
    "none-minimal": 0,
    "mild": 1,
    "moderate": 2,
    "moderately-severe": 3,
    "severe": 4,
    "very-severe": 5,
}


@dataclass(frozen=True, slots=True)
class ScaleBand:
    """One severity band of a rating scale (phq9_bands.csv, scale_bands.csv)."""

    instrument: str
    key: str  # "severe", "moderately-severe", ...
    label: str
    lower: int
    upper: int
    citation: str  # short, for a card: "Kroenke 2001"
    source: str
    status: str

    @property
    def rank(self) -> int:
        return BAND_RANKS[self.key]


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("services").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def scale_bands() -> tuple[ScaleBand, ...]:
    """Every scale's bands: the PHQ-9's from phq9_bands.csv, the others from scale_bands.csv."""
    found = [
        ScaleBand(
            instrument=PHQ9,
            key=row["band"],
            label=row["label"],
            lower=int(row["lower"]),
            upper=int(row["upper"]),
            citation="Kroenke 2001",
            source=row["source"],
            status=row["status"],
        )
        for row in _csv("data/phq9_bands.csv")
    ]
    for row in _csv(f"{DATA_FOLDER}/scale_bands.csv"):
        found.append(
            ScaleBand(
                instrument=row["instrument"],
                key=row["band"],
                label=row["label"],
                lower=int(row["lower"]),
                upper=int(row["upper"]),
                citation=row["citation"],
                source=row["source"],
                status=row["status"],
            )
        )
    unknown = {b.key for b in found} - set(BAND_RANKS)
    if unknown:
        raise PayerCriteriaError(f"scale_bands.csv: unknown band(s) {sorted(unknown)}")
    return tuple(found)


@cache
def bands_by_instrument() -> Mapping[str, tuple[ScaleBand, ...]]:
    """scale_bands() grouped by scale, each group in the tables' order: a score is looked up
    among its own scale's few bands (read for every score of a card and the referral packet)."""
    grouped: dict[str, list[ScaleBand]] = {}
    for band in scale_bands():
        grouped.setdefault(band.instrument, []).append(band)
    return {name: tuple(group) for name, group in grouped.items()}


def scale_band(instrument: str, value: int) -> ScaleBand | None:
    """The band a score falls in, or None for an instrument without bands or a value outside."""
    for band in bands_by_instrument().get(instrument, ()):
        if band.lower <= value <= band.upper:
            return band
    return None


def known_instruments() -> frozenset[str]:
    return frozenset(b.instrument for b in scale_bands())
