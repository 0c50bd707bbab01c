"""Accounts named at an unproven hold (tester t-youth 6): each youth account takes the name of
its latest proven booking (``confirmed_at`` set), or none when it has none. From now on
``bookings.services`` names accounts only at confirmation; this repairs the accounts made
before. Anonymised accounts are left as they are (already without a name)."""

from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Appointment = apps.get_model("bookings", "Appointment")
    latest = {}
    for youth_id, first_name, last_name in (
            Appointment.objects.filter(confirmed_at__isnull=False)
            .exclude(first_name="").order_by("youth_id", "confirmed_at", "pk")
            .values_list("youth_id", "first_name", "last_name")):
        latest[youth_id] = (first_name.strip(), last_name.strip())
    for user in User.objects.filter(role="youth", anonymised_at__isnull=True).only(
            "pk", "first_name", "last_name"):
        names = latest.get(user.pk, ("", ""))
        if (user.first_name, user.last_name) != names:
            User.objects.filter(pk=user.pk).update(first_name=names[0], last_name=names[1])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_anonymised_at"),
        ("bookings", "0015_alter_appointment_phone_and_more"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
