"""The listening socket of `trd-cds serve`, bound before anything else starts.

An address already in use was uvicorn's own log line and its exit status 3, the status the
README keeps for a database that cannot be reached (review s21 RI finding 8). Bound here first,
it is one line naming the address and how to choose another port, and its own exit status,
before the service opens its database or writes a file. The socket is then handed to uvicorn,
so nothing can take the port between the check and the start.
"""

from __future__ import annotations

import errno
import socket

# `trd-cds serve`: 2 a configuration error, 3 the database cannot be reached, 4 this.
EXIT_ADDRESS_IN_USE = 4


class AddressInUse(Exception):
    """The host and port cannot be bound; the message says which and what to do."""


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port), as uvicorn binds one (SO_REUSEADDR; IPv6 when the
    host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise AddressInUse(
                f"{where} is already in use (another trd-cds, or another program): choose "
                "another port with `trd-cds serve --port N` (`make run PORT=N`), and call it "
                "with `trd-cds request --url http://127.0.0.1:N`"
            ) from exc
        raise AddressInUse(f"cannot listen on {where}: {exc.strerror or exc}") from exc
    return sock
