"""One screen a clinician can read (issue 12): the cards of one hook call, taken together.

Each rule builds a card that is complete on its own (and tested so). Shown together, the trials
table, the scores and the Maudsley staging would repeat on every card that rests on them. This
post-pass, run once per hook call on the ordered recommendations, shows each evidence section
(recommendation.Evidence) once:
- the trials table and the PHQ-9 scores go behind the treatment timeline link when a card of the
  screen carries it (the timeline shows every trial with its doses, dates, weeks at an adequate
  dose, verdict, adherence and PDC, and every PHQ-9): each card says so in one line ("**Trials
  and scores:** on the treatment timeline ..."); the TMS card also names its referral summary;
  a trial judged on another scale than the PHQ-9 is named in that line ("...; escitalopram
  judged on QIDS-SR16 18 → 12", `Evidence.basis`), which then says "scores", not "PHQ-9";
- otherwise, and for the Maudsley staging (which no linked page shows), the section stays on the
  card where the decision is made, the first card in the order of DECIDES that carries it, and
  another card's copy becomes one line naming that card. A copy is left out only when the kept
  one covers everything it shows (the same trials and scores or more): no fact leaves the screen
  without being one click away.

A section that goes behind the timeline on every screen its card is on (the optimise card's
trials and scores: the card wants the timeline) may come as a mark, not built
(`Evidence.build`, RuleContext.composed): built here only if this screen shows it; replaced by
the pointer line as any section otherwise.

A link to another card's source URL (the TMS card's CANMAT 2023 beside the CANMAT-sourced
optimise card) is left as its label: the source link the EHR shows with that card is the same
click (`source_links_once`).

A sentence a card says of another card (services/screen_refs.py: "the optimise card's medication
proposals are not one click") is left out when that card is not on the screen.

It also gives every snoozable card its evidence fingerprint (`Recommendation.evidence_key`): the
failed and not tolerated trials of this episode, its other trials (a running one with its dose)
and the band of the latest PHQ-9. A snooze is
stored with the fingerprint of the card it was given on (cds_hooks/storage/issued_cards.py), so it ends early
when a new trial fails or a PHQ-9 crosses into another band (Kroenke 2001: the bands are where the
pathway's thresholds sit, PHQ-9 10 for TMS, 20 for a "severe" payer criterion). A card that rests
on other evidence carries its own fingerprint and keeps it (`pairs_key`): the running-drug card
and the interaction card a hash of their pairs, the low-sodium card its result and drugs. A snooze
of the card with one pair must not hide a pair that appears later (bupropion snoozed beside
epilepsy, then paroxetine in a pregnancy): the trials and the PHQ-9 band say nothing of either.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from services import cards, screen_refs, tables
from services.pathway import PathwayFacts
from services.recommendation import Evidence, Recommendation
from services.screen_fingerprint import evidence_key as evidence_key
from services.screen_fingerprint import pairs_key as pairs_key
from services.screen_fingerprint import running_mg as running_mg
from services.screen_fingerprint import stating_key as stating_key

# Where the decision is made, first: the card that keeps the evidence. The TMS referral is the
# step the pathway ends on (its criteria rest on the trials and scores), then the card that
# changes the medication, then the reviews. A topic not listed ranks after these, in screen order.
DECIDES = (
    "tms-referral",
    "optimize-switch-augment",
    "adherence-review",
    "psychotherapy",
    "measurement-based-care",
    "phq9-item9-unanswered",  # the measurement card while item 9 is unanswered
    "diagnosis-review",
    # The card about kidney function keeps "no creatinine or eGFR on record" (review 14 audit,
    # k04: the lithium level card said it too); it holds no other shared section.
    "order-renal-dose",
)

_NAMES = {"trials": "trials", "scores": "scores", "staging": "staging", "kidney": "kidney function"}
# What the timeline holds for every card (services/timeline): each trial and PHQ-9 on record.
TIMELINE_KEYS = ("trials", "scores")
TIMELINE = "**Trials and scores:** on the treatment timeline (doses, dates, adherence, PHQ-9)."
# The same line when a trial's outcome rests on another scale (MADRS, QIDS-SR16...): the timeline
# shows that pair in the trial's lane (services/timeline/wording.outcome_text), not as PHQ-9.
TIMELINE_SCALES = (
    "**Trials and scores:** on the treatment timeline (doses, dates, adherence, scores)."
)
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")  # a markdown link: [label](url)


_DECIDES_RANK = {topic: rank for rank, topic in enumerate(DECIDES)}

# Recommendation's fields in order, read in one call: each screen pass copies a card with a field
# or two changed, and dataclasses.replace re-reads and checks the field list on every copy.
_FIELDS = tuple(f.name for f in dataclasses.fields(Recommendation))
_VALUES = attrgetter(*_FIELDS)
_POSITION = {name: i for i, name in enumerate(_FIELDS)}


def with_fields(rec: Recommendation, **changes: Any) -> Recommendation:
    """`dataclasses.replace(rec, **changes)` for a Recommendation (every field is an init field)."""
    values = list(_VALUES(rec))
    for name, value in changes.items():
        values[_POSITION[name]] = value
    return Recommendation(*values)


_LAST = len(DECIDES)  # the rank of a topic DECIDES does not list


def _owners(recs: Sequence[Recommendation]) -> dict[str, int]:
    """Evidence key -> index of the card that keeps it."""
    owners: dict[str, int] = {}
    order = sorted(range(len(recs)), key=lambda i: (_DECIDES_RANK.get(recs[i].topic, _LAST), i))
    for i in order:
        for evidence in recs[i].evidence:
            owners.setdefault(evidence.key, i)
    return owners


def _pointer(keys: list[str], owner: Recommendation) -> str:
    what = ", ".join(_NAMES.get(k, k) for k in keys)
    where = tables.topic(owner.topic).display
    # Where, in as few words as the card's own name (issue 12: the raw markdown counts).
    return f"**{what[0].upper()}{what[1:]}:** {where} card."


def _drop(detail: str, block: str) -> str:
    """The detail without one section (sections are joined by a blank line)."""
    at = detail.find(block)
    if at >= 2 and detail.startswith("\n\n", at - 2):
        # The usual case, in one search: the section's first occurrence follows a blank line, so
        # it is where "\n\n" + block first occurs too (the first candidate below).
        return detail[: at - 2] + detail[at + len(block) :]
    for candidate in ("\n\n" + block, block + "\n\n", block):
        if candidate in detail:
            return detail.replace(candidate, "", 1)
    return detail


@dataclass(slots=True)
class _Draft:
    """One card while the screen passes edit it: what they change, copied into a Recommendation
    once at the end (a frozen dataclass costs a dozen attribute writes per copy: issue 14)."""

    rec: Recommendation
    detail: str
    evidence: tuple[Evidence, ...]
    evidence_key: str | None
    changed: bool = False

    @classmethod
    def of(cls, rec: Recommendation) -> _Draft:
        return cls(rec, rec.detail, rec.evidence, rec.evidence_key)

    def done(self) -> Recommendation:
        if not self.changed:
            return self.rec
        return with_fields(
            self.rec, detail=self.detail, evidence=self.evidence, evidence_key=self.evidence_key
        )


# A section moved off a card: (the section, the pointer of the copy kept, the card keeping it).
_Moved = tuple[Evidence, str, Recommendation]


def _without(detail: str, moved: list[_Moved]) -> str:
    """The detail with the moved sections replaced by pointer lines, each where the first section
    it replaces stood: the kept section's own pointer when it has one, else one line per owning
    card naming it."""
    groups: dict[str, tuple[Recommendation, str, list[Evidence]]] = {}
    for evidence, pointer, owner in moved:
        group = pointer or owner.topic
        mark = f"\x00{group}\x00"
        if group in groups:
            detail = _drop(detail, evidence.text)
            groups[group][2].append(evidence)
        else:
            detail = detail.replace(evidence.text, mark, 1)
            groups[group] = (owner, pointer, [evidence])
    # One paragraph for all of them, where the first moved section stood.
    lines = [
        _with_basis(pointer or _pointer([e.key for e in sections], owner), sections)
        for owner, pointer, sections in groups.values()
    ]
    marks = [f"\x00{group}\x00" for group in groups]
    detail = detail.replace(marks[0], " ".join(dict.fromkeys(lines)), 1)
    for mark in marks[1:]:
        detail = _drop(detail, mark)
    return detail


def _with_basis(line: str, moved: list[Evidence]) -> str:
    """The pointer line with what the moved trials' verdicts rest on when a scale other than the
    PHQ-9 judged them (recheck 13-2 m05, m12, m13: the line said "PHQ-9" and no card named the
    MADRS or QIDS-SR16 pair): "...; escitalopram judged on QIDS-SR16 18 → 12." A PHQ-9-only
    screen has neither, so its line is unchanged."""
    if line == TIMELINE and any(e.scales for e in moved):
        line = TIMELINE_SCALES
    bases = [e.basis for e in moved if e.basis]
    if not bases:
        return line
    return f"{line.removesuffix('.')}; {'; '.join(bases)}."


def _behind_timeline(recs: Sequence[Recommendation]) -> dict[str, str]:
    """The trials and scores kept behind the timeline link, when a card of the screen has that
    link, each with the pointer other cards give instead: the timeline shows every trial (doses,
    dates, weeks at an adequate dose, verdict, adherence and PDC) and every PHQ-9 on record, so
    it covers any card's table. The pointer is the one a card keeping them behind its links gives
    (the TMS card also names its referral summary; the first such card's), else TIMELINE."""
    if not any(r.wants_timeline for r in recs):
        return {}
    linked: dict[str, str] = {}
    for r in recs:
        for e in r.evidence:
            if not e.text and e.pointer and e.key in TIMELINE_KEYS:
                linked.setdefault(e.key, e.pointer)
    return {key: linked.get(key, TIMELINE) for key in TIMELINE_KEYS}


def _share(recs: Sequence[Recommendation], drafts: list[_Draft]) -> None:
    """Each evidence section once per screen (see the module docstring), into `drafts`."""
    owners = _owners(recs)
    behind = _behind_timeline(recs)
    for i, rec in enumerate(recs):
        moved: list[_Moved] = []
        kept_here: list[Evidence] = []
        built: list[tuple[str, str]] = []  # (its mark, the section) of each section built here
        for evidence in rec.evidence:
            if evidence.build is not None and behind.get(evidence.key) is None:
                # A section marked, not built (Evidence.build), that this screen shows: built
                # now, into the place its mark holds.
                mark, evidence = evidence.text, cards.built_section(evidence, rec.source.url)
                built.append((mark, evidence.text))
            if evidence.text:  # else already behind this card's links
                pointer = behind.get(evidence.key)
                if pointer is not None:
                    moved.append((evidence, pointer, rec))
                    continue
                j = owners.get(evidence.key, i)
                if j != i:
                    kept = next(e for e in recs[j].evidence if e.key == evidence.key)
                    if evidence.covers <= kept.covers:
                        moved.append((evidence, kept.pointer, recs[j]))
                        continue
            kept_here.append(evidence)
        if built:
            draft = drafts[i]
            for mark, text in built:
                draft.detail = draft.detail.replace(mark, text, 1)
            draft.evidence = tuple(kept_here)
            draft.changed = True
        if moved:
            draft = drafts[i]
            draft.detail = _without(draft.detail, moved)
            draft.evidence = tuple(kept_here)
            draft.changed = True


def share_evidence(recs: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
    """Each evidence section once per screen (see the module docstring); order unchanged."""
    drafts = [_Draft.of(r) for r in recs]
    _share(recs, drafts)
    return tuple([d.done() for d in drafts])


def _link_as_name(text: str, urls: frozenset[str]) -> str:
    """`text` with each markdown link to one of `urls` left as its label."""

    def name(match: re.Match[str]) -> str:
        return match.group(1) if match.group(2) in urls else match.group(0)

    return _LINK.sub(name, text)


def _evidence_link_as_name(evidence: Evidence, urls: frozenset[str]) -> Evidence:
    if not any(url in evidence.text for url in urls):
        return evidence  # no link to any of them (a link holds its URL): nothing to change
    text = _link_as_name(evidence.text, urls)
    return evidence if text == evidence.text else dataclasses.replace(evidence, text=text)


def _source_links(drafts: list[_Draft]) -> None:
    """`source_links_once`, on the drafts."""
    urls = [d.rec.source.url for d in drafts]
    for i, draft in enumerate(drafts):
        own = urls[i]
        others = frozenset([url for j, url in enumerate(urls) if j != i and url and url != own])
        # A link to one of `others` holds its URL: most details hold none of them.
        if not any(url in draft.detail for url in others):
            continue
        detail = _link_as_name(draft.detail, others)
        if detail == draft.detail:
            continue
        draft.detail = detail
        draft.evidence = tuple([_evidence_link_as_name(e, others) for e in draft.evidence])
        draft.changed = True


def source_links_once(recs: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
    """A link to a URL that another card of the screen has as its `source` is left as its label
    (e.g. the TMS card's "CANMAT 2023" when the optimise card's source is CANMAT 2023): the EHR
    shows every card's source link, so the guideline stays named on the card and one click away
    on the screen, and its URL is not sent twice (issue 12: the raw markdown counts). The label
    stays, so a card shown alone (its neighbour snoozed) still names what it follows."""
    drafts = [_Draft.of(r) for r in recs]
    _source_links(drafts)
    return tuple([d.done() for d in drafts])


def _absent_cards(drafts: list[_Draft]) -> None:
    """A sentence naming another card (screen_refs.NAMES_CARD: "While this card is open, the
    optimise card's medication proposals are not one click") left out when that card is not on
    this screen (audit 13 item 18): a card never points at a card the clinician cannot see."""
    shown = frozenset(d.rec.topic for d in drafts)
    for draft in drafts:
        detail = screen_refs.without_absent(draft.detail, shown)
        if detail != draft.detail:
            draft.detail = detail
            draft.changed = True


def _fingerprint(drafts: list[_Draft], facts: PathwayFacts) -> None:
    key: str | None = None
    for draft in drafts:
        # A card with its own fingerprint (`pairs_key`) keeps it: its evidence is not the
        # pathway's, and the pathway's would let a snooze hide a pair that appears later.
        if draft.rec.snoozable and draft.rec.evidence_key is None:
            if key is None:
                key = evidence_key(facts)
            draft.evidence_key = key
            draft.changed = True


def fingerprint(recs: Sequence[Recommendation], facts: PathwayFacts) -> tuple[Recommendation, ...]:
    """Every snoozable card with the evidence fingerprint its snooze is stored with (the
    pathway's, unless the card carries its own)."""
    drafts = [_Draft.of(r) for r in recs]
    _fingerprint(drafts, facts)
    return tuple([d.done() for d in drafts])


def compose(
    recs: Sequence[Recommendation], facts: PathwayFacts, hidden: AbstractSet[str] = frozenset()
) -> tuple[Recommendation, ...]:
    """One hook call's recommendations as one screen: evidence once, a source's link once,
    fingerprints set (`fingerprint(source_links_once(share_evidence(recs)), facts)`, each card
    copied once at the end).

    The cards of `hidden` topics (snoozed, or an order card already answered: the protocol layer
    decides) are left out first, so the screen is composed of the cards shown: no pointer names a
    card that is not there, and no section moves onto one."""
    if hidden:
        recs = [r for r in recs if r.topic not in hidden]
    drafts = [_Draft.of(r) for r in recs]
    _share(recs, drafts)
    _source_links(drafts)
    _absent_cards(drafts)
    _fingerprint(drafts, facts)
    return tuple([d.done() for d in drafts])
