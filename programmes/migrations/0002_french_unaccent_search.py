"""PostgreSQL full-text search in French with accents ignored: the `unaccent` extension
(trusted since PostgreSQL 13, so the database owner may create it) and a text search
configuration `french_unaccent` = french with unaccent before stemming. Nothing on SQLite."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CREATE = """
CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;"


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
