"""A course's adherence as the cards write it: the refill data (PDC, gaps, a first fill that
covers the course, a hold's days left out), the documented adherence, days only a statement
covers, a patient-reported course, a hold and a stale listing. Never "verified": refill data show
possession, not ingestion.

Apart from trial_table.py because its adherence column, the adherence reason of a verdict
(trial_verdict_text.py) and other cards quote it; re-exported by trial_table.py.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import Adherence, AdherenceStatus, InadequacyReason, RefillGap, Trial
from fhir_mapping.refills_unread import REFILLS_UNKNOWN
from services.card_format import fmt_weeks, plural
from services.scored_weeks import scored_to
from services.taken_to_confirm import fills_to_confirm, supply_why

# Enum members compared per trial, as module constants, as in trial_verdict_text.py (issue 14).
_UNVERIFIED = AdherenceStatus.UNVERIFIED
_NOT_SHOWN_TAKEN = InadequacyReason.NOT_SHOWN_TAKEN
# Each adherence status as a card says it (a dict: Enum.value is a Python-level property on
# 3.11, read per trial). Never "verified" (review 6 finding 6): refill data show possession, not
# ingestion, and a report is a report; VERIFIED reads "refills on time (PDC nn %)", or the report
# ("reported by patient (date): ...") when no refill data exist (adherence_text).
_ADHERENCE_WORDS = {
    AdherenceStatus.VERIFIED: "refills on time",
    AdherenceStatus.POOR: "poor",
    AdherenceStatus.UNVERIFIED: "unverified",
}
_VERIFIED = AdherenceStatus.VERIFIED


def held_text(adherence: Adherence) -> str:
    """ "held 2025-01-31 – 2025-03-03, not counted": the supply gaps inside a documented hold
    (fhir_mapping/adherence.py `held_gaps`), which leave the PDC's denominator. Said wherever the
    PDC is shown, so a PDC of 100 % over a course with a hold names the hold (audit 14
    leftover); "" when there is none (nearly every course)."""
    return "; ".join(
        f"held {g.start.isoformat()} – {g.end.isoformat()}, not counted"
        for g in adherence.held_gaps
    )


def supply_lapses(adherence: Adherence) -> list[RefillGap]:
    """The supply gaps (>= policy supply_gap_days) not already named as refill gaps (review 6
    finding 1): the ones the adherence card asks about. Read by the timeline too (review s20 R4
    item 4), so the picture draws and names the gaps the card names."""
    return [g for g in adherence.supply_gaps if g not in adherence.refill_gaps]


def pdc_text(adherence: Adherence, pdc: float, whole: bool = False) -> str:
    """ "PDC 100 %", with "; held ... , not counted" after it when a hold left days out; "PDC
    66 % over the whole course" (`whole`) when the verdict was scored over fewer weeks
    (`scored_cut`)."""
    held = held_text(adherence)
    shown = adherence.pdc_percent(pdc) + (" over the whole course" if whole else "")
    return f"PDC {shown}; {held}" if held else f"PDC {shown}"


def scored_cut(trial: Trial) -> date | None:
    """The day a TMS/ECT course ended the trial's scoring window when the trial ran on past it
    (scored_weeks.scored_to), else None. Review s25 RK4 finding 15: "18 scored (to a TMS course
    from 25 Aug 2025); 32.4 in all | poor; PDC 66 %; no supply 60 days from 2025-09-16 | failed
    (adequate)": the PDC and the gap covered the whole course, the verdict only the weeks scored,
    and the row read as a failure judged on a poorly taken drug. The PDC says it covers the whole
    course, and a gap begun on or after the cut says it came after the weeks scored."""
    cut = scored_to(trial)
    return cut if cut is not None and trial.end > cut else None


def _after_cut(start: date, cut: date | None) -> str:
    return ", after the weeks scored" if cut is not None and start >= cut else ""


def adherence_text(trial: Trial) -> str:
    adherence = trial.adherence
    if trial.intolerance is not None and adherence.status is _UNVERIFIED:
        # Refill data of a course stopped for intolerance are not judged (issue 10): no PDC.
        return adherence.documented or "not judged: the course ended for intolerance"
    unknown = adherence.not_verified
    if unknown in REFILLS_UNKNOWN:
        # Refill data that could not be read (fhir_mapping/refills_unread.py, review s21 RC W2),
        # or read only in part under a POOR reading (review s21 RR finding 4): not "unverified"
        # nor "no dispensing data", which would say there were none, nor a PDC or gap that may
        # be only the fills not read.
        return "; ".join([unknown, *filter(None, [adherence.documented])])
    status, pdc = adherence.status, adherence.pdc
    lapses = supply_lapses(adherence)
    cut = scored_cut(trial)
    parts: list[str] = []
    if adherence.ward and not adherence.fills:  # ward doses only (ward_adherence.py): no refills
        parts.append(
            adherence.ward
            if status is _VERIFIED
            else f"{_ADHERENCE_WORDS[status]}: {adherence.ward}"
        )
    elif status is _VERIFIED and pdc is not None:
        shown = pdc_text(adherence, pdc, cut is not None)
        parts.append(f"refills: {shown}" if lapses else f"refills on time ({shown})")
    elif status is not _VERIFIED or adherence.documented is None:
        # VERIFIED without PDC rests on a report: the report alone says so (below).
        parts.append(_ADHERENCE_WORDS[status])
        if pdc is not None:
            parts.append(pdc_text(adherence, pdc, cut is not None))
    if adherence.first_fill is not None:  # no refill to judge: the fill, not a PDC (adherence.py)
        parts.append(first_fill_text(trial))
    for gap in adherence.refill_gaps:
        parts.append(
            f"gap {fmt_weeks(gap.days / 7)} wk from {gap.start.isoformat()}"
            + _after_cut(gap.start, cut)
        )
    for gap in lapses:
        parts.append(
            f"no supply {plural(gap.days, 'day')} from {gap.start.isoformat()}"
            + _after_cut(gap.start, cut)
        )
    if trial.supply_ran_out is not None:
        parts.append(ran_out_text(trial))
    outcome_gap = trial.outcome_gap if lapses or adherence.refill_gaps else None
    if outcome_gap is not None and trial.on_treatment is not None:
        parts.append(
            f"{trial.outcome_scale} of {trial.on_treatment.date.isoformat()} taken in a supply gap"
        )
    if adherence.estimated:
        parts.append("days' supply estimated from quantity and the order's dose")
    if adherence.documented:  # US Core medication-adherence extension
        parts.append(adherence.documented)
    if adherence.not_verified:  # days only a statement covers (adherence.outside_tail)
        parts.append(adherence.not_verified)
    if adherence.ward and adherence.fills:  # the MAR beside the fills (ward_adherence.py)
        parts.append(adherence.ward)
    if trial.patient_reported:  # review 12 finding 14: a home medication, no order or fill
        parts.append("patient-reported, no order or fill on record: confirm it was taken")
    elif trial.statement_only:  # a clinician's or unsourced statement (review s27 RA 2)
        parts.append("medication list only, no order or fill on record: confirm it was taken")
    noted = (
        adherence.documented
        or adherence.not_verified
        or trial.patient_reported
        or trial.statement_only
        or adherence.ward
    )
    if not noted and status is _UNVERIFIED and adherence.first_fill is None:
        fills = adherence.fills
        parts.append(
            f"{fills} fill{'' if fills == 1 else 's'} on record, days' supply not stated"
            if fills
            else "no dispensing data"
        )
    if trial.on_hold is not None:  # review 6 finding 3
        # The record gives no hold date: the last day it shows the drug taken (review 14 W6),
        # or, never filled, nothing.
        parts.append(
            "on hold, never filled: not taken now"
            if _NOT_SHOWN_TAKEN in trial.reasons
            else f"on hold, not taken since {trial.on_hold.isoformat()} at the latest"
        )
    if trial.unconfirmed_since is not None:  # review 6 finding 11
        parts.append(f"listed as active; not confirmed since {trial.unconfirmed_since.isoformat()}")
    return "; ".join(parts)


def first_fill_text(trial: Trial) -> str:
    """A course with no refill to judge (Adherence.first_fill, adherence.py): "one fill
    (2024-01-08, 30 days) covers the course: no refill was due", or "first fill 2024-01-08 (90
    days) of 2 ..." when a refill came before that supply ran out. Not "too short to judge": a
    90-day mail-order fill can cover a whole 12-week trial (review 9 finding 9); it shows the drug
    was supplied, and no refill could show more."""
    adherence = trial.adherence
    fill = adherence.first_fill
    if fill is None:
        return ""
    day, fills = fill.date.isoformat(), adherence.fills
    days = plural(fill.days, "day")
    what = f"one fill ({day}, {days})" if fills <= 1 else f"first fill {day} ({days}) of {fills}"
    return f"{what} covers the course: no refill was due"


def ran_out_text(trial: Trial) -> str:
    """ "no supply since 2025-05-04 (43 days): judged up to then" for a course whose last supply
    ran out a month or more ago with no fill since (Trial.supply_ran_out, review s20 RA finding
    4); "" for every other course."""
    since = no_supply_since(trial)
    return f"{since}: judged up to then" if since else ""


def no_supply_since(trial: Trial, *, count: bool = True) -> str:
    """ "no supply since 2025-05-04 (43 days)" (`count=False`: "no supply since 2025-05-04", as
    an order card says it of a drug that may be running), or "" when the course's supply did
    not run out (Trial.supply_ran_out). The one builder of the phrase (session 21 item 3: it
    was written out in five places, one of them counting without `plural`)."""
    ran_out = trial.supply_ran_out
    if ran_out is None:
        return ""
    unread = trial.unread_fills
    confirm = fills_to_confirm(trial)
    if not count:  # the words of the claim "may be running (...)" (taken_to_confirm.supply_why)
        return supply_why(ran_out, len(unread), confirm=confirm)
    if confirm and not unread:
        # A fill read of a status to confirm after it (lab57 item 3): no supply COUNTED, which
        # is not "no supply": "no supply counted since 2026-10-27 (35 days), then a fill of
        # 2026-11-02, status unknown".
        days = plural(no_supply_days(trial), "day")
        return f"no supply counted since {ran_out.isoformat()} ({days}), then {confirm}"
    if unread:
        # Fills left out after the supply ran out that could be this course's (review s21 RR2
        # finding 4, fhir_mapping/unread_fills.py): "no supply since" would claim more than the
        # record shows. "supply read to 2026-09-12, 3 fills since could not be read (DATES)".
        days = ", ".join(d.isoformat() for d in unread)
        return f"supply read to {ran_out.isoformat()}, {unread_since(trial)} ({days})"
    return f"no supply since {ran_out.isoformat()} ({plural(no_supply_days(trial), 'day')})"


def unread_since(trial: Trial) -> str:
    """ "3 fills since could not be read" (Trial.unread_fills), "" when none was left out."""
    unread = len(trial.unread_fills)
    if not unread:
        return ""
    return f"{plural(unread, 'fill')} since could not be read"


def no_supply_for(trial: Trial) -> str:
    """ "no supply for 43 days": `no_supply_since`'s short form, for a summary that must fit;
    "3 fills since could not be read" when fills after it were left out (Trial.unread_fills);
    "no supply counted for 43 days" when a fill of a status to confirm follows (lab57 item 3);
    "" when the supply did not run out."""
    if trial.supply_ran_out is None:
        return ""
    counted = " counted" if fills_to_confirm(trial) else ""
    return unread_since(trial) or f"no supply{counted} for {plural(no_supply_days(trial), 'day')}"


def no_supply_days(trial: Trial) -> int:
    """The days from the day the supply ran out to the course's end (as-of for an open order)."""
    return (trial.end - trial.supply_ran_out).days if trial.supply_ran_out is not None else 0


def still_open(trial: Trial) -> str:
    """What keeps a course whose supply ran out running (Trial.supply_ran_out): "order still
    open", or "statement still active" when a MedicationStatement and no MedicationRequest is
    among its records (fills beside a medication-list entry: stmt72b, "order still open" was said
    of a chart with no order; a statement is not an order)."""
    types = {s.resource_type for s in trial.sources}  # a set, not any() over a generator (s31)
    if "MedicationStatement" in types and "MedicationRequest" not in types:
        return "statement still active"
    return "order still open"
