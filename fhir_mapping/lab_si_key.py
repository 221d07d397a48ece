"""What the `labsSI` prefetch key carries (services/catalog.py asks for it; its domain is
DataDomain.SI_LABS, gap_feeds.py).

The key began with the SI (moles) LOINC codes of B12, folate and 25-OH vitamin D (review 17 W3,
data/lab_si_units.csv). It also carries the TSH codes of named assays, third-generation 11580-8
and second-generation 11579-0 (data/lab_assay_codes.csv; review s19 M3): US labs send a current
TSH under them, and `labs` has no room left under the prefetch byte limit (catalog.py
MAX_QUERY_BYTES). So a chart sent without `labsSI` may hide a TSH as well as an SI-unit vitamin
lab: `key_tests` says which tests, for the checks that would otherwise call one absent.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from fhir_mapping.lab_units import si_codes


@cache
def assay_codes() -> frozenset[tuple[str, str]]:
    """(test, LOINC code) of data/lab_assay_codes.csv: a test under its assay method's code."""
    text = resources.files("fhir_mapping").joinpath("data/lab_assay_codes.csv").read_text("utf-8")
    return frozenset(
        (row["test"].strip(), row["loinc"].strip())
        for row in csv.DictReader(text.splitlines())
        if row["loinc"].strip()
    )


@cache
def key_codes() -> frozenset[tuple[str, str]]:
    """(test, LOINC code) asked for under `labsSI`: the SI codes and the assay codes."""
    return si_codes() | assay_codes()


@cache
def key_tests() -> frozenset[str]:
    """The tests a result of which may come under `labsSI` only: "b12", "folate", "vitamin-d",
    "tsh"."""
    return frozenset(test for test, _ in key_codes())
