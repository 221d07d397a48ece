"""A draft whose code and name give different drugs (DraftOrder.drug_to_confirm, review 18a
recheck UNSAFE) is checked as each drug, one DraftOrder per reading. Two things are said of it,
each in one place:

- every check of one reading says which reading it rests on, never asserting the drug (audit 18:
  coded escitalopram 20 mg, named "citalopram 30 mg", got "30 mg/day is above the maximum" as a
  fact): its summary opens "If it is citalopram: ..." and its detail "**If it is citalopram**
  (escitalopram or citalopram: to confirm):" (`per_reading`);
- the line naming both readings and asking to confirm the drug ("coded escitalopram, named
  citalopram (code: ...; name: ...): confirm the drug before signing; ...") stands once, on the
  first card shown for that draft, the most severe (`confirm_once`; audit 18: it stood on every
  card of the draft, twice on a card both readings reached). The other cards name the draft's
  drug as "escitalopram or citalopram: to confirm" in their reading's heading.

A section that does not depend on the reading, the "Still running: venlafaxine ..." line of a
repeat card (duplicate_other_class.other_class_line, which asks about "this order" for such a
draft), stood once under each reading's heading: it is said once, before the readings
(`_shared_sections`; fix19l item 3).

A check that names both readings itself (the data-quality card of a draft no check of either
reading met: doses.carry_not_checked) is about the draft, not one reading: left as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.record import DraftOrder
from services import cards
from services.order_checks.duplicate_other_class import RUNNING_LINE_HEADINGS
from services.order_checks.model import OrderCheck
from services.recommendation import Recommendation
from services.summary_clauses import drop_act, drop_clauses


def _confirm_words(line: str) -> str:
    """The line as a card says it: "**Drug to confirm:** coded ..., named ...: confirm ...."."""
    return f"**Drug to confirm:** {line}."


def _readings(draft: DraftOrder, drafts: Sequence[DraftOrder]) -> list[str]:
    """The drugs the draft may be, in reading order: its own and the other readings'."""
    names = [d.ingredient for d in drafts if d is draft or draft.other_reading(d)]
    return list(dict.fromkeys(names or [draft.ingredient]))


def _either(draft: DraftOrder, drafts: Sequence[DraftOrder]) -> str:
    """ " (escitalopram or citalopram: to confirm)": what a reading's heading says of the draft
    on a card that does not carry the confirm line."""
    return f" ({' or '.join(_readings(draft, drafts))}: to confirm)"


def _head(draft: DraftOrder, drafts: Sequence[DraftOrder]) -> str:
    return f"**If it is {draft.ingredient}**{_either(draft, drafts)}:"


def _as_reading(ingredient: str, summary: str) -> tuple[str, str]:
    """("If it is citalopram: citalopram 30 mg/day at age 75: above ...", "If citalopram: ..."):
    the finding as one reading's, long and short. A summary that opens with the drug's name goes
    on in lower case."""
    name = ingredient.capitalize()
    rest = ingredient + summary[len(name) :] if summary.startswith(name) else summary
    return f"If it is {ingredient}: {rest}", f"If {ingredient}: {rest}"


def _lower(text: str) -> str:
    return f"{text[:1].lower()}{text[1:]}"


def per_reading(by_topic: dict[str, list[OrderCheck]], drafts: Sequence[DraftOrder]) -> None:
    """Reword, in place, every check of a reading of a draft whose drug is to confirm (module
    docstring). `drafts`: every draft of the hook (the readings of one draft are found there).
    A card both readings reach says both in its summary (order_cards._merge keeps the first
    check's): the age card of coded escitalopram 20 mg, named citalopram 30 mg at 75 said only
    the escitalopram reading, and the citalopram one (above its maximum over 60, for the QT
    interval) stood in the detail alone."""
    for topic, checks in by_topic.items():
        said: dict[int, tuple[str, str]] = {}
        shared = _shared_sections(checks)
        lead: set[str] = set()  # the drafts whose shared sections are said already
        for i, check in enumerate(checks):
            draft = check.draft
            line = draft.drug_to_confirm
            if line is None or line in check.detail:
                continue
            said[i] = _as_reading(draft.ingredient, check.summary)
            once = shared.get(line, ())
            kept = [s for s in check.detail.split(SECTION) if s not in once]
            before = () if line in lead else once
            lead.add(line)
            checks[i] = dataclasses.replace(
                check,
                summary=cards.fit_summary(*said[i]),
                detail=cards.join_sections(*before, _head(draft, drafts), *kept),
            )
        if 0 in said:
            checks[0] = _with_other_readings(checks, said)
        by_topic[topic] = checks


SECTION = "\n\n"  # how cards.join_sections joins a detail's sections
# The sections said once for the readings of a draft when each reading's check has them alike:
# a line about what is running, not about the drafted drug (module docstring).
_ONCE = RUNNING_LINE_HEADINGS


def _shared_sections(checks: Sequence[OrderCheck]) -> dict[str, tuple[str, ...]]:
    """For each draft whose drug is to confirm (its confirm line), the sections of `_ONCE` kind
    that every check of the topic on a reading of it holds word for word, when two readings or
    more have a check there; a section that differs between readings stays with each."""
    details: dict[str, list[list[str]]] = {}
    for check in checks:
        line = check.draft.drug_to_confirm
        if line is not None and line not in check.detail:
            details.setdefault(line, []).append(check.detail.split(SECTION))
    found: dict[str, tuple[str, ...]] = {}
    for line, readings in details.items():
        if len(readings) < 2:
            continue
        same = [
            s
            for s in readings[0]
            if s.startswith(_ONCE) and all(s in other for other in readings[1:])
        ]
        if same:
            found[line] = tuple(same)
    return found


def _with_other_readings(checks: list[OrderCheck], said: dict[int, tuple[str, str]]) -> OrderCheck:
    """The topic's first check, its summary saying the other readings of its draft too."""
    first = checks[0]
    others = [i for i, c in enumerate(checks) if i in said and first.draft.other_reading(c.draft)]
    if not others:
        return first
    names = " or ".join(dict.fromkeys(checks[i].draft.ingredient for i in others))
    long, short = said[0]
    pointer = f"; if {names}: see the detail"
    room = cards.SUMMARY_MAX - len(pointer)
    summary = cards.fit_summary(
        "; ".join([long, *(_lower(said[i][0]) for i in others)]),
        "; ".join([short, *(_lower(said[i][1]) for i in others)]),
        long + pointer,
        short + pointer,
        # The first reading shortened by whole clauses (review s26 RN finding 9), never the
        # pointer to the others; its act left out before its finding is cut (drop_act: the
        # pointer sends to the detail, which says it).
        (drop_clauses(short, room) or drop_act(short, room) or _cut(short, room)) + pointer,
    )
    return dataclasses.replace(first, summary=summary)


def _cut(text: str, room: int) -> str:
    """`text` in `room` characters, cut between words with an ellipsis when it is longer."""
    if len(text) <= room:
        return text
    head = text[: room - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "…"


def topics_of(by_topic: dict[str, list[OrderCheck]]) -> dict[str, set[str]]:
    """For each confirm line, the topics whose cards speak of its draft (before the merge)."""
    found: dict[str, set[str]] = {}
    for topic, checks in by_topic.items():
        for check in checks:
            if check.draft.drug_to_confirm is not None:
                found.setdefault(check.draft.drug_to_confirm, set()).add(topic)
    return found


def confirm_once(
    shown: Sequence[Recommendation],
    topics: dict[str, set[str]],
    drafts: Sequence[DraftOrder],
) -> tuple[Recommendation, ...]:
    """`shown` with each draft's confirm line on the first card shown of its draft (the screen
    is ordered most severe first), that card's reading headings without "(... to confirm)",
    which the line says. After the screen is composed, as the boxed-warning line is
    (order_hooks.py): a card left off the screen never takes the line with it, and the card's
    dedupe key (order_statement.py, worked out before) does not depend on which card has it."""
    out = list(shown)
    for line, where in topics.items():
        at = next((i for i, r in enumerate(out) if r.topic in where), None)
        if at is None:
            continue
        rec = out[at]
        words = _confirm_words(line)
        if words in rec.detail:
            continue
        detail = rec.detail
        for draft in drafts:
            if draft.drug_to_confirm == line:
                detail = detail.replace(_head(draft, drafts), f"**If it is {draft.ingredient}:**")
        out[at] = dataclasses.replace(rec, detail=cards.join_sections(words, detail))
    return tuple(out)
