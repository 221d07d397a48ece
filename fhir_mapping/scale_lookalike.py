"""Results that look like another depression scale but cannot be read as one: DataGaps, never
scores.

The MADRS, HAM-D17, QIDS-SR16 and BDI-II judge a course that has no PHQ-9 (scale_outcomes.py) and
document the severity the TMS rule asks for when no PHQ-9 is on record (services/tms_severity.py).
An Epic flowsheet row holding one of their totals under the site's local code only
(`urn:oid:1.2.840.114350...`, ../shared/fhir/vendor/README.md trap 8) is not read until the
site's codes are configured (`[codes]`, site_codes.py). Left out in silence, a course measured
only that way reads "no score on treatment" and the TMS card "no PHQ-9 on record", with nothing
said of the scores on the chart. So each such Observation is a DataGap whose reason names the
scale ("named MADRS under a local code ..."); services/data_gaps.py lists it where it could change
a conclusion, and --explain always.

"Looks like" is text only, as for the PHQ-9 (phq9_lookalike.py): the Observation's `code.text`
or a coding display names a scale of data/scale_lookalike_terms.csv as a whole word ("MADRS Total
Score", "R BDI-II TOTAL", "Hamilton Depression"), and the mention is not negated (the NegEx-style
reading of data/text_negations.csv that the safety screen uses: "MADRS not done? - no", "no BDI
today"). A resource that names a PHQ-9 is phq9_lookalike.py's, not this module's. Nothing here
reads a value: the code is not identified, so a number under it is never a score.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.fhir_fields import code_texts, effective_date, string
from fhir_mapping.phq9_lookalike import code_words, observation_looks_like_phq9
from fhir_mapping.record import DataDomain, DataGap, SourceRef
from fhir_mapping.result_statuses import OBSERVATION, Reads, statuses
from fhir_mapping.tms_safety import negated, normalise_text

Resource = Mapping[str, Any]

# The reason's words (reasons go to the logs: the scale's name, no patient data). One reason per
# scale, so a card's "Data not read" section has one line per scale, counted.
_PREFIX = "named "
_SUFFIX = (
    " under a local code this service does not know; a site code can be configured; "
    "its value is not read as a score"
)

# Observation statuses that are results: the `all` rows of data/result_statuses.csv.
_RESULT = statuses(OBSERVATION, Reads.ALL)


@cache
def _terms() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(whole-word pattern over `normalise_text` output, instrument) per term, longest first."""
    text = resources.files("fhir_mapping").joinpath("data/scale_lookalike_terms.csv")
    rows = [
        (normalise_text(row["term"]), row["instrument"])
        for row in csv.DictReader(text.read_text("utf-8").splitlines())
    ]
    rows.sort(key=lambda row: len(row[0]), reverse=True)
    return tuple((re.compile(r"\b" + re.escape(term) + r"\b"), name) for term, name in rows)


# `may_name_scale`'s first look: every term of data/scale_lookalike_terms.csv, lower-cased,
# contains one of these (tests/services/test_local_scales.py checks it), so a text with none of
# them names no scale. Plain substrings of the raw lower-cased text, not the whole-word patterns:
# most unread Observations are vitals and labs, and a normalised regex search per text cost
# several times what the rest of an unread resource costs (issue 14: 18.7 k -> 71 k
# instructions each; with this look, and one text string for both looks, about 24 k).
FIRST_LOOK = ("madrs", "montgomery", "ham", "hdrs", "hrsd", "qids", "quick", "bdi", "beck")


def instruments() -> frozenset[str]:
    """The scale names a gap of this module can carry ("MADRS", "HAM-D", "QIDS", "BDI")."""
    return frozenset(name for _, name in _terms())


def words_name_scale(words: str) -> bool:
    """`may_name_scale` on phq9_lookalike.code_words' output. Nine substring tests (C scans)
    cost less than one search of their alternation."""
    for word in FIRST_LOOK:  # noqa: SIM110 (a generator in any() costs more per call)
        if word in words:
            return True
    return False


def may_name_scale(resource: Resource) -> bool:
    """A cheap first look for build_record, asked of the Observations no reader took: whether a
    text or display holds a FIRST_LOOK word at all (negation and word ends not read). Never
    False where `scale_named` is not None."""
    return words_name_scale(code_words(resource))


def scale_named(resource: Resource) -> str | None:
    """The scale an Observation's code text or displays name, not negated ("MADRS"), else None;
    the first text naming one wins (`code.text`, then the displays in order)."""
    for raw in code_texts(resource):
        text = normalise_text(raw)
        for pattern, instrument in _terms():
            if any(not negated(text, m.start(), m.end()) for m in pattern.finditer(text)):
                return instrument
    return None


def scale_reason(instrument: str) -> str:
    """ "named MADRS under a local code this service does not know; ...": the gap's reason."""
    return f"{_PREFIX}{instrument}{_SUFFIX}"


def unread_scale(gap: DataGap) -> str | None:
    """The scale of a gap of this module ("MADRS"), else None."""
    reason = gap.reason
    if not (reason.startswith(_PREFIX) and reason.endswith(_SUFFIX)):
        return None
    name = reason[len(_PREFIX) : -len(_SUFFIX)]
    return name if name in instruments() else None


def observation_gaps(observations: Iterable[Resource], *, as_of: date) -> list[DataGap]:
    """The Observations among `observations` (those no reader took) that name another depression
    scale and are results: final / amended / corrected, not dated after as-of (an undated one
    counts: its date is unknown, not later). One named PHQ-9 is left to phq9_lookalike.py."""
    gaps: list[DataGap] = []
    for resource in observations:
        if string(resource.get("status")) not in _RESULT:
            continue
        instrument = scale_named(resource)
        if instrument is None or observation_looks_like_phq9(resource):
            continue
        day = effective_date(resource)
        if day is not None and day > as_of:
            continue
        rid = resource.get("id")
        source = SourceRef("Observation", rid) if isinstance(rid, str) and rid else None
        gaps.append(DataGap(DataDomain.SCORES, scale_reason(instrument), source, date=day))
    return gaps
