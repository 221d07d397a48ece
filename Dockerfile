# syntax=docker/dockerfile:1
# trd-cds: the CDS Hooks service, served by gunicorn with uvicorn workers (gunicorn's listening
# socket sets TCP_NODELAY; `uvicorn --workers N` loses it on keep-alive connections: issue 6).
#
# Reproducible: the base image is pinned by digest (a tag moves, a digest names one image for
# ever) and the dependencies by requirements.lock (exact versions with their sha256 hashes,
# `make lock`). The digest below is python:3.11-slim (Python 3.11.15, Debian trixie) as the
# official images' record lists it: github.com/docker-library/repo-info,
# repos/python/remote/3.11-slim.md. To move to a newer python:3.11-slim, take the index digest
# from `docker buildx imagetools inspect python:3.11-slim` (its "Digest:" line) or from that file,
# and rebuild; tests/deploy/test_container.py checks the pin is there.
FROM python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff

# One gunicorn worker unless WEB_CONCURRENCY says more. With a PostgreSQL [database] url the state
# workers and replicas share (used JWT ids, timeline records, feedback, snoozes) is in the database
# by default: raise it freely. With SQLite (memory stores) keep one (README, "Scaling out").
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TRD_CDS_CONFIG=/etc/trd-cds/config.toml \
    TRD_CDS_BIND=0.0.0.0:8080 \
    WEB_CONCURRENCY=1 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/trd-cds-metrics

# A system user without a shell or a writable home, and the only writable place it owns.
RUN groupadd --system --gid 10001 trd \
    && useradd --system --uid 10001 --gid trd --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin trd \
    && mkdir -p /app/var /etc/trd-cds \
    && chown trd:trd /app/var

WORKDIR /src
# Dependencies first (their layer is reused while only the code changes), each one checked
# against its hash; then the project itself, with nothing more fetched (--no-deps) and built
# with the base image's own setuptools (--no-build-isolation: no unpinned build tools).
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY cds_hooks ./cds_hooks
COPY fhir_mapping ./fhir_mapping
COPY services ./services
RUN pip install --no-deps --no-build-isolation . \
    && rm -rf /src

WORKDIR /app
COPY deploy/gunicorn.conf.py /app/gunicorn.conf.py
# The schema is never created by the service on PostgreSQL: run `trd-cds db upgrade` from this
# image (same configuration, a user allowed to create tables) before starting a new version;
# compose's `migrate` service and the Kubernetes init container do. Migrations ship in the package
# (cds_hooks/storage/migrations/).
# No configuration is baked in: mount one at $TRD_CDS_CONFIG (deploy/config.example.toml documents
# every key; docker-compose.yml mounts deploy/compose.toml; deploy/kubernetes uses a ConfigMap)
# and give secrets as TRD_CDS_* variables or files in /run/secrets. Without a file the service
# refuses to start rather than run with demo defaults (auth off) on a network port.

# Read-only root filesystem: the service writes only to /tmp (gunicorn's worker heartbeats, the
# Prometheus multiprocess files) and, with SQLite, /app/var. Mount both writable (a tmpfs, an
# emptyDir); compose and deploy/kubernetes do.
USER trd:trd
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=4).status == 200 else 1)"]

CMD ["gunicorn", "--config", "/app/gunicorn.conf.py", "cds_hooks.main:app_factory()"]
