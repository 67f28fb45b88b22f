"""
The Celery application of the tests' worker processes. In Open edX the platform has its own (the
LMS's), which finds the plugin's ``shared_task`` the same way: by importing ``etwinning_plugin.tasks``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings_mariadb")

import django  # noqa: E402

django.setup()

app = Celery("skillslab-tests")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, task_reject_on_worker_lost=True,
                broker_connection_retry_on_startup=True)
app.autodiscover_tasks(["etwinning_plugin"])
