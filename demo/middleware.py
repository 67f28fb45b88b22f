"""The demo's language switch: ``?lang=el`` or ``?lang=en`` on any page, remembered in a cookie."""

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
