"""Documents stored without a slug (the demo's seed release) had no address: give each one."""

import secrets

from django.db import migrations, models


def fill_slugs(apps, schema_editor):
    SourceDocument = apps.get_model("documents", "SourceDocument")
    for document in SourceDocument.objects.filter(models.Q(slug__isnull=True) | models.Q(slug="")):
        document.slug = f"doc-{secrets.token_hex(5)}"
        document.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_sourcedocument_committed_sourcedocument_encoding_and_more")]

    operations = [
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sourcedocument",
            name="slug",
            field=models.SlugField(editable=False, max_length=40, unique=True, verbose_name="reference"),
        ),
    ]
