#!/usr/bin/env bash
# Run one command with a throwaway PostgreSQL: TRD_CDS_TEST_POSTGRES_URL is exported for it, and the
# cluster is stopped and deleted when the command ends (whatever its exit status).
#
#   scripts/with-postgres.sh .venv/bin/pytest -m postgres
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: scripts/with-postgres.sh COMMAND [ARGS...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/trd-cds-pg.XXXXXX")
trap 'bash "$here/stop-postgres.sh" "$DIR"' EXIT
TRD_CDS_TEST_POSTGRES_URL=$(bash "$here/start-postgres.sh" "$DIR")
export TRD_CDS_TEST_POSTGRES_URL
"$@"
