"""How an optimise card's summary says a held proposal (review s24 RN finding 10): what can be done
now first, the held step after what it waits for. A summary that proposed a step and held it in
the same breath ("add an adjunct to escitalopram first (adjuncts held: the sodium is low)",
"augment (adjuncts held: PHQ-9 item 9 not recorded, ask it first) or switch class") read as
advice and its withdrawal at once; a clinician who reads summaries only had to work out the order.

Two shapes (one_click_hold.held_summary chooses):
- The hold takes every drug proposal off (a suicide-risk check, an unknown item 9, a low sodium,
  a stale score): the check leads, the whole plan follows it. "check the sodium first, then add an
  adjunct to escitalopram"; "ask PHQ-9 item 9 (not recorded) first, then augment or switch class".
  A switch waits too there: it is a medication change as an adjunct is, and the hold is about
  the patient (suicide risk, a score to repeat), not about one drug (the safer reading).
- The hold is about one running drug (a dose above its label maximum, a condition that weighs
  against it): a switch away from it is not held, so it leads and the adjunct follows its check.
  "switch class; review the dose above its label maximum before augmenting".

Each hold's reason (`held_by`, as the holding rule words it) is turned into the step to take
(`step`), here in one table, so the holding rules keep their own words for the detail.
"""

from __future__ import annotations

import re

from services import cards

# A hold's reason -> the step that settles it, said as an imperative ("check the sodium").
# Patterns are tried in order; the first that matches the whole reason words the step.
_STEPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), step)
    for pattern, step in (
        # "PHQ-9 item 9 not recorded, ask it first", "self-harm answer not read, check it first",
        # "PHQ-9 item 9 unanswered: ask it first" (item9_unrecorded, suicide_hold,
        # measurement_based_care).
        (
            r"(?P<what>.+?) (?P<state>not .+|could not .+|unanswered)(?:, |: )"
            r"(?P<verb>ask|check) it first",
            r"\g<verb> \g<what> (\g<state>)",
        ),
        (r"a PHQ-9 of unconfirmed subject to check first", "check whose PHQ-9 it is"),
        # Already a step: "suicide risk assessment first", "repeat the PHQ-9 first",
        # "review untreated sleep apnea first", "screen for bipolarity first".
        (r"(?P<step>.+) first", r"\g<step>"),
        (r"the sodium is low", "check the sodium"),
        (r"the QTc is long", "review the QTc"),
        (r"the lithium level is above its target", "settle the lithium level"),
        (r"a dose above its label maximum", "review the dose above its label maximum"),
        (r"(?P<what>.+) beyond its renal limit", r"review \g<what> for the kidney function"),
        (r"(?P<what>.+) beyond its hepatic limit", r"review \g<what> for the liver function"),
        (r"a condition on record weighs against it", "review the condition on record"),
        (r"strongly anticholinergic at (?P<age>\d+)", r"review the anticholinergic at \g<age>"),
        (r"two serotonin reuptake inhibitors", "settle which reuptake inhibitor continues"),
        (r"(?P<why>.+) if both are taken", r"confirm whether both are taken (\g<why>)"),
        (r"no supply since (?P<day>.+)", r"confirm it is still taken (no supply since \g<day>)"),
        (r"inpatient stay in progress", "settle it with the inpatient team"),
        (r"(?P<drugs>.+) on hold", r"record why \g<drugs> is on hold"),
        (r"(?P<what>.+) on record", r"review the \g<what> on record"),
    )
)

# "augment (aripiprazole or brexpiprazole)": the adjuncts named in brackets (the detail names them).
_AUGMENT_NAMED = re.compile(r"\baugment \([^)]*\)")
# The guideline cite a proposal closes with (the detail keeps it).
_CITE = re.compile(r" \(CANMAT (?:2023 )?para \d+\)")
# The switch a summary offers beside augmenting: "switch class", "switch to a non-SSRI mechanism".
_SWITCH = re.compile(r"\bswitch (?:class|to a non-\S+ mechanism)")
_AUGMENTS = re.compile(r"\baugment\b|\badd an adjunct\b|\banother adjunct\b")


def step(held_by: str) -> str:
    """What to do to settle a hold: "check the sodium" for "the sodium is low"; "ask PHQ-9 item
    9 (not recorded)" for "PHQ-9 item 9 not recorded, ask it first". A reason not in the table is
    said as it is, as the thing to settle ("settle this (<reason>)")."""
    for pattern, words in _STEPS:
        found = pattern.fullmatch(held_by)
        if found is not None:
            return found.expand(words)
    return f"settle this ({held_by})"


def first_then(summary: str, held_by: str, *, whole: bool) -> str:
    """`summary` (the optimise card's, as built) said with its held step after its check (module
    docstring); `whole`: the hold takes every drug proposal off. Within SUMMARY_MAX: the named
    adjuncts and the cite give way first, then the head's words (cut with an ellipsis); the step
    and what it waits for are always said whole."""
    head, sep, proposal = summary.partition(": ")
    if not sep:
        head, proposal = "", summary
    bare = _CITE.sub("", _AUGMENT_NAMED.sub("augment", proposal))
    # "add an adjunct to escitalopram first": the check now comes first.
    bare = re.sub(r" first\b", "", bare).strip(" ;,")
    doing = step(held_by)
    switch = _SWITCH.search(proposal)
    if not whole and switch is not None and _AUGMENTS.search(proposal):
        said = f"{switch.group(0)}; {doing} before augmenting"
    else:
        said = f"{doing} first, then {bare}"
    if not head:
        return cards.fit_summary(said[:1].upper() + said[1:])
    return cards.fit_with_tail(head, f": {said}")
