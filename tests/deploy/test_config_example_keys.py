"""deploy/config.example.toml says it documents every key: every `[policy]` and `[policy.mapping]`
key the config models accept is in it, set or commented out, with the model's default (review s21
RI finding 1: 32 [policy] and 15 [policy.mapping] keys were missing). The protocol tables are
checked by tests/deploy/test_compose.py; this covers the clinic's tables, which the example shows
commented out so a copied file follows the shipped defaults."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from services.policy import PolicyConfig
from services.policy.mapping_config import _MappingPolicyConfig

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy/config.example.toml"
# A key line, live or commented out: `key = value` or `# key = value` (prose never starts so).
_KEY = re.compile(r"^(?:# )?([a-z][a-z0-9_]*) = (.+)$")


def documented(text: str) -> dict[str, dict[str, tuple[Any, bool]]]:
    """For each table header, its keys -> (value, marked EXAMPLE), commented-out keys included."""
    tables: dict[str, dict[str, tuple[Any, bool]]] = {}
    table = ""
    for line in text.splitlines():
        header = re.fullmatch(r"\[\[?([a-z_.]+)\]\]?", line.strip())
        if header:
            table = header.group(1)
            tables.setdefault(table, {})
            continue
        match = _KEY.match(line)
        if match:
            value = tomllib.loads(f"v = {match.group(2)}")["v"]  # a trailing comment is TOML's
            tables.setdefault(table, {})[match.group(1)] = (value, "EXAMPLE" in line)
    return tables


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    return {
        name: field.default
        for name, field in model.model_fields.items()
        if not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel))
    }


def _same(value: Any, default: Any) -> bool:
    return list(value) == list(default) if isinstance(default, tuple) else value == default


def _check(table: str, model: type[BaseModel]) -> None:
    keys = documented(EXAMPLE.read_text("utf-8"))[table]
    defaults = _defaults(model)
    assert sorted(set(defaults) - set(keys)) == [], f"[{table}] keys missing from the example"
    assert sorted(set(keys) - set(defaults)) == [], f"[{table}] keys the models do not accept"
    wrong = [
        (k, v, defaults[k])
        for k, (v, example) in keys.items()
        if not example and not _same(v, defaults[k])
    ]
    assert wrong == [], "the example's value is not the default (mark it EXAMPLE if meant)"
    # Each default is written as the model reads it (an EXAMPLE names a file that is not there).
    model.model_validate({k: v for k, (v, example) in keys.items() if not example})


def test_every_policy_key_is_in_the_example_with_its_default() -> None:
    _check("policy", PolicyConfig)


def test_every_policy_mapping_key_is_in_the_example_with_its_default() -> None:
    _check("policy.mapping", _MappingPolicyConfig)


def test_a_missing_key_is_caught() -> None:
    """The check can fail: a [policy.mapping] table without one of its keys is named."""
    text = EXAMPLE.read_text("utf-8").replace("# renewal_join_days = 400\n", "")
    assert "renewal_join_days" not in documented(text)["policy.mapping"]
    assert "renewal_join_days" in documented(EXAMPLE.read_text("utf-8"))["policy.mapping"]
