"""Recommendations (from services) to CDS Hooks cards: uuids, topic codings, links.

`to_card` builds the validated wire model. A `CardTemplate` is that card rendered to JSON once:
the same evaluation (a cached one, issue 6) issues its cards again with fresh uuids and a fresh
timeline link, without validating and serialising the same content on every call.

Two pages a card may link to, both behind the same short-lived token: the treatment timeline
(cards that want it: `Recommendation.wants_timeline`) and the referral summary, for a card whose
suggestion attaches a document to the request it proposes (a DocumentReference created in the
same suggestion: the TMS referral's packet). The summary page shows that document's content,
rendered again from the same record.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cds_hooks.models.card import Action, Card, Coding, Link, Source, Suggestion, prune
from services.recommendation import Recommendation


def to_card(
    rec: Recommendation, *, timeline_url: str | None = None, packet_url: str | None = None
) -> Card:
    source = Source(
        label=rec.source.label,
        url=rec.source.url,
        topic=Coding(
            code=rec.source.topic_code or rec.topic,
            system=rec.source.topic_system,
            display=rec.source.topic_display,
        ),
    )
    suggestions = [
        Suggestion(
            label=s.label,
            isRecommended=s.is_recommended or None,
            actions=[
                Action(
                    type=a.type,
                    description=a.description,
                    resource=a.resource,
                    resourceId=a.resource_id,
                )
                for a in s.actions
            ],
        )
        for s in rec.suggestions
    ]
    links = []
    if timeline_url and rec.wants_timeline:
        links.append(Link(label=TIMELINE_LINK_LABEL, url=timeline_url, type="absolute"))
    if packet_url and attaches_document(rec):
        links.append(Link(label=PACKET_LINK_LABEL, url=packet_url, type="absolute"))
    return Card(
        summary=rec.summary,
        detail=rec.detail or None,
        indicator=rec.indicator.value,
        source=source,
        suggestions=suggestions,
        selectionBehavior="at-most-one" if suggestions else None,
        overrideReasons=[
            Coding(code=o.code, system=o.system, display=o.display) for o in rec.override_reasons
        ],
        links=links,
    )


def to_cards(
    recs: Sequence[Recommendation],
    *,
    timeline_url: str | None = None,
    packet_url: str | None = None,
) -> list[Card]:
    return [to_card(r, timeline_url=timeline_url, packet_url=packet_url) for r in recs]


TIMELINE_LINK_LABEL = "View treatment timeline"
PACKET_LINK_LABEL = "TMS referral summary"


def attaches_document(rec: Recommendation) -> bool:
    """A suggestion of the card creates a DocumentReference (a summary attached to the request
    it proposes): the card links to the page that shows it."""
    return any(
        action.type == "create"
        and action.resource is not None
        and action.resource.get("resourceType") == "DocumentReference"
        for suggestion in rec.suggestions
        for action in suggestion.actions
    )


@dataclass(frozen=True, slots=True)
class CardTemplate:
    """A recommendation's card as validated wire JSON, without its uuids and links."""

    body: dict[str, Any]
    wants_timeline: bool
    wants_packet: bool = False  # links to the referral summary (`attaches_document`)

    @property
    def uuid_count(self) -> int:
        """How many uuids `issue` takes: the card's and one per suggestion."""
        return 1 + len(self.body.get("suggestions") or ())

    def issue(
        self,
        uuids: Iterator[str],
        *,
        timeline_link: dict[str, Any] | None = None,
        packet_link: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The card as sent: a new card uuid, new suggestion uuids (taken from `uuids`), the
        timeline link (from `timeline_link()`) when the card wants one, then the referral-summary
        link (from `packet_link()`) when it wants that. The body's nested content is shared,
        never mutated (the response is serialised as is)."""
        card: dict[str, Any] = {"uuid": next(uuids), **self.body}
        suggestions = self.body.get("suggestions")
        if suggestions:
            card["suggestions"] = [{**s, "uuid": next(uuids)} for s in suggestions]
        links = [
            link
            for link, wanted in (
                (timeline_link, self.wants_timeline),
                (packet_link, self.wants_packet),
            )
            if link is not None and wanted
        ]
        if links:
            card["links"] = links
        return card


def new_uuids(count: int) -> list[str]:
    """`count` random (version 4, RFC 4122) UUIDs from one read of the OS's random source: an
    answer needs one per card and per suggestion, and `uuid.uuid4()` costs 2.5 µs each."""
    raw = bytearray(os.urandom(16 * count))
    out = []
    for start in range(0, 16 * count, 16):
        raw[start + 6] = (raw[start + 6] & 0x0F) | 0x40  # version 4
        raw[start + 8] = (raw[start + 8] & 0x3F) | 0x80  # RFC 4122 variant
        h = raw[start : start + 16].hex()
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def timeline_link(url: str) -> dict[str, Any]:
    """The card link to the treatment-timeline page: the wire model's JSON with this url (its
    shape is validated once, below; only the url changes per call and it is never empty)."""
    if not url:
        raise ValueError("a timeline link needs a url")
    return {**_TIMELINE_LINK, "url": url}


def packet_link(url: str) -> dict[str, Any]:
    """The card link to the referral-summary page, like `timeline_link`."""
    if not url:
        raise ValueError("a referral-summary link needs a url")
    return {**_PACKET_LINK, "url": url}


# Validated through the wire model once: absolute links (appContext is for smart links only).
_TIMELINE_LINK: dict[str, Any] = Link(
    label=TIMELINE_LINK_LABEL, url="https://placeholder.invalid/", type="absolute"
).model_dump(mode="json", exclude_none=True)
_PACKET_LINK: dict[str, Any] = Link(
    label=PACKET_LINK_LABEL, url="https://placeholder.invalid/", type="absolute"
).model_dump(mode="json", exclude_none=True)


def card_template(rec: Recommendation) -> CardTemplate:
    """Validate the card once (through the wire model) and keep its JSON."""
    body = prune(to_card(rec).model_dump(mode="json", exclude_none=True))
    body.pop("uuid", None)
    body.pop("links", None)
    for suggestion in body.get("suggestions") or ():
        suggestion.pop("uuid", None)
    return CardTemplate(
        body=body, wants_timeline=rec.wants_timeline, wants_packet=attaches_document(rec)
    )


@dataclass(frozen=True, slots=True)
class IssuedCards:
    """The cards of one answer, as JSON (CdsResponse.to_json's shape)."""

    cards: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"cards": self.cards}
