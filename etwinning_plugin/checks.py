"""
Django system checks of the reporting settings (``manage.py lms check --tag etwinning``): a
misconfiguration is said once at start-up, in words an operator acts on, rather than found later as
records that never leave the outbox.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register  # noqa: A004 - Django's name

TAG = "etwinning"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _number(name: str, low: float, high: float) -> list:
    value = getattr(settings, name, None)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        return [Error(f"{name} is {value!r}; it must be a number from {low:g} to {high:g}.",
                      hint="Set it in Tutor: tutor config save --set " + name + "=...", id="etwinning.E003")]
    return []


@register(TAG, Tags.compatibility)
def check_reporting_settings(app_configs=None, **kwargs) -> list:
    problems = []
    problems += _number("ETWINNING_BATCH_SIZE", 1, 5000)
    problems += _number("ETWINNING_CONNECT_TIMEOUT", 0.1, 120)
    problems += _number("ETWINNING_READ_TIMEOUT", 0.1, 600)
    if not settings.ETWINNING_REPORTING_ENABLED:
        return problems
    url = settings.ETWINNING_NSS_URL or ""
    if not url:
        problems.append(Warning("Reporting to the NSS is enabled but ETWINNING_NSS_URL is empty: records wait in "
                                "the outbox.", id="etwinning.W001"))
    else:
        parsed = urlparse(url)
        if parsed.scheme != "https" and parsed.hostname not in LOOPBACK:
            problems.append(Warning(f"ETWINNING_NSS_URL ({parsed.scheme}://{parsed.hostname}) is not HTTPS: the "
                                    "records and their signatures would cross the network in clear.",
                                    id="etwinning.W002"))
    missing = [name for name in ("ETWINNING_NSS_SECRET", "ETWINNING_PSEUDONYM_KEY")
               if not getattr(settings, name, "")]
    if missing:
        # A warning, not an error: errors stop `migrate` in Tutor's init, and the site itself works
        # (facts and figures are kept); only the records wait for the secrets.
        problems.append(Warning(f"Reporting to the NSS is enabled but {' and '.join(missing)} "
                              f"{'is' if len(missing) == 1 else 'are'} empty: no record can be signed or "
                              "pseudonymised, so none is queued.",
                              hint="With Tutor the plugin generates both at `tutor config save`.",
                              id="etwinning.W003"))
    return problems
