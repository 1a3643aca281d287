# Membership moves to the directory app (issue 21: accounts sits below the directory in the layer
# order and must not name its models). The table stays as it is; only Django's model state moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_password_reset_request'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Membership')],
            database_operations=[],
        ),
    ]
