"""The language a teacher's notifications are written in."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("etwinning_plugin", "0005_revision_previous")]

    operations = [
        migrations.AddField(model_name="partnershipcard", name="language",
                            field=models.CharField(blank=True, max_length=8)),
    ]
