"""Read-only HTTP views of the plugin."""

from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from skillslab_xblock.domain.taxonomy import default_taxonomy
from skillslab_xblock.support.i18n import normalise_language


@require_GET
def taxonomy(request):
    """The Skills Labs taxonomy (cycles, sub-themes, skills, school levels) in ``?lang=`` or the request's language."""
    language = normalise_language(request.GET.get("lang") or translation.get_language())
    response = JsonResponse({"language": language, **default_taxonomy().as_dict(language)},
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response
