"""CDS Hooks 2.0.1 response models (#cds-service-response), with the spec's invariants enforced.

Serialise with `model_dump(mode="json", exclude_none=True)` and `Response.to_json()` which also drops
empty arrays: the spec's examples and many EHR parsers reject `null` where a field is optional.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


def _new_uuid() -> str:
    return str(uuid_lib.uuid4())


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Coding(_Model):
    code: str = Field(min_length=1)
    system: str | None = None
    display: str | None = None


class Source(_Model):
    label: str = Field(min_length=1)
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(_Model):
    type: Literal["create", "update", "delete"]
    description: str = Field(min_length=1)
    resource: dict[str, Any] | None = None
    resourceId: str | None = None

    @model_validator(mode="after")
    def _payload(self) -> Action:
        if self.type in ("create", "update") and self.resource is None:
            raise ValueError(f"a {self.type} action needs a resource")
        if self.type == "delete" and not self.resourceId:
            raise ValueError("a delete action needs a resourceId")
        return self


class Suggestion(_Model):
    label: str = Field(min_length=1)
    uuid: str = Field(default_factory=_new_uuid)
    isRecommended: bool | None = None
    actions: list[Action] = Field(default_factory=list)


class Link(_Model):
    label: str = Field(min_length=1)
    url: str = Field(min_length=1)
    type: Literal["absolute", "smart"]
    appContext: str | None = None

    @model_validator(mode="after")
    def _app_context_only_on_smart(self) -> Link:
        if self.appContext is not None and self.type != "smart":
            raise ValueError("appContext is only allowed on smart links")
        return self


class Card(_Model):
    uuid: str = Field(default_factory=_new_uuid)
    summary: str = Field(min_length=1, max_length=139)  # "<140 characters" (#card-attributes)
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] = Field(default_factory=list)
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)

    @model_validator(mode="after")
    def _selection_behavior_with_suggestions(self) -> Card:
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("selectionBehavior is required when suggestions are present")
        for reason in self.overrideReasons:
            if not reason.display:
                raise ValueError("every override reason needs a display")
        return self


class CdsResponse(_Model):
    cards: list[Card] = Field(default_factory=list)

    @field_validator("cards")
    @classmethod
    def _unique_uuids(cls, cards: list[Card]) -> list[Card]:
        seen = {c.uuid for c in cards}
        if len(seen) != len(cards):
            raise ValueError("card uuids must be unique")
        return cards

    def to_json(self) -> dict[str, Any]:
        return {"cards": [prune(c.model_dump(mode="json", exclude_none=True)) for c in self.cards]}


def prune(value: Any) -> Any:
    """Drop empty arrays and nulls recursively (but keep FHIR resources' own content intact)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "resource":
                out[key] = item
                continue
            item = prune(item)
            if item is None or item == []:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value
