"""How a card names a stay in progress (rules/inpatient_hold.py holds the one-clicks; this says
so): the line on the first held card, the pointer on the others, and what a held summary names as
holding it. Split from inpatient_hold.py, which holds, by its one idea: the words.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import CurrentStay
from services import tables
from services.card_format import record_cite
from services.recommendation import Suggestion

HELD_BY = "inpatient stay in progress"
ED_HELD_BY = "ED visit in progress"


def stay_line(stay: CurrentStay, held: Sequence[Suggestion]) -> str:
    """ "**Currently admitted (psychiatric) since 2025-05-26** (ICD-10-CM F33.2 ...)
    [Encounter/x]: the inpatient team decides treatment now; this card's orders are outpatient
    orders, shown as text until discharge (order from the inpatient order set)." The stay's
    setting as admissions.py read it: psychiatric, medical (its reason named) or unspecified.
    Said once per screen, on the first card it holds (`pointer` on the others). The proposals
    are not listed by their button labels (audit 17 M4: "not one click: Refer for TMS
    evaluation; Refer for TMS evaluation (order only, summary not attached)"): the card's detail
    names them. The reader is the inpatient team, so it says where their orders come from."""
    since = f" since {stay.start.isoformat()}" if stay.start is not None else ""
    what = f"{stay.reason} {stay.reason_display}".strip() if stay.reason_display else stay.reason
    why = f" ({what})" if what else ""
    # The Encounter's id only for a stay with no start to name it by (cards.record_cite).
    where = record_cite(stay.source, stay.start is not None, " [{}]")
    if stay.ed_visit and stay.overdue:
        return f"{_overdue_head(stay)}{why}{where}: {_overdue_why(held, stay)}"
    if stay.ed_visit:
        return (
            f"**In the emergency department{since}**{why}{where}: the ED team decides what is "
            f"ordered now; {_held_words(held, stay)}.{_doubt(stay)}"
        )
    return (
        f"**{_head(stay)}{since}**{why}{where}: the {_team(stay)} decides treatment now; "
        f"{_held_words(held, stay)}.{_doubt(stay)}"
    )


def _head(stay: CurrentStay) -> str:
    """ "Currently admitted (psychiatric)"; "Observation stay in progress (psychiatric)" for a
    stay that is not an admission (the class word: review s27 K2 finding 5)."""
    if stay.stay_word is None:
        return f"Currently admitted ({stay.setting.value})"
    return f"{stay.stay_word[0].upper()}{stay.stay_word[1:]} in progress ({stay.setting.value})"


def _team(stay: CurrentStay) -> str:
    """Who decides during the stay: an observation or short stay is the hospital's, not an
    inpatient team's (review s27 K2 finding 5)."""
    return "inpatient team" if stay.stay_word is None else "hospital team"


def ward_team(text: str, stay: CurrentStay) -> str:
    """`text` with "the inpatient team" said as the stay's team ("the hospital team" during an
    observation or short stay: recheck K6 s28 finding 4, the PHQ-9 reminder said "the inpatient
    team" of an observation stay)."""
    return text.replace("the inpatient team", f"the {_team(stay)}")


def ward_pointer(first_topic: str, stay: CurrentStay) -> str:
    """The measurement card's line when another card names the stay: "**Currently admitted**
    (named on the TMS referral card): the ward can record the PHQ-9." ("**Observation stay in
    progress** ...: the hospital team can record the PHQ-9.": recheck K6 s28 finding 4). Its
    PHQ-9 is no outpatient order waiting: the stay's team records it."""
    where = tables.topic(first_topic).display
    who = "the ward" if stay.stay_word is None else f"the {_team(stay)}"
    head = _head(stay).split(" (")[0]
    return f"**{head}** (named on the {where} card): {who} can record the PHQ-9."


def held_by(stay: CurrentStay) -> str:
    """What a held card's summary names as holding it: "inpatient stay in progress", or the
    class word of a stay that is not an admission ("observation stay in progress")."""
    if stay.ed_visit:
        return ED_HELD_BY
    return HELD_BY if stay.stay_word is None else f"{stay.stay_word} in progress"


def _overdue_head(stay: CurrentStay) -> str:
    """ "**ED visit open since 2026-11-26 (5 days)**": an ED visit recorded in progress past the
    mapping policy's `ed_visit_max_days` with nothing since (CurrentStay.overdue)."""
    since = f" since {stay.start.isoformat()}" if stay.start is not None else ""
    days = f" ({stay.open_days} days)" if stay.open_days is not None else ""
    return f"**ED visit open{since}{days}**"


def _overdue_why(held: Sequence[Suggestion], stay: CurrentStay) -> str:
    """Why an overdue ED visit still holds (review s25 RK4 finding 11; the safer side:
    fhir_mapping/current_stays.py): longer than an ED visit usually lasts, but a patient held
    for psychiatric care may board for days, and nothing since shows the patient left."""
    return (
        "check its status in the chart. An ED visit usually lasts hours, but a patient waiting "
        "for a bed (a psychiatric one above all) may board for days, and nothing recorded since "
        f"shows the patient left, so {_held_words(held, stay)}."
    )


def _doubt(stay: CurrentStay) -> str:
    """ " An outpatient visit on 2025-06-01 since the admission: ..." when outpatient evidence
    after the admission is too little to read the stay as left (fhir_mapping/policy.py
    `stay_left_*`; review 17 second recheck M3): the hold stays, and the conflict is said so
    the record can be corrected if the patient went home. "" when nothing contradicts it."""
    if stay.outpatient_since is None:
        return ""
    if stay.visit_days and stay.fill_days:
        what = "Outpatient visits or pharmacy fills"
    elif stay.visit_days:
        what = "An outpatient visit" if len(stay.visit_days) == 1 else "Outpatient visits"
    else:
        what = "A pharmacy fill" if len(stay.fill_days) == 1 else "Pharmacy fills"
    days = sorted({*stay.visit_days, *stay.fill_days})
    when = ", ".join(d.isoformat() for d in days)
    return (
        f" {what} on {when} since the admission: a consult or test during a stay may be filed "
        "as outpatient, so the hold stays; if the patient was discharged, close the stay in the "
        "chart."
    )


def pointer(first_topic: str, held: Sequence[Suggestion], stay: CurrentStay) -> str:
    """The short line of a held card after the first: "**Currently admitted** (named on the
    Optimise, switch or augment card): this card's orders are outpatient orders, ..." """
    where = tables.topic(first_topic).display
    head = "In the emergency department" if stay.ed_visit else _head(stay).split(" (")[0]
    head = "ED visit open" if stay.overdue else head
    return f"**{head}** (named on the {where} card): {_held_words(held, stay)}."


def _held_words(held: Sequence[Suggestion], stay: CurrentStay) -> str:
    if stay.ed_visit:
        if not held:
            return "outpatient orders wait until after the ED visit"
        return (
            "this card's orders are outpatient orders, shown as text until after the ED visit "
            "(the team that follows the patient up orders them)"
        )
    if not held:
        return "outpatient orders wait for discharge"
    # An observation or short stay's orders are the hospital's (review s27 K2 finding 5).
    which = "inpatient" if stay.stay_word is None else "hospital"
    return (
        "this card's orders are outpatient orders, shown as text until discharge (order from "
        f"the {which} order set)"
    )
