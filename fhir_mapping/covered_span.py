"""The time one medication event covers, as event_spans._span reads it: `_Span`, its start, end
and the marks the later steps read (apart from event_spans.py, which reached 400 lines: fix span73).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.events import MedicationEvent
from fhir_mapping.usable_events import _EventKey


@dataclass(slots=True)
class _Span:
    event: MedicationEvent
    # _event_key(event), computed once per event (issue 14): the spans are sorted by it twice.
    key: _EventKey
    start: date
    end: date  # exclusive; may lie after as-of
    note: str | None = None
    # True when the end comes from supply or an assumption (not an explicit end, not as-of): such
    # an end yields to another record's explicit end of the same drug (rule 2a).
    from_supply: bool = False
    # A statement or an undispensed order `on-hold`, or a stale `active` statement (rule 2c): the
    # span runs to as-of, so the course stays in view of the MAOI and interaction checks (a drug
    # held on an unknown day may have been taken days ago: the safer reading), but only the time
    # up to here counts as covered (review 6 findings 3 and 11).
    covered_until: date | None = None
    # A stale `active` statement (rule 2c, review 6 finding 11): the last date the record
    # confirms the drug; None for every other span.
    listed: date | None = None
    # Rule 2d (no duration stated): the days counted by assumption; None for every other span.
    assumed_days: int | None = None
    # Rule 2e (`undated_past`): the day the record was entered, by which the course had ended;
    # the span covers no time. None for every other span.
    taken_before: date | None = None
    # Rule 2f: a statement that says the drug is no longer taken, its supply or assumed fill
    # cut at as-of: it reaches as-of but does not run the course on (trial_record.py). Rule 2g
    # too: an order `stopped` or `completed`, cut at its meta.lastUpdated (or as-of). Either way the span's
    # end is only the day the stop was recorded by, not a recorded last dose
    # (Trial.end_not_recorded, review s20 r4 finding 3).
    stopped: bool = False
    # An open home order cut at the ward's later stop (ward_stop.py): the last day the ward gave
    # the drug, for the "home order is still open: reconcile" line. None for every other span.
    ward_stop: date | None = None
    # orders33: an unfilled order's authorised supply end, read as a filled course's last supply
    # end (Trial.supply_ran_out); the span runs to as-of, as an open order's. None otherwise.
    authorised_end: date | None = None
    # orders34: an unfilled order's span ended at its authorised supply, the drug's next record
    # (a renewal, a later fill) on this day: the gap between judged (order_gaps.py). Else None.
    gap_until: date | None = None
    gap_feed: bool = False  # the chart carries a fill feed (unfilled_order.fill_feed)
