"""The OpenAPI document: request bodies, the real response models, examples, and /docs offline.

Request bodies. Routes that read their JSON body themselves (body.py) take the raw request (to cap
its size and answer 400 rather than FastAPI's 422), so FastAPI cannot document the body; the
routes declare it through `openapi_extra`. Pydantic writes nested models under the schema's own
`$defs`, referred to as `#/$defs/X`; inside an OpenAPI document that points at the document's
root, where those names do not exist, and such dangling references make clients and test
generators (schemathesis) drop the body altogether. So nested models are inlined.

Responses. The routes return JsonResponse directly (orjson, no second validation on the hot path),
so each declares its responses with the models the body really follows: `CdsResponse` for cards,
`ErrorBody` for every 4xx/5xx (errors.py), `FeedbackStored`, `Liveness`, `Readiness`, discovery's
own. FastAPI's automatic "422 Validation Error" is removed: this service answers 400 instead.

Examples are real: the hook request is the `trd_meets_tms` fixture (cds_hooks/examples), and the
200 example is what the rules answer for it, computed when the document is first built.

/docs is Swagger UI from files served by the service itself (the fastapi-offline package ships
swagger-ui-dist 5), so it works on a hospital network with no route to a CDN.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.staticfiles import StaticFiles

from cds_hooks import examples
from services import catalog
from services.policy import Policy

_DEFS = "#/$defs/"
DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
SERVICE_IDS = tuple(s.id for s in catalog.services())


# -- response models (what the JSON bodies really are) -----------------------------------------


class ErrorBody(BaseModel):
    """Every 4xx and 500 answer (cds_hooks/errors.py)."""

    model_config = ConfigDict(extra="forbid")
    error: str = Field(
        description="A stable code: bad-request, unauthorized, unknown-service, "
        "payload-too-large, unsupported-media-type, prefetch-unavailable, not-found, "
        "method-not-allowed, internal-error"
    )
    message: str = Field(description="What was wrong, for a person (never the request's data)")
    details: dict[str, Any] | None = Field(
        None,
        description="400: `errors` (each with `loc` and `msg`), `missingContext` (with "
        "`emptyContext` naming those sent empty) or `foreignResources`; 412: `missing` (each "
        "prefetch key that could not be had, and why)",
    )


class FeedbackStored(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stored: int = Field(description="Feedback items stored now (an item sent again is not)")
    received: int = Field(description="Feedback items in the request")
    unknownCards: list[str] | None = Field(
        None,
        description="Items naming a card this service did not issue to the caller, as paths "
        "into the request (`feedback.1.card`): not stored. Absent when there are none; when no "
        "item names a known card the answer is 400 `unknown-card` instead",
    )
    refused: list[dict[str, Any]] | None = Field(
        None,
        description="Items naming a card issued to the caller but not stored: `error` "
        "`unknown-suggestion` (accepting suggestions the card was not issued with, named by "
        "their paths in the request in `unknownSuggestions`) or `feedback-conflict` (contradicting the feedback stored for the "
        "card, or sent earlier in the batch, `conflictsWith`: its `storedOutcome` and "
        "`storedAcceptedSuggestions` are kept). Each names its `item` (`feedback.2`), `card` "
        "and `message`. Absent when there are none; when no item is stored the answer is 400 "
        "or 409 instead, with the same list in `details.refused`",
    )
    snoozed: list[str] | None = Field(
        None,
        description="Overrides stored that snoozed their card (`feedback.0`): it is not shown "
        "again for that patient for snooze_days, or until the evidence it rests on changes. "
        "Absent when there are none",
    )
    notSnoozed: list[dict[str, str]] | None = Field(
        None,
        description="Overrides stored that did not snooze their card, which keeps showing: "
        "`item` (`feedback.1`) and `reason`: `reason-not-offered` (a reason the card did not "
        "offer in its overrideReasons, e.g. the EHR's own; send the card's Coding to snooze), "
        "`no-override-reason`, `card-not-snoozable` (suicide risk and the other cards never "
        "snoozed) or `snoozes-off` (snooze_days 0). Absent when there are none",
    )


class Liveness(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["ok"]
    version: str


class Readiness(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["ok", "degraded"]
    database: bool = Field(description="Whether the database answered")
    version: str


def error(description: str, example: dict[str, Any] | None = None) -> dict[str, Any]:
    """A `responses` entry for an error status, with the error body's model."""
    entry: dict[str, Any] = {"model": ErrorBody, "description": description}
    if example is not None:
        entry["content"] = {"application/json": {"example": example}}
    return entry


BAD_REQUEST_EXAMPLE = {
    "error": "bad-request",
    "message": "invalid hookInstance: Field required",
    "details": {"errors": [{"loc": "hookInstance", "msg": "Field required"}]},
}
PRECONDITION_EXAMPLE = {
    "error": "prefetch-unavailable",
    "message": "required FHIR data could not be obtained from prefetch or the FHIR server",
    "details": {
        "missing": {
            "observations": "prefetch key 'observations' was not sent and the FHIR server could "
            "not be asked (the request has no fhirServer)"
        }
    },
}
UNAUTHORIZED_EXAMPLE = {"error": "unauthorized", "message": "authentication failed"}


def service_id_schema() -> dict[str, Any]:
    """The `service_id` path parameter, documented as the list of services. Other ids still
    reach the route (and get the service's own 404), so this is documentation, not validation."""
    return {"enum": list(SERVICE_IDS), "examples": [SERVICE_IDS[0]]}


# -- request bodies -----------------------------------------------------------------------------


def json_request_body(
    model: type[BaseModel], examples: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`{"required": true, "content": {"application/json": {"schema": ...}}}` for `model`,
    with every nested model inlined (no `$ref`, no `$defs`), and named examples if given."""
    schema = model.model_json_schema()
    defs: dict[str, Any] = schema.pop("$defs", {})
    content: dict[str, Any] = {"schema": _inline(schema, defs, ())}
    if examples:
        content["examples"] = examples
    return {"required": True, "content": {"application/json": content}}


def _inline(node: Any, defs: dict[str, Any], open_refs: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, defs, open_refs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_DEFS):
        name = ref.removeprefix(_DEFS)
        if name in open_refs:  # a recursive model has no finite inline form
            raise ValueError(f"model {name} refers to itself and cannot be inlined")
        target = _inline(defs[name], defs, (*open_refs, name))
        siblings = {k: _inline(v, defs, open_refs) for k, v in node.items() if k != "$ref"}
        return {**target, **siblings}
    return {key: _inline(value, defs, open_refs) for key, value in node.items()}


# -- the document ---------------------------------------------------------------------------------


def install(app: FastAPI) -> None:
    """Build the document once, on first request, with the real examples; serve /docs."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            _drop_422(document)
            _add_examples(document, app.state.settings.clinical_policy())
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount(ASSETS_URL, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets")
    app.include_router(_docs_router(app))


def _docs_router(app: FastAPI) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(DOCS_URL)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} {app.version} - API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=None,
            # validatorUrl: Swagger UI would otherwise send the document to validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None, "defaultModelsExpandDepth": 0},
        )

    return router


def _drop_422(document: dict[str, Any]) -> None:
    """FastAPI documents a 422 for every route with parameters; this service never sends one
    (request validation answers 400 with ErrorBody). And it gives a route whose response class
    is not its own JSONResponse (ours is orjson's) a default `"type": "string"`, which it then
    merges with the declared model's `$ref`: the model is what the body is."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.get("responses", {})
            responses.pop("422", None)
            for response in responses.values():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if isinstance(schema, dict) and "$ref" in schema:
                    schema.pop("type", None)
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)


def _add_examples(document: dict[str, Any], policy: Policy) -> None:
    """The 200 example of the hook route: the cards the rules give the example request, as of
    the day it is written for (and a feedback example answering its first card)."""
    from cds_hooks.offline import evaluate_document

    request = examples.copy()
    result = evaluate_document(
        request, hook=str(request["hook"]), as_of=examples.FIXTURES_AS_OF, policy=policy
    )
    cards = result.response.to_json()
    hook = document["paths"]["/cds-services/{service_id}"]["post"]
    hook["responses"]["200"]["content"]["application/json"]["example"] = cards
    if cards["cards"]:
        feedback = document["paths"]["/cds-services/{service_id}/feedback"]["post"]
        card = cards["cards"][0]
        reasons = card.get("overrideReasons") or [{"code": "patient-declined"}]
        feedback["requestBody"]["content"]["application/json"]["example"] = {
            "feedback": [
                {
                    "card": card["uuid"],
                    "outcome": "overridden",
                    "overrideReason": {
                        "reason": {k: v for k, v in reasons[0].items() if k != "display"},
                        "userComment": "discussed with the patient",
                    },
                    "outcomeTimestamp": f"{examples.FIXTURES_AS_OF.isoformat()}T10:00:00Z",
                }
            ]
        }


def hook_request_examples() -> dict[str, Any]:
    return {
        "trd_meets_tms": {
            "summary": "patient-view for a patient with treatment-resistant depression",
            "description": "The trd_meets_tms fixture (tests/fixtures/patients): recurrent "
            f"severe MDD, two adequate failed trials, PHQ-9 18, written as of "
            f"{examples.FIXTURES_AS_OF}. Dates are not moved here: sent today, the service "
            "judges the chart as of today (`trd-cds request --shift-dates-to-today` moves them).",
            "value": examples.hook_request(),
        }
    }
