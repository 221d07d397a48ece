"""Which kidney reading a renal check compares (`reading`), and the switch and augment lists' line.

Labelled renal limits of antidepressants and lithium (review 11 finding 1): the service read eGFR
and never compared it, so an 80-year-old with eGFR 24 was signed duloxetine 60 mg/day (label:
avoid below 30) and desvenlafaxine 100 mg/day (label: 25 mg/day below 30) with no card. The pieces
live in modules named for what they hold; this one ties them together and re-exports their names
(`__all__`) for the order check (order_checks/renal.py), the running-drug card
(rules/running_renal.py), lithium_baseline.py and the switch and augment lists (`caveat_line`):

- renal_table.py: the table (data/renal_doses.csv) and its bands (`RenalRow`, `row_for`, `cite`,
  `CRCL_NOTE`: the labels' bands are creatinine clearance, read from the eGFR as its estimate);
- egfr_reading.py: the eGFR compared (`Egfr`, `latest`; old ones named old, "< 60" placed in the
  worst band it could fall in) and an eGFR that cannot be compared (`unread`);
- kidney_failure.py: dialysis or kidney failure coded, read as the labels' ESRD band;
- dialysis_sessions.py: dialysis documented only as Procedures;
- ckd_stage.py: CKD stage 4 or 3 coded with no eGFR on record.

The order `reading` applies (review 11 G1): on dialysis (coded, or a recent dialysis Procedure)
the label's ESRD band applies whatever the eGFR; a kidney transplant coded after every dialysis
code and session, with an eGFR since it, ends the dialysis reading: the eGFR decides, and the card
says the dialysis is read as past (review 11 recheck 2 finding 5). A coded dialysis is named before
sessions when both are on record. Then a recent eGFR; then kidney failure coded (N18.5/N18.6);
then the latest eGFR however old, unless a CKD stage coded after it is the newer word; then a CKD
stage coded with no eGFR on record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services.ckd_stage import CkdRange, CkdStage, ckd_stages, coded_stage
from services.dialysis_sessions import DialysisSessions, dialysis_sessions
from services.egfr_reading import Egfr, latest, unread
from services.kidney_failure import KidneyFailure
from services.policy import Policy
from services.renal_table import (
    CRCL_NOTE,
    RenalRow,
    cite,
    drugs,
    esrd_row,
    indexed_note,
    limits_dose,
    row_for,
    rows,
    top_band,
)

# The names other modules read from here (the reading ties the kidney modules together).
__all__ = [
    "CRCL_NOTE",
    "CkdRange",
    "CkdStage",
    "DialysisSessions",
    "Egfr",
    "Kidney",
    "KidneyFailure",
    "RenalRow",
    "avoided",
    "caveat_line",
    "crcl_note",
    "ckd_stages",
    "cite",
    "dialysis_sessions",
    "drugs",
    "esrd_row",
    "latest",
    "left_out",
    "limits_dose",
    "reading",
    "row_for",
    "rows",
    "top_band",
    "unread",
]

Kidney = Egfr | KidneyFailure | CkdStage


def crcl_note(kidney: Kidney) -> str:
    """CRCL_NOTE when the reading is an estimate of the labels' creatinine clearance (an eGFR,
    or a CKD stage's eGFR range), else "": a creatinine clearance read (renal50) is the labels'
    own measure, and a code read as the ESRD band compares no number; one normalised to 1.73 m2
    is said so (`indexed_note`, lab63 item 2)."""
    if isinstance(kidney, CkdStage) or (isinstance(kidney, Egfr) and kidney.test == "egfr"):
        return CRCL_NOTE
    if isinstance(kidney, Egfr):  # a clearance normalised to 1.73 m2 is said so (lab63 item 2)
        note = indexed_note(kidney.test, kidney.lab.unit)
        return f"The clearance is {note}." if note else ""
    return ""


# The last reading, kept with the record and policy it was read from: the renal card and the
# switch and augment lists' caveat lines each ask it of one evaluation (issue 14: three reads of
# the labs, the dialysis codes and sessions per chart). Safe to keep: both are frozen, and held
# here, so their identities cannot pass to another record or policy while the entry lives.
_KEPT_READING: tuple[PatientRecord, Policy, Kidney | None] | None = None


def reading(record: PatientRecord, policy: Policy) -> Kidney | None:
    """What a renal check compares: dialysis coded or a recent dialysis Procedure (unless a kidney
    transplant coded after it, with an eGFR since, ends it: `_after_transplant`), else the latest
    comparable eGFR when recent, else kidney failure coded, else the latest eGFR however old
    (compared, named as old), else CKD stage 4 or 3 coded (`CkdStage`), else None."""
    global _KEPT_READING
    kept = _KEPT_READING  # read once: another thread may replace it, never mutate it
    if kept is not None and kept[0] is record and kept[1] is policy:
        return kept[2]
    found = _reading(record, policy)
    _KEPT_READING = (record, policy, found)
    return found


def _reading(record: PatientRecord, policy: Policy) -> Kidney | None:
    egfr = latest(record, policy)
    context = record.context
    dialysis = context.of(FindingKind.DIALYSIS)
    sessions = dialysis_sessions(record, policy)
    if dialysis or sessions is not None:
        # A code is named before sessions (its wording and snooze key as before); both count
        # when a transplant is placed after them.
        read_sessions: DialysisSessions | None = None
        if dialysis:
            named = _latest_coded(dialysis)
        else:
            assert sessions is not None  # one of the two, by the condition above
            named, read_sessions = sessions.finding(), sessions
        days: list[date | None] = [f.onset_latest for f in dialysis]
        if sessions is not None:
            days.append(sessions.last_day)
        transplant = _after_transplant(days, context.of(FindingKind.KIDNEY_TRANSPLANT))
        if transplant is None:
            return KidneyFailure(named, True, egfr, sessions=read_sessions)
        if egfr is None or egfr.lab.date < (transplant.onset_latest or date.max):
            return KidneyFailure(named, True, egfr, transplant, sessions=read_sessions)
        what = "session" if read_sessions is not None else "code"
        code = read_sessions.named() if read_sessions is not None else named.code
        past = (
            f"Kidney transplant ({transplant.code}, {transplant.onset_text}): the dialysis {what} "
            f"of {named.onset_text} ({code}) is read as past."
        )
        egfr = replace(egfr, dialysis_past=past)
    if egfr is not None and egfr.recent:
        return egfr
    failure = context.of(FindingKind.KIDNEY_FAILURE)
    if failure:
        return KidneyFailure(_latest_coded(failure), False, egfr)
    if egfr is None:
        return coded_stage(record, None)
    # An old eGFR (not recent) with a CKD stage coded after it: the code is the newer word on the
    # kidney, so it is read, the eGFR named as older (the safer reading: a stage 4 code of this
    # year beside an eGFR of 70 from 2019 must not read as normal kidneys).
    stage = coded_stage(record, egfr)
    if (
        stage is not None
        and stage.finding.onset is not None
        and stage.finding.onset > egfr.lab.date
    ):
        return stage
    return egfr


def _after_transplant(
    dialysis: list[date | None], transplants: tuple[Finding, ...]
) -> Finding | None:
    """The latest kidney transplant coded after every dialysis code and session (`dialysis`:
    their dates, None for an undated code), or None (review 11 recheck 2 finding 5: Z99.2 of
    2018 left active on the problem list after a transplant in 2022 made a current eGFR of 58
    read as dialysis). A dialysis code or transplant without a date, or a transplant before the
    dialysis code or a session (the graft failed, dialysis again), keeps the dialysis reading:
    the order cannot be told, and dialysis is the safer reading for the drug."""
    if any(day is None for day in dialysis):
        return None
    last = max(day or date.max for day in dialysis)
    after = [t for t in transplants if t.onset is not None and t.onset > last]
    return max(after, key=lambda t: t.onset or date.min) if after else None


def _latest_coded(found: tuple[Finding, ...]) -> Finding:
    """The finding with the latest onset (an undated one counts as oldest)."""
    return max(found, key=lambda f: f.onset or date.min)


_WORD = re.compile(r"[a-z][a-z-]*")


def caveat_line(record: PatientRecord, policy: Policy, offered: Iterable[str]) -> str | None:
    """One line for a switch or augment list that names drugs whose label limits them at the
    patient's latest eGFR: "Kidney function: eGFR 25 mL/min/1.73 m2 on 2025-05-01; labelled
    renal limits: duloxetine: avoid; desvenlafaxine: at most 25 mg/day (...)." None when no drug named
    in `offered` (the list's entries, "SNRI: venlafaxine, duloxetine") has a row at that eGFR
    marked for the lists (rows on_lists: the mild bands are left to the order check)."""
    words = set(_WORD.findall(" ".join(offered).lower()))
    named = words & drugs()
    if not named:
        return None
    egfr = reading(record, policy)
    if egfr is None:
        return None
    found = [
        r
        for name in dict.fromkeys(r.ingredient for r in rows())  # in the table's order
        if name in named
        and (r := egfr.row(name)) is not None
        and r.on_lists
        # An avoid band the reading settles is no limit of an option: the lists leave the drug
        # out (`left_out`), as a label's "avoid" in liver disease does (K63b finding 7).
        and avoided(record, policy, name) is None
    ]
    if not found:
        return None

    def said(r: RenalRow) -> str:
        bound = egfr.may_be(r) if isinstance(egfr, Egfr | CkdStage) else None
        return f"{r.ingredient}: {r.short}" + (f" (if {bound})" if bound is not None else "")

    parts = "; ".join(said(r) for r in found)
    past = egfr.dialysis_past if isinstance(egfr, Egfr) else None
    read = f" ({past[0].lower()}{past[1:].rstrip('.')})" if past else ""
    return f"Kidney function: {egfr.text(policy)}{read}; labelled renal limits: {parts}."


def avoided(record: PatientRecord, policy: Policy, ingredient: str) -> RenalRow | None:
    """The drug's "avoid" band (data/renal_doses.csv action avoid: duloxetine below 30, lithium
    below 30, levomilnacipran and milnacipran in ESRD) when the kidney reading on record settles
    it is in that band, else None. Review K63b finding 7: at eGFR 25 the switch list kept
    duloxetine ("labelled renal limits: duloxetine: avoid") and the second line kept lithium
    ("not recommended"), while with cirrhosis duloxetine was left out ("duloxetine not listed:
    avoid in chronic liver disease"): a label's "avoid" is no option to list. A reading that only
    may be in the band (an eGFR "< 60", a CKD stage wider than the band) is not settled: the
    drug stays listed with its "(if ...)" limit (caveat_line), so the prescriber checks it."""
    kidney = reading(record, policy)
    if kidney is None:
        return None
    row = kidney.row(ingredient)
    if row is None or row.action != "avoid" or not row.on_lists:
        return None
    unsettled = kidney.may_be(row) if isinstance(kidney, Egfr | CkdStage) else None
    return row if unsettled is None else None


def left_out(record: PatientRecord, policy: Policy, ingredient: str) -> str | None:
    """ "duloxetine not listed: avoid it below 30 mL/min (severe renal impairment or end-stage
    renal disease), Cymbalta label 2 and 8.10 (eGFR 25 mL/min/1.73 m2 on 2025-05-12)." for a
    drug in its settled avoid band (`avoided`), as a switch or augment list says what it left out;
    else None."""
    row = avoided(record, policy, ingredient)
    if row is None:
        return None
    kidney = reading(record, policy)
    assert kidney is not None  # `avoided` found a band at it
    return f"{ingredient} not listed: {row.says}, {row.cite} ({kidney.text(policy)})."
