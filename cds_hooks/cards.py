"""Recommendations (from services) to CDS Hooks cards: uuids, topic codings, links.

`to_card` builds the validated wire model. A `CardTemplate` is that card rendered to JSON once:
the same evaluation (a cached one, issue 6) issues its cards again with fresh uuids and a fresh
timeline link, without validating and serialising the same content on every call. `card_template`
builds that JSON directly and validates each card *shape* through the wire model once (see
"Validation once per shape" below).

Two pages a card may link to, both behind the same short-lived token: the treatment timeline
(cards that want it: `Recommendation.wants_timeline`) and the referral summary, for a card whose
suggestion attaches a document to the request it proposes (a DocumentReference created in the
same suggestion: the TMS referral's packet). The summary page shows that document's content,
rendered again from the same record.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotated_types import MaxLen

from cds_hooks.card_links import PACKET_LINK_LABEL, TIMELINE_LINK_LABEL
from cds_hooks.card_stand_in import built
from cds_hooks.document_stamp import stamped
from cds_hooks.models.card import Action, Card, Coding, Link, Source, Suggestion, prune
from cds_hooks.observability import logs
from services.card_format import shortened
from services.recommendation import Indicator, Recommendation


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
        summary=wire_summary(rec),
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


def wire_summary(rec: Recommendation) -> str:
    """The card's summary within the wire model's limit: a longer one is shortened by whole
    clauses, its action kept (services/card_format.shortened), and `card.summary_shortened` is
    logged with the card's topic and the lengths only (no patient data). Never a validation
    error: one over-long summary failed the whole evaluation, every card lost, offline and as an
    HTTP 500 (review s26 RK1 finding 1). The services fit their summaries themselves; this is the
    guard for a combination they did not foresee."""
    summary = rec.summary
    if type(summary) is not str or len(summary) <= _SUMMARY_MAX:
        return summary  # the model judges anything else (a blank one is a services defect)
    logs.event(
        "card.summary_shortened",
        logging.WARNING,
        topic=rec.topic,
        length=len(summary),
        limit=_SUMMARY_MAX,
    )
    return shortened(summary)


def to_cards(
    recs: Sequence[Recommendation],
    *,
    timeline_url: str | None = None,
    packet_url: str | None = None,
) -> list[Card]:
    """The offline answer's cards: one that cannot be built is a stand-in (card_stand_in.py)."""
    return [
        built(r, lambda rec: to_card(rec, timeline_url=timeline_url, packet_url=packet_url))[0]
        for r in recs
    ]


def attaches_document(rec: Recommendation) -> bool:
    """A suggestion of the card creates a DocumentReference (a summary attached to the request
    it proposes; or did, before a hold took it off: `wants_packet`): the card links to its page."""
    return rec.wants_packet or any(
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
    stand_in: bool = False  # in place of a card that could not be built (card_stand_in.py)

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
        stamp: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The card as sent: a new card uuid, new suggestion uuids (taken from `uuids`), the
        timeline link (from `timeline_link()`) when the card wants one, then the referral-summary
        link (from `packet_link()`) when it wants that; `stamp` (document_stamp.py: the issue
        instant, the user) on each DocumentReference a suggestion creates. The body's nested
        content is shared, never mutated (the response is serialised as is)."""
        card: dict[str, Any] = {"uuid": next(uuids), **self.body}
        suggestions = self.body.get("suggestions")
        if suggestions:
            card["suggestions"] = [
                {**(stamped(s, stamp) if stamp and self.wants_packet else s), "uuid": next(uuids)}
                for s in suggestions
            ]
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


def card_template(rec: Recommendation) -> CardTemplate:
    """The card as validated wire JSON, or the stand-in when it cannot be built (one rule with
    `to_cards`: card_stand_in.built)."""
    template, replaced = built(rec, _template)
    return dataclasses.replace(template, stand_in=True) if replaced else template


def _template(rec: Recommendation) -> CardTemplate:
    """The card as validated wire JSON (the wire model is the authority): built directly when a
    card of the same shape has validated to the same JSON before, else through the model."""
    try:
        direct = _direct(rec)
    except Exception:  # noqa: BLE001 - anything unusual takes the model's path (and its error)
        direct = None
    if direct is not None and direct[1] in _checked:
        body, _, wants_packet = direct
        return CardTemplate(body=body, wants_timeline=rec.wants_timeline, wants_packet=wants_packet)
    template = _modelled(rec)
    if direct is not None and _same_json(direct[0], template.body):
        if len(_checked) >= _CHECKED_MAX:
            _checked.clear()
        _checked.add(direct[1])
    return template


def _modelled(rec: Recommendation) -> CardTemplate:
    """The card through the wire model: validated, dumped, pruned; without uuids and links."""
    body = prune(to_card(rec).model_dump(mode="json", exclude_none=True))
    body.pop("uuid", None)
    body.pop("links", None)
    for suggestion in body.get("suggestions") or ():
        suggestion.pop("uuid", None)
    return CardTemplate(
        body=body, wants_timeline=rec.wants_timeline, wants_packet=attaches_document(rec)
    )


# Validation once per shape (issue 14): validating a card through the wire model and dumping it
# cost about 110 µs a card on a first-sight patient-view (the TMS card's suggestion carries a
# ~20 KB DocumentReference), most of it for content that is the same on every card of its kind.
# A card's shape is everything but its free text: the indicator, whether it has a detail, the
# source's url and topic coding, the override reasons, and per suggestion whether it is
# recommended and per action its type and which payload it has. The free text (summary, detail, source and suggestion labels,
# action descriptions) is checked here as the model checks it: a plain `str`, not blank (a blank
# one takes the model's path, valid or not), a summary within the model's length limit (a longer
# one takes the model's path and raises there). Suggestion resources are carried as JSON
# (services/suggestions.py validates them once per template as FHIR; the card model only
# requires a dict): copied as they are when they hold only JSON values, else the model's path.
# A shape is trusted once the model has accepted a card of that shape and dumped it to exactly
# the JSON built here (same keys, same order, same values); a card whose shape has not been seen
# takes the model's path. Bounded like services/suggestions.py's cache.
_CHECKED_MAX = 1024
_checked: set[tuple[Any, ...]] = set()


class _Unusual(Exception):
    """A value the direct build does not take: the card goes through the model."""


def _text(value: object) -> str:
    """Free text the model accepts in any non-blank form."""
    if type(value) is not str or not value.strip():
        raise _Unusual
    return value


def _code(value: object) -> str | None:
    """A value of the shape (kept verbatim in its key): a plain `str` or None."""
    if value is not None and type(value) is not str:
        raise _Unusual
    return value


def _json(value: Any) -> Any:
    """A copy of a JSON value as the model dumps it in JSON mode (the same value, in new
    containers); anything the dump would convert (a tuple, a non-finite float, a subclass of a
    JSON type, a non-string key) is unusual."""
    kind = type(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            # Strings are most of a resource: kept without a call.
            out[key] = item if type(item) is str else _json(item)
        return out
    if kind is list:
        return [item if type(item) is str else _json(item) for item in value]
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float and math.isfinite(value):
        return value
    raise _Unusual


def _direct(rec: Recommendation) -> tuple[dict[str, Any], tuple[Any, ...], bool]:
    """The card's JSON built in the wire model's key order (`Card`, after `prune`), its shape,
    and whether it attaches a document (`attaches_document`)."""
    summary = _text(rec.summary)
    if len(summary) > _SUMMARY_MAX:
        raise _Unusual
    if type(rec.indicator) is not Indicator:
        raise _Unusual
    indicator = rec.indicator.value
    body: dict[str, Any] = {"summary": summary}
    if rec.detail:
        if type(rec.detail) is not str:
            raise _Unusual
        body["detail"] = rec.detail
    body["indicator"] = indicator
    src = rec.source
    source: dict[str, Any] = {"label": _text(src.label)}
    url = _code(src.url)
    if url is not None:
        source["url"] = url
    code = _code(src.topic_code or rec.topic)
    system = _code(src.topic_system)
    display = _code(src.topic_display)
    topic: dict[str, Any] = {"code": code}
    if system is not None:
        topic["system"] = system
    if display is not None:
        topic["display"] = display
    source["topic"] = topic
    body["source"] = source
    wants_packet = False
    suggestion_shapes = []
    if rec.suggestions:
        suggestions = []
        for s in rec.suggestions:
            suggestion: dict[str, Any] = {"label": _text(s.label)}
            if type(s.is_recommended) is not bool:
                raise _Unusual
            if s.is_recommended:
                suggestion["isRecommended"] = True
            action_shapes = []
            if s.actions:
                actions = []
                for a in s.actions:
                    kind = _code(a.type)
                    action: dict[str, Any] = {"type": kind, "description": _text(a.description)}
                    if a.resource is not None:
                        if type(a.resource) is not dict:
                            raise _Unusual
                        action["resource"] = _json(a.resource)
                        if (
                            kind == "create"
                            and a.resource.get("resourceType") == "DocumentReference"
                        ):
                            wants_packet = True
                    if a.resource_id is not None:
                        action["resourceId"] = _text(a.resource_id)
                    actions.append(action)
                    action_shapes.append((kind, a.resource is None, a.resource_id is None))
                suggestion["actions"] = actions
            suggestions.append(suggestion)
            suggestion_shapes.append((s.is_recommended, tuple(action_shapes)))
        body["suggestions"] = suggestions
        body["selectionBehavior"] = "at-most-one"
    reason_shapes = tuple(
        (_code(o.code), _code(o.system), _code(o.display)) for o in rec.override_reasons
    )
    if reason_shapes:
        reasons = []
        for reason_code, reason_system, reason_display in reason_shapes:
            reason: dict[str, Any] = {"code": reason_code}
            if reason_system is not None:
                reason["system"] = reason_system
            if reason_display is not None:
                reason["display"] = reason_display
            reasons.append(reason)
        body["overrideReasons"] = reasons
    shape = (
        indicator,
        "detail" in body,
        url,
        code,
        system,
        display,
        tuple(suggestion_shapes),
        reason_shapes,
    )
    return body, shape, wants_packet or rec.wants_packet


# Card.summary's max_length ("<140 characters"), read from the model: a longer summary takes the
# model's path and raises there.
_SUMMARY_MAX: int = next(
    m.max_length for m in Card.model_fields["summary"].metadata if isinstance(m, MaxLen)
)


def _same_json(a: Any, b: Any) -> bool:
    """The same JSON, key order and value types included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@dataclass(frozen=True, slots=True)
class IssuedCards:
    """The cards of one answer, as JSON (CdsResponse.to_json's shape)."""

    cards: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"cards": self.cards}
