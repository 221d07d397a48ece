"""A TMS order beside a TMS safety item to screen (fix order47): a pacemaker or another caution
row, an antiseizure drug with no seizure disorder coded, a diagnosis, procedure or device sent
masked (services/pathway.py `tms_cautions`: masked_diagnosis.py, masked_records.py).

The patient-view TMS card names each on its "safety screen first" line and holds or asks; a TMS
order written at order-select or order-sign said nothing, since order_checks/tms_draft.py read
only the exclusions. Now a warning card names them, without a suggestion: the order is the
clinician's choice and the screen the TMS service's. Warning, not info (the safer reading): a
masked record may be a stimulator, a cochlear implant or an aneurysm clip, which rule TMS out,
and some TMS services exclude a pacemaker. Beside an exclusion the items are a line of the
exclusion card (`also_line`), so one TMS order gets one card. Words:
data/tms_order_screen_words.csv.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import Referral
from services import cards, masked_diagnosis, masked_records
from services.recommendation import Recommendation
from services.rules.context import RuleContext
from services.rules.tms_referral_notes import screen_first, screen_forms
from services.tms_assessment import finding_line

TOPIC = "order-tms-screen"


@dataclass(frozen=True, slots=True)
class Words:
    summary_head: str  # "TMS ordered"
    detail_head: str  # "**TMS ordered** ({ordered}) with a TMS safety item ..."
    ask: str  # "Tell the TMS service, which decides ..."
    ask_unread: str  # beside a masked record
    also_head: str  # "**Also to screen:**"


@cache
def words() -> Words:
    """The card words of data/tms_order_screen_words.csv, by their `use`."""
    text = resources.files("services").joinpath("data/tms_order_screen_words.csv")
    rows = {r["use"]: r["words"] for r in csv.DictReader(text.read_text("utf-8").splitlines())}
    return Words(
        rows["summary_head"],
        rows["detail_head"],
        rows["ask"],
        rows["ask_unread"],
        rows["also_head"],
    )


def _unread(ctx: RuleContext) -> bool:
    """A screen item is a record sent masked (its source is a masked record's gap)."""
    gaps = ctx.record.gaps
    if not gaps:
        return False
    masked = {
        g.source for g in masked_diagnosis.masked_gaps(gaps) + masked_records.implant_gaps(gaps)
    }
    return any(f.source in masked for f in ctx.facts.tms_cautions)


def _asks(ctx: RuleContext) -> str:
    w = words()
    return w.ask + (f" {w.ask_unread}" if _unread(ctx) else "")


def also_line(ctx: RuleContext) -> str:
    """The exclusion card's line naming the safety items beside it; "" when there are none."""
    items = ctx.facts.tms_cautions
    if not items:
        return ""
    named = "; ".join(finding_line(f) for f in items)
    return f"{words().also_head} {named}. {_asks(ctx)}"


def screen_card(
    ctx: RuleContext, drafts: Sequence[Referral], ordered: str
) -> Recommendation | None:
    """The warning for TMS `drafts` beside a safety item to screen and no exclusion; None when
    the record holds no such item (nearly always)."""
    items = ctx.facts.tms_cautions
    if not items:
        return None
    w = words()
    summary = cards.fit_summary(
        *(w.summary_head + form for form in screen_forms(screen_first(ctx)))
    )
    detail = cards.join_sections(
        w.detail_head.format(ordered=ordered)
        + "\n"
        + "\n".join(f"- {finding_line(f)}" for f in items),
        _asks(ctx),
    )
    keys = ",".join(f"{r.source or 'tms'}:{TOPIC}" for r in drafts)
    return cards.make(TOPIC, summary=summary, detail=detail, dedupe_key=keys)
