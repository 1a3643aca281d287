# Membership, moved here from the accounts app (see accounts 0005): the table accounts_membership and
# its rows stay; the model's state and its content type move, so admin history and permissions follow.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='directory', model='membership').exists():
        ContentType.objects.filter(app_label='accounts', model='membership').update(app_label='directory')


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='accounts', model='membership').exists():
        ContentType.objects.filter(app_label='directory', model='membership').update(app_label='accounts')


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0005_merge_0003_name_keys_0004_pending_alias'),
        ('accounts', '0005_move_membership_to_directory'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='membership', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='directory.organisation', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'membership',
                        'verbose_name_plural': 'memberships',
                        'db_table': 'accounts_membership',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
