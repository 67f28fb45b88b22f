"""
The demo's middleware: the language switch (``?lang=el`` or ``?lang=en`` on any page, remembered in
a cookie), handler calls one at a time (the workbench's state store has no unique index), and what
the LMS would do around the plugin: a workbench student signed in as a Django user on the plugin's
pages, and enrolled (an openedx-events signal) when they first open a scenario.
"""

import re
import threading
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from edx_django_utils.plugins.constants import PluginSignals
from openedx_events.learning import signals
from openedx_events.learning.data import CourseData, CourseEnrollmentData, UserData, UserPersonalData
from workbench.scenarios import get_scenarios

from etwinning_plugin.models import EnrollmentFact


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


_STUDENT_ID = re.compile(r"^[\w.@+-]{1,150}$")


def workbench_student_signs_in(get_response):
    """
    The plugin's pages (``/etwinning/...``) know Django users, the workbench knows ``?student=<id>``:
    on those pages, ``?student=<id>`` signs the browser in as the Django user of that name, made on
    first use (staff for ids starting with ``staff``, as the blocks' staff views in the demo), and the
    session keeps it for the page's links. Only the demo does this; the LMS has its own sign-in.
    """
    def middleware(request):
        student = request.GET.get("student", "")
        if request.path.startswith("/etwinning/") and _STUDENT_ID.match(student):
            user = User.objects.filter(username=student).first()
            if user is None:
                user = User(username=student, is_staff=student.startswith("staff"))
                user.set_unusable_password()
                user.save()
            if request.user.pk != user.pk:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return get_response(request)

    return middleware


_SCENARIO_PAGE = re.compile(r"^/(?:scenario|view)/(?P<scenario>[^/]+)/(?:student_view/)?$")


def workbench_student_enrols(get_response):
    """
    The LMS tells the plugin of an enrolment with openedx-events' COURSE_ENROLLMENT_CREATED; the
    workbench has no enrolments. So, as the LMS would, a workbench student opening a scenario (a
    course, in the workbench) for the first time is enrolled in it: the signal is sent through
    ``send_event``, the plugin's receiver records it, and the figures count the student (enrolled,
    and active once they work). The student id is the user id, as the blocks see it in the workbench.
    """
    connect_the_plugins_receivers()

    def middleware(request):
        response = get_response(request)
        match = _SCENARIO_PAGE.match(request.path)
        if request.method == "GET" and response.status_code == 200 and match:
            scenario = get_scenarios().get(match.group("scenario"))
            if scenario is not None:
                enrol(str(scenario.usage_id).split(".", 1)[0], request.GET.get("student", "student_1"))
        return response

    return middleware


def connect_the_plugins_receivers() -> None:
    """
    What the LMS does at start-up for the plugin (edx-django-utils' ``connect_plugin_receivers`` over
    ``plugin_app``'s signals config), for this one app: the workbench runs no plugin discovery.
    """
    config = apps.get_app_config("etwinning_plugin").plugin_app[PluginSignals.CONFIG]["lms.djangoapp"]
    module = import_module(f"etwinning_plugin.{config[PluginSignals.RELATIVE_PATH]}")
    for receiver in config[PluginSignals.RECEIVERS]:
        function = getattr(module, receiver[PluginSignals.RECEIVER_FUNC_NAME])
        import_string(receiver[PluginSignals.SIGNAL_PATH]).connect(function,
                                                                   dispatch_uid=receiver[PluginSignals.DISPATCH_UID])


def enrol(course_key: str, student: str) -> None:
    """
    COURSE_ENROLLMENT_CREATED for a workbench student and scenario not enrolled yet. (With the demo's
    worker, a page opened again before the worker recorded the first event sends it again: the
    plugin records the same enrolment once, as it does for an event the platform sends twice.)
    """
    if EnrollmentFact.objects.filter(course_key=course_key, user_id=student).exists():
        return
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=CourseEnrollmentData(
        # The workbench's ids are text ("anna", "staff"); the LMS's are numbers. The plugin keeps
        # either as text, as the blocks give it (skillslab_xblock.support.base.current_user_id).
        user=UserData(id=student, is_active=True,
                      pii=UserPersonalData(username=student, email=f"{student}@demo.invalid", name=student)),
        course=CourseData(course_key=course_key, display_name=course_key), mode="audit", is_active=True,
        creation_date=timezone.now()))
