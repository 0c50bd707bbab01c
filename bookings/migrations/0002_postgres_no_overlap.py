"""PostgreSQL-only guards against overlaps (see bookings/models.py for why they are not in Meta).

On SQLite these operations do nothing; the partial unique index declared in the model
(advisor + start of active appointments) is the fallback there.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs only on PostgreSQL (forwards and backwards)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class EnsureBtreeGist(BtreeGistExtension):
    """Creates btree_gist on PostgreSQL (a no-op elsewhere); never drops it on the way back,
    as other constraints may use it (Django's backwards step also queries pg_extension on
    SQLite)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class Migration(migrations.Migration):

    dependencies = [
        ("bookings", "0001_initial"),
    ]

    operations = [
        EnsureBtreeGist(),
        PostgresOnlySQL(
            sql="""
                ALTER TABLE bookings_appointment ADD CONSTRAINT appointment_no_overlap
                EXCLUDE USING gist (
                    advisor_id WITH =,
                    tstzrange(starts_at, ends_at, '[)') WITH &&
                ) WHERE (status IN ('pending', 'confirmed'))
            """,
            reverse_sql="ALTER TABLE bookings_appointment DROP CONSTRAINT appointment_no_overlap",
        ),
        PostgresOnlySQL(
            sql="""
                ALTER TABLE bookings_oneoffavailability ADD CONSTRAINT one_off_no_overlap
                EXCLUDE USING gist (
                    advisor_id WITH =,
                    tsrange(date + start_time, date + end_time, '[)') WITH &&
                )
            """,
            reverse_sql="ALTER TABLE bookings_oneoffavailability DROP CONSTRAINT one_off_no_overlap",
        ),
        PostgresOnlySQL(
            sql="""
                ALTER TABLE bookings_recurringavailability ADD CONSTRAINT recurring_no_overlap
                EXCLUDE USING gist (
                    advisor_id WITH =,
                    weekday WITH =,
                    tsrange(DATE '2000-01-01' + start_time, DATE '2000-01-01' + end_time, '[)')
                        WITH &&,
                    daterange(valid_from, valid_until, '[]') WITH &&
                )
            """,
            reverse_sql=(
                "ALTER TABLE bookings_recurringavailability DROP CONSTRAINT recurring_no_overlap"
            ),
        ),
    ]
