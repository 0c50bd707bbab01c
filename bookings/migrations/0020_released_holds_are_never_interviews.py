"""A hold released before its code was typed is not an interview (tester t9a #1).

The services gave such a hold a cancelled status (« Annuler la réservation » of an advisor, an
absence, a withdrawn availability, the coordination, an account deletion), so the statistics
counted it as a booked interview cancelled by the structure or the young person. From now on
a released hold is ``expired`` (``services._cancel_locked``), and the database ties every
status to ``confirmed_at``: set exactly when the status is not ``pending`` nor ``expired``.

Rows stored before: a cancelled appointment without ``confirmed_at`` whose history shows a
confirmation (a status only a confirmation reaches) gets the first such moment as
``confirmed_at``; every other one was never confirmed and becomes ``expired`` (its
``cancelled_at`` and ``cancel_reason`` kept: they say who released it and when).
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery

CANCELLED = ("cancelled_by_youth", "cancelled_by_structure")
CONFIRMED = ("confirmed", "done", "no_show", "late_cancelled")


def release_unconfirmed_cancellations(apps, schema_editor):
    Appointment = apps.get_model("bookings", "Appointment")
    History = apps.get_model("bookings", "HistoricalAppointment")
    unproven = Appointment.objects.filter(status__in=CANCELLED, confirmed_at__isnull=True)
    confirmations = History.objects.filter(id=OuterRef("pk"), status__in=CONFIRMED)
    unproven.filter(Exists(confirmations)).update(confirmed_at=Subquery(
        confirmations.order_by("history_date").values("history_date")[:1]))
    unproven.update(status="expired", hold_client_ip=None)


class Migration(migrations.Migration):

    dependencies = [
        ('advisors', '0004_alter_historicalstructure_phone_and_more'),
        ('bookings', '0019_interview_selection'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='appointment',
            name='appointment_confirmed_at_matches_status',
        ),
        migrations.RunPython(release_unconfirmed_cancellations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='appointment',
            name='status',
            field=models.CharField(choices=[('pending', 'En attente de confirmation'), ('confirmed', 'Confirmé'), ('expired', 'Non confirmé (réservation libérée)'), ('cancelled_by_youth', 'Annulé par le ou la jeune'), ('cancelled_by_structure', 'Annulé par la structure'), ('done', 'Entretien réalisé'), ('no_show', 'Absence du ou de la jeune'), ('late_cancelled', 'Annulé au dernier moment par le ou la jeune')], default='pending', max_length=25, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='attendancerecord',
            name='previous_status',
            field=models.CharField(choices=[('pending', 'En attente de confirmation'), ('confirmed', 'Confirmé'), ('expired', 'Non confirmé (réservation libérée)'), ('cancelled_by_youth', 'Annulé par le ou la jeune'), ('cancelled_by_structure', 'Annulé par la structure'), ('done', 'Entretien réalisé'), ('no_show', 'Absence du ou de la jeune'), ('late_cancelled', 'Annulé au dernier moment par le ou la jeune')], max_length=25, verbose_name='statut précédent'),
        ),
        migrations.AlterField(
            model_name='attendancerecord',
            name='status',
            field=models.CharField(choices=[('pending', 'En attente de confirmation'), ('confirmed', 'Confirmé'), ('expired', 'Non confirmé (réservation libérée)'), ('cancelled_by_youth', 'Annulé par le ou la jeune'), ('cancelled_by_structure', 'Annulé par la structure'), ('done', 'Entretien réalisé'), ('no_show', 'Absence du ou de la jeune'), ('late_cancelled', 'Annulé au dernier moment par le ou la jeune')], max_length=25, verbose_name='résultat'),
        ),
        migrations.AlterField(
            model_name='historicalappointment',
            name='status',
            field=models.CharField(choices=[('pending', 'En attente de confirmation'), ('confirmed', 'Confirmé'), ('expired', 'Non confirmé (réservation libérée)'), ('cancelled_by_youth', 'Annulé par le ou la jeune'), ('cancelled_by_structure', 'Annulé par la structure'), ('done', 'Entretien réalisé'), ('no_show', 'Absence du ou de la jeune'), ('late_cancelled', 'Annulé au dernier moment par le ou la jeune')], default='pending', max_length=25, verbose_name='statut'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('confirmed_at__isnull', True), ('status__in', ('pending', 'expired'))), models.Q(('confirmed_at__isnull', False), ('status__in', ('confirmed', 'done', 'no_show', 'late_cancelled', 'cancelled_by_youth', 'cancelled_by_structure'))), _connector='OR'), name='appointment_confirmed_at_matches_status'),
        ),
    ]
