"""The prefetch template language (CDS Hooks 2.0.1 #prefetch-template): `render_template` fills
`{{context.x}}` tokens (and `{{userPractitionerId}}`) from the hook context, and `template_type`
names the resource type a template asks for.

Apart from prefetch.py because the gathering and the fetching (prefetch_fetch.py) both read
templates, and neither belongs to the other. Importable from prefetch.py too.
"""

from __future__ import annotations

import re
from typing import Any

from cds_hooks.models.request import HookRequest

_TOKEN = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")


def render_template(template: str, request: HookRequest) -> str | None:
    """Fill `{{context.x}}` tokens from the hook context; None when a token has no value."""
    context = request.context.model_dump()
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        path = match.group(1)
        value: Any = None
        if path.startswith("context."):
            value = context.get(path.removeprefix("context."))
        elif path == "userPractitionerId" and isinstance(context.get("userId"), str):
            user = context["userId"]
            value = user.split("/", 1)[1] if user.startswith("Practitioner/") else None
        if value is None or isinstance(value, dict | list):
            missing = True
            return ""
        return str(value)

    rendered = _TOKEN.sub(fill, template)
    return None if missing else rendered


def template_type(template: str) -> str:
    """The resource type a template asks for ("Observation?patient=..." -> "Observation")."""
    return template.split("?", 1)[0].split("/", 1)[0]
