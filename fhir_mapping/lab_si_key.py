"""What the `labsSI` prefetch key carries (services/catalog.py asks for it; its domain is
DataDomain.SI_LABS, gap_feeds.py).

The key began with the SI (moles) LOINC codes of B12, folate and 25-OH vitamin D (review 17 W3,
data/lab_si_units.csv). It also carries the TSH codes of named assays, third-generation 11580-8
and second-generation 11579-0 (data/lab_assay_codes.csv; review s19 M3): US labs send a current
TSH under them, and `labs` has no room left under the prefetch byte limit (catalog.py
MAX_QUERY_BYTES). So a chart sent without `labsSI` may hide a TSH as well as an SI-unit vitamin
lab. And it carries the drug levels of data/lab_level_codes.csv (the nortriptyline level, LOINC
3872-9, that an older adult's nortriptyline dose is judged by: review s25 RK3 finding 7), for the
same reason. `key_tests` says which tests, for the checks that would otherwise call one absent, and
`key_words` names them on the gap lines (fhir_mapping/gaps.py: "not received", "may be
incomplete"), read from the two tables, never a list written out (review s20 item 5: the partial
line named none, and TSH was left out of the count's noun).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from fhir_mapping.lab_names import LAB_NAMES
from fhir_mapping.lab_units import si_codes, si_rows


@cache
def _assay_rows() -> tuple[dict[str, str], ...]:
    """The rows of data/lab_assay_codes.csv with a code, read once for the codes and the words."""
    text = resources.files("fhir_mapping").joinpath("data/lab_assay_codes.csv").read_text("utf-8")
    return tuple(row for row in csv.DictReader(text.splitlines()) if row["loinc"].strip())


@cache
def _level_rows() -> tuple[dict[str, str], ...]:
    """The rows of data/lab_level_codes.csv: drug levels asked for under `labsSI`."""
    text = resources.files("fhir_mapping").joinpath("data/lab_level_codes.csv").read_text("utf-8")
    return tuple(row for row in csv.DictReader(text.splitlines()) if row["loinc"].strip())


@cache
def _panel_rows() -> tuple[dict[str, str], ...]:
    """The rows of data/lab_key_panels.csv: panels asked for under `labsSI` (the thyroid panel,
    lab54 item 1)."""
    text = resources.files("fhir_mapping").joinpath("data/lab_key_panels.csv").read_text("utf-8")
    return tuple(row for row in csv.DictReader(text.splitlines()) if row["loinc"].strip())


@cache
def _si_rows() -> tuple[dict[str, str], ...]:
    """The rows of data/lab_si_units.csv with a code (lab_units.py reads the file once)."""
    return tuple(row for row in si_rows() if row["loinc"].strip())


@cache
def assay_codes() -> frozenset[tuple[str, str]]:
    """(test, LOINC code) of data/lab_assay_codes.csv: a test under its assay method's code."""
    return frozenset((row["test"].strip(), row["loinc"].strip()) for row in _assay_rows())


@cache
def key_codes() -> frozenset[tuple[str, str]]:
    """(test, LOINC code) asked for under `labsSI`: the SI codes, the assay codes, the drug
    level codes and the panels of data/lab_key_panels.csv."""
    levels = frozenset((row["test"].strip(), row["loinc"].strip()) for row in _level_rows())
    panels = frozenset((row["panel"].strip(), row["loinc"].strip()) for row in _panel_rows())
    return si_codes() | assay_codes() | levels | panels


@cache
def level_tests() -> frozenset[str]:
    """The drug levels of data/lab_level_codes.csv ("nortriptyline"): each named by its drug."""
    return frozenset(row["test"].strip() for row in _level_rows())


@cache
def key_tests() -> frozenset[str]:
    """The tests a result of which may come under `labsSI` only: "b12", "folate", "vitamin-d",
    "tsh", "nortriptyline"."""
    # Not a panel of data/lab_key_panels.csv: it carries the TSH, which is named already.
    panels = {row["panel"].strip() for row in _panel_rows()}
    return frozenset(test for test, _ in key_codes() if test not in panels)


def _names(tests: list[str], conj: str = "and") -> str:
    """ "vitamin B12, folate and vitamin D": each test once, in table order."""
    named = [LAB_NAMES.get(t, t) for t in dict.fromkeys(tests)]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} {conj} {named[-1]}"


@cache
def key_words() -> str:
    """What the key carries, in plain words from data/lab_si_units.csv and
    data/lab_assay_codes.csv: "vitamin B12, folate and vitamin D reported in SI units (pmol/L,
    nmol/L), and TSH under an assay method's code (LOINC 11580-8, 11579-0)". Not the drug levels
    of data/lab_level_codes.csv: a level matters only on its drug, so the card that reads it says
    it was not received (services/older_adult_level_reading.py), not every card's gap line."""
    si = _si_rows()
    assay = _assay_rows()
    parts = []
    if si:
        units = ", ".join(dict.fromkeys(row["unit"].strip() for row in si))
        parts.append(
            f"{_names([row['test'].strip() for row in si])} reported in SI units ({units})"
        )
    if assay:
        codes = ", ".join(row["loinc"].strip() for row in assay)
        tests = _names([row["test"].strip() for row in assay])
        parts.append(f"{tests} under an assay method's code (LOINC {codes})")
    return ", and ".join(parts)


@cache
def key_names(conj: str = "and") -> str:
    """The tests alone, SI ones first: "vitamin B12, folate, vitamin D and TSH" (`conj` "or"
    for one result of any of them)."""
    rows = _si_rows() + _assay_rows()
    return _names([row["test"].strip() for row in rows], conj)
