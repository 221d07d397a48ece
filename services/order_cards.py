"""How the order hook's findings become cards (order_hooks.py): the findings of one topic merged
into one card (`_merge`: each text once, the most severe indicator, the cites it rests on as
its source), a card keyed to the draft it is about (`keyed`), and the under-25 boxed-warning
line on the first card shown (`_with_boxed_warning`).

Apart from the hook because it is the card's shape only, the same for every check family; the
hook decides which checks run on which draft. `_merge` and `_with_boxed_warning` keep their
underscore: tests import them by that name from order_hooks.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from fhir_mapping.record import DraftOrder
from services import cards, draft_removal, tables
from services.order_checks.model import OrderCheck, dedupe_key, joined_key
from services.recommendation import INDICATOR_ORDER, Indicator, Recommendation


def _merge(
    topic: str, findings: list[OrderCheck], order: Sequence[DraftOrder] = ()
) -> Recommendation:
    default = tables.topic(topic).indicator
    indicator = min((f.indicator or default for f in findings), key=INDICATOR_ORDER.__getitem__)
    # A critical card leads with a finding its one-click removes (OrderCheck.removable), never
    # with one the removal leaves standing (recheck K8 s28 finding 2: sertraline lowered beside
    # running phenelzine and bupropion started on the same order led "this order only lowers
    # sertraline ..., not starting the pair: stop one" while its one-click removed the
    # bupropion start, said only in the detail). Its detail comes first too.
    if indicator is Indicator.CRITICAL and not findings[0].removable:
        lead = next(
            (f for f in findings if f.removable and (f.indicator or default) is indicator), None
        )
        if lead is not None:
            findings = [lead, *(f for f in findings if f is not lead)]
    first = findings[0]
    # A check that names what it rests on (OrderCheck.basis: a label's boxed warning) gets that as
    # the card's source, and no guideline line: the topic's guideline (CANMAT) is not its basis.
    basis = tuple(dict.fromkeys(c for f in findings for c in f.basis))
    # Each text once: two drafts of one drug (sertraline 50 and 25 mg, a titration written as two
    # orders) each raise the same class check with the same words, which the card printed twice
    # (recheck of review 15, x07); the dedupe key still names both drafts.
    detail = cards.join_sections(
        *dict.fromkeys(f.detail for f in findings),
        "" if basis else cards.guideline_links(tables.topic(topic).guideline),
    )
    # Every draft the card names (OrderCheck.named), in the order's own order (`order`: the
    # record's drafts): one key at order-select and order-sign (review s28 RG finding 2).
    keys = joined_key(topic, (d for f in findings for d in (f.draft, *f.named)), order)
    # The most severe finding's indicator (a finding's None is the topic's): one measured
    # failure among inferred ones keeps the topic's warning, and a critical lithium finding
    # merged with an information one stays critical (before, any disagreement fell back to the
    # topic's warning, lowering the critical one): `indicator`, above.
    # The URL of the first cite that has one (data/cite_urls.csv, guidelines.csv): the label
    # names it first (audit 13 item 15: nine order cards had a label and no link).
    source = (
        dataclasses.replace(
            cards.source_for(topic),
            label="; ".join(basis),
            url=next((u for u in map(tables.cite_url, basis) if u), None),
        )
        if basis
        else None
    )
    # A critical card offers to remove the draft it is about (draft_removal.py, s26 LC item 3),
    # when removing it is a fix (OrderCheck.removable: not a re-order of a running course).
    removals = (
        draft_removal.removals(f.draft for f in findings if f.removable)
        if indicator is Indicator.CRITICAL
        else ()
    )
    return cards.make(
        topic,
        summary=first.summary,
        detail=detail,
        suggestions=removals,
        dedupe_key=keys,
        indicator=indicator,
        source=source,
        evidence=tuple(dict.fromkeys(e for f in findings for e in f.evidence)),
    )


def keyed(rec: Recommendation | None, draft: DraftOrder) -> Recommendation | None:
    if rec is None:
        return None
    return dataclasses.replace(rec, dedupe_key=dedupe_key(draft, rec.topic))


# Added to the summary of the card the boxed warning rides on (`_with_boxed_warning`).
BOXED_SUFFIX = "; boxed warning (under 25)"
_BOXED_SHORT = "; boxed warning"
# A bracket holding a dose or a date ("(40 mg/day, ended 2026-03-22)"): said again in the
# detail, so it is what goes first when the warning needs room in the summary (never a cite's
# bracket: "(NICE NG134)", "(CANMAT 2023 Table 7.2; ...)").
_NUMBERED_BRACKET = re.compile(r" \((?=[^()]*(?:\d mg|\d{4}-\d\d-\d\d))[^()]*\)")


def _boxed_summary(summary: str) -> str:
    """`summary` with the boxed warning said at its end, within SUMMARY_MAX: in full, else in
    short, else with the numbered brackets the detail repeats left out (review s27 RC finding
    10: at 19 and 23 a long same-class or serotonin-pair summary left the warning to the detail,
    while at 13 the shorter summary said it). `summary` itself when none fits."""
    bare = _NUMBERED_BRACKET.sub("", summary)
    for head in dict.fromkeys((summary, bare)):
        for tail in (BOXED_SUFFIX, _BOXED_SHORT):
            # After a question or a sentence the warning is a sentence of its own.
            if head.endswith(("?", ".")):
                tail = " B" + tail[3:]
            if len(head) + len(tail) <= cards.SUMMARY_MAX:
                return head + tail
    return summary


def _with_boxed_warning(rec: Recommendation, line: str) -> Recommendation:
    """`rec` with the under-25 boxed-warning line at the end of its detail and, when the summary
    has room for it (CDS Hooks: under 140 characters; `_boxed_summary`), "; boxed warning (under
    25)" at the end of its summary: a clinician who reads summaries only would otherwise not see
    it on a card about something else (review 14 audit y03, y05: a tamoxifen card, a same-class
    card). A summary already cut short ("…") or already naming it is left as it is."""
    summary = rec.summary
    if not summary.endswith("…") and "under 25" not in summary:
        summary = _boxed_summary(summary)
    return dataclasses.replace(rec, summary=summary, detail=cards.join_sections(rec.detail, line))
