"""
The demo's Celery worker, started by ``./dev demo`` next to the web server: it delivers the outbox
to the reference NSS receiver at /nss/, so that records arrive while learners work. The broker is
kombu's filesystem transport under var/ (no server to install); in production the platform's Celery
and its Redis broker do this.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")

import django  # noqa: E402

django.setup()

app = Celery("skillslab-demo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["etwinning_plugin"])
