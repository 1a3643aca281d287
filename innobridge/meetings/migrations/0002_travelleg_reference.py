"""Travel-leg addresses use a random reference instead of the row id (see pipeline 0002)."""

import secrets

from django.db import migrations, models

import innobridge.meetings.models


def fill(apps, schema_editor):
    TravelLeg = apps.get_model("meetings", "TravelLeg")
    for pk in TravelLeg.objects.filter(reference__isnull=True).values_list("pk", flat=True).iterator():
        TravelLeg.objects.filter(pk=pk).update(reference=f"leg-{secrets.token_hex(5)}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="travelleg",
            name="reference",
            field=models.SlugField(max_length=20, null=True, db_index=False, editable=False, verbose_name="reference"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="travelleg",
            name="reference",
            field=models.SlugField(
                default=innobridge.meetings.models.new_leg_reference,
                editable=False,
                max_length=20,
                unique=True,
                verbose_name="reference",
            ),
        ),
    ]
