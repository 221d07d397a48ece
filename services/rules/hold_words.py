"""How an optimise card's summary says a held proposal (review s24 RN finding 10): what can be done
now first, the held step after what it waits for. A summary that proposed a step and held it in
the same breath ("add an adjunct to escitalopram first (adjuncts held: the sodium is low)",
"augment (adjuncts held: PHQ-9 item 9 not recorded, ask it first) or switch class") read as
advice and its withdrawal at once; a clinician who reads summaries only had to work out the order.

Two shapes, chosen by the hold itself (one_click_hold.hold_drug_orders' `whole`):
- The hold takes every drug proposal off (a suicide-risk check, an unknown item 9, a low sodium,
  a stale score, an inpatient stay, a TMS course): the check leads, the whole plan follows it.
  "check the sodium first, then add an adjunct to escitalopram"; "ask PHQ-9 item 9 (not
  recorded) first, then augment or switch class". A switch waits too there: it is a medication
  change as an adjunct is, and the hold is about the patient, not about one drug (the safer
  reading).
- The hold is about one running drug (a dose above its label maximum, a condition that weighs
  against it): a switch away from it settles it, so the switch leads and the adjunct follows the
  check. "switch class; review the dose above its label maximum before augmenting".

Each hold's reason (`held_by`, as the holding rule words it) is turned into the step to take
(`step`), here in one table, so the holding rules keep their own words for the detail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from services import cards, item9_absent

# Where a step says the whole plan itself ("keep ..., {proposal} if it fades").
PROPOSAL = "{proposal}"
# Between a step and a shorter form of it, said where the first does not fit.
_OR = " | "
# Before the shorter forms said only beside another hold's step (`_joined_steps`): a summary that
# says one step keeps the forms it had.
_BESIDE = " || "

# What an item 9 sent with a data-absent-reason is said to be ("declined", "not asked").
_ABSENT = "|".join(re.escape(w) for w in item9_absent.said_words())

# A `\g<name>` group reference of a step's template.
_GROUP_REFERENCE = re.compile(r"\\g<(\w+)>")


def _template(words: str) -> tuple[str, ...]:
    """`words` split at its group references: literal, group name, literal, ... Match.expand
    parses its template again on every call (Python 3.11), most of what wording a hold cost
    (issue 14); split once here. A template with any other escape fails at import, never
    silently."""
    parts = tuple(_GROUP_REFERENCE.split(words))
    if any("\\" in literal for literal in parts[::2]):
        raise ValueError(f"hold_words: only \\g<name> references are expanded: {words!r}")
    return parts


def _expand(found: re.Match[str], parts: tuple[str, ...]) -> str:
    """found.expand(the template `parts` was split from): a group that did not take part is ""."""
    said = list(parts)
    for i in range(1, len(parts), 2):
        said[i] = found.group(parts[i]) or ""
    return "".join(said)


# A hold's reason -> the step that settles it, said as an imperative ("check the sodium"), and
# the step's template split (`_template`). Patterns are tried in order; the first that matches
# the whole reason words the step.
_STEPS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), step, _template(step))
    for pattern, step in (
        # An answer on record that could not be read is checked in the chart, not asked again
        # (item9_unrecorded._state: "could not be read", "not read").
        (
            r"(?P<what>.+) (?P<state>could not be read|not read)(?:, |: )(?:ask|check) it first",
            r"check \g<what> (\g<state>)",
        ),
        # optimize/suicide_hold._unread_held_by, more than one screen unread.
        (
            r"self-harm answer (?P<state>not read), check it first",
            r"check the self-harm answers (\g<state>)",
        ),
        # "PHQ-9 item 9 not recorded, ask it first", "PHQ-9 item 9 unanswered: ask it first"
        # (item9_unrecorded, measurement_based_care); "item 9" alone where a second hold's step
        # is said beside it (recheck s24 RC finding 1: "ask item 9 (not recorded) and check the
        # sodium first, then ...": the state kept, the scale's name given way).
        # ... and "PHQ-9 item 9 declined, ask it first" (an answer sent as declined: item9_absent
        # .said_words, fix data66 item 2), "ask PHQ-9 item 9 (declined)".
        (
            rf"PHQ-9 item 9 (?P<state>not .+|unanswered|{_ABSENT})(?:, |: )(?P<verb>ask|check) "
            "it first",
            rf"\g<verb> PHQ-9 item 9 (\g<state>){_BESIDE}\g<verb> item 9 (\g<state>)",
        ),
        (
            r"(?P<what>.+) (?P<state>not .+|unanswered)(?:, |: )(?P<verb>ask|check) it first",
            r"\g<verb> \g<what> (\g<state>)",
        ),
        (r"a PHQ-9 of unconfirmed subject to check first", "check whose PHQ-9 it is"),
        # optimize/device_course.py: a course whose response still holds ("judge the TMS
        # course at week 4-6 first" of a running one is a step already, below).
        (
            r"TMS response still holding",
            f"keep the current treatment while the TMS response holds; {PROPOSAL} if it fades"
            f"{_OR}keep the treatment while TMS response holds; {PROPOSAL} if it fades",
        ),
        # Already a step: "suicide risk assessment first", "repeat the PHQ-9 first",
        # "review untreated sleep apnea first", "screen for bipolarity first".
        (r"(?P<step>.+) first", r"\g<step>"),
        (r"the sodium is low", "check the sodium"),
        (r"the QTc is long", "review the QTc"),
        (r"the lithium level is above its target", "settle the lithium level"),
        # lithium_due.hold_one_click (session 34 lith51): the running lithium's level is due.
        (r"the lithium level is (?:overdue|not on record|not read)", "check the lithium level"),
        # tca_level.hold_one_click (labs31 item 1): what a high level asks, never "settle this".
        (r"the drug level is above its range", "hold or lower the dose per the level"),
        (
            r"a dose above its (?P<which>label|usual) maximum",
            r"review the dose above its \g<which> maximum",
        ),
        # "lithium beyond its renal limit" (running_renal, running_hepatic): short, so a cut
        # head keeps its drug names; the bracket goes first when even that does not fit.
        (r"(?P<what>.+) beyond its renal limit", r"review \g<what> (renal limit)"),
        # A caution or dose-reduction band is not a limit (renal49, K55a finding 5):
        # "lithium in its renal caution band" -> "review lithium (renal caution)".
        (r"(?P<what>.+) in its renal (?P<kind>.+) band", r"review \g<what> (renal \g<kind>)"),
        (r"(?P<what>.+) beyond its hepatic limit", r"review \g<what> (hepatic limit)"),
        (r"a condition on record weighs against it", "review the condition on record"),
        (
            r"strongly anticholinergic at (?P<age>\d+)",
            r"review the strongly anticholinergic drug at \g<age>",
        ),
        (
            r"two serotonin reuptake inhibitors",
            f"settle which reuptake inhibitor continues{_OR}keep one reuptake inhibitor",
        ),
        (r"(?P<why>.+) if both are taken", r"confirm whether both are taken (\g<why>)"),
        # supply_ran_out_hold.held_by: "sertraline: no supply since 2025-06-10".
        (
            r"(?P<drugs>.+ and .+): no supply since (?P<day>.+)",
            r"confirm \g<drugs> are still taken (no supply since \g<day>)",
        ),
        (
            r"(?P<drug>.+): no supply since (?P<day>.+)",
            r"confirm \g<drug> is still taken (no supply since \g<day>)",
        ),
        (r"inpatient stay in progress", "ask the inpatient team (stay in progress)"),
        # inpatient_hold.held_by: an observation or short stay (review s27 K2 finding 5).
        (r"(?P<kind>[a-z]+ stay) in progress", r"ask the hospital team (\g<kind>)"),
        (r"ED visit in progress", "ask the ED team (visit in progress)"),
        # optimize/held_base: a hold the ward made during the stay in progress is the ward's;
        # nothing to record, the stay's own step (said once beside the inpatient hold's).
        (r".+ on hold during the stay", "ask the inpatient team (stay in progress)"),
        (r"(?P<drugs>.+ and .+) on hold", r"record why \g<drugs> are on hold"),
        (r"(?P<drugs>.+) on hold", r"record why \g<drugs> is on hold"),
        # running_cautions._held_by: "duloxetine with AUDIT-C 9 on 2026-11-02".
        (r"(?P<pair>[a-z]+ with .+)", r"review \g<pair>"),
        (r"(?:an? |the )?(?P<what>.+) on record", r"review the \g<what> on record"),
    )
)

# "augment (aripiprazole or brexpiprazole)": the adjuncts named in brackets (the detail names them).
_AUGMENT_NAMED = re.compile(r"\baugment \([^)]*\)")
# The guideline cite a proposal closes with (the detail keeps it).
_CITE = re.compile(r" \(CANMAT (?:2023 )?para \d+\)")
# The switch a summary offers beside augmenting: "switch class", "switch to a non-SSRI
# mechanism", "switch to another mechanism" (a combination's).
_SWITCH = re.compile(r"\bswitch (?:class|to a non-\S+ mechanism|to another mechanism)")
_AUGMENTS = re.compile(r"\baugment\b|\badd an adjunct\b|\banother adjunct\b")
# A trailing "(…)" of a step: what it says of the finding ("(no supply since 2025-06-10)").
_TRAILING_BRACKET = re.compile(r" \([^()]*\)$")
_ELLIPSIS = "…"
# The mark of a counted trial the record leaves open (trial_count.confirm_note), never cut from
# a summary's head (`_heads`).
CONFIRM_MARK = "to confirm"
# A hold about whether the patient is safe (`ordered`: its step is said first).
_SUICIDE = re.compile(r"item 9|self-harm|suicide|unconfirmed subject")


def step(held_by: str) -> str:
    """What to do to settle a hold: "check the sodium" for "the sodium is low"; "ask PHQ-9 item
    9 (not recorded)" for "PHQ-9 item 9 not recorded, ask it first". A reason not in the table is
    said as it is, as the thing to settle ("settle this (<reason>)")."""
    said = _step(held_by)
    return said[0] if said else f"settle this ({held_by})"


def _step(held_by: str, *, beside: bool = False) -> list[str]:
    """The table's step for `held_by` and its shorter forms (`beside`: with those said only
    beside another step); none when no row words it."""
    for pattern, words, parts in _STEPS:
        found = pattern.fullmatch(held_by)
        if found is not None:
            said = words if PROPOSAL in words else _expand(found, parts)
            alone, _, more = said.partition(_BESIDE)
            return (f"{alone}{_OR}{more}" if beside and more else alone).split(_OR)
    return []


def ordered(held_bys: Sequence[str]) -> list[str]:
    """`held_bys` (the holds' reasons, in the order they ran) with the suicide-risk ones first
    (item 9 unknown, a self-harm answer unread, suicide risk to assess, a PHQ-9 of unconfirmed
    subject), each once: a step about whether the patient is safe comes before any other
    (recheck s24 RC finding 1), the others keep their order."""
    unique = list(dict.fromkeys(held_bys))
    return sorted(unique, key=lambda why: _SUICIDE.search(why) is None)


def first_then(summary: str, held_by: str, *, whole: bool) -> str:
    """`summary` (the optimise card's, as built) said with its held step after its check (module
    docstring); `whole`: the hold takes every drug proposal off. Within SUMMARY_MAX, shortest
    last: the named adjuncts and the cite always give way (the detail names them); then the
    head's qualifiers, keeping its drug names ("1 adequate trial with partial response only
    (sertraline)…"); then what the step says of the finding in brackets; then the head's words
    (cut with an ellipsis). The step and the proposal are always said."""
    return first_then_all(summary, ((held_by, whole),))


def first_then_all(summary: str, reasons: Sequence[tuple[str, bool]]) -> str:
    """`first_then` for every hold on the card (`reasons`: each hold's reason and its `whole`),
    their steps said once, together, the suicide-risk ones first (`ordered`): "ask PHQ-9 item 9
    (not recorded) and check the sodium first, then augment or switch class" (recheck s24 RC
    finding 1: the first hold's step alone was said, item 9 lost behind the sodium). One hold
    about the whole plan makes the whole plan wait (the safer reading)."""
    whole = any(every for _, every in reasons)
    head, sep, proposal = summary.partition(": ")
    if not sep:
        head, proposal = "", summary
    bare = _CITE.sub("", _AUGMENT_NAMED.sub("augment", proposal))
    # "add an adjunct to escitalopram first": the check now comes first.
    bare = re.sub(r" first\b", "", bare).strip(" ;,")
    switch = _SWITCH.search(proposal)
    one_drug = not whole and switch is not None and _AUGMENTS.search(proposal) is not None
    saids = []
    for doing in _joined_steps(ordered([why for why, _ in reasons])):
        if PROPOSAL in doing:
            saids.append(doing.replace(PROPOSAL, bare))
        elif one_drug:
            assert switch is not None
            saids.append(f"{switch.group(0)}; {doing} before augmenting")
        else:
            saids.append(f"{doing} first, then {bare}")
    if not head:
        return cards.fit_summary(*(s[:1].upper() + s[1:] for s in saids))
    for said in saids:
        for shorter in _heads(head):
            text = f"{shorter}: {said}"
            if len(text) <= cards.SUMMARY_MAX:
                return text
    # None fits with the head's names: its words yield, the step and proposal stay whole.
    for said in saids:
        if len(said) + 3 < cards.SUMMARY_MAX:
            return cards.fit_with_tail(head, f": {said}")
    return cards.fit_summary(saids[-1][:1].upper() + saids[-1][1:])


def steps(held_bys: Sequence[str]) -> list[str]:
    """The steps that settle every hold of `held_bys`, said together, longest first, the
    suicide-risk ones first (`ordered`): what another card leads with while the optimise card
    holds a step it would name (rules/tms_follows_optimise.py)."""
    return _joined_steps(ordered(held_bys))


def _joined_steps(held_bys: Sequence[str]) -> list[str]:
    """The steps of `held_bys` said together, longest first: each hold's forms (`_steps`) taken
    at the same length in turn ("ask PHQ-9 item 9 (not recorded) and check the sodium", then
    "ask item 9 (not recorded) and check the sodium", ...). A step that says the whole plan
    itself (PROPOSAL: a TMS response holding) comes last, the others before it ("ask item 9
    first, then keep the current treatment ...")."""
    if len(held_bys) == 1:
        return _steps(held_bys[0])
    forms = [_steps(why, beside=True) for why in held_bys]
    said = []
    for k in range(max(len(f) for f in forms)):
        parts = list(dict.fromkeys(f[min(k, len(f) - 1)] for f in forms))
        plans = [p for p in parts if PROPOSAL in p]
        checks = [p for p in parts if PROPOSAL not in p]
        if plans and checks:
            said.append(f"{cards.and_list(checks)} first, then {plans[0]}")
        else:
            said.append(cards.and_list(checks or plans[:1]))
    return list(dict.fromkeys(said))


def _steps(held_by: str, *, beside: bool = False) -> list[str]:
    """The step for `held_by`, then shorter forms: for the reason's first clause
    (one_click_hold.short_reason's cut: "duloxetine with alcohol dependence" of "..., uncomplicated
    on record"), then without what it says of the finding in brackets ("confirm sertraline is
    still taken" of "... (no supply since 2025-06-10)"). `beside`: said beside another hold's
    step, with the table's forms for that (`_BESIDE`)."""
    first = re.split(r", |; ", held_by, maxsplit=1)[0]
    said = _step(held_by, beside=beside) + _step(first, beside=beside)
    if not said:
        return [step(held_by)]  # a reason the table does not know: said whole, as it is
    said += [_TRAILING_BRACKET.sub("", s) for s in said]
    return list(dict.fromkeys(said))


def _heads(head: str) -> Iterator[str]:
    """`head`, then shorter forms that keep its drug names, each closed by an ellipsis: up to its
    first "; " ("...(sertraline, 35 %); lithium added ..." -> "...(sertraline, 35 %)…"), without
    what follows its last bracket (", self-reported"), without the percentages in its brackets
    ("(sertraline, 35 %)" -> "(sertraline)"), then up to its first bracket's close.

    A head with a trial to confirm ("2 adequate trials failed (sertraline, venlafaxine),
    venlafaxine to confirm": trial_count.confirm_note) keeps the mark: its names yield instead
    ("2 adequate trials failed, venlafaxine to confirm", the TMS card's words), and no shorter
    form is offered (the caller cuts it with an ellipsis). Review K39a finding 3: a MADRS 32 -> 8
    made venlafaxine "to confirm" in the detail and on the TMS card while this summary said
    "2 adequate trials failed (sertraline, venlafaxine)", a failure the card itself doubts."""
    yield head
    shorter = head.split("; ", 1)[0]
    if CONFIRM_MARK in shorter:
        if shorter != head:
            yield shorter
        # Brackets with a colon are marks themselves (" (fluoxetine: medication list only)").
        yield re.sub(r" \([^():]*\)", "", shorter)
        return
    shorter = re.sub(r"\)[^()]+$", ")", shorter)
    if shorter != head:
        yield shorter
    bare = re.sub(r", \d+(?:\.\d+)? ?%\)", ")", shorter)
    if bare != shorter:
        yield bare
    close = bare.find(")")
    if 0 < close < len(bare) - 1:
        yield bare[: close + 1]
