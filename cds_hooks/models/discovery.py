"""CDS Hooks 2.0.1 discovery response (#discovery)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ServiceDescription(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hook: str
    title: str | None = None
    description: str
    id: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None
    # Namespaced keys of the service's own (CDS Hooks 2.0 "Extensions"), e.g. its version.
    extension: dict[str, Any] | None = None


class DiscoveryResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    services: list[ServiceDescription] = Field(default_factory=list)
