"""Where each setting comes from: the TOML file, secret files, environment variables.

Precedence, highest first (README, "Configuration"):

1. environment variables `TRD_CDS_<TABLE>__<KEY>` (e.g. `TRD_CDS_DATABASE__URL`), read with
   pydantic-settings: `__` separates the levels, names are case-insensitive, lists and tables are
   written as JSON (`TRD_CDS_SERVER__CORS_ORIGINS='["https://ehr.example.org"]'`);
2. secret files named the same way in `$TRD_CDS_SECRETS_DIR` (default `/run/secrets`, used when it
   exists: Docker and Kubernetes mount secrets there), one value per file, so that a database
   password never has to sit in the configuration file or the process environment;
3. the TOML file (`--config` or `$TRD_CDS_CONFIG`);
4. the built-in defaults.

Tables merge key by key (an environment variable replaces one key of the file's table, not the
table); a list (`[[auth.issuers]]`) is replaced whole. Unknown keys are refused wherever they come
from: a key the file does not know fails validation, and so does `TRD_CDS_DATABASE__URLL`; a
variable naming no table (`TRD_CDS_DATABSE__URL`) or missing the double underscore
(`TRD_CDS_DATABASE_URL`) is refused here, since pydantic-settings would skip it silently. Other
`TRD_CDS_*` variables (`TRD_CDS_CONFIG`, `TRD_CDS_BIND`, ...) are not settings and are left alone.

Each layer remembers which variable or file set which key, so a refusal names the variable, and the
start-up log line can list the keys set from outside the file (names only, never values).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, create_model
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError
from pydantic_settings.sources import (
    EnvSettingsSource,
    NestedSecretsSettingsSource,
    SecretsSettingsSource,
)

from cds_hooks.config.config_errors import LIST_EXAMPLE, looks_secret

ENV_PREFIX = "TRD_CDS_"
NESTED_DELIMITER = "__"
SECRETS_DIR_ENV = "TRD_CDS_SECRETS_DIR"
DEFAULT_SECRETS_DIR = Path("/run/secrets")

Path_ = tuple[str, ...]


class LayerError(Exception):
    """A variable or secret file that looks like a setting but names none."""


@dataclass(frozen=True, slots=True)
class Layer:
    """The values one source sets, and for each key path the variable or file that set it."""

    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[Path_, str] = field(default_factory=dict)

    def keys(self) -> tuple[str, ...]:
        """The dotted keys this layer sets ("database.url"), for the start-up log line."""
        return tuple(sorted(".".join(path) for path in _leaf_paths(self.values)))

    def origin_of(self, loc: Iterable[object]) -> str | None:
        """The variable or file behind a validation error's location (longest prefix wins)."""
        path = tuple(str(p) for p in loc)
        for length in range(len(path), 0, -1):
            found = self.origins.get(path[:length])
            if found is not None:
                return found
        return None


class _SourcesBase(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED_DELIMITER,
        case_sensitive=False,
        extra="ignore",
    )


def _sources_class(model: type[BaseModel], sections: Iterable[str]) -> type[BaseSettings]:
    """A BaseSettings twin of `model`'s tables: pydantic-settings reads the environment by the
    fields of a BaseSettings class, and the service's Settings stays a plain, frozen model."""
    fields: dict[str, Any] = {
        name: (model.model_fields[name].annotation, None) for name in sections
    }
    return create_model(f"{model.__name__}Sources", __base__=_SourcesBase, **fields)


def environment_layer(
    model: type[BaseModel], sections: Iterable[str], environ: Mapping[str, str] = os.environ
) -> Layer:
    """The settings `TRD_CDS_*` environment variables set (raises LayerError for a misspelt one)."""
    sections = tuple(sections)
    names = _setting_names(environ, sections, what="environment variable")
    if not names:
        return Layer()
    for name, path in names.items():
        _require_json(model, path, environ[name], f"environment variable {name}", show=True)
    try:
        values = EnvSettingsSource(_sources_class(model, sections))()
    except SettingsError as exc:  # not foreseen by _require_json: still say JSON is expected
        raise LayerError(f"environment variables: {_cause(exc)}{_JSON_HINT}") from exc
    return Layer(values, _origins(names, "environment variable"))


def secrets_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """`$TRD_CDS_SECRETS_DIR` (which must exist), else /run/secrets when it exists, else none."""
    named = environ.get(SECRETS_DIR_ENV)
    if named:
        directory = Path(named)
        if not directory.is_dir():
            raise LayerError(f"{SECRETS_DIR_ENV}={named} is not a directory")
        return directory
    return DEFAULT_SECRETS_DIR if DEFAULT_SECRETS_DIR.is_dir() else None


def secrets_layer(model: type[BaseModel], sections: Iterable[str], directory: Path) -> Layer:
    """The settings secret files in `directory` set: one file per key, named like the variable
    (`trd_cds_database__url`; case does not matter), holding the value (surrounding whitespace,
    such as the newline `echo` adds, is dropped)."""
    sections = tuple(sections)
    files = {p.name: p.name for p in directory.iterdir() if p.is_file()}
    names = _setting_names(files, sections, what=f"secret file in {directory}")
    if not names:
        return Layer()
    for name, path in names.items():
        text = (directory / name).read_text("utf-8", errors="replace").strip()
        _require_json(model, path, text, f"secret file {directory}/{name}", show=False)
    settings_cls = _sources_class(model, sections)
    source = NestedSecretsSettingsSource(
        SecretsSettingsSource(settings_cls, secrets_dir=directory),
        secrets_dir=directory,
        secrets_dir_missing="error",
        secrets_prefix=ENV_PREFIX,
        secrets_nested_delimiter=NESTED_DELIMITER,
    )
    try:
        values = source()
    except SettingsError as exc:
        raise LayerError(f"secret files in {directory}: {_cause(exc)}{_JSON_HINT}") from exc
    return Layer(values, _origins(names, f"secret file {directory}/"))


def merge(base: Mapping[str, Any], *layers: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with each layer laid over it in turn: tables merge key by key, anything else
    (values, lists) is replaced."""
    merged: dict[str, Any] = dict(base)
    for layer in layers:
        for key, value in layer.items():
            current = merged.get(key)
            if isinstance(current, Mapping) and isinstance(value, Mapping):
                merged[key] = merge(current, value)
            else:
                merged[key] = value
    return merged


def _setting_names(
    names: Iterable[str], sections: tuple[str, ...], *, what: str
) -> dict[str, Path_]:
    """The names among `names` that set a setting, with the key path each sets. A name that
    looks like a setting but names none raises LayerError."""
    found: dict[str, Path_] = {}
    for name in names:
        if not name.upper().startswith(ENV_PREFIX):
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        if NESTED_DELIMITER in rest:
            path = tuple(rest.split(NESTED_DELIMITER))
            if path[0] not in sections:
                raise LayerError(
                    f"{what} {name} names no setting: {path[0]!r} is not a table "
                    f"(tables: {', '.join(sections)})"
                )
            found[name] = path
        elif rest in sections:
            found[name] = (rest,)  # a whole table, as JSON
        else:
            near = next((s for s in sections if rest.startswith(s + "_")), None)
            if near is not None:
                fixed = ENV_PREFIX + near.upper() + NESTED_DELIMITER + rest[len(near) + 1 :].upper()
                raise LayerError(
                    f"{what} {name} names no setting: levels are separated by a double "
                    f"underscore ({fixed})"
                )
            # Not a setting: TRD_CDS_CONFIG, TRD_CDS_BIND, TRD_CDS_SECRETS_DIR, test variables.
    return found


_JSON_HINT = f" (lists and tables are written as JSON, e.g. '{LIST_EXAMPLE}')"


def _require_json(model: type[BaseModel], path: Path_, text: str, what: str, *, show: bool) -> None:
    """Refuse a list or table value that is not JSON, naming the variable or file, the value
    (`show`: never a secret file's) and the form expected. pydantic-settings' own refusal names
    only the table ("error parsing value for field "server"") (review RI finding 7)."""
    annotation = _annotation(model, path)
    if annotation is None or not _is_complex(annotation):
        return
    try:
        json.loads(text)
    except ValueError:
        # A whole table (TRD_CDS_DATABASE) or a URL may carry a password: not repeated.
        shown = show and not _is_model(annotation) and not looks_secret(".".join(path))
        given = f"got {text[:80]!r}; " if shown else ""
        kind = "a table" if _is_model(annotation) else "a list"
        example = '{"key": "value"}' if kind == "a table" else LIST_EXAMPLE
        raise LayerError(
            f"{what} sets {'.'.join(path)}: {given}expected {kind} written as JSON, "
            f"e.g. '{example}'"
        ) from None


def _annotation(model: type[BaseModel], path: Path_) -> Any:
    """The type of the key at `path` (None when there is none: validation refuses it later)."""
    current: Any = model
    for part in path:
        if not _is_model(current) or part not in current.model_fields:
            return None
        current = current.model_fields[part].annotation
    return current


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_complex(annotation: Any) -> bool:
    """A list, tuple, set, mapping or table: what pydantic-settings reads as JSON."""
    if _is_model(annotation):
        return True
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset, dict):
        return True
    if origin in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return bool(members) and all(_is_complex(a) for a in members)
    return False


def _cause(exc: SettingsError) -> str:
    # pydantic-settings says which field failed to parse; the value itself is never repeated.
    return str(exc).split(" from source ")[0]


def _origins(names: Mapping[str, Path_], what: str) -> dict[Path_, str]:
    joiner = "" if what.endswith("/") else " "
    return {path: f"{what}{joiner}{name}" for name, path in names.items()}


def _leaf_paths(values: Mapping[str, Any], prefix: Path_ = ()) -> list[Path_]:
    out: list[Path_] = []
    for key, value in values.items():
        if isinstance(value, Mapping) and value:
            out += _leaf_paths(value, (*prefix, key))
        else:
            out.append((*prefix, key))
    return out
