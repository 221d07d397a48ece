"""The post-discharge period on the suicide-risk card (review 16 W4).

A psychiatric inpatient stay (fhir_mapping/admissions.py) discharged within
policy.suicide_post_discharge_days (90: the first 3 months, when the suicide rate is about 100
times the global rate, Chung et al., JAMA Psychiatry 2017; 2,060 per 100,000 person-years in the
first month, Chung et al., BMJ Open 2019) is named on the suicide-risk card: "discharged
2025-05-09 after a psychiatric admission (F33.2): the first months after discharge carry the
highest suicide risk; assess suicide risk today".

- Beside a current signal (acute_risk.py) it is one more section of that card. The card has one
  urgency (services/suicide_today.card_urgency): the signal level's, or, when no assessment
  followed the discharge and the signal's level asks less than "assess today" (assessed, found
  current risk that is not high, re-screened, unread), the discharge's: critical, its summary
  and its same-day one-click (s26 KE follow-up: such a card stayed a warning while its detail
  said "assess suicide risk today" and the hold treated it as "assess today").
- Alone it makes a card of its own proposing a structured assessment today (ServiceRequest,
  citing the Encounter), at the urgency "assess-today" of data/suicide_urgency.csv: CRITICAL,
  priority asap, the same label as the PHQ-9 item 9 card's (services/suicide_urgency.py). It
  was a warning beside a critical item 9 = 1 card that asked the same thing (review s26 RN
  finding 5); the first month after discharge carries a suicide rate of 2,060 per 100,000
  person-years (Chung 2019), above the 1-year risk an item 9 answer predicts (Simon 2013), so
  the same ask takes the same, higher, severity (the safer when unsure). Until an assessment
  follows, it holds what every "assess today" holds (services/suicide_today.py: the optimise
  card's drug proposals, the TMS card; review s26 RK2 finding 2), and the card says the
  acute-risk treatment lines the signal's card says (rules/suicide_risk.treatment_lines: "Not
  TMS now", or "If the assessment finds acute risk: ECT ... or esketamine ...").
  Why a card at all (not a line on another card): the risk is the highest of the
  patient's course, the patient may have no other signal on record, and an assessment is what
  is owed (safety first).
- Once a documented assessment (a C-SSRS that asked about ideation, a documented risk level, a
  risk-assessment Procedure: risk_evidence._checks) is shown to follow the discharge (a later
  day, or a later instant on the discharge day; not one at the stay's own Encounter:
  psychiatric_discharge.shown_after, review s27 RE finding 1), the card is INFORMATION at patient-view only ("assessed on <date>; reassess at each visit until
  <end of the period>"), as an assessed signal's is, and is left out at the order hooks.
- An assessment after the discharge that itself answers yes to active suicidal ideation (C-SSRS
  items 2-5) or behaviour releases nothing (psychiatric_discharge.holding_answers, fix hist31):
  the card stays critical, holds changes, and names the answer and its date ("Discharged
  2026-11-30; C-SSRS yes to non-specific active suicidal thoughts (past month) on 2026-11-30:
  assess today"); a later one answering no releases it.

- A stay that ended in a transfer to a psychiatric facility (HL7 discharge disposition `psy`:
  Discharge.transferred) is named so ("Transferred to a psychiatric facility on <date> after a
  psychiatric admission (F33.2): confirm with the receiving unit"; the section "transferred ...
  2 days ago" and the table's note), as the ED visit's card names it (suicide_risk_text.py
  `transferred`; review s27 K2 finding 8): the patient may be on that unit, and the
  post-discharge period begins at its discharge. It stays critical and keeps the same-day
  one-click: a patient seen here is assessed today. An observation or short stay is named by its
  class word ("after a psychiatric observation stay": K2 finding 5).
- Chung 2017 measured the risk after psychiatric INPATIENT care: after an observation or short
  stay (not transferred on to a psychiatric facility) the card does not cite it as if it applied
  but names what the record shows ("The record shows an observation stay for ICD-10-CM F33.2
  ..., not a psychiatric inpatient admission") and asks the same assessment today, citing the
  C-SSRS only (`_why`, `links`; session 29 leftover).

After a hospitalised episode ECT lowers the suicide risk in the year after discharge (CANMAT
2023 para 215, REFERENCE.md): the card says so when depression is active, the patient is an
adult, and the card does not already name ECT (while it holds a change of treatment its
treatment lines do, citing the same paragraph).
"""

from __future__ import annotations

from fhir_mapping.suicide_screen import INSTRUMENT
from services import cards, suggestions, suicide_urgency, tables
from services.card_format import plural, record_cite
from services.psychiatric_discharge import Discharge, holding_answers, recent_discharge
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules.context import RuleContext

# Discharge and recent_discharge live in services/psychiatric_discharge.py (the hold reads them
# too: services/suicide_today.py); their names stay importable from here.
__all__ = [
    "TOPIC",
    "Discharge",
    "card",
    "indicator",
    "recent_discharge",
    "section",
    "suggestion",
    "summaries",
    "summary",
]

TOPIC = "suicide-risk"


def section(discharge: Discharge, ctx: RuleContext, *, ect: bool, note: bool = True) -> str:
    """The card's section naming the stay, the period and what it asks (module docstring).
    `note`: whether it says the transfer's note itself (not when the signal's advice already
    says it: rules/suicide_risk_text.py `transferred`)."""
    adm = discharge.admission
    stay = f"{adm.start.isoformat()} to " if adm.start is not None else "to "
    what = f"{adm.reason} {adm.reason_display}".strip() if adm.reason_display else adm.reason
    # Named by its dates (discharge always dated): no resource id (cards.record_cite).
    where = record_cite(adm.source, True, " [{}]")
    days = (ctx.record.as_of - adm.discharged).days
    # The class word as data: "Psychiatric observation stay" for OBSENC (review s27 K2 finding 5).
    kind = adm.stay_word or "inpatient stay"
    went = discharge.transferred
    ended = went.words if went is not None else "discharged"
    span = f"{stay}{adm.discharged.isoformat()} ({what}){where}"
    if adm.stay_end is not None:  # moved on to a stay that is not psychiatric (finding 3)
        span = (
            f"{stay}{adm.stay_end.isoformat()} ({what}){where}, then the "
            f"{adm.moved_to or 'inpatient stay'} that followed to {adm.discharged.isoformat()}"
        )
    # Discharged on as-of's own day: "today", not "0 days ago" (review s28 RH finding 3).
    when = "today" if days == 0 else f"{plural(days, 'day')} ago"
    if not adm.end_recorded:
        # Finished with no end on record (fhir_mapping/stay_evidence.py, review s28 K5 finding 3):
        # the period is counted from the last day the record places the patient on the stay,
        # so the discharge was then or later; said, never a date the record does not hold.
        begun = f"from {adm.start.isoformat()} " if adm.start is not None else ""
        span = span.replace(f"{stay}{adm.discharged.isoformat()} ", begun)
        span = span.replace(f" to {adm.discharged.isoformat()}", "")
        span = f"{span}, finished with no discharge date recorded"
        when = f"at most {when}" if days else "today"
    found = f"Psychiatric {kind} {span}: {ended} {when}."
    if adm.reason_unread:  # finding 5: not shown to be psychiatric
        found = f"{kind[0].upper()}{kind[1:]} {span}: {ended} {when}."
    if not adm.end_recorded and not discharge.unplaced:  # unplaced: said below
        found += (
            f" The last day on record on the stay is {adm.discharged.isoformat()}: the period "
            f"below is counted from it; confirm the discharge date."
        )
    why = _why(discharge, what)
    check = discharge.assessed
    least = "" if adm.end_recorded else "at least "  # counted from the last day on record
    if adm.reason_unread and check is None:
        # Its reason is a Condition not in the record (review s28 K10 finding 5).
        ask = (
            f"{why}. The stay's reason is a Condition not in the record: confirm what it was "
            "for; if it was psychiatric, assess suicide risk today with a structured assessment "
            f"(C-SSRS) and keep follow-up close until {least}{discharge.until.isoformat()}."
        )
    elif discharge.unplaced:
        # The last day on record is older than the period, the discharge any day since (review
        # s28 K10 finding 3): no period end to name; what it asks is to confirm the date.
        period = (discharge.until - adm.discharged).days
        done = f"Assessed since: {check.text} on {check.day.isoformat()}. " if check else ""
        ask = (
            f"{why}. {done}The discharge may have been any day since "
            f"{adm.discharged.isoformat()}: confirm the discharge date; if it was within the last "
            f"{plural(period, 'day')}, assess suicide risk today with a structured assessment "
            "(C-SSRS) and review the safety plan."
        )
    elif check is not None:
        ask = (
            f"{why}. Assessed since discharge: {check.text} on {check.day.isoformat()}; "
            f"reassess at each visit until {least}{discharge.until.isoformat()}."
        )
    elif discharge.answered is not None:
        # An assessment after discharge that answered yes to active ideation or behaviour
        # (psychiatric_discharge.holding_answers; fix hist31): named, and it releases nothing.
        yes = discharge.answered
        ask = (
            f"{why}. Assessed since discharge: {yes.text} on {yes.day.isoformat()}. A yes to "
            "active suicidal ideation or behaviour after discharge is current risk, not a "
            "release: evaluate suicide risk today (a clinician's assessment and the safety plan) "
            f"and keep follow-up close until {least}{discharge.until.isoformat()}."
        )
    elif went is not None:
        # Transferred to psychiatric care (review s27 K2 finding 8): the patient may be on that
        # unit now, so the section says where the patient went and what to confirm (the table's
        # note, below), never "assess today" as if the patient went home; that risk period
        # begins at the discharge from the receiving unit.
        ask = f"{why}; that period begins when the receiving unit discharges the patient."
    else:
        ask = (
            f"{why}: assess suicide risk today with a structured assessment (C-SSRS), review the "
            f"safety plan and keep follow-up close until {least}{discharge.until.isoformat()}."
        )
    head = f"Recent psychiatric {'transfer' if went else 'discharge'}"
    if adm.reason_unread:  # finding 5: not shown to be psychiatric
        head = "Recent discharge, stay reason not in the record"
    lines = [f"**{head}:** {found} {ask}"]
    if went is not None and note:
        lines.append(f"**{went.words[0].upper()}{went.words[1:]}:** {went.note}.")
    left = discharge.against_advice
    if left is not None:
        # Named, with what it asks, from data/discharge_dispositions.csv (review s27 RE 6).
        lines.append(f"**{left.words[0].upper()}{left.words[1:]}:** {left.note}.")
    if ect and ctx.facts.active:
        lines.append(
            "**ECT after a hospitalised episode:** ECT significantly reduced the risk of suicide "
            "in the year after discharge (CANMAT 2023 para 215): discuss it among the options."
        )
    return cards.join_sections(*lines)


def _why(discharge: Discharge, what: str) -> str:
    """Why the period asks an assessment. After a psychiatric inpatient admission: the risk
    Chung et al. 2017 measured. After an observation or short stay it is not that care, so the
    rate is not cited as if it applied (s29 leftover): the section names what the record shows.
    guidelines.csv holds no source measuring the risk after such a stay (nor after an ED visit),
    so none is cited; the card still asks the same-day assessment (the safer reading)."""
    if discharge.inpatient:
        return (
            "The first months after discharge from psychiatric inpatient care carry the highest "
            "suicide risk (about 100 times the global rate in the first 3 months: Chung et al., "
            "JAMA Psychiatry 2017)"
        )
    reason = "" if discharge.admission.reason_unread else f" for {what}"
    return (
        f"The record shows {_a(discharge.stay_name)} {discharge.stay_name}{reason}, not a "
        "psychiatric inpatient admission (the post-discharge suicide rates measured after "
        "inpatient care are not shown to apply; no source here measures the risk after such a "
        "stay, so the safer reading asks the same)"
    )


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def links(discharge: Discharge) -> tuple[str, ...]:
    """The guideline keys a discharge section cites: Chung 2017 only after inpatient care."""
    return ("chung2017", "cssrs") if discharge.inpatient else ("cssrs",)


def summary(discharge: Discharge) -> str:
    return cards.fit_summary(*summaries(discharge))


def summaries(discharge: Discharge) -> tuple[str, ...]:
    """The card's summary candidates, fullest first (`summary` says the first that fits). The
    TMS referral summary's suicide-risk section says the first: the same words, no length limit
    (services/packet/safety.py, review s29 RM finding 1)."""
    head = discharge.head
    cap = head[0].upper() + head[1:]
    check = discharge.assessed
    if check is not None:
        return (
            f"{cap}; suicide risk assessed {check.day.isoformat()}: reassess at each visit until "
            f"{discharge.until.isoformat()}",
            f"{cap}; assessed {check.day.isoformat()}: reassess at each visit",
            f"{cap}: reassess suicide risk at each visit",
        )
    adm = discharge.admission
    went = discharge.transferred
    if adm.reason_unread and check is None:
        return (
            f"{cap}: confirm what it was for; if psychiatric, assess suicide risk today",
            f"{cap}: confirm what it was for",
            f"Discharged {adm.discharged.isoformat()}, stay reason not in the record: confirm it",
        )
    if discharge.unplaced and check is None:
        # Unplaced (review s28 K10 finding 3): a warning asking for the date first.
        return (
            f"{cap}: confirm the discharge date; if recent, assess suicide risk today",
            f"{cap}: confirm the discharge date",
            f"Discharged after a psychiatric {discharge.stay_name}, date not recorded: confirm it",
        )
    # The psychiatric stay's own discharge day when a stay that is not psychiatric followed it
    # (Discharge.head, review s28 K5 finding 4); a transfer names the day the chain ended.
    day = (
        adm.stay_end if adm.stay_end is not None and went is None else adm.discharged
    ).isoformat()
    if went is not None:
        # As the ED visit's card says it (rules/suicide_risk_text.card_summary; review s27 K2
        # finding 8): where the patient went, and what to confirm.
        return (
            f"{cap}: confirm with the receiving unit before outpatient steps",
            f"{cap}: confirm with the receiving unit",
            f"{went.words[0].upper()}{went.words[1:]} on {day}: confirm with the receiving unit",
        )
    date_only = f"Discharged {day}" if adm.end_recorded else f"Discharged (last on record {day})"
    yes = discharge.answered
    if yes is not None:
        # Named with its date (fix hist31): the yes after discharge keeps the card critical.
        answer, on = holding_answers(yes)[0].split(";")[0].lower(), yes.day.isoformat()
        return (
            f"{cap}; {INSTRUMENT} yes to {answer} on {on}: assess suicide risk today",
            f"{date_only}; {INSTRUMENT} yes to {answer} on {on}: assess today",
            f"{date_only}; {INSTRUMENT} yes on {on} after discharge: assess suicide risk today",
        )
    if not discharge.inpatient:
        # Not psychiatric inpatient care: no post-discharge rate claimed (`_why`).
        return (
            f"{cap}: assess suicide risk today",
            f"{date_only} after a psychiatric {discharge.stay_name}: assess suicide risk today",
        )
    return (
        f"{cap}: the first months after discharge carry the highest suicide risk; assess "
        "suicide risk today",
        f"{cap}: highest suicide risk in the first months; assess today",
        f"{cap}: post-discharge suicide risk; assess today",
        f"{date_only} after a psychiatric {discharge.stay_name}: post-discharge suicide risk; "
        "assess today",
    )


def suggestion(ctx: RuleContext, discharge: Discharge) -> Suggestion | None:
    """A same-day structured assessment, citing the Encounter; None once one is on record."""
    if discharge.assessed is not None:
        return None
    urgency = suicide_urgency.urgency(discharge.urgency)
    if urgency.label is None:
        return None  # unplaced: the date is confirmed first (psychiatric_discharge.py)
    cssrs = tables.order_code("cssrs-screener")
    resource = None
    if ctx.patient_id is not None:
        source = discharge.admission.source
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="suicide-risk-assessment",
            text="Same-day structured suicide risk assessment (recent psychiatric discharge)",
            reasons=[source] if source is not None else [],
            priority=urgency.priority,
            note=f"For example the C-SSRS screener (LOINC {cssrs.code}); record the answers.",
        )
    return suggestions.create(urgency.label_for(ward=False), resource, recommended=True)


def indicator(discharge: Discharge) -> Indicator:
    return suicide_urgency.urgency(discharge.urgency).indicator


def card(
    ctx: RuleContext,
    discharge: Discharge,
    quantity: str | None = None,
    treatment: str = "",
    *,
    ect: bool,
) -> Recommendation | None:
    """The card of a recent discharge when no other suicide-risk signal is current (module
    docstring); None at the order hooks once an assessment followed the discharge. `quantity`:
    the order hooks' line on a drafted drug dangerous in overdose (rules/suicide_risk.py), first
    as on the signal's card: the post-discharge period is a time of raised risk too.
    `treatment`: the acute-risk treatment lines while the discharge holds a change of treatment
    and `ect`: whether the section says its own ECT line (both rules/suicide_risk.py, the same
    as on the signal's card)."""
    if discharge.assessed is not None and ctx.hook != "patient-view":
        return None
    found = suggestion(ctx, discharge)
    detail = cards.join_sections(
        quantity or "",
        section(discharge, ctx, ect=ect),
        treatment,
        "Item 9 alone is not a risk assessment, and a 0 does not rule risk out.",
        cards.guideline_links(*links(discharge)),
    )
    return cards.make(
        TOPIC,
        summary=summary(discharge),
        detail=detail,
        suggestions=(found,) if found is not None else (),
        indicator=indicator(discharge),
    )
