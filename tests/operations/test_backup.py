"""scripts/backup.sh and scripts/restore.sh: a round trip through a scratch PostgreSQL database,
then the app itself (a separate process) reads the same appointments from the restored one."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from bookings.models import Appointment, AppointmentStatus
from tests.factories import AppointmentFactory

ROOT = Path(settings.BASE_DIR)
READ_APPOINTMENTS = (
    "import json; from bookings.models import Appointment as A; "
    "print(json.dumps([[str(a.public_id), a.starts_at.isoformat(), a.status, a.youth.email, "
    "a.advisor.structure.slug] for a in A.objects.order_by('starts_at')]))"
)


def database_url(name: str) -> str:
    db = connection.settings_dict
    return (f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'])}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{name}")


def run(*command: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_give_the_app_the_same_appointments(tmp_path):
    AppointmentFactory.create_batch(3)
    AppointmentFactory(status=AppointmentStatus.CANCELLED_BY_YOUTH)
    expected = [[str(a.public_id), a.starts_at.isoformat(), a.status, a.youth.email,
                 a.advisor.structure.slug] for a in Appointment.objects.order_by("starts_at")]
    source = connection.settings_dict["NAME"]
    scratch = f"{source}_restored"

    backup = run("scripts/backup.sh", str(tmp_path), url=database_url(source))
    assert backup.returncode == 0, backup.stderr
    archive = Path(backup.stdout.strip())
    assert archive.parent == tmp_path and archive.suffix == ".dump" and archive.stat().st_size
    assert not list(tmp_path.glob("*.partial"))

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        restore = run("scripts/restore.sh", str(archive), url=database_url(scratch))
        assert restore.returncode == 0, restore.stderr
        # A second restore over the tables is refused unless asked for.
        again = run("scripts/restore.sh", str(archive), url=database_url(scratch))
        assert again.returncode == 1 and "--replace" in again.stderr
        again = run("scripts/restore.sh", str(archive), "--replace", url=database_url(scratch))
        assert again.returncode == 0, again.stderr
        read = run(sys.executable, "manage.py", "shell", "-c", READ_APPOINTMENTS,
                   url=database_url(scratch))
        assert read.returncode == 0, read.stderr
        assert json.loads(read.stdout.strip().splitlines()[-1]) == expected
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_backups_beyond_the_kept_number_are_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKUP_KEEP", "2")
    for day in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (tmp_path / f"somobilite-{day}.dump").write_bytes(b"old")
    backup = run("scripts/backup.sh", str(tmp_path), url=database_url(
        connection.settings_dict["NAME"]))
    assert backup.returncode == 0, backup.stderr
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["somobilite-20260103T000000Z.dump", Path(backup.stdout.strip()).name]
