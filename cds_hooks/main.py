"""ASGI entry point for servers started from the command line (gunicorn, uvicorn --factory)."""

from __future__ import annotations

from fastapi import FastAPI

from cds_hooks.app import create_app


def app_factory() -> FastAPI:
    return create_app()
