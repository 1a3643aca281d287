"""Milestone addresses use a random reference instead of the row id.

Three steps so that existing rows each get their own value: add the column empty, fill it row by
row, then make it required and unique.
"""

import secrets

from django.db import migrations, models

import innobridge.pipeline.models


def fill(apps, schema_editor):
    Milestone = apps.get_model("pipeline", "Milestone")
    for pk in Milestone.objects.filter(reference__isnull=True).values_list("pk", flat=True).iterator():
        Milestone.objects.filter(pk=pk).update(reference=f"ms-{secrets.token_hex(5)}")


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="reference",
            field=models.SlugField(max_length=20, null=True, db_index=False, editable=False, verbose_name="reference"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="milestone",
            name="reference",
            field=models.SlugField(
                default=innobridge.pipeline.models.new_milestone_reference,
                editable=False,
                max_length=20,
                unique=True,
                verbose_name="reference",
            ),
        ),
    ]
