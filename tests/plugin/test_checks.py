"""The system checks of the reporting settings, through Django's check framework (``check --tag etwinning``)."""

from django.core import checks


def ids(settings_overrides: dict, settings) -> set[str]:
    for name, value in settings_overrides.items():
        setattr(settings, name, value)
    return {message.id for message in checks.run_checks(tags=["etwinning"])}


def test_the_tests_configuration_is_clean(settings):
    assert ids({}, settings) == set()


def test_reporting_without_url_secrets_or_https_is_reported(settings):
    assert ids({"ETWINNING_REPORTING_ENABLED": True, "ETWINNING_NSS_URL": ""}, settings) == {"etwinning.W001"}
    assert ids({"ETWINNING_NSS_URL": "http://nss.example.gr/records/"}, settings) == {"etwinning.W002"}
    assert ids({"ETWINNING_NSS_URL": "http://127.0.0.1:8000/nss/records/"}, settings) == set()  # the demo's
    assert ids({"ETWINNING_NSS_URL": "https://nss.example.gr/", "ETWINNING_NSS_SECRET": ""}, settings) \
        == {"etwinning.W003"}


def test_numbers_out_of_range_or_of_the_wrong_type_are_errors(settings):
    assert ids({"ETWINNING_BATCH_SIZE": "200"}, settings) == {"etwinning.E003"}
    assert ids({"ETWINNING_BATCH_SIZE": 0}, settings) == {"etwinning.E003"}
    assert ids({"ETWINNING_BATCH_SIZE": 200, "ETWINNING_READ_TIMEOUT": True}, settings) == {"etwinning.E003"}
