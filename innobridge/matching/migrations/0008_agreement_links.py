# The links between agreements and the offers and needs they came from, declared here from now on
# (see programmes 0006): same tables (programmes_agreement_offers / _needs), same columns, same rows.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0007_batch_suggestion'),
        ('programmes', '0006_move_offer_and_need_links_to_matching'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='technologyoffer',
                    name='agreements',
                    field=models.ManyToManyField(blank=True, db_table='programmes_agreement_offers', related_name='offers', to='programmes.agreement', verbose_name='agreements'),
                ),
                migrations.AddField(
                    model_name='technologyneed',
                    name='agreements',
                    field=models.ManyToManyField(blank=True, db_table='programmes_agreement_needs', related_name='needs', to='programmes.agreement', verbose_name='agreements'),
                ),
            ],
            database_operations=[],
        ),
    ]
