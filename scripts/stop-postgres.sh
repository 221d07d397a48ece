#!/usr/bin/env bash
# Stop a cluster started by scripts/start-postgres.sh DIR and delete its files and DIR.
set -euo pipefail
DIR=${1:?usage: scripts/stop-postgres.sh DIR}
[ -f "$DIR/work" ] || { echo "stop-postgres: no cluster in $DIR" >&2; exit 0; }
WORK=$(cat "$DIR/work")
BIN=$(cat "$DIR/bin" 2>/dev/null || dirname "$(command -v pg_ctl)")
run_as=()
if [ "$(id -u)" -eq 0 ] && [ -f "$DIR/user" ]; then
    run_as=(runuser -u "$(cat "$DIR/user")" --)
fi
if [ -d "$WORK/data" ]; then
    "${run_as[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || "${run_as[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
rm -rf "$WORK" "$DIR"
