"""The service's one version: the installed package's metadata (pyproject.toml `version`).

Shown by `trd-cds --version`, in discovery's and the probes' answers (`/livez`, `/readyz`), the
OpenAPI document and the start-up log line. A source tree that was never installed (no metadata)
says so rather than invent a number.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "trd-cds"


def service_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a checkout without `pip install -e .`
        return "0+unknown"


VERSION = service_version()
