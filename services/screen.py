"""One screen a clinician can read (issue 12): the cards of one hook call, taken together.

Each rule builds a card that is complete on its own (and tested so). Shown together, the trials
table, the scores and the Maudsley staging would repeat on every card that rests on them. This
post-pass, run once per hook call on the ordered recommendations, shows each evidence section
(recommendation.Evidence) once:
- the trials table and the PHQ-9 scores go behind the treatment timeline link when a card of the
  screen carries it (the timeline shows every trial with its doses, dates, weeks at an adequate
  dose, verdict, adherence and PDC, and every PHQ-9): each card says so in one line ("**Trials
  and scores:** on the treatment timeline ..."); the TMS card also names its referral summary;
- otherwise, and for the Maudsley staging (which no linked page shows), the section stays on the
  card where the decision is made, the first card in the order of DECIDES that carries it, and
  another card's copy becomes one line naming that card. A copy is left out only when the kept
  one covers everything it shows (the same trials and scores or more): no fact leaves the screen
  without being one click away.

A link to another card's source URL (the TMS card's CANMAT 2023 beside the CANMAT-sourced
optimise card) is left as its label: the source link the EHR shows with that card is the same
click (`source_links_once`).

It also gives every snoozable card its evidence fingerprint (`Recommendation.evidence_key`): the
failed and not tolerated trials of this episode and the band of the latest PHQ-9. A snooze is
stored with the fingerprint of the card it was given on (cds_hooks/storage/store.py), so it ends early
when a new trial fails or a PHQ-9 crosses into another band (Kroenke 2001: the bands are where the
pathway's thresholds sit, PHQ-9 10 for TMS, 20 for a "severe" payer criterion).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence

from services import tables
from services.pathway import PathwayFacts
from services.recommendation import Evidence, Recommendation

# Where the decision is made, first: the card that keeps the evidence. The TMS referral is the
# step the pathway ends on (its criteria rest on the trials and scores), then the card that
# changes the medication, then the reviews. A topic not listed ranks after these, in screen order.
DECIDES = (
    "tms-referral",
    "optimize-switch-augment",
    "adherence-review",
    "psychotherapy",
    "measurement-based-care",
    "diagnosis-review",
)

_NAMES = {"trials": "trials", "scores": "scores", "staging": "staging"}
# What the timeline holds for every card (services/timeline): each trial and PHQ-9 on record.
TIMELINE_KEYS = ("trials", "scores")
TIMELINE = "**Trials and scores:** on the treatment timeline (doses, dates, adherence, PHQ-9)."
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")  # a markdown link: [label](url)


def _rank(rec: Recommendation, position: int) -> tuple[int, int]:
    try:
        return (DECIDES.index(rec.topic), position)
    except ValueError:
        return (len(DECIDES), position)


def _owners(recs: Sequence[Recommendation]) -> dict[str, int]:
    """Evidence key -> index of the card that keeps it."""
    owners: dict[str, int] = {}
    order = sorted(range(len(recs)), key=lambda i: _rank(recs[i], i))
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
    for candidate in ("\n\n" + block, block + "\n\n", block):
        if candidate in detail:
            return detail.replace(candidate, "", 1)
    return detail


def _without(
    rec: Recommendation, moved: list[tuple[Evidence, Evidence, Recommendation]]
) -> Recommendation:
    """The card with the moved sections replaced by pointer lines, each where the first section
    it replaces stood: the kept section's own pointer when it has one, else one line per owning
    card naming it."""
    detail = rec.detail
    groups: dict[str, tuple[Recommendation, Evidence, list[str]]] = {}
    for evidence, kept, owner in moved:
        group = kept.pointer or owner.topic
        mark = f"\x00{group}\x00"
        if group in groups:
            detail = _drop(detail, evidence.text)
            groups[group][2].append(evidence.key)
        else:
            detail = detail.replace(evidence.text, mark, 1)
            groups[group] = (owner, kept, [evidence.key])
    # One paragraph for all of them, where the first moved section stood.
    lines = [kept.pointer or _pointer(keys, owner) for owner, kept, keys in groups.values()]
    marks = [f"\x00{group}\x00" for group in groups]
    detail = detail.replace(marks[0], " ".join(dict.fromkeys(lines)), 1)
    for mark in marks[1:]:
        detail = _drop(detail, mark)
    gone = [m for m, _, _ in moved]
    kept_here = tuple(e for e in rec.evidence if all(e is not m for m in gone))
    return dataclasses.replace(rec, detail=detail, evidence=kept_here)


def _behind_timeline(recs: Sequence[Recommendation]) -> dict[str, Evidence]:
    """The trials and scores kept behind the timeline link, when a card of the screen has that
    link: the timeline shows every trial (doses, dates, weeks at an adequate dose, verdict,
    adherence and PDC) and every PHQ-9 on record, so it covers any card's table. The pointer is
    the one a card keeping them behind its links gives (the TMS card also names its referral
    summary), else TIMELINE."""
    if not any(r.wants_timeline for r in recs):
        return {}
    found: dict[str, Evidence] = {}
    for key in TIMELINE_KEYS:
        linked = next(
            (e for r in recs for e in r.evidence if e.key == key and not e.text and e.pointer),
            None,
        )
        found[key] = Evidence(key=key, text="", pointer=linked.pointer if linked else TIMELINE)
    return found


def share_evidence(recs: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
    """Each evidence section once per screen (see the module docstring); order unchanged."""
    owners = _owners(recs)
    behind = _behind_timeline(recs)
    out = []
    for i, rec in enumerate(recs):
        moved: list[tuple[Evidence, Evidence, Recommendation]] = []
        for evidence in rec.evidence:
            if not evidence.text:
                continue  # already behind this card's links
            if evidence.key in behind:
                moved.append((evidence, behind[evidence.key], rec))
                continue
            j = owners.get(evidence.key, i)
            if j == i:
                continue
            kept = next(e for e in recs[j].evidence if e.key == evidence.key)
            if evidence.covers <= kept.covers:
                moved.append((evidence, kept, recs[j]))
        out.append(_without(rec, moved) if moved else rec)
    return tuple(out)


def _link_as_name(text: str, urls: frozenset[str]) -> str:
    """`text` with each markdown link to one of `urls` left as its label."""

    def name(match: re.Match[str]) -> str:
        return match.group(1) if match.group(2) in urls else match.group(0)

    return _LINK.sub(name, text)


def _evidence_link_as_name(evidence: Evidence, urls: frozenset[str]) -> Evidence:
    text = _link_as_name(evidence.text, urls)
    return evidence if text == evidence.text else dataclasses.replace(evidence, text=text)


def source_links_once(recs: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
    """A link to a URL that another card of the screen has as its `source` is left as its label
    (e.g. the TMS card's "CANMAT 2023" when the optimise card's source is CANMAT 2023): the EHR
    shows every card's source link, so the guideline stays named on the card and one click away
    on the screen, and its URL is not sent twice (issue 12: the raw markdown counts). The label
    stays, so a card shown alone (its neighbour snoozed) still names what it follows."""
    out = []
    for i, rec in enumerate(recs):
        others = frozenset(r.source.url for j, r in enumerate(recs) if j != i and r.source.url) - {
            rec.source.url
        }
        # A link to one of `others` holds its URL: most details hold none of them.
        linked = any(url in rec.detail for url in others)
        detail = _link_as_name(rec.detail, others) if linked else rec.detail
        if detail == rec.detail:
            out.append(rec)
            continue
        evidence = tuple(_evidence_link_as_name(e, others) for e in rec.evidence)
        out.append(dataclasses.replace(rec, detail=detail, evidence=evidence))
    return tuple(out)


def evidence_key(facts: PathwayFacts) -> str:
    """The fingerprint of the evidence a pathway card rests on: the failed and not tolerated
    trials of this episode (drug and start) and the latest PHQ-9 band. Hashed: the store keeps
    it beside a topic, never patient data in the clear."""
    trials = sorted(
        f"{t.ingredient}@{t.start.isoformat()}"
        for t in facts.failed_trials + facts.intolerant_trials
    )
    latest = facts.latest_phq9
    band = (
        tables.phq9_band(latest.value).band
        if latest is not None and latest.value is not None
        else "none"
    )
    material = ";".join(trials) + "|" + band
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def fingerprint(recs: Sequence[Recommendation], facts: PathwayFacts) -> tuple[Recommendation, ...]:
    """Every snoozable card with the evidence fingerprint its snooze is stored with."""
    key = evidence_key(facts)
    return tuple(dataclasses.replace(r, evidence_key=key) if r.snoozable else r for r in recs)


def compose(recs: Sequence[Recommendation], facts: PathwayFacts) -> tuple[Recommendation, ...]:
    """One hook call's recommendations as one screen: evidence once, a source's link once,
    fingerprints set."""
    return fingerprint(source_links_once(share_evidence(recs)), facts)
