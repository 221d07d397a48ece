"""Card text: the markdown a clinician reads to check a recommendation's basis.

Summaries stay under 140 characters (CDS Hooks 2.0 card.summary); details carry the trials table
(drug, mg/day, dates, weeks, adherence, PHQ-9 before/after, verdict), the scores used, the staging
and links to the guideline. Topic behaviour (indicator, snooze, timeline link, override reasons)
comes from data/topics.csv and data/override_reasons.csv.

Where each part lives: numbers, lists, the summary's length and the markdown table
card_format.py; the trials table and each trial's texts (dose path, adherence, verdict)
trial_table.py; the scores and staging sections and the evidence the cards of one screen share
card_evidence.py. Here: the guideline links, the card's source, `make` (a Recommendation from a
topic's row) and `ordered`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

# The `name as name` imports are re-exports, so no importer changed with the split: the rules,
# services/suggestions.py and the tests (test_card_packet_fast_paths reaches _cell and _table_row)
# read these through this module.
from services import tables
from services.card_evidence import SCORES_SHOWN as SCORES_SHOWN
from services.card_evidence import evidence_sections as evidence_sections
from services.card_evidence import linked_evidence as linked_evidence
from services.card_evidence import phq9_text as phq9_text
from services.card_evidence import scores_evidence as scores_evidence
from services.card_evidence import scores_section as scores_section
from services.card_evidence import staging_evidence as staging_evidence
from services.card_evidence import staging_section as staging_section
from services.card_evidence import trial_key as trial_key
from services.card_evidence import trials_evidence as trials_evidence
from services.card_format import SUMMARY_MAX as SUMMARY_MAX
from services.card_format import _cell as _cell
from services.card_format import _table_row as _table_row
from services.card_format import and_list as and_list
from services.card_format import as_needed_text as as_needed_text
from services.card_format import fit_summary as fit_summary
from services.card_format import fit_with_tail as fit_with_tail
from services.card_format import fmt_mg as fmt_mg
from services.card_format import fmt_pct as fmt_pct
from services.card_format import fmt_weeks as fmt_weeks
from services.card_format import names as names
from services.card_format import or_list as or_list
from services.card_format import plural as plural
from services.card_format import record_cite as record_cite
from services.card_format import reported_note as reported_note
from services.card_format import table as table
from services.card_format import weeks_text as weeks_text
from services.recommendation import (
    INDICATOR_ORDER,
    Evidence,
    Indicator,
    Recommendation,
    Source,
    Suggestion,
)
from services.same_day_note import once_per_card
from services.trial_table import PER_ADMINISTRATION as PER_ADMINISTRATION
from services.trial_table import adherence_text as adherence_text
from services.trial_table import below_minimum as below_minimum
from services.trial_table import dose_path as dose_path
from services.trial_table import first_fill_text as first_fill_text
from services.trial_table import intolerance_text as intolerance_text
from services.trial_table import possibly_adequate as possibly_adequate
from services.trial_table import reason_text as reason_text
from services.trial_table import trial_table as trial_table
from services.trial_table import unknown_dose_weeks as unknown_dose_weeks
from services.trial_table import verdict_text as verdict_text


def guideline_links(*keys: str, linked: str = "") -> str:
    """The guidelines' links, each once; a guideline whose link `linked` (the detail above)
    already holds is not repeated."""
    items = []
    for key in dict.fromkeys(keys):
        g = tables.guideline(key)
        if not g.url:
            # No page of its own (the FDA labels: each card cites its label, review 14 audit):
            # named, never linked to a home page.
            items.append(g.short or g.label)
            continue
        if f"]({g.url})" in linked:
            continue
        # The short name (issue 12: a screen a clinician can read); the card's `source` carries
        # the full label of its own guideline.
        items.append(f"[{g.short or g.label}]({g.url})")
    return "**Guideline:** " + "; ".join(items) + "." if items else ""


def join_sections(*sections: str) -> str:
    return "\n\n".join([s for s in sections if s])


@lru_cache(maxsize=64)
def guideline_source(topic_code: str, key: str) -> Source | None:
    """The card's source when a guideline other than its topic's is its basis (guidelines.csv
    `key`: NICE NG134 for a minor's psychotherapy card); None when it is the topic's own."""
    topic = tables.topic(topic_code)
    if key == topic.guideline:
        return None
    g = tables.guideline(key)
    return Source(
        label=g.label, url=g.url or None, topic_code=topic.code, topic_display=topic.display
    )


def source_for(topic_code: str) -> Source:
    """The topic's guideline as a card's source: the same (immutable) Source for every card of
    the topic, built once per topic (a handful in topics.csv)."""
    topic = tables.topic(topic_code)
    g = tables.guideline(topic.guideline)
    # A guideline with no URL (the FDA labels as a set) leaves the CDS Hooks `url` out.
    return Source(
        label=g.label, url=g.url or None, topic_code=topic.code, topic_display=topic.display
    )


def _without_source_link(detail: str, source: tables.Guideline) -> str:
    """The detail without its guideline line's link to the card's own source: the card's
    `source` (label and URL, shown by the EHR with every card) already names it."""
    if not source.url or f"]({source.url})" not in detail:
        return detail  # no link to it at all (one scan, not one per form below)
    link = f"[{source.short or source.label}]({source.url})"
    for old, new in (
        (f"**Guideline:** {link}.", ""),
        (f"**Guideline:** {link}; ", "**Guideline:** "),
        (f"; {link}", ""),
    ):
        if old in detail:
            return detail.replace(old, new, 1).rstrip()
    return detail


@lru_cache(maxsize=32)
def _link_pattern(url: str) -> re.Pattern[str]:
    """A markdown link to `url`, its label as group 1: compiled once per source URL (a
    guideline's or a payer rule set's, a handful in all)."""
    return re.compile(r"\[([^\]]*)\]\(" + re.escape(url) + r"\)")


# A link's label, the replacement of each link: r"\1" as a C-level callable (issue 14: a template
# is expanded per match in Python on 3.11).
_LABEL = operator.methodcaller("group", 1)


def _source_links_as_names(text: str, url: str | None) -> str:
    """Every link in `text` to the card's own source URL as its label alone: the card's `source`
    (shown by the EHR with every card) is that link, and a URL in the detail is characters the EHR
    receives and the clinician does not read (issue 12: a screen a clinician can read)."""
    if not url or f"]({url})" not in text:
        return text  # nothing to replace: a link to the URL holds "](url)"
    return _link_pattern(url).sub(_LABEL, text)


def built_section(evidence: Evidence, url: str | None) -> Evidence:
    """A section marked in a card's detail (Evidence.build), built as `make` would have taken it:
    its links to the card's source `url` as their labels (services/screen.py builds it)."""
    built = evidence.built()
    text = _source_links_as_names(built.text, url)
    return built if text == built.text else dataclasses.replace(built, text=text)


def make(
    topic_code: str,
    *,
    summary: str,
    detail: str,
    suggestions: Sequence[Suggestion] = (),
    indicator: Indicator | None = None,
    dedupe_key: str | None = None,
    evidence: Sequence[Evidence] = (),
    source: Source | None = None,
) -> Recommendation:
    """A Recommendation with the topic's indicator, flags, source and override reasons.
    `evidence`: the shared sections the detail holds (trials, scores, staging), so one screen can
    show each once (services/screen.py). `source`: instead of the topic's guideline, when the
    card rests on something the clinic chose (the TMS card: the payer rule set it evaluates).
    Links to the source's URL are left as their labels, in the detail and its evidence alike."""
    topic = tables.topic(topic_code)
    if source is None:
        source = source_for(topic_code)
        detail = _without_source_link(detail, tables.guideline(topic.guideline))
    url = source.url
    detail = _source_links_as_names(detail, url)
    # A same-day note in full once per card (lab60 item 12), unless a shared section holds one
    # (that section's text must stay as the detail holds it: screen.py finds it there).
    if not any(" disagree: " in e.text for e in evidence):
        detail = once_per_card(detail)
    link = f"]({url})"  # what a link to the source holds (_source_links_as_names' test)
    kept = []
    for e in evidence:
        if url and link in e.text:
            text = _source_links_as_names(e.text, url)
            if text != e.text:
                e = dataclasses.replace(e, text=text)
        # A section the detail does not hold is no evidence of it; one with no text is kept
        # behind the card's links (linked_evidence).
        if not e.text or e.text in detail:
            kept.append(e)
    return Recommendation(
        topic=topic.code,
        indicator=indicator or topic.indicator,
        summary=fit_summary(summary),
        detail=detail,
        source=source,
        suggestions=tuple(suggestions),
        override_reasons=tables.override_reasons(topic.code),
        topic_snoozable=topic.snoozable,
        wants_timeline=topic.wants_timeline,
        dedupe_key=dedupe_key,
        evidence=tuple(kept),
    )


# Topics whose every statement must reach the clinician (issue 10, never silent): a second card of
# the topic is merged into the first, never dropped. At an order hook the "dose not read" card of a
# draft and the chart's unread-records card are both data-quality (services/data_gaps.py).
MERGED_TOPICS = frozenset({"data-quality"})


def ordered(recommendations: Iterable[Recommendation | None]) -> tuple[Recommendation, ...]:
    """One per topic, ordered critical, warning, info, then by topic tier (safety, review,
    strategy: data/topic_tiers.csv), then by topic rank. For most topics the first card wins; a
    card of a MERGED_TOPICS topic is merged into the first (`merged`)."""
    seen: dict[str, Recommendation] = {}
    for rec in recommendations:
        if rec is None:
            continue
        first = seen.get(rec.topic)
        if first is None:
            seen[rec.topic] = rec
        elif rec.topic in MERGED_TOPICS:
            seen[rec.topic] = merged(first, rec)
    return tuple(
        sorted(
            seen.values(),
            key=lambda r: sort_key(tables.topic(r.topic), r.indicator),
        )
    )


def sort_key(topic: tables.Topic, indicator: Indicator) -> tuple[int, int, int]:
    """Where a card of `topic` at `indicator` sits on the rail: by indicator, then a safety topic
    before a review topic before a strategy topic (review s26 RN finding 2: "Lithium and
    lisinopril both running: raises lithium levels" sorted below "augment or switch class"),
    then by row order of data/topics.csv."""
    return (INDICATOR_ORDER[indicator], topic.tier, topic.rank)


def merged(first: Recommendation, other: Recommendation) -> Recommendation:
    """One card saying what `first` and `other` (same topic) each say: both summaries when they
    fit (else the first's and a pointer to the detail), both details in full (first's on top),
    the most severe indicator, every suggestion and evidence section once.

    Answers and snoozes stay each part's own: a card answered for one part (its `dedupe_key`) or
    snoozed on one part's evidence must not hide the other's statement. So the merged card keeps
    a dedupe key only when both parts carry the same one, and rests its snooze on both parts'
    keys together (`merged_evidence_key`): a snooze given on either card alone does not match it,
    and one given on it holds only while both parts are the same."""
    indicator = min((first.indicator, other.indicator), key=INDICATOR_ORDER.__getitem__)
    summary = (
        first.summary
        if other.summary == first.summary
        else fit_summary(
            f"{first.summary}; {other.summary}", f"{first.summary}; more in the detail"
        )
    )
    return dataclasses.replace(
        first,
        indicator=indicator,
        summary=summary,
        detail=join_sections(first.detail, other.detail),
        # Compared, not hashed: a suggestion's FHIR resource is a dict.
        suggestions=first.suggestions
        + tuple([s for s in other.suggestions if s not in first.suggestions]),
        # A part that may not be snoozed keeps the whole card from being snoozed (the safer way).
        topic_snoozable=first.topic_snoozable and other.topic_snoozable,
        wants_timeline=first.wants_timeline or other.wants_timeline,
        dedupe_key=first.dedupe_key if first.dedupe_key == other.dedupe_key else None,
        evidence=tuple(dict.fromkeys(first.evidence + other.evidence)),
        evidence_key=merged_evidence_key(first, other),
    )


def merged_evidence_key(*parts: Recommendation) -> str | None:
    """The snooze fingerprint of a card made of `parts`: each part's snooze key ("topic" or
    "topic@fingerprint", cds_hooks/storage/issued_cards.snooze_key) hashed together, as
    services/screen.py hashes its fingerprints; a part's own key when all parts share it."""
    keys = sorted({f"{p.topic}@{p.evidence_key}" if p.evidence_key else p.topic for p in parts})
    if len(keys) == 1:
        return parts[0].evidence_key
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:16]
