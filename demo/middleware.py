"""
The demo's middleware: the language switch (``?lang=el`` or ``?lang=en`` on any page, remembered in
a cookie), and handler calls one at a time (the workbench's state store has no unique index).
"""

import threading

from django.conf import settings
from django.utils import translation


def language_from_query(get_response):
    supported = {code for code, _name in settings.LANGUAGES}

    def middleware(request):
        language = request.GET.get("lang")
        if language not in supported:
            return get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response

    return middleware


_HANDLER_CALLS = threading.Lock()


def one_handler_call_at_a_time(get_response):
    """
    The workbench keeps XBlock state in ``XBlockState`` rows found with ``get_or_create`` and no
    unique index, so two first calls of one learner at once (two tabs polling) make two rows, and
    every later call of that learner fails with MultipleObjectsReturned. The LMS's ``StudentModule``
    has the unique index; the demo (one process) gets the same guarantee by running handler calls
    one at a time. Pages and everything else still run in parallel.
    """
    def middleware(request):
        if not request.path.startswith("/handler/"):
            return get_response(request)
        with _HANDLER_CALLS:
            return get_response(request)

    return middleware
