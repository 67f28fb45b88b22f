"""Who a submission was made for: the partnership's members at that moment."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("etwinning_plugin", "0006_card_language")]

    operations = [
        migrations.AddField(model_name="shareddocument", name="submitted_members",
                            field=models.JSONField(default=list)),
    ]
