"""Outbox rows get a stable Message-ID (given once, sent by every attempt) and a retry time
(backoff after a failure): ``outbox.models.OutboxRow``. Rows already written get their id here,
one each (a column default would give them all the same)."""

from django.db import migrations, models

import outbox.ids


def give_message_ids(apps, schema_editor):
    notification_model = apps.get_model("bookings", "Notification")
    rows = list(notification_model.objects.only("pk"))
    for row in rows:
        row.message_id = outbox.ids.message_id_new()
    notification_model.objects.bulk_update(rows, ["message_id"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("bookings", "0009_calendar_feed_help_emails"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="message_id",
            field=models.CharField(editable=False, max_length=255, null=True,
                                   verbose_name="Message-ID"),
        ),
        migrations.RunPython(give_message_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notification",
            name="message_id",
            field=models.CharField(default=outbox.ids.message_id_new, editable=False,
                                   max_length=255, unique=True, verbose_name="Message-ID"),
        ),
        migrations.AddField(
            model_name="notification",
            name="next_attempt_at",
            field=models.DateTimeField(
                blank=True, help_text="Après un échec : quand le prochain essai aura lieu.",
                null=True, verbose_name="prochain essai"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="created_at",
            field=models.DateTimeField(verbose_name="créé le"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="obsolete_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="abandonné le"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="envoyé le"),
        ),
    ]
