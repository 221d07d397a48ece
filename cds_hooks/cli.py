"""The `trd-cds` command: `serve` the service, or `evaluate` a saved record offline.

    trd-cds serve [--host 127.0.0.1] [--port 8080] [--config FILE]
    trd-cds evaluate FILE [--hook patient-view] [--as-of YYYY-MM-DD] [--config FILE]
                          [--explain] [--timeline out.svg]

`evaluate` prints the CDS Hooks response JSON on stdout and exits 0; bad input prints one line on
stderr and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import orjson

from cds_hooks.settings import ConfigError, load_settings

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trd-cds", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="start the CDS Hooks service")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8080)")
    serve.add_argument(
        "--config", default=None, help="TOML configuration file (or $TRD_CDS_CONFIG)"
    )

    ev = commands.add_parser(
        "evaluate", help="evaluate a FHIR Bundle or a CDS Hooks request offline"
    )
    ev.add_argument(
        "file", help="a FHIR Bundle with one patient's record, or a whole CDS Hooks request"
    )
    ev.add_argument(
        "--hook", default="patient-view", help="hook to run for a Bundle (default patient-view)"
    )
    ev.add_argument(
        "--as-of", dest="as_of", default=None, help="evaluate as of this date (YYYY-MM-DD)"
    )
    ev.add_argument("--config", default=None, help="TOML configuration file (or $TRD_CDS_CONFIG)")
    ev.add_argument(
        "--explain", action="store_true", help="also print the trials built (on stderr)"
    )
    ev.add_argument(
        "--timeline", default=None, help="write the treatment timeline SVG to this file"
    )

    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return _evaluate(args)


def _fail(message: str) -> int:
    print(f"trd-cds: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from cds_hooks.app import create_app

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        return _fail(str(exc))
    server = settings.server.model_copy(
        update={k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    )
    settings = settings.model_copy(update={"server": server})
    uvicorn.run(
        create_app(settings),
        host=server.host,
        port=server.port,
        access_log=False,
        log_level=settings.logging.level.lower(),
        proxy_headers=False,
    )
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from cds_hooks.offline import OfflineInputError, evaluate_document

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        return _fail(str(exc))
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError:
        return _fail(f"--as-of must be a date as YYYY-MM-DD, not {args.as_of!r}")
    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {path}: {exc.strerror or exc}")
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return _fail(f"{path} is not valid JSON ({exc.msg} at position {exc.pos})")
    try:
        result = evaluate_document(
            document, hook=args.hook, as_of=as_of, policy=settings.clinical_policy()
        )
    except OfflineInputError as exc:
        return _fail(str(exc))
    if args.explain:
        from fhir_mapping.explain import explain

        print(explain(result.evaluation.record), file=sys.stderr)
    if args.timeline:
        from services.timeline import render_svg

        try:
            Path(args.timeline).write_text(render_svg(result.evaluation.record), "utf-8")
        except OSError as exc:
            return _fail(f"cannot write {args.timeline}: {exc.strerror or exc}")
    sys.stdout.write(
        orjson.dumps(result.response.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
