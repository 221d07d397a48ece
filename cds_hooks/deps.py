"""Dependencies injected into routes (FastAPI's Annotated aliases).

They are `async def` because they only read app.state: FastAPI runs a plain `def` dependency in
the thread pool, and three thread hops per hook call cost more than the rest of a cached answer
(issue 6). For the same reason the hook route takes one bundle (`HookServicesDep`) rather than
three dependencies: each one solved costs it a few percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from cds_hooks.config.settings import Settings
from cds_hooks.runner import HookRunner
from cds_hooks.security.auth import Authenticator
from cds_hooks.storage.store import Store
from cds_hooks.storage.timeline_cache import TimelineStore
from fhir_mapping.record import PatientRecord


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_runner(request: Request) -> HookRunner:
    return request.app.state.runner  # type: ignore[no-any-return]


async def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


async def get_authenticator(request: Request) -> Authenticator:
    return request.app.state.authenticator  # type: ignore[no-any-return]


async def get_timelines(request: Request) -> TimelineStore[PatientRecord]:
    return request.app.state.timelines  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[HookRunner, Depends(get_runner)]
StoreDep = Annotated[Store, Depends(get_store)]
AuthenticatorDep = Annotated[Authenticator, Depends(get_authenticator)]
TimelinesDep = Annotated[TimelineStore[PatientRecord], Depends(get_timelines)]


@dataclass(frozen=True, slots=True)
class HookServices:
    """What the hook route uses, as one dependency."""

    settings: Settings
    runner: HookRunner
    authenticator: Authenticator


async def get_hook_services(request: Request) -> HookServices:
    state = request.app.state
    return HookServices(state.settings, state.runner, state.authenticator)


HookServicesDep = Annotated[HookServices, Depends(get_hook_services)]
