"""Which of a record's lab results a card reads, and how it prints one (split from lab_safety.py,
which keeps the safety rules: the thresholds of data/lab_safety.csv and the lines they write).

The latest result of a test, the one that decides (readable: a value or the lab's H/L flag), the
one before a day, a later unread one; whether a result is recent enough for the clinic's policy
(policy.lab_recent_days) and whether labs could be obtained at all (record.incomplete(LABS):
issue 10, never silent); a value in the lab table's unit and the text a line prints (with the
unit the result was sent in when it was converted: data/lab_unit_factors.csv).
"""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from functools import cache
from importlib import resources
from itertools import groupby
from operator import attrgetter

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.code_systems import LOINC
from fhir_mapping.codes import observation_codes
from fhir_mapping.lab_lookalike import unread_lab
from fhir_mapping.lab_si_key import key_tests
from fhir_mapping.lab_status import shown as status_shown
from fhir_mapping.lab_text import entry_doubt
from fhir_mapping.record import DataDomain, DataGap, GapCause, LabResult, PatientRecord
from services import cards
from services.policy import Policy
from services.same_day_note import same_day_note as same_day_note

# The record's labs grouped by test, each group newest first, kept for the labs tuple they were
# read from (issue 14: the safety cards each walked every lab of the chart for their one test, a
# 10-year chart's 327 several times over). Safe to keep: the key is the tuple itself (immutable,
# and held here, so its identity cannot pass to another record's labs); a list of labs (a test's
# hand-built record) is never kept. The sort is stable with reverse=True, so of one day's results
# the first on record comes first: exactly the result max(..., key=date) picked from them. The
# patient's age and the clinic's older-adult age are kept beside the tuple: they pick the lines a
# day's results are weighed by (lab61 item 4, lab62), so the same labs read at another age, or
# under another policy, are grouped again.
_Ages = tuple[int | None, int]
_KEPT_BY_TEST: tuple[tuple[LabResult, ...], dict[str, tuple[LabResult, ...]], _Ages] | None = None


_lab_date = attrgetter("date")  # a sort key read in C: no Python call per lab


def newest_first(record: PatientRecord, test: str) -> tuple[LabResult, ...]:
    """The record's results of `test`, newest first (one day's in the record's order)."""
    global _KEPT_BY_TEST
    labs = record.context.labs
    age = (record.patient.age, _older_adult_age(record))
    kept = _KEPT_BY_TEST  # read once: another thread may replace it, never mutate it
    if kept is None or kept[0] is not labs or kept[2] != age:
        grouped: dict[str, list[LabResult]] = {}
        for lab in labs:
            found = grouped.get(lab.test)
            if found is None:
                grouped[lab.test] = [lab]
            else:
                found.append(lab)
        by_test = {
            name: _safer_first(sorted(group, key=_lab_date, reverse=True), age)
            for name, group in grouped.items()
        }
        if type(labs) is not tuple:
            return by_test.get(test, ())
        kept = _KEPT_BY_TEST = (labs, by_test, age)
    return kept[1].get(test, ())


def _older_adult_age(record: PatientRecord) -> int:
    """The clinic's policy.older_adult_age the evaluation set on the record (lab62), else the
    policy's default (a record built by hand)."""
    return (
        record.older_adult_age if record.older_adult_age is not None else default_older_adult_age()
    )


@cache
def default_older_adult_age() -> int:
    return Policy().older_adult_age


def _safer_first(labs: list[LabResult], age: _Ages) -> tuple[LabResult, ...]:
    """`labs` (newest first) with each day's disagreeing results safer first (same_day_labs.py,
    lab59 item 1), weighed by the lines of the patient's age with the clinic's older-adult age
    (`age`; lab61 item 4, lab62); a test with one result a day, as most are, as it is."""
    if len(set(map(_lab_date, labs))) == len(labs):
        return tuple(labs)
    from services.same_day_labs import (
        ordered_day,
    )  # same_day_labs reads lab_rules, which reads here

    out: list[LabResult] = []
    for _day, group in groupby(labs, key=_lab_date):
        day = list(group)
        numbers = [value(lab) for lab in day]
        out += ordered_day(day, numbers, age=age[0], older_age=age[1]) if len(day) > 1 else day
    return tuple(out)


def latest(record: PatientRecord, *tests: str, since: date | None = None) -> LabResult | None:
    """The latest result of any of `tests` (on or after `since` when given)."""
    if len(tests) == 1:
        newest = newest_first(record, tests[0])
        if not newest or (since is not None and newest[0].date < since):
            return None
        return newest[0]
    found = [
        lab
        for lab in record.context.labs
        if lab.test in tests and (since is None or lab.date >= since)
    ]
    return max(found, key=lambda lab: lab.date) if found else None


def readable(lab: LabResult) -> bool:
    """A value in a unit the table knows (or converts), or the lab's own flag (a critical call
    with no side, v3 AA, among them: labs38 item 1, as lithium_level_reading.judged read it for
    lithium since labs37): a result a check can compare. An ECG with no QTc, a QTc sent as text,
    are not."""
    return value(lab) is not None or lab.flag is not None or sideless_critical(lab)


def deciding(record: PatientRecord, test: str) -> LabResult | None:
    """The result a check of `test` acts on: the latest; of the latest day's, a readable one first
    (an ECG panel without QTc and the QTc Observation sent beside it on the same day: the QTc
    decides, review 9 finding 2)."""
    newest = newest_first(record, test)
    if not newest:
        return None
    day = newest[0].date
    for lab in newest:  # the latest day's, in the record's order: a readable one first
        if lab.date != day:
            break
        if readable(lab):
            return lab
    return newest[0]


def latest_readable(record: PatientRecord, test: str) -> LabResult | None:
    """The latest result of `test` a check can compare (`readable`)."""
    return next((lab for lab in newest_first(record, test) if readable(lab)), None)


def readable_before(record: PatientRecord, test: str, day: date) -> LabResult | None:
    """The latest result of `test` a check can compare taken before `day` (a drug's start: the
    sodium before citalopram started)."""
    return next(
        (lab for lab in newest_first(record, test) if lab.date < day and readable(lab)), None
    )


def unread_after(record: PatientRecord, lab: LabResult) -> LabResult | None:
    """The latest result of `lab`'s test after it that no check can compare (a sodium sent as
    text): it may say the value has changed, so a card acting on `lab` names it."""
    for other in newest_first(record, lab.test):
        if other.date <= lab.date:
            return None  # newest first: none after `lab` is left
        if not readable(other):
            return other
    return None


def is_recent(record: PatientRecord, policy: Policy, lab: LabResult) -> bool:
    return lab.date >= record.as_of - timedelta(days=policy.lab_recent_days)


def labs_missing(record: PatientRecord) -> bool:
    """Some lab results could not be obtained: an absence proves nothing."""
    return record.incomplete(DataDomain.LABS)


def labs_unread_words(record: PatientRecord) -> str:
    """Why lab results are not all known, in every card's words (review s21 RI finding 12: the
    TSH line said "could not all be read" when the `labs` key was simply not sent). A read that
    was tried and failed (GapCause.NOT_READ: an error answer) "could not be read"; a search whose
    later pages were not had (PARTIAL) "could not all be read"; a key neither sent nor fetchable
    (NOT_PROVIDED) "not available". A failure among them is said first: the results exist and
    were not seen, the stronger reason to check the chart."""
    causes = {g.cause for g in record.gaps if g.domain is DataDomain.LABS}
    if GapCause.NOT_READ in causes:
        return "lab results could not be read"
    if GapCause.PARTIAL in causes:
        return "lab results could not all be read"
    return "lab results not available"


def labs_si_missing(record: PatientRecord, test: str) -> bool:
    """`test` may come under the `labsSI` key only (TSH under its assay codes 11580-8 / 11579-0,
    B12, folate or vitamin D in SI units: fhir_mapping/lab_si_key.py) and that key's results
    could not all be had: an absent `test` is not proven (review s19 M3)."""
    return test in key_tests() and record.incomplete(DataDomain.SI_LABS)


def tsh_unread(record: PatientRecord) -> bool:
    """A TSH may be on record unseen: lab results could not all be obtained, or the `labsSI`
    key that carries the TSH assay codes was not received. A card then says the TSH is not
    known, never "No TSH"."""
    return labs_missing(record) or labs_si_missing(record, "tsh")


def unrecognised(record: PatientRecord, test: str, since: date) -> tuple[DataGap, ...]:
    """The results named like `test` under a code the service does not know, dated on or after
    `since` (fhir_mapping/lab_lookalike.py; review s22 RX finding 10): a "No TSH in 365 days"
    beside one claims more than the record shows."""
    return tuple(
        g for g in record.gaps if unread_lab(g, test) and (g.date is None or g.date >= since)
    )


@cache
def test_codes(test: str) -> tuple[str, ...]:
    """The LOINC codes the service reads `test` by (data/observation_codes.csv): "3016-3",
    "11580-8", "11579-0" for the TSH."""
    return tuple(c.code for c in observation_codes() if c.concept == test and c.system == LOINC)


def qtc_missing(record: PatientRecord) -> bool:
    """Lab results, or an ECG or QTc result, could not be read: an absent QTc proves nothing
    (an undated ECG whose QTc is not a number is in DataDomain.QTC, not DataDomain.LABS)."""
    return record.incomplete(DataDomain.LABS) or record.incomplete(DataDomain.QTC)


def value(lab: LabResult) -> float | None:
    """The value in a unit the lab table knows, or converted from another unit of the same
    quantity (data/lab_unit_factors.csv: a QTc in seconds), else None (never compared)."""
    if lab.value is None or lab.unit is None:
        return None
    unit = lab.unit.lower()
    known = lab_ranges().get(lab.test)
    if known is not None and unit in known.units:
        return lab.value
    found = _unit_factors().get((lab.test, unit))
    return lab.value * found[0] if found is not None else None


@cache
def _unit_factors() -> dict[tuple[str, str], tuple[float, str]]:
    """(test, lower-case unit) -> (factor, unit) to the unit the thresholds are written in."""
    return {key: (factor, to_unit) for key, (factor, to_unit, _) in _factor_rows().items()}


@cache
def _factor_rows() -> dict[tuple[str, str], tuple[float, str, bool]]:
    """(test, lower-case unit) -> (factor, unit, whether the card says the conversion as "about"
    beside the lab's value: the `shown` column, a factor resting on a molar mass)."""
    text = resources.files("services").joinpath("data/lab_unit_factors.csv").read_text("utf-8")
    return {
        (row["test"], row["unit"].strip().lower()): (
            float(row["factor"]),
            row["to_unit"],
            (row.get("shown") or "").strip() == "about",
        )
        for row in csv.DictReader(text.splitlines())
    }


def _about(number: float) -> str:
    """A converted value rounded as a lab would print it: whole above 100 ("601"), else three
    significant figures ("52.7"): the factor's decimals are no precision the lab measured."""
    return f"{round(number)}" if abs(number) >= 100 else f"{number:.3g}"


def shown_unit(unit: str) -> str:
    """A UCUM unit as a clinician reads it: an annotation loses its braces and underscores
    ("mL/min/{1.73_m2}" -> "mL/min/1.73 m2"; review 10 second recheck N2)."""
    return _ANNOTATION.sub(lambda found: found.group(1).replace("_", " "), unit)


_ANNOTATION = re.compile(r"\{([^}]*)\}")


def text(lab: LabResult) -> str:
    """ "1.4 mmol/L on 2025-05-20"; a result with no value: "with no value read, on 2025-05-20"
    (after a name: "Lithium with no value read, on ..."; session 29 RL: "Lithium a result on
    ..." read as a placeholder left in the text); a bare number the test cannot be read in
    without a unit, as sent: "180 with no unit (not read), on 2026-11-25" (K21 t11). A value
    converted for comparison is shown in the unit it was compared in, with what was sent: "508 ms
    (sent as 0.508 s) on 2025-05-20" (review 9 finding 14: "QTc 0.508 s: above 500 ms" mixes
    units in one line, a misreading risk); a conversion by a molar mass (data/lab_unit_factors.csv
    `shown` about) is said beside the lab's value, rounded: "2280 nmol/L (about 601 ng/mL)"
    (labs33 item 2: "600.51 ng/mL" read as a value the lab sent). A result read before it is
    final says so after its date: "1.9 mmol/L on 2026-11-25 (preliminary)" (review s29 RL
    finding 1, as the diagnosis review's status_note)."""
    day = lab.date.isoformat() + (f" ({status_shown(lab.status)})" if lab.status else "")
    day += same_day_note(lab)  # the day's other results when they disagree (lab59 item 1)
    # A level above what the test can be, still acted on (a lithium 18 mmol/L: lab_ranges.csv
    # unit_bounds "check"): said beside the value so the entry is checked (K27b s31 finding 3).
    number = value(lab)
    if number is not None and lab.comparator is None and entry_doubt(lab.test, number):
        day = f"{day} (implausible: check the entry)"
    if lab.value is None:
        if lab.unitless:  # "180 with no unit (not read)": what the lab sent, never given a unit
            return f"{lab.unitless} with no unit (not read), on {day}"
        return f"with no value read, on {day}"
    unit = f" {shown_unit(lab.unit)}" if lab.unit else ""
    sign = f"{lab.comparator} " if lab.comparator else ""  # "> 60 mL/min/1.73 m2": a bound
    sent = f"{sign}{cards.fmt_mg(lab.value)}{unit}"
    inferred = _INFERRED.get(lab.unit_from)
    if inferred is not None and lab.unit:
        # A unit the lab did not send with the value is never stated as if it had (recheck
        # K28c s31 finding 2): "8 (unit from its reference range: mg/L)".
        sent = f"{sign}{cards.fmt_mg(lab.value)} ({inferred}{shown_unit(lab.unit)}"
    close = ")" if inferred is not None and lab.unit else ""
    known = lab_ranges().get(lab.test)
    if lab.unit is not None and (known is None or lab.unit.lower() not in known.units):
        found = _factor_rows().get((lab.test, lab.unit.lower()))
        if found is not None:
            factor, to_unit, about = found
            if about:  # the lab's value first, the conversion beside it (labs33 item 2)
                if close:
                    return f"{sent}, about {_about(lab.value * factor)} {to_unit}) on {day}"
                return f"{sent} ({sign}about {_about(lab.value * factor)} {to_unit}) on {day}"
            if close:
                sent += close
            shown = f"{sign}{cards.fmt_mg(lab.value * factor)} {to_unit}"
            return f"{shown} (sent as {sent}) on {day}"
    return f"{sent}{close} on {day}"


# What a card says of a number sent with no unit, read in the test's customary one: the one
# wording of every card (lab59 item 2: the safety lines said "no unit sent, read as", the
# diagnosis review "unit not recorded, read as"). The shorter one: a safety card's summary is
# cut at 140 characters, and the longer words dropped its last clause ("on 600 mg/day" of a
# lithium 1.3 HH card, "where the label says not to start or raise it" of a gepirone QTc card).
NO_UNIT_READ_AS = "no unit sent, read as "

# What a card says of a unit not sent with the value (LabResult.unit_from), before the unit.
_INFERRED = {"range": "unit from its reference range: ", "bare": NO_UNIT_READ_AS}


def inferred_note(lab: LabResult) -> str:
    """Beside a value a card states in a unit the lab did not send with it (LabResult.unit_from),
    what was sent and where the unit came from: " (unit from its reference range: mmol/L)", or
    " (sent as 8, unit from its reference range: mg/L)" for a value converted; "" for a unit
    sent (recheck K28c s31 finding 2). Not beside a number shown with no unit (a summary's
    "level 0.3 on ..."): it states none."""
    inferred = _INFERRED.get(lab.unit_from)
    if inferred is None or lab.unit is None or lab.value is None:
        return ""
    sent = "" if value(lab) == lab.value else f"sent as {cards.fmt_mg(lab.value)}, "
    return f" ({sent}{inferred}{shown_unit(lab.unit)})"


def by_flag(lab: LabResult) -> bool:
    """The result is judged by the lab's own H/L flag only: its value is in no unit the tables
    know (or not stated), so it is never compared with a line of this service (session 29 RL:
    a nortriptyline 160 flagged H, no unit, read as above the 500 ng/mL toxic line)."""
    return value(lab) is None and (lab.flag in ("high", "low") or sideless_critical(lab))


def sideless_critical(lab: LabResult) -> bool:
    """The lab called the result critical without a side ("Critical" or "Panic" alone: v3 AA,
    data/interpretation_words.csv) and nothing else flags it: labs36 item 2."""
    return lab.critical and lab.flag is None


def _side(lab: LabResult) -> str:
    """ "critical high", "high", or "critical" for a critical call with no side."""
    if sideless_critical(lab) or (lab.critical and lab.flag == "normal"):
        return "critical"  # (a "normal" from the range is not the lab's side: K27b s31)
    return f"critical {lab.flag}" if lab.critical else str(lab.flag)


def unread_words(lab: LabResult) -> str:
    """Why a result was not compared, as a card says it: "no value read", "unit not stated",
    "unit mg/L not read" (session 29 RL: such a result was "no lithium level on record")."""
    if lab.value is None:
        return "no value read"
    return f"unit {shown_unit(lab.unit)} not read" if lab.unit else "unit not stated"


def flagged(lab: LabResult) -> str:
    """Who judged the result and how: "flagged critical high by the lab", or, for a flag taken
    from the reference range sent with it (no interpretation sent), "above its reference range"
    (recheck K27b s31 finding 2: "flagged high by the lab" where the lab sent no flag)."""
    if lab.range_flagged and not lab.critical and lab.flag in ("high", "low"):
        return f"{'above' if lab.flag == 'high' else 'below'} its reference range"
    return f"flagged {_side(lab)} by the lab"


def flag_short(lab: LabResult) -> str:
    """A summary's words of a result judged by the lab's flag: "flagged critical high by the lab,
    unit not stated" ("flagged high by the lab" when no value came: the text says so)."""
    said = flagged(lab)
    return said if lab.value is None else f"{said}, {unread_words(lab)}"


def flag_words(lab: LabResult, line: str) -> str:
    """How a card words a result judged by the lab's flag against one of its lines (`line`:
    "the 1.0 mmol/L line"): "flagged high by the lab; unit not stated, not compared with the
    1.0 mmol/L line" ("flagged critical high" for HH). The flag is the lab's judgement against
    the lab's own range, never this service's line."""
    return f"{flagged(lab)}; {unread_words(lab)}, not compared with {line}"
