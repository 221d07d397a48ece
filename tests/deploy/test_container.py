"""The container image is reproducible and runs as a hospital's platform wants: a digest-pinned
base, hash-locked dependencies that satisfy pyproject.toml, non-root, read-only root filesystem;
and `make run` installs only what serving needs. Docker cannot run here, so these read the files
the way docker, pip and make would."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
EXTRAS = {
    "standard": ("uvloop", "httptools", "websockets", "watchfiles", "python-dotenv"),
    "binary": ("psycopg-binary",),
    "crypto": ("cryptography",),
}
DIGEST = re.compile(r"^FROM python:3\.11-slim@sha256:([0-9a-f]{64})$", re.M)


def _lock() -> dict[str, tuple[Version, list[str]]]:
    """requirements.lock as {name: (version, hashes)}."""
    text = (ROOT / "requirements.lock").read_text()
    entries: dict[str, tuple[Version, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", re.sub(r"^#.*\n", "", text, flags=re.M)):
        block = block.strip()
        if not block:
            continue
        head = block.split()[0]
        name, _, pinned = head.partition("==")
        assert pinned, f"not pinned with ==: {head}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        entries[canonicalize_name(name)] = (Version(pinned), hashes)
    return entries


def _runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return [
        Requirement(r) for r in [*project["dependencies"], *extras["postgres"], *extras["server"]]
    ]


def test_the_base_image_is_pinned_by_digest_and_says_how_to_move_it() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert DIGEST.search(dockerfile), "FROM must name python:3.11-slim@sha256:<digest>"
    assert "docker buildx imagetools inspect python:3.11-slim" in dockerfile
    assert "docker-library/repo-info" in dockerfile


def test_every_locked_dependency_is_pinned_with_hashes() -> None:
    lock = _lock()
    assert lock
    for name, (_version, hashes) in lock.items():
        assert hashes, f"{name} has no --hash"


def test_the_lock_holds_every_runtime_dependency_in_a_version_pyproject_allows() -> None:
    lock = _lock()
    for requirement in _runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement.name} is not in requirements.lock (make lock)"
        version, _hashes = lock[name]
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
        for extra in requirement.extras:  # what the extras bring is locked too
            for package in EXTRAS[extra]:
                assert package in lock, f"{requirement.name}[{extra}] needs {package}"
    # Test tools stay out of the image.
    for tool in ("pytest", "hypothesis", "schemathesis", "mypy", "ruff", "kubernetes-validate"):
        assert tool not in lock


def test_the_image_installs_the_lock_with_hashes_then_the_project_alone() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    lock_step = dockerfile.index("pip install --require-hashes --no-deps -r requirements.lock")
    project_step = dockerfile.index("pip install --no-deps --no-build-isolation .")
    assert lock_step < project_step
    assert "COPY requirements.lock" in dockerfile


def test_the_image_runs_as_a_user_with_a_read_only_root_in_mind() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER trd:trd$", dockerfile, re.M)
    assert "PYTHONDONTWRITEBYTECODE=1" in dockerfile  # no .pyc written next to the code
    assert "PROMETHEUS_MULTIPROC_DIR=/tmp/" in dockerfile  # the one writable mount
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "read_only: true" in compose and "- /tmp" in compose
    conf = (ROOT / "deploy/gunicorn.conf.py").read_text()
    assert "control_socket_disable = True" in conf  # gunicorn 27 would write under $HOME


def test_the_license_is_the_apache_license_pyproject_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_changelog_has_the_current_version_and_unreleased_work() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{project['version']}]" in changelog
    assert "## [Unreleased]" in changelog
    assert project["urls"]


def test_no_module_writes_the_version_itself() -> None:
    """One version: pyproject.toml's, read from the package metadata (cds_hooks/observability/version.py)."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    for path in (ROOT / "cds_hooks").rglob("*.py"):
        assert f'"{version}"' not in path.read_text(), path


# -- make ---------------------------------------------------------------------------------------


def _recipe(makefile: str, target: str) -> tuple[str, str]:
    """(prerequisites, recipe) of a Makefile target."""
    match = re.search(rf"^{re.escape(target)}:([^\n]*)\n((?:\t[^\n]*\n)*)", makefile, re.M)
    assert match, target
    return match[1].strip(), match[2]


def test_make_run_installs_only_what_serving_needs_and_says_so() -> None:
    makefile = (ROOT / "Makefile").read_text()
    prerequisites, _ = _recipe(makefile, "run")
    assert prerequisites == "install"
    assert _recipe(makefile, "install")[0] == "$(VENV)/.installed-serve"
    _, serve = _recipe(makefile, "$(VENV)/.installed-serve")
    assert "$(PIP) -e .\n" in serve and "[test" not in serve and "server]" not in serve
    assert "echo" in serve and "first run" in serve
    _, tests = _recipe(makefile, "$(VENV)/.installed-test")
    assert "'.[test,server]'" in tests
    assert "install-test" in _recipe(makefile, "test")[0]
    assert "install-test" in _recipe(makefile, "lint")[0]


def test_make_demo_hold_keeps_the_services_up() -> None:
    makefile = (ROOT / "Makefile").read_text()
    _, recipe = _recipe(makefile, "demo")
    assert "$(if $(HOLD),--hold,)" in recipe
