"""Lab results named like a test the diagnosis review reads but coded with a code this service
does not know: DataGaps, never results (review s22 RX finding 10).

An Epic result filed under the site's local component code only (`urn:oid:1.2.840.114350...`,
../shared/fhir/vendor/README.md trap 8), code.text "TSH", is not read until the site's codes are
configured (`[codes]`, site_codes.py). Dropped in silence, the diagnosis review said "No TSH in
the last 365 days" of a chart holding a TSH of last month. So each such Observation is a DataGap
whose reason names the test; the diagnosis review then says "No TSH recognised" and cites the row
(services/rules/diagnosis_review.py, through services/lab_readings.unrecognised). The gap is one resource left out (GapCause.LEFT_OUT),
so it does not make the labs as a whole "not known" (record.incomplete).

"Named" is text only, as for the scales (scale_lookalike.py): code.text or a coding display names
a term of data/lab_lookalike_terms.csv as a whole word, not negated. Nothing here reads a value:
the code is not identified, so a number under it is never a result the service vouches for.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.clinical_records import LabResult
from fhir_mapping.fhir_fields import code_texts, codings, effective_date, number, string
from fhir_mapping.lab_names import LAB_NAMES
from fhir_mapping.record import DataDomain, DataGap, SourceRef
from fhir_mapping.result_statuses import OBSERVATION, Reads, statuses
from fhir_mapping.tms_safety import negated, normalise_text

Resource = Mapping[str, Any]

# The reason's words (reasons go to the logs: the test's name, no patient data).
_PREFIX = "named "
# The fix an integration engineer needs is named: `[codes]` maps a local lab code to the LOINC
# code the service reads (README "Site code maps"; review s24 RM finding 2).
_SUFFIX = (
    " under a code this service does not know; a site code can be configured ([codes]: map it "
    "to the test's LOINC code); its value is not read as a result"
)
# Observation statuses that are results: the `all` rows of data/result_statuses.csv.
_RESULT = statuses(OBSERVATION, Reads.ALL)


@cache
def _terms() -> tuple[tuple[str, re.Pattern[str], str, re.Pattern[str] | None], ...]:
    """(normalised term, its whole-word pattern, test, the whole-word pattern of its `unless`
    words or None) per term, longest first. `unless`: words that, anywhere in the same text,
    make it another test ("urine sodium", "albumin/creatinine ratio": review s24 RM finding 2)."""
    text = resources.files("fhir_mapping").joinpath("data/lab_lookalike_terms.csv")
    rows = [
        (normalise_text(row["term"]), row["test"], _words(row.get("unless") or ""))
        for row in csv.DictReader(text.read_text("utf-8").splitlines())
    ]
    rows.sort(key=lambda row: len(row[0]), reverse=True)
    return tuple(
        (term, _whole(term), test, _whole(*unless) if unless else None)
        for term, test, unless in rows
    )


def _words(cell: str) -> tuple[str, ...]:
    return tuple(normalise_text(w) for w in cell.split(";") if w.strip())


def _whole(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


def terms() -> tuple[str, ...]:
    """The table's terms, normalised (the first-look test reads them)."""
    return tuple(term for term, _, _, _ in _terms())


def term_patterns(test: str) -> tuple[re.Pattern[str], ...]:
    """The whole-word patterns of `test`'s terms, longest first (lab_orders.py strips them to
    see what else an order's text says)."""
    return tuple(pattern for _, pattern, row_test, _ in _terms() if row_test == test)


# The cheap first look (resource_routing.py): the longest word of every term of the table (a
# raw text keeps its hyphens: "q-t interval corrected" holds "corrected", never the "q t" the
# term is normalised to), so a term added to the table is looked for with no change here
# (review s24 RM finding 2).
FIRST_LOOK = tuple(dict.fromkeys(max(term.split(), key=len) for term in terms()))


def words_name_lab(words: str) -> bool:
    """The first look on phq9_lookalike.code_words' output (lower-cased texts)."""
    for word in FIRST_LOOK:  # noqa: SIM110 (a generator in any() costs more per call)
        if word in words:
            return True
    return False


@cache
def compared_tests() -> frozenset[str]:
    """The tests of the table's `compared` rows (B12, folate, 25-OH vitamin D: session 36 fix
    lab58): a look-alike of one carries what it reads as were its code known (DataGap.lab), for
    the diagnosis review to compare by its name on a line saying it is under a local code. The
    other tests stay named only: a TSH or sodium under a code not known is no value a safety
    card acts on."""
    text = resources.files("fhir_mapping").joinpath("data/lab_lookalike_terms.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return frozenset(row["test"] for row in rows if (row.get("compared") or "").strip() == "yes")


@cache
def valued_tests() -> frozenset[str]:
    """The tests of the `compared` rows and of the `named` ones (lithium, sodium: labs70, review
    K71a finding 2): a look-alike of one carries what it reads as (DataGap.lab), so a safety
    card can say the value it did not act on ("lithium level 1.6 mmol/L on 2026-11-25
    under a local code: read it") where it said "none on record" beside a toxic level. Named,
    never acted on: the code is not identified (services/local_levels.py)."""
    text = resources.files("fhir_mapping").joinpath("data/lab_lookalike_terms.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    kinds = ("yes", "named")
    return frozenset(row["test"] for row in rows if (row.get("compared") or "").strip() in kinds)


@cache
def _other_codes() -> frozenset[tuple[str, str]]:
    """(system, code) of data/lab_lookalike_other_codes.csv: standard codes of other tests named
    like one of the table's (a LOINC urine sodium, text "Sodium": review s24 RB finding 3)."""
    text = resources.files("fhir_mapping").joinpath("data/lab_lookalike_other_codes.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return frozenset((row["system"], row["code"]) for row in rows)


def lab_named(resource: Resource) -> str | None:
    """The test an Observation's code text or displays name, not negated and with none of its
    row's `unless` words in ANY of the code's texts ("tsh", "sodium"), else None.

    Across the texts, not per text (review s24 RB finding 3): text "Sodium" beside the display
    "SODIUM, URINE RANDOM" is one code, a urine sodium. None too for a code carrying a standard
    coding the service knows is another test (data/lab_lookalike_other_codes.csv). Any other
    LOINC coding still names its test: a serum sodium under a LOINC code the service does not
    list (a blood-gas sodium) said as not read is safer than one dropped in silence."""
    if _other_codes() and any(
        (system, code) in _other_codes() for system, code, _ in codings(resource.get("code"))
    ):
        return None
    texts = [normalise_text(raw) for raw in code_texts(resource)]
    for text in texts:
        for _, pattern, test, unless in _terms():
            if unless is not None and any(unless.search(t) for t in texts):
                continue
            if any(not negated(text, m.start(), m.end()) for m in pattern.finditer(text)):
                return test
    return None


def lab_reason(test: str) -> str:
    """ "named TSH under a code this service does not know; ...": the gap's reason."""
    return f"{_PREFIX}{LAB_NAMES.get(test, test)}{_SUFFIX}"


def unread_lab(gap: DataGap, test: str) -> bool:
    """Whether `gap` is this module's gap of `test`."""
    return gap.domain is DataDomain.LABS and gap.reason == lab_reason(test)


def without_read_twice(gaps: list[DataGap], read: Sequence[LabResult]) -> list[DataGap]:
    """`gaps` without this module's gaps that are a result read under a standard code, sent
    twice (the LOINC coding and the local one as two Observations): a read result of the same
    test, day and value (review s24 RB finding 2: "1 lab result could not be read (named
    sodium ...)" under the low-sodium card that read it). Same day, another value: two results,
    the gap stays. A newer read result leaves the gap on record (an older value not read) but
    not decisive: services/unread_lab_gaps.py."""
    if not read or not any(g.value is not None and g.domain is DataDomain.LABS for g in gaps):
        return gaps
    tests = {lab_reason(test): test for _, _, test, _ in _terms()}
    same = {(lab.test, lab.date, lab.value) for lab in read if lab.value is not None}
    return [
        g
        for g in gaps
        if g.value is None
        or g.domain is not DataDomain.LABS
        or (tests.get(g.reason), g.date, g.value) not in same
    ]


def observation_gaps(observations: Iterable[Resource], *, as_of: date) -> list[DataGap]:
    """The Observations among `observations` (those no reader took) that name a test of the
    table and are results (final / amended / corrected) dated up to as-of. An undated one is
    left out: it cannot be placed in the look-back a "No TSH" line speaks of."""
    gaps: list[DataGap] = []
    for resource in observations:
        if string(resource.get("status")) not in _RESULT:
            continue
        test = lab_named(resource)
        if test is None:
            continue
        day = effective_date(resource)
        if day is None or day > as_of:
            continue
        rid = resource.get("id")
        source = SourceRef("Observation", rid) if isinstance(rid, str) and rid else None
        quantity = resource.get("valueQuantity")
        value = number(quantity.get("value")) if isinstance(quantity, Mapping) else None
        read = None
        if test in valued_tests():
            from fhir_mapping.labs import lab_result  # labs imports this module (lab_unread.py)

            read = lab_result(resource, as_of=as_of, test=test)
        gap = DataGap(DataDomain.LABS, lab_reason(test), source, date=day, value=value, lab=read)
        gaps.append(gap)
    return gaps
