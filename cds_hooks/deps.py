"""Dependencies injected into routes (FastAPI's Annotated aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cds_hooks.auth import Authenticator
from cds_hooks.runner import HookRunner
from cds_hooks.settings import Settings
from cds_hooks.store import Store
from cds_hooks.timeline_cache import TimelineCache
from fhir_mapping.record import PatientRecord


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_runner(request: Request) -> HookRunner:
    return request.app.state.runner  # type: ignore[no-any-return]


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def get_authenticator(request: Request) -> Authenticator:
    return request.app.state.authenticator  # type: ignore[no-any-return]


def get_timelines(request: Request) -> TimelineCache[PatientRecord]:
    return request.app.state.timelines  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[HookRunner, Depends(get_runner)]
StoreDep = Annotated[Store, Depends(get_store)]
AuthenticatorDep = Annotated[Authenticator, Depends(get_authenticator)]
TimelinesDep = Annotated[TimelineCache[PatientRecord], Depends(get_timelines)]
