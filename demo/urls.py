"""The workbench's URLs plus the plugin's, mounted where the LMS mounts them."""

from django.urls import include, re_path
from workbench.urls import urlpatterns as workbench_urlpatterns

urlpatterns = [
    re_path(r"^etwinning/", include("etwinning_plugin.urls", namespace="etwinning")),
    re_path(r"^nss/", include("reference_receiver.urls")),  # the reference NSS receiver (demo and tests)
    *workbench_urlpatterns,
]
