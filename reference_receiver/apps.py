from django.apps import AppConfig


class ReferenceReceiverConfig(AppConfig):
    name = "reference_receiver"
    verbose_name = "NSS reference receiver"
    default_auto_field = "django.db.models.BigAutoField"
