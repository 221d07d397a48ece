"""Reading a JSON request body with a size cap and a clear error for each way it can be wrong.

Each error carries a fixed cause tag and the paths at fault for the log line (errors.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from cds_hooks.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from cds_hooks.json_text import utf8_problem

M = TypeVar("M", bound=BaseModel)

# The cause tags of a refused body (the `reason` of its request.refused line).
INVALID_FIELD = "invalid-field"
MAX_FIELDS = 10  # paths named per refusal: enough to fix a request, bounded for the log


def field_path(loc: Iterable[object]) -> str:
    """A validation error's location as a dotted path (`context.draftOrders`). Its parts are the
    models' field names and list positions: the request models hold no mapping whose keys could
    fail validation (prefetch and draftOrders are `dict[str, Any]`), so no key a caller chose,
    and never a value, reaches the path."""
    return ".".join(str(p) for p in loc) or "body"


# The media types a browser page of any origin may POST without a CORS preflight (the Fetch
# standard's CORS-safelisted Content-Type values). A body declared as one of them is refused;
# every other type is read as JSON. An allow-list refused what real clients send
# (`application/json+fhir`, the DSTU2-era FHIR type some EHR stacks still send; `text/json`),
# which costs the patient every card, the suicide-risk card included (review s21 RR finding 1).
_PREFLIGHT_FREE = frozenset(
    {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)
_JSON = "application/json"


def _check_media_type(request: Request) -> None:
    """Refuse (415) a body declared as a type a browser sends without a preflight (review s21 RE
    N2): with cors_origins "*" and auth off, feedback sent as text/plain was read as JSON, so a
    page of any origin could override (snooze) a card. Any other declared type, and no
    Content-Type at all (the spec names no header; some clients and scripts send none), is read
    as JSON: a body that is not JSON still gets its own 400."""
    declared = request.headers.get("content-type")
    if declared is None or not declared.strip():
        return
    media = declared.split(";", 1)[0].strip().lower()
    if media not in _PREFLIGHT_FREE:
        return
    raise UnsupportedMediaType(
        f"Content-Type {media!r} is not JSON; send the body as "
        f"{_JSON} (optionally with charset=utf-8)",
        cause="unsupported-media-type",
    )


async def read_json(request: Request, max_bytes: int) -> Any:
    _check_media_type(request)
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > max_bytes:
                raise PayloadTooLarge(_too_large(max_bytes))
        except ValueError as exc:
            raise BadRequest(
                "Content-Length is not a number", cause="invalid-content-length"
            ) from exc
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(_too_large(max_bytes))
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise BadRequest("request body is empty; a JSON object is expected", cause="empty-body")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        # Decoded only when orjson refuses the body: a good body is not read twice.
        problem = utf8_problem(raw)
        if problem is not None:
            raise BadRequest(f"request body is {problem}", cause="invalid-utf8") from exc
        raise BadRequest(
            f"request body is not valid JSON ({exc.msg} at position {exc.pos})",
            cause="invalid-json",
        ) from exc


def _too_large(max_bytes: int) -> str:
    """The 413 message: the limit, and the setting an operator raises it with (review 8 finding
    4: a bare 413 told nobody why a long chart got no cards, nor what to change)."""
    return (
        f"request body exceeds the {max_bytes}-byte limit ({max_bytes / 2**20:.1f} MiB); "
        "the service's operator can raise it with the setting [server] max_body_bytes "
        "(environment variable TRD_CDS_SERVER__MAX_BODY_BYTES)"
    )


def parse_model(model: type[M], data: Any) -> M:
    if not isinstance(data, dict):
        raise BadRequest(
            f"request body must be a JSON object, not {type(data).__name__}",
            cause="not-an-object",
            fields=("body",),
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)[:MAX_FIELDS]
        paths = tuple(field_path(e["loc"]) for e in errors)
        raise BadRequest(
            f"invalid {paths[0]}: {errors[0]['msg']}",
            details={
                "errors": [
                    {"loc": path, "msg": e["msg"]} for path, e in zip(paths, errors, strict=True)
                ]
            },
            cause=INVALID_FIELD,
            fields=paths,
        ) from exc
