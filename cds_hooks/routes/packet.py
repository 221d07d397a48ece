"""GET /packet/{token}: the TMS referral summary the TMS card links to.

The same token and store as the timeline page (one record, two pages); headers as the
timeline's: never cached, no referrer, nothing loaded, any EHR may frame it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from cds_hooks.deps import RunnerDep, SettingsDep, TimelinesDep
from cds_hooks.routes.page_headers import page_headers

router = APIRouter(tags=["packet"])

_NOT_FOUND = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Referral summary not available</title></head><body>"
    "<h1>Referral summary not available</h1><p>This link has expired or is unknown. Open the "
    "patient's chart again to get a fresh link.</p></body></html>"
)


@router.get("/packet/{token}", response_class=HTMLResponse)
def packet(
    token: str, timelines: TimelinesDep, runner: RunnerDep, settings: SettingsDep
) -> HTMLResponse:
    headers = page_headers(settings)
    entry = timelines.get(token) if len(token) <= 100 else None
    if entry is None:
        return HTMLResponse(_NOT_FOUND, status_code=404, headers=headers)
    from services.packet import render_packet  # loaded on first use, as the timeline's renderer

    page = render_packet(
        entry.value, runner.policy, expires_at=datetime.fromtimestamp(entry.expires_at, UTC)
    )
    return HTMLResponse(page, headers=headers)
