#!/usr/bin/env bash
# Back up the PostgreSQL database of DATABASE_URL into one pg_dump archive (custom format:
# compressed, restorable table by table), checked readable, and keep the last BACKUP_KEEP (14).
# Usage: DATABASE_URL=postgres://user:password@host:5432/name scripts/backup.sh [DIRECTORY]
# Prints the path of the archive. Restore with scripts/restore.sh. Needs pg_dump of the
# server's major version (Debian: postgresql-client-15).
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL=postgres://user:password@host:5432/name}"
directory="${1:-backups}"
keep="${BACKUP_KEEP:-14}"
mkdir -p "$directory"
archive="$directory/somobilite-$(date -u +%Y%m%dT%H%M%SZ).dump"

# Written aside, then renamed: a failed or interrupted dump never looks like a backup.
pg_dump --format=custom --no-owner --no-privileges --file="$archive.partial" "$DATABASE_URL"
pg_restore --list "$archive.partial" >/dev/null
mv "$archive.partial" "$archive"

# Oldest first; keep the newest $keep archives.
mapfile -t archives < <(ls -1 "$directory"/somobilite-*.dump 2>/dev/null | sort)
excess=$(( ${#archives[@]} - keep ))
for (( i = 0; i < excess; i++ )); do rm -f -- "${archives[$i]}"; done
echo "$archive"
