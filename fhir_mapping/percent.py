"""THE percentage formatter of every card and record line (session 25 FN item 2).

A fraction is shown as a whole percent ("58 %"), except where that rounding would land on or
across a threshold the same text compares it with while the value itself is not on it: a 49.6 %
drop shown as "50 % better" beside "needs more than 50 %", a PDC of 79.6 % shown as "PDC 80 %"
beside "PDC at least 80 %". There the figure is shown to one decimal, rounded toward the value's
own side of the threshold ("49.6 %", "79.9 %" for 79.96 %, "50.1 %" for 50.04 %), so the number
never contradicts the verdict it sits beside. The thresholds are the caller's (a payer's
min_improvement, policy.pdc_threshold, the response and partial-response drops): a formatter
cannot know which line a text compares a figure with.

In fhir_mapping (no services import) so the record's own lines (ward_adherence.py) share it.
"""

from __future__ import annotations

import math

# Products such as 0.496 * 1000 = 495.99999999999994 are read at this precision before the
# one-decimal floor or ceiling, so float noise never moves a figure a tenth.
_DIGITS = 6


def pct(fraction: float, *against: float) -> str:
    """ "58 %"; "49.6 %" where a whole percent would contradict a threshold in `against`."""
    shown = round(fraction * 100)
    for threshold in against:
        if math.isclose(fraction, threshold, abs_tol=1e-9):
            continue  # on the line itself: "50 %" is exact
        line = threshold * 100
        below = fraction < threshold
        if (below and shown >= line) or (not below and shown <= line):
            tenths = round(fraction * 1000, _DIGITS)
            tenth = (math.floor(tenths) if below else math.ceil(tenths)) / 10
            return f"{tenth:.1f} %"
    return f"{shown} %"
