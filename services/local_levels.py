"""A drug-safety lab (a lithium level, a sodium) filed under a site's local code only, named with
its value on the cards that would otherwise say none is on record (labs70, review K71a finding 2).

A lithium level of 1.6 mmol/L sent under an Epic urn:oid code (text "LITHIUM LVL") or an Oracle
Health code set 72 code ("Lithium, Serum") is a look-alike (fhir_mapping/lab_lookalike.py): its
code is not identified, so no card acts on it as a result. The lithium monitoring card still said
"level due (none on record)" and the interaction card "no lithium level since 2026-09-10: check
one" beside it: less than the record shows, beside a toxic level. The table's `compared named`
rows (data/lab_lookalike_terms.csv: lithium, sodium) make such a gap carry what it reads as
(DataGap.lab); here it is worded: "lithium level 1.6 mmol/L on 2026-11-25 under a local
code: read it". Named, never compared with a target: the number is the site's, under a code no
one has mapped, so the card asks that it be read, and the monitoring card is a warning while one
is on record (a possibly toxic level is not an info line: the safer error).
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.lab_lookalike import unread_lab
from fhir_mapping.record import DataGap, PatientRecord
from services import lab_readings


def local_level(record: PatientRecord, test: str, since: date | None = None) -> DataGap | None:
    """The latest result of `test` named under a code this service does not know, dated on or
    after `since` (when given) and after the latest result of `test` it reads; else None."""
    coded = lab_readings.latest(record, test)
    found = [
        g
        for g in record.gaps
        if unread_lab(g, test)
        and g.date is not None
        and (since is None or g.date >= since)
        and (coded is None or g.date > coded.date)
    ]
    return max(found, key=lambda g: g.date or date.min) if found else None


def value_words(gap: DataGap) -> str:
    """ "1.6 mmol/L on 2026-11-25": the value as read by its name (unit as sent), else the bare
    number sent ("1.6, unit not recorded, on ..."), else its day alone ("on ...")."""
    day = gap.date.isoformat() if gap.date is not None else "a date not recorded"
    lab = gap.lab
    if lab is not None and lab.value is not None:
        return lab_readings.text(lab)
    if gap.value is not None:
        return f"{gap.value:g}, unit not recorded, on {day}"
    return f"on {day}"


def local_words(gap: DataGap, what: str) -> str:
    """ "lithium level 1.6 mmol/L on 2026-11-25 under a local code: read it" (short: it fits the
    interaction card's summary, as "lithium level on 2026-11-25 not compared: read it" does)."""
    return f"{what} {value_words(gap)} under a local code: read it"
