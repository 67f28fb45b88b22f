"""The language a teacher's notifications are written in, and where the partner block is."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("etwinning_plugin", "0005_revision_previous")]

    operations = [
        migrations.AddField(model_name="partnershipcard", name="language",
                            field=models.CharField(blank=True, max_length=8)),
        migrations.AddField(model_name="partnershipcard", name="partner_block",
                            field=models.CharField(blank=True, max_length=255)),
    ]
