"""Fixtures for tests that drive headless Chromium.

Without Chromium the browser tests are skipped with the reason, except in CI (the `CI`
environment variable set), where a missing browser is a failure: CI must install it
(scripts/install-chromium.sh).
"""

from __future__ import annotations

import os

import pytest

from tests.browser.chromium import find_chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        reason = (
            "headless Chromium not found (/usr/bin/chromium, chromium, chromium-browser); "
            "install it with scripts/install-chromium.sh"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason} - CI must install it", pytrace=False)
        pytest.skip(reason)
    return path
