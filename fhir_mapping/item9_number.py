"""A whole number on PHQ-9 item 9's own scale, read as the answer where the service itself names
the item (review s43 K74a finding 3; session 43 fix score75).

An Epic flowsheet row "PHQ-9 Question 9" (code.text only, no coding) with valueInteger 2 gave
"PHQ-9 item 9 answer could not be read ... if it is above 0, assess" (a warning): under a code
not known, only an answer of the PHQ-9's own list was read (screen_lookalike.listed_answer,
phq9_form_item9._one_answer). But the row is one this service names PHQ-9 item 9 by its words,
and 2 is on that item's 0-3 scale (data/phq9_items.csv max_score, LOINC LL358-3). Read as the
answer, it is critical at 1 or more. Even if a site stored an option's position (1-4) rather
than its score, reading it so errs toward a false critical card, the safer error for the patient
(COMMON ground rule); a number off the scale (4, -1) or a decimal stays unread. Text ("2") stays
as it was: a number written as text is read nowhere as an item 9 answer under a code not known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.questionnaire_codes import phq9_items

__all__ = ["item9_integer"]


def item9_integer(holder: Mapping[str, Any]) -> int | None:
    """`holder`'s valueInteger when it is on item 9's scale (module docstring), else None."""
    value = holder.get("valueInteger")
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    top = next(i.max_score for i in phq9_items().values() if i.number == 9)
    return value if 0 <= value <= top else None
