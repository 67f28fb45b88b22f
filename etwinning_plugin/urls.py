"""The plugin's URLs, mounted by the platform under ``/etwinning/``."""

from django.urls import path

from . import views

app_name = "etwinning"

urlpatterns = [
    path("api/v1/taxonomy/", views.taxonomy, name="taxonomy"),
]
