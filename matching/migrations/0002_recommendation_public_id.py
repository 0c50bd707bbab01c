import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    recommendation_model = apps.get_model("matching", "ProgrammeRecommendation")
    for recommendation in recommendation_model.objects.filter(public_id__isnull=True):
        recommendation.public_id = uuid.uuid4()
        recommendation.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="programmerecommendation", name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="programmerecommendation", name="public_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
