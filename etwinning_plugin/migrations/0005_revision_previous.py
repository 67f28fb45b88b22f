"""What each save of a shared document replaced, for the history and restoring."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("etwinning_plugin", "0004_nss_staff_group")]

    operations = [
        migrations.AddField(model_name="documentrevision", name="previous", field=models.JSONField(default=dict)),
    ]
