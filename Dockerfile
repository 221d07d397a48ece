# syntax=docker/dockerfile:1
# trd-cds: the CDS Hooks service, served by gunicorn with uvicorn workers (gunicorn's listening
# socket sets TCP_NODELAY; `uvicorn --workers N` loses it on keep-alive connections: issue 6).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TRD_CDS_CONFIG=/etc/trd-cds/config.toml \
    TRD_CDS_BIND=0.0.0.0:8080 \
    WEB_CONCURRENCY=1

# A system user without a shell or a writable home, and the only writable place it owns.
RUN groupadd --system --gid 10001 trd \
    && useradd --system --uid 10001 --gid trd --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin trd \
    && mkdir -p /app/var /etc/trd-cds \
    && chown trd:trd /app/var

WORKDIR /src
COPY pyproject.toml README.md ./
COPY cds_hooks ./cds_hooks
COPY fhir_mapping ./fhir_mapping
COPY services ./services
# uvicorn-worker: the maintained home of the gunicorn worker class (uvicorn.workers is deprecated).
RUN pip install ".[postgres,server]" "uvicorn-worker>=0.4,<1" \
    && rm -rf /src

WORKDIR /app
COPY deploy/gunicorn.conf.py /app/gunicorn.conf.py
# No configuration is baked in: mount one at $TRD_CDS_CONFIG (deploy/config.example.toml documents
# every key; docker-compose.yml mounts deploy/compose.toml). Without it the service refuses to
# start rather than run with demo defaults (auth off) on a network port.

USER trd:trd
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4).status == 200 else 1)"]

CMD ["gunicorn", "--config", "/app/gunicorn.conf.py", "cds_hooks.main:app_factory()"]
