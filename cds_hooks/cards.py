"""Recommendations (from services) to CDS Hooks cards: uuids, topic codings, links."""

from __future__ import annotations

from collections.abc import Sequence

from cds_hooks.models.card import Action, Card, Coding, Link, Source, Suggestion
from services.recommendation import Recommendation


def to_card(rec: Recommendation, *, timeline_url: str | None = None) -> Card:
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
        links.append(Link(label="View treatment timeline", url=timeline_url, type="absolute"))
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


def to_cards(recs: Sequence[Recommendation], *, timeline_url: str | None = None) -> list[Card]:
    return [to_card(r, timeline_url=timeline_url) for r in recs]
