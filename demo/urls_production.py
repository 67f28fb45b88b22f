"""The demo's URLs, plus its collected static files (DEBUG is off: Django's helper would serve none)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from demo.urls import urlpatterns as demo_urlpatterns

urlpatterns = [
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.STATIC_ROOT}),
    *demo_urlpatterns,
]
