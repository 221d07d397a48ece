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
"""

from __future__ import annotations

from collections.abc import Iterable

from services.risk_signal import RiskEvent

# The step a held proposal waits for (rules/hold_words.py reads "<step> first").
HELD_BY = "ask about current suicidal thoughts first"
# What the TMS card says was found (rules/tms_referral_held.py).
FOUND = "a form records past suicidal ideation or self-harm, its current item answered no"


def all_past(events: Iterable[RiskEvent]) -> bool:
    """Whether every open UNREAD event is a past answer beside a current no (none: False)."""
    found = [e.past is not None for e in events]
    return bool(found) and all(found)


def acts(event: RiskEvent) -> tuple[str, str] | None:
    """What the suicide-risk card's summary asks of a past answer: (in full, in brief); None for
    any other UNREAD event."""
    if event.past is None:
        return None
    return f"past {event.past} recorded on the form: ask about current thoughts", (
        "ask about current thoughts"
    )


def head() -> str:
    """The optimise card's line while such an answer is open (rules/optimize/suicide_hold.py)."""
    return (
        "**Suicide risk card open:** a form records past suicidal ideation or self-harm (its "
        "current item answered no): ask about current suicidal thoughts before changing "
        "treatment (if present, assess suicide risk today)"
    )


def detail(window_days: int) -> str:
    """The suicide-risk card's detail for such an answer."""
    return (
        "A form records a yes to a question about the past (history, prior, lifetime, ever) and "
        "no to the same form's question about now. Past suicidal ideation or self-harm is a "
        "risk factor, not a current finding: ask about current suicidal thoughts today and, if "
        "present, complete a structured suicide risk assessment (C-SSRS). A past suicide attempt "
        "answered yes, or a past yes with no current question answered no, is a critical card "
        "instead. The card goes once an assessment on that day or later is recorded, or after "
        f"{window_days} days."
    )
