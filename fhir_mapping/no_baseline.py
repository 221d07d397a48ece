"""A course with no baseline score: can its score on treatment still be a response?

Review K69a finding 4: sertraline 16 weeks, no PHQ-9 in the 30 days before its start, PHQ-9 6
after it was "failed", TMS "Met". A >= 50 % drop (RESPONSE_FRACTION) from an unknown baseline
cannot be ruled out while the score is at most half the scale's maximum (PHQ-9: 13 <= 27 x 0.5):
the response is not measurable and no failure is shown (Trial.failed is False, the cards say
"response not measurable (no PHQ-9 before the trial): failure not shown"), the safer reading
before a switch or a TMS referral counts it. Above half the maximum (PHQ-9 >= 14, the moderate
range or worse after an adequate course) no baseline the scale allows makes it a response: the
course failed, on that score alone (the cards say so: services/rules/optimize/wording.py).
The maxima are the instruments' own (data/observation_codes.csv `max_score`); a scale without
one can never rule a response out.
"""

from __future__ import annotations

from functools import cache

from fhir_mapping.codes import observation_codes
from fhir_mapping.trial_parts import RESPONSE_FRACTION


@cache  # asked of each trial's `failed` at most once (kept), the table read once per process
def scale_max(instrument: str) -> int | None:
    """The highest total of `instrument` ("PHQ-9": 27), None when the table has none."""
    tops = [
        row.max_score
        for row in observation_codes()
        if row.instrument == instrument and row.concept.endswith("-total") and row.max_score
    ]
    return max(tops) if tops else None


def response_possible(value: float, instrument: str) -> bool:
    """A score on treatment with no baseline could be a >= 50 % drop from some baseline the
    scale allows (module docstring)."""
    top = scale_max(instrument)
    return top is None or value <= top * RESPONSE_FRACTION
