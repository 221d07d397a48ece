"""The `trd-cds` command: `serve` the service, `evaluate` a saved record offline, or send a
saved `request` to a running service.

    trd-cds --version
    trd-cds serve [--host 127.0.0.1] [--port 8080] [--config FILE]
    trd-cds evaluate FILE|- [--hook patient-view] [--as-of YYYY-MM-DD] [--timezone ZONE]
                            [--config FILE]
                            [--explain] [--timeline out.svg] [--packet out.html] [--strict]
    trd-cds request FILE [--url http://127.0.0.1:8080] [--service ID] [--shift-dates-to-today]
                         [--as-of YYYY-MM-DD] [--bearer TOKEN] [--json] [--config FILE]
    trd-cds db upgrade|current [--config FILE]

`serve` exits 2 on a configuration error, 3 when the database cannot be reached (one log line
says why) and 4 when its address is already in use (listen.py). `request` is the first call of the README (first_call.py): it exits 0 when the service
answered 200, 1 on an error answer, 2 when the file or the service cannot be used.

`evaluate` prints the CDS Hooks response JSON on stdout and exits 0; bad input prints one line on
stderr and exits 2. With --strict it also validates every resource against FHIR R4 (the service
itself reads tolerantly), lists each problem on stderr and exits 3 when there is one.

"Today" (`evaluate` without --as-of, `request --shift-dates-to-today`) is the date in the
configured `[server] timezone`, read from the same file and variables as the server's, so the
command line and the service judge a chart opened near midnight as of the same day.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import orjson
from pydantic import ValidationError

from cds_hooks import listen
from cds_hooks.config import config_errors
from cds_hooks.config.settings import ConfigError, Settings, load_settings
from cds_hooks.observability.version import VERSION

EXIT_BAD_INPUT = 2
EXIT_NOT_CONFORMANT = 3
STDIN_NAME = "standard input"  # what `evaluate -` calls the file it reads


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="trd-cds", description=__doc__.split("\n\n")[0].replace("\n", " ")
    )
    parser.add_argument("--version", action="version", version=f"trd-cds {VERSION}")
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
        "file",
        help="a FHIR Bundle with one patient's record, or a whole CDS Hooks request; - reads "
        "standard input",
    )
    ev.add_argument(
        "--hook",
        default=None,
        help="hook to run a Bundle as (default patient-view), or a request that has a context "
        "but no hook; a request's own hook is run (with a warning when --hook names another)",
    )
    ev.add_argument(
        "--as-of", dest="as_of", default=None, help="evaluate as of this date (YYYY-MM-DD)"
    )
    ev.add_argument("--config", default=None, help="TOML configuration file (or $TRD_CDS_CONFIG)")
    ev.add_argument(
        "--timezone",
        default=None,
        help="the site's IANA time zone, in place of the configuration's [server] timezone: "
        "today's date, and the date of every dateTime sent as an instant (e.g. "
        "America/New_York)",
    )
    ev.add_argument(
        "--explain", action="store_true", help="also print the trials built (on stderr)"
    )
    ev.add_argument(
        "--timeline", default=None, help="write the treatment timeline SVG to this file"
    )
    ev.add_argument(
        "--packet",
        default=None,
        help="write the TMS referral summary (a printable HTML page) to this file",
    )
    ev.add_argument(
        "--strict",
        action="store_true",
        help="also list every resource that is not valid FHIR R4 (stderr; exit 3 if any)",
    )

    req = commands.add_parser(
        "request", help="send a saved CDS Hooks request to a running service, print the cards"
    )
    req.add_argument(
        "file", help="a CDS Hooks request (e.g. tests/fixtures/patients/*.request.json)"
    )
    req.add_argument(
        "--url", default=None, help="the service's base URL (default http://127.0.0.1:8080)"
    )
    req.add_argument(
        "--service", default=None, help="service id (default: the one discovery lists for the hook)"
    )
    req.add_argument(
        "--shift-dates-to-today",
        dest="shift_dates",
        action="store_true",
        help="move every date so that the day the file is written as of is today",
    )
    req.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        help="the day the file is written as of (default 2025-06-02, the project's fixtures)",
    )
    req.add_argument("--bearer", default=None, help="a JWT to send when the service has auth on")
    req.add_argument(
        "--json", dest="raw_json", action="store_true", help="print the response JSON as is"
    )
    req.add_argument(
        "--config",
        default=None,
        help="TOML configuration file (or $TRD_CDS_CONFIG): its [server] timezone says what "
        "day today is for --shift-dates-to-today",
    )

    db = commands.add_parser(
        "db", help="the database schema: apply the migrations (upgrade) or show the revision"
    )
    db.add_argument(
        "action",
        choices=("upgrade", "current"),
        help="upgrade: migrate [database] url to this version's schema (run it, with a user "
        "allowed to create tables, before starting a new version); current: print the "
        "revision, exit 1 when it is behind",
    )
    db.add_argument("--config", default=None, help="TOML configuration file (or $TRD_CDS_CONFIG)")

    args = parser.parse_args(argv)
    if args.command == "db":
        return _db(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "request":
        return _request(args)
    return _evaluate(args)


def _fail(message: str) -> int:
    print(f"trd-cds: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from cds_hooks.app import StartupError, create_app

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        return _fail(str(exc))
    server = settings.server.model_copy(
        update={k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    )
    settings = settings.model_copy(update={"server": server})
    try:  # first: a port in use is said before the database is opened or a file written
        sock = listen.bind(server.host, server.port)
    except listen.AddressInUse as exc:
        print(f"trd-cds: error: {exc}", file=sys.stderr)
        return listen.EXIT_ADDRESS_IN_USE
    with sock:
        try:
            app = create_app(settings, listen_host=server.host)
        except StartupError as exc:  # already logged as one line
            return int(exc.code or 1)
        except ConfigError as exc:  # e.g. auth on without public_url
            return _fail(str(exc))
        config = uvicorn.Config(
            app,
            host=server.host,
            port=server.port,
            access_log=False,
            log_level=settings.logging.level.lower(),
            proxy_headers=False,
        )
        uvicorn.Server(config).run(sockets=[sock])
    return 0


def _db(args: argparse.Namespace) -> int:
    """`trd-cds db upgrade|current`: exit 0 done (or at the head), 1 behind (current), 2 bad
    configuration, 3 the database cannot be reached. Prints the database's kind and place,
    never its credentials."""
    from sqlalchemy.exc import SQLAlchemyError

    from cds_hooks.app import EXIT_STARTUP_FAILED
    from cds_hooks.storage import schema
    from cds_hooks.storage.engine import missing_sqlite_file, open_engine

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        return _fail(str(exc))
    url = settings.database.url
    where = schema.describe(url)
    missing = missing_sqlite_file(url) if args.action == "current" else None
    if missing is not None:
        # Exit 3 as for a database that cannot be reached (README, "Command line"); nothing is
        # created: `db upgrade` (or the service's start) makes the file.
        print(
            f"trd-cds: error: no database at {missing}: nothing was created; "
            f"`{schema.UPGRADE_COMMAND}` creates it",
            file=sys.stderr,
        )
        return EXIT_STARTUP_FAILED
    try:
        engine = open_engine(url)
        try:
            if args.action == "upgrade":
                before, after = schema.upgrade(engine)
                change = "already at" if before == after else f"{before or 'empty'} ->"
                print(f"trd-cds: database {where}: schema {change} {after} (head)")
                return 0
            with engine.connect() as connection:
                found = schema.current(connection)
        finally:
            engine.dispose()
    except (SQLAlchemyError, OSError, ImportError) as exc:
        reason = schema.first_line(exc, url)
        print(f"trd-cds: error: the database {where} cannot be used: {reason}", file=sys.stderr)
        return EXIT_STARTUP_FAILED
    head = schema.head()
    state = "at the head" if found == head else f"behind: run `{schema.UPGRADE_COMMAND}`"
    if found is not None and found != head and not schema.known(found):
        state = "newer than this version"
    print(
        f"trd-cds: database {where}: schema {found or 'none'}, this version needs {head}: {state}"
    )
    return 0 if found == head or state == "newer than this version" else 1


def _request(args: argparse.Namespace) -> int:
    from cds_hooks.first_call import DEFAULT_URL, run

    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        return _fail(f"--as-of must be a date as YYYY-MM-DD, not {args.as_of!r}")
    today = None
    if args.shift_dates:  # the day the dates move to: the service's today, in its time zone
        try:
            today = load_settings(args.config).server.today()
        except ConfigError as exc:
            return _fail(str(exc))
    return run(
        Path(args.file),
        base_url=args.url or DEFAULT_URL,
        service_id=args.service,
        shift_dates=args.shift_dates,
        as_of=as_of,
        bearer=args.bearer,
        raw_json=args.raw_json,
        today=today,
    )


def _evaluate(args: argparse.Namespace) -> int:
    from cds_hooks.json_text import JsonTextError, load_json
    from cds_hooks.offline import OfflineInputError, evaluate_document

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        return _fail(str(exc))
    if args.timezone:
        try:
            settings = _with_timezone(settings, args.timezone)
        except ValidationError as exc:
            return _fail(f"--timezone: {config_errors.field_problem(exc.errors())[1]}")
    try:
        # Without --as-of: today where the site is ([server] timezone), as the server judges it.
        as_of = date.fromisoformat(args.as_of) if args.as_of else settings.server.today()
    except ValueError:
        return _fail(f"--as-of must be a date as YYYY-MM-DD, not {args.as_of!r}")
    # One policy for the cards, the explanation, the timeline and the packet: each states a
    # range's top as the site's market sets it.
    policy = settings.clinical_policy()
    # "-" is standard input, as for most Unix tools (review s26 RX finding 4).
    name = STDIN_NAME if args.file == "-" else str(args.file)
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {name}: {exc.strerror or exc}")
    try:
        document = load_json(raw, name)
    except JsonTextError as exc:
        return _fail(str(exc))
    try:
        result = evaluate_document(document, hook=args.hook, as_of=as_of, policy=policy)
    except OfflineInputError as exc:
        return _fail(str(exc))
    for warning in result.warnings:
        print(f"trd-cds: warning: {warning}", file=sys.stderr)
    if args.explain:
        from fhir_mapping.explain import explain
        from services.site_ceiling import site_maximum

        # Each range's top as the cards state it at this site (its market's label).
        record = result.evaluation.record
        print(explain(record, lambda t: site_maximum(policy, t)), file=sys.stderr)
    if args.timeline:
        from services.timeline import render_svg

        svg = render_svg(result.evaluation.record, policy=policy)
        try:
            Path(args.timeline).write_text(svg, "utf-8")
        except OSError as exc:
            return _fail(f"cannot write {args.timeline}: {exc.strerror or exc}")
    if args.packet:
        from services.packet import render_packet

        page = render_packet(result.evaluation.record, policy)
        try:
            Path(args.packet).write_text(page, "utf-8")
        except OSError as exc:
            return _fail(f"cannot write {args.packet}: {exc.strerror or exc}")
    sys.stdout.write(
        orjson.dumps(result.response.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n"
    )
    if args.strict:
        return _strict(document)
    return 0


def _with_timezone(settings: Settings, zone: str) -> Settings:
    """`settings` with `[server] timezone` = `zone`, validated as the configuration's is (an
    unknown zone raises ValidationError)."""
    server = type(settings.server).model_validate(
        {**settings.server.model_dump(), "timezone": zone}
    )
    return settings.model_copy(update={"server": server})


def _strict(document: object) -> int:
    """List what the file sends that is not valid R4: the service reads around it, an integration
    engineer wants to know (issue 14)."""
    from cds_hooks.offline import document_resources
    from fhir_mapping.conformance import report

    resources = document_resources(document)
    problems = report(resources)
    for problem in problems:
        print(f"trd-cds: not valid R4: {problem}", file=sys.stderr)
    invalid = len({p.resource for p in problems})
    print(
        f"trd-cds: {invalid} of {len(resources)} resources are not valid FHIR R4", file=sys.stderr
    )
    return EXIT_NOT_CONFORMANT if problems else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
