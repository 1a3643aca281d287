# Agreement.offers / Agreement.needs move to the matching app as TechnologyOffer.agreements /
# TechnologyNeed.agreements (issue 21: programmes sits below matching and must not name its models).
# The link tables and their rows stay; only Django's model state moves (see matching 0008).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0005_edit_version'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='agreement', name='offers'),
                migrations.RemoveField(model_name='agreement', name='needs'),
            ],
            database_operations=[],
        ),
    ]
