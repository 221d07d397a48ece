"""Each services module imports on its own, first in a fresh interpreter: a cycle that only the
app's import order hides (pathway -> data_gaps -> cards -> card_evidence -> staging -> pathway)
breaks a test, a script or a CLI that imports the module first."""

from __future__ import annotations

import subprocess
import sys

import pytest

FIRST = ["services.pathway", "services.staging", "services.cards", "services.payer_criteria"]


@pytest.mark.parametrize("module", FIRST)
def test_the_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
