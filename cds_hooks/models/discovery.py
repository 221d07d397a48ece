"""CDS Hooks 2.0.1 discovery response (#discovery)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ServiceDescription(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hook: str
    title: str | None = None
    description: str
    id: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None


class DiscoveryResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    services: list[ServiceDescription] = Field(default_factory=list)
