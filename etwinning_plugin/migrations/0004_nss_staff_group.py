"""The group whose members read every course's figures (the NSS's staff): operators add people to it."""

from django.db import migrations

NSS_STAFF_GROUP = "etwinning_nss_staff"  # etwinning_plugin.rest_api.permissions.NSS_STAFF_GROUP


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=NSS_STAFF_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("etwinning_plugin", "0003_platform_event_payload"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
