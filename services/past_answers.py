"""How the cards word a yes to a self-harm question worded as PAST beside the same form's
current item answered no (fhir_mapping/form_self_harm.py, Score.past; session 29 fix net32).

Review s29 RQ4: "History of suicidal ideation" = yes beside "Current suicidal ideation" = no
(probe f15), "Wish to be dead (lifetime)" = yes beside "(past month)" = no (f30) raised the
critical "complete a suicide risk assessment today" of a current yes. Project decision: such an
answer records past ideation or self-harm, and the form itself says the current item was no; the
card is a warning that asks about current thoughts (the UNREAD level's tier: its windows and
closing rules, services/acute_risk.py), never "could not be read", since it was read. A past
suicide ATTEMPT answered yes stays critical (the ASQ toolkit counts a yes to "Have you ever tried
to kill yourself?" a positive screen), and so does a past yes with no current item, or one
answered yes or not read (form_self_harm.py). Session 29 fix k19a1 (recheck K19a chart f06):
EVERY current item of the form (ideation, self-harm, plan, intent, death wish, one another
reader takes too) must be answered no for the warning; any current yes or unread keeps critical.
The card's detail says so (session 30 fix forms31: it said "a past yes with no current question
answered no" is critical, as if one current no were enough).

The same tier for a visit reason that states suicidal ideation only as an undated history and
denies it now ("History of SI, denies current SI" as an ED visit's reason: visit_risk.py
PAST_DENIED; session 29 fix net33, K18 recheck): `visit_event`, worded as the visit's. A history
of a suicide attempt so stated stays critical, as on a form.

The same tier for a problem-list entry whose words state self-harm as past ("Remote SIB in
adolescence, none since", "SIB in remission": fhir_mapping/self_harm_past.py, a text finding
marked PAST_STATED; recheck K27a s31, session 31 fix sib37): it read as a current act (critical
"on 2026-11-20") though the entry says none since; past self-harm is a risk factor to ask
about, never dropped. `list_event`, worded as the entry's.

The same tier for a past suicide attempt or self-harm a recent visit reason or text-only
Condition dates by its year ("Prior SA 2010, denies current SI", "Hx intentional OD 2019, denies
current SI" as an ED visit's reason, "History of suicide attempt 2019" entered 2026-11-20:
Finding.stated_on; lead's decision on hist37, fix hist38): dated by its year it was no card at
all, while a past SI so stated gave the warning, though a past attempt is the strongest risk
factor. `attempt_event`: "past suicide attempt (2010): a major risk factor, ask about current
thoughts", in the window of the visit or entry (policy.suicide_condition_recent_days), never
dated by it. Older visits and coded past attempts keep their risk-factor line.

The same reading for Epic flowsheet rows under a local code (fhir_mapping/form_self_harm.py
`settle_rows`; session 32 fix forms44, recheck K32a finding 5): "History of suicidal ideation" =
"Yes" beside "Suicidal thoughts" = "No" the same day is a form's past yes beside its current no,
worded "recorded on a flowsheet"; and a problem-list entry's note that states suicidal ideation
as past ("History of SI with plan to hang self in 2015, none since": condition_harm_notes.py) is
the visit reason's `visit_event`, worded as the entry's ("stated as past").
"""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping import stated_sa, stated_terms, visit_risk
from fhir_mapping.record import Finding
from fhir_mapping.text_negation import normalise_text
from services.policy import Policy
from services.risk_signal import RiskEvent, SignalKind
from services.risk_wording import (
    at_visit,
    coding_words,
    harm_words,
    ideation_words,
    intent_unknown,
    recorded_where,
    summary_name,
)

# The step a held proposal waits for (rules/hold_words.py reads "<step> first").
HELD_BY = "ask about current suicidal thoughts first"
# What the TMS card says was found (rules/tms_referral_held.py: `found`).
FOUND = "a form records past suicidal ideation or self-harm, its current item answered no"
# The same of a visit reason (`visit_event`), and of both.
_VISIT_FOUND = "a visit reason records past suicidal ideation and denies it now"
_BOTH_FOUND = "a form or visit reason records past suicidal ideation or self-harm, denied now"
# `RiskEvent.past` of a visit reason's history with a current denial (`visit_event`).
_VISIT_PAST = "suicidal ideation"
# The same of a hold placed and since ended (fhir_mapping/psych_hold.py; fix text107): its grounds
# named as for a hold in force (risk_wording.coding_words), never "suicidal", never "denied".
_HOLD_PAST = "emergency psychiatric hold or 1:1 observation, since ended"
# What the TMS card says was found of it (fix text108: it said "records past suicidal ideation").
_HOLD_FOUND = (
    "a visit reason or note records an emergency psychiatric hold or 1:1 observation, since "
    "ended, and a current denial or only its history"
)
# The same of a problem-list entry's past self-harm (`list_event`), and of a mix with it.
_LIST_FOUND = "a problem-list entry records past self-harm, stated as past"
_ANY_FOUND = (
    "a form, visit reason or problem-list entry records past suicidal ideation or self-harm, "
    "not current"
)
_LIST_PAST = "self-harm"
# What the TMS and optimise cards say was found when a past act dated by its year is open
# (`attempt_event`).
_ACT_FOUND = "a recent visit reason or entry records a past suicide attempt or self-harm"


def visit_event(finding: Finding) -> RiskEvent:
    """A visit reason's undated history of suicidal ideation with a current denial (module
    docstring): an UNREAD event with `past`, so the windows and closing rules of a form's past
    answer apply, worded as the visit's reason ("History of SI, denies current SI at the ED
    visit on 2026-11-20")."""
    text, short, dated = ideation_words(finding)
    ended = finding.verification == visit_risk.HOLD_ENDED
    return RiskEvent(
        SignalKind.UNREAD,
        finding.onset,
        text,
        short,
        False,
        finding.source,
        dated=dated,
        terse=(short,),
        past=_HOLD_PAST if ended else _VISIT_PAST,
    )


def list_event(finding: Finding) -> RiskEvent:
    """A problem-list entry whose words state self-harm as past (module docstring): an UNREAD
    event with `past`, as `visit_event`, worded as the entry ("SIB in remission (diagnosis text
    only: confirm) on the problem list since 2026-11-20")."""
    name = f"{summary_name(finding, 'Self-harm')} on the problem list"
    text = f"{finding.display} on the problem list ({finding.coding})"
    return RiskEvent(
        SignalKind.UNREAD,
        finding.onset,
        text,
        name,
        False,
        finding.source,
        terse=(name,),
        past=_LIST_PAST,
    )


def attempt_event(finding: Finding) -> RiskEvent:
    """A past suicide attempt or self-harm a recent visit reason or text-only entry dates by its
    year (module docstring): an UNREAD event with `past` and `risk_factor`, dated the visit or
    entry (`Finding.stated_on`) for its window, worded by the act's own year ("Prior SA 2010,
    denies current SI (typed in), reason for the ED visit on 2026-11-20: past suicide attempt
    (2010): a major risk factor, ask about current thoughts")."""
    text = normalise_text(stated_sa.spell_out(finding.display))
    attempt = any(p.search(text) for p in stated_terms.patterns("past_attempt_word"))
    what = "suicide attempt" if attempt and not intent_unknown(finding) else harm_words(finding)
    year = finding.onset_written or (finding.onset.isoformat() if finding.onset else "")
    name = summary_name(finding, "Self-harm")
    where = recorded_where(finding)
    day = finding.stated_on
    # A Condition note's words are dated by the note, not the entry (fix forms44).
    entered = "note of" if finding.noted_on is not None else "entered"
    short = at_visit(finding, name) if where else f"{name} ({entered} {day})"
    return RiskEvent(
        SignalKind.UNREAD,
        day,
        f"{finding.display} ({coding_words(finding)})" + (f", {where}" if where else ""),
        short,
        False,
        finding.source,
        dated=True,
        terse=(short,),
        past=f"{what} ({year})" if year else what,
        risk_factor=True,
    )


def _at_visit(event: RiskEvent) -> bool:
    return event.source is not None and event.source.resource_type == "Encounter"


def _on_list(event: RiskEvent) -> bool:
    return event.source is not None and event.source.resource_type == "Condition"


def _where(events: Iterable[RiskEvent]) -> str | None:
    """ "visit" when every past event is a visit reason's, "list" when every one is a
    problem-list entry's, "both" when some are either, else None (forms only)."""
    kinds = {
        "visit" if _at_visit(e) else "list" if _on_list(e) else "form"
        for e in events
        if e.past is not None
    }
    if kinds in ({"visit"}, {"list"}):
        return kinds.pop()
    return "both" if kinds - {"form"} else None


def found(events: Iterable[RiskEvent]) -> str:
    """What the TMS card says was found (rules/tms_referral_held.py)."""
    events = tuple(events)
    if any(e.risk_factor for e in events):
        return _ACT_FOUND
    where = _where(events)
    if all(e.past == _HOLD_PAST for e in events if e.past is not None) and where is not None:
        # Never "past suicidal ideation" of a hold (fix text108, K70a finding 5).
        return _HOLD_FOUND
    if where == "both" and any(_on_list(e) for e in events if e.past is not None):
        return _ANY_FOUND
    return {"visit": _VISIT_FOUND, "list": _LIST_FOUND, "both": _BOTH_FOUND}.get(where or "", FOUND)


def all_past(events: Iterable[RiskEvent]) -> bool:
    """Whether every open UNREAD event is a past answer beside a current no (none: False)."""
    found = [e.past is not None for e in events]
    return bool(found) and all(found)


def acts(event: RiskEvent) -> tuple[str, str] | None:
    """What the suicide-risk card's summary asks of a past answer: (in full, in brief); None for
    any other UNREAD event."""
    if event.past is None:
        return None
    if event.risk_factor:
        return f"past {event.past}: a major risk factor, ask about current thoughts", (
            f"past {event.past}: ask about current thoughts"
        )
    if event.past == _HOLD_PAST:
        # A hold ended, denied now (fix text107); the brief form names it too (fix text108, K70a
        # finding 7: "5150 lifted 11/29 per psych ...: ask about current risk" named no end).
        return f"{event.past}, denied now: ask about current risk", (
            "hold since ended: ask about current risk"
        )
    if _at_visit(event):
        return f"past {event.past}, denied now: ask about current thoughts", (
            "ask about current thoughts"
        )
    if _on_list(event):
        return f"past {event.past}, stated as past: ask about current thoughts", (
            "ask about current thoughts"
        )
    # A flowsheet row's past yes beside the day's current row answered no (Observation; fix
    # forms44): recorded on the flowsheet, not on a form.
    row = event.source is not None and event.source.resource_type == "Observation"
    where = "a flowsheet" if row else "the form"
    return f"past {event.past} recorded on {where}: ask about current thoughts", (
        "ask about current thoughts"
    )


def head(events: Iterable[RiskEvent] = ()) -> str:
    """The optimise card's line while such an answer is open (rules/optimize/suicide_hold.py)."""
    events = tuple(events)
    if _where(events) is not None:
        return (
            f"**Suicide risk card open:** {found(events)}: ask about current suicidal thoughts "
            "before changing treatment (if present, assess suicide risk today)"
        )
    return (
        "**Suicide risk card open:** a form records past suicidal ideation or self-harm (its "
        "current item answered no): ask about current suicidal thoughts before changing "
        "treatment (if present, assess suicide risk today)"
    )


def detail(policy: Policy, events: Iterable[RiskEvent] = ()) -> str:
    """The suicide-risk card's detail for such an answer: a form's stays open for the window of
    an unread answer (risk_evidence.item9_window_days), a visit reason's for the window its
    critical reading had (policy.suicide_condition_recent_days)."""
    # Imported here: risk_evidence imports this module (visit_event).
    from services.risk_evidence import item9_window_days

    window_days = item9_window_days(policy)
    events = tuple(events)
    where = _where(events)
    if where is not None:
        visit_days = policy.suicide_condition_recent_days
        days = (
            f"{visit_days} days after the visit"
            if where == "visit"
            else f"{visit_days} days after the entry's date"
            if where == "list"
            else f"{window_days} days ({visit_days} after a visit)"
        )
        if any(e.risk_factor for e in events):
            return (
                f"{found(events)[0].upper()}{found(events)[1:]}, dated by its year. A past "
                "suicide attempt is a major risk factor for suicide, though not a current "
                "finding: ask about current suicidal thoughts today and, if present, "
                "complete a structured suicide risk assessment (C-SSRS). The card goes once an "
                f"assessment on that day or later is recorded, or {days}."
            )
        if found(events) == _HOLD_FOUND:
            return (
                f"{_HOLD_FOUND[0].upper()}{_HOLD_FOUND[1:]}. A hold is placed for danger to "
                "self, danger to others or grave disability: ask about current risk today and, "
                "if present, complete a structured suicide risk assessment (C-SSRS). A hold "
                "ended with no current denial is a critical card instead. The card goes once an "
                f"assessment on that day or later is recorded, or {days}."
            )
        return (
            f"{found(events)[0].upper()}{found(events)[1:]}. Past suicidal ideation or "
            "self-harm is a risk factor, not a current finding: ask about current suicidal "
            "thoughts today and, if present, complete a structured suicide risk assessment "
            "(C-SSRS). A history of a suicide attempt, or a history with no current denial, "
            "is a critical card instead. The card goes once an assessment on that day or later "
            f"is recorded, or {days}."
        )
    return (
        "A form records a yes to a question about the past (history, prior, lifetime, ever) and "
        "no to every one of the same form's questions about now (ideation, self-harm, plan, "
        "intent). Past suicidal ideation or self-harm is a risk factor, not a current finding: "
        "ask about current suicidal thoughts today and, if present, complete a structured "
        "suicide risk assessment (C-SSRS). A past suicide attempt answered yes, or a past yes "
        "on a form with no question about now, or with one answered yes or not read, is a "
        "critical card instead. The card goes once an assessment on that day or later is "
        f"recorded, or after {window_days} days."
    )
