"""The workbench's URLs plus the plugin's, mounted where the LMS mounts them, and the demo's front page."""

from django.urls import include, re_path
from workbench.urls import urlpatterns as workbench_urlpatterns

from demo import (
    celery_app,  # noqa: F401 - makes the demo's Celery app the one tasks are sent with
    views,
)

urlpatterns = [
    re_path(r"^$", views.index, name="demo-index"),  # the workbench's index, with the demo courses' figures
    re_path(r"^etwinning/", include("etwinning_plugin.urls", namespace="etwinning")),
    re_path(r"^nss/", include("reference_receiver.urls")),  # the reference NSS receiver (demo and tests)
    *workbench_urlpatterns,  # with /admin/: the outbox and received events, as operators see them in the LMS
]
