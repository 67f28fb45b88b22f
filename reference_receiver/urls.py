from django.urls import path

from . import views

urlpatterns = [
    path("records/", views.receive, name="nss-receive"),
    path("", views.arrivals, name="nss-arrivals"),
    path("health/", views.health, name="nss-health"),
]
