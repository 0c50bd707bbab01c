#!/usr/bin/env bash
# Restore a scripts/backup.sh archive into the PostgreSQL database of DATABASE_URL, in one
# transaction (all or nothing). The database must exist; when it already holds tables, pass
# --replace to drop and recreate them from the archive.
# Usage: DATABASE_URL=postgres://user:password@host:5432/name scripts/restore.sh ARCHIVE [--replace]
# Then run `python manage.py migrate` (nothing to do when the code is the same version).
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL=postgres://user:password@host:5432/name}"
archive="${1:?usage: scripts/restore.sh ARCHIVE [--replace]}"
replace="${2:-}"
[ -r "$archive" ] || { echo "!! cannot read $archive" >&2; exit 1; }

tables=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
options=(--no-owner --no-privileges --exit-on-error --single-transaction)
if [ "$tables" -gt 0 ]; then
  if [ "$replace" != "--replace" ]; then
    echo "!! the target database holds $tables tables: pass --replace to overwrite them" >&2
    exit 1
  fi
  options+=(--clean --if-exists)
fi
pg_restore "${options[@]}" --dbname="$DATABASE_URL" "$archive"
echo "restored $archive"
