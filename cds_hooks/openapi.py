"""The OpenAPI `requestBody` of routes that read their JSON body themselves (body.py).

Those routes take the raw request (to cap its size and answer 400 rather than FastAPI's 422), so
FastAPI cannot document the body; the routes declare it through `openapi_extra`. Pydantic writes
nested models under the schema's own `$defs`, referred to as `#/$defs/X` (or, with a ref_template,
`#/components/schemas/X`); inside an OpenAPI document both point at the document's root, where
those names do not exist. Such dangling references make clients and test generators (schemathesis)
drop the body altogether. So nested models are inlined: the body schema stands on its own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_DEFS = "#/$defs/"


def json_request_body(model: type[BaseModel]) -> dict[str, Any]:
    """`{"required": true, "content": {"application/json": {"schema": ...}}}` for `model`,
    with every nested model inlined (no `$ref`, no `$defs`)."""
    schema = model.model_json_schema()
    defs: dict[str, Any] = schema.pop("$defs", {})
    return {
        "required": True,
        "content": {"application/json": {"schema": _inline(schema, defs, ())}},
    }


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
