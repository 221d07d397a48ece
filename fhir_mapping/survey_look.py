"""The first look at whether an Observation no reader takes may be a survey, by the one
category coding nearly every vital sign and lab sends (issue 14, perf18).

chart_walk asks unknown_surveys.unknown_survey_gap of every Observation no reader takes (1,026
of the 10-year chart's, nearly all vital signs and labs). Its reading of the category, a helper
call per field, cost about 6,400 instructions an Observation: the 10-year chart's first sight
went from 92.3 M to 101.4 M instructions with data68 (perf18's callgrind). Whatever else that
reading asks, an Observation whose category holds no survey category code is no unknown survey
(`_is_survey` False: no gap). Nearly every one sends its category as US Core writes it, one
category of one coding (`[{"coding": [{"system": "...observation-category", "code":
"laboratory"}]}]`): when that one code is not a survey code, it is not a survey, told here in
a few subscripts. Any other shape (two categories or codings, a category sent as one object,
a missing or malformed field, no category at all) is read in full by unknown_survey_gap, as
before; so is a row whose one code is a survey code. FHIR structure, not a clinical fact: the
codes are the table's (data/unknown_survey.csv, unknown_surveys._category_codes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.unknown_surveys import _category_codes


def may_be_survey(resource: Mapping[str, Any]) -> bool:
    """False when `resource`'s category is one category of one coding whose code is a string
    that is no survey category code (module docstring: unknown_survey_gap then gives None);
    True otherwise, for unknown_survey_gap to read in full."""
    try:
        (concept,) = resource["category"]
        (coding,) = concept["coding"]
        code = coding["code"]
    except (KeyError, TypeError, ValueError):  # another shape: read in full
        return True
    return not isinstance(code, str) or code in _category_codes()
