"""GET /timeline/{token}: the treatment-timeline page a card links to."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from cds_hooks.deps import RunnerDep, SettingsDep, TimelinesDep
from cds_hooks.routes.page_headers import page_headers

router = APIRouter(tags=["timeline"])

_NOT_FOUND = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Timeline not available</title></head>'
    "<body><h1>Timeline not available</h1><p>This link has expired or is unknown. Open the patient's chart "
    "again to get a fresh link.</p></body></html>"
)


@router.get("/timeline/{token}", response_class=HTMLResponse)
def timeline(
    token: str, timelines: TimelinesDep, runner: RunnerDep, settings: SettingsDep
) -> HTMLResponse:
    headers = page_headers(settings)
    entry = timelines.get(token) if len(token) <= 100 else None
    if entry is None:
        return HTMLResponse(_NOT_FOUND, status_code=404, headers=headers)
    from services.timeline import render_page  # the renderer is heavy-ish; load on first use

    # The site's policy, as the packet page takes it: its market sets each range's top as the
    # cards state it (mirtazapine 30-45 mg/day at a US site, not CANMAT's 30-60).
    page = render_page(
        entry.value,
        expires_at=datetime.fromtimestamp(entry.expires_at, UTC),
        policy=runner.policy,
    )
    return HTMLResponse(page, headers=headers)
