"""Whether the Prometheus metrics run in multiprocess mode: only where PROMETHEUS_MULTIPROC_DIR names
a directory this process can write to.

prometheus-client turns multiprocess mode on as soon as the variable is in the environment, and
then every metric opens a memory-mapped file in that directory when it is created. The container
image sets the variable for gunicorn's workers (deploy/gunicorn.conf.py creates the directory), but
every other command run from the image inherits it too: `trd-cds db upgrade` in compose's `migrate`
service or the Kubernetes init container, `trd-cds evaluate`, `trd-cds db current`. Where the
directory is missing (nothing created it) or not writable (a read-only root filesystem), importing
the metrics crashed those commands with FileNotFoundError, so the schema was never migrated and the
service never started (s24 review RZ, finding 1). Metrics are never worth a command that does not
run: without a usable directory the process keeps its counts in its own registry (what one process
needs anyway) and says so in one warning line naming the variable.

An empty value means "off", silently: that is how a deployment turns the image's setting off for a
one-shot command (compose and Kubernetes cannot unset an image's variable, only empty it), and
prometheus-client would otherwise write its files into the working directory.
"""

from __future__ import annotations

import logging
import os
import sys

ENV = "PROMETHEUS_MULTIPROC_DIR"
# prometheus-client still honours the old lower-case name (and copies it to ENV).
LEGACY_ENV = "prometheus_multiproc_dir"

logger = logging.getLogger("trd_cds.metrics")


def problem(directory: str) -> str | None:
    """Why `directory` cannot hold the multiprocess files, or None when it can."""
    if not os.path.isdir(directory):
        return "no such directory" if not os.path.exists(directory) else "not a directory"
    # W_OK fails on a read-only filesystem too (EROFS), not only on permissions.
    if not os.access(directory, os.W_OK | os.X_OK):
        return "not writable"
    return None


def settle() -> bool:
    """True for multiprocess mode; otherwise the variables are removed from this process's
    environment (prometheus-client reads them again whenever it decides) and any value class
    prometheus-client already chose is set back to the in-process one. Call before any metric
    is created."""
    directory = os.environ.get(ENV, os.environ.get(LEGACY_ENV))
    if directory is None:
        return False
    why = problem(directory) if directory.strip() else None
    if directory.strip() and why is None:
        return True
    os.environ.pop(ENV, None)
    os.environ.pop(LEGACY_ENV, None)
    if "prometheus_client.values" in sys.modules:
        from prometheus_client import values

        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    if why is not None:
        logger.warning(
            "%s=%s: %s; metrics are kept in this process only (multiprocess mode off)",
            ENV,
            directory,
            why,
            extra={"fields": {"variable": ENV, "reason": why}},
        )
    return False
