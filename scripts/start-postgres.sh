#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on a free loopback port and print its SQLAlchemy URL.
#
#   url=$(scripts/start-postgres.sh DIR)    # DIR: a new or empty directory (default: a temp dir)
#   TRD_CDS_TEST_POSTGRES_URL=$url .venv/bin/pytest -m postgres
#   scripts/stop-postgres.sh DIR
#
# or, for one command with clean-up on exit: scripts/with-postgres.sh COMMAND [ARGS...]
#
# For tests only: trust authentication on 127.0.0.1, fsync off. PostgreSQL refuses to run as root,
# so as root the cluster runs as the `postgres` system user (or `nobody` when there is none).
# Without initdb/pg_ctl on PATH or under /usr/lib/postgresql, root installs Debian's package.
# Diagnostics go to stderr; stdout carries the URL only.
set -euo pipefail

say() { echo "start-postgres: $*" >&2; }

find_bin() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
        return 0
    fi
    return 1
}

BIN=$(find_bin || true)
if [ -z "$BIN" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        say "initdb/pg_ctl not found and not root: install PostgreSQL first"
        exit 1
    fi
    say "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN=$(find_bin) || { say "PostgreSQL binaries still not found"; exit 1; }
fi

DIR=${1:-}
if [ -z "$DIR" ]; then
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/trd-cds-pg.XXXXXX")
else
    mkdir -p "$DIR"
    if [ -e "$DIR/work" ]; then
        say "$DIR already holds a cluster; give a new or empty directory"
        exit 1
    fi
fi
DIR=$(cd "$DIR" && pwd)

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# The cluster's files live in WORK: DIR itself, or (as root) a directory under /tmp that the
# unprivileged user can reach even when DIR's parents are root-only (pytest's tmp_path is).
run_as=()
WORK=$DIR
if [ "$(id -u)" -eq 0 ]; then
    user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    WORK=$(mktemp -d /tmp/trd-cds-pgdata.XXXXXX)
    chown "$user" "$WORK"
    chmod 700 "$WORK"
    run_as=(runuser -u "$user" --)
    echo "$user" >"$DIR/user"
fi
echo "$WORK" >"$DIR/work"

"${run_as[@]}" "$BIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$DIR/initdb.log" 2>&1 \
    || { say "initdb failed:"; cat "$DIR/initdb.log" >&2; exit 1; }
"${run_as[@]}" "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off -c full_page_writes=off -c max_connections=100" \
    start >&2 || { say "pg_ctl start failed:"; cat "$WORK/postgres.log" >&2; exit 1; }

URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
echo "$BIN" >"$DIR/bin"
echo "$URL" >"$DIR/url"
say "PostgreSQL on 127.0.0.1:$PORT (files in $WORK); stop with: scripts/stop-postgres.sh $DIR"
echo "$URL"
