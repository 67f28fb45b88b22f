"""
The runtimes edx-platform gives the bundle's blocks, imitated for tests: the LMS's (courseware),
Studio's handler runtime (``component_handler``) and Studio's preview runtime. Each service and
each call is copied from the upstream file named beside it (openedx/openedx-platform, master);
what cannot be installed here (the modulestore, course roles) is replaced by the smallest stand-in
that answers the same question, and says so.

Blocks live in a ``Course``: opaque keys as the modulestore's (``block-v1:...``), field data in
memory shared by every runtime of the course, and the plugin's tables in the test database.
"""

from __future__ import annotations

import copy
import gettext
import json
from dataclasses import dataclass, field
from importlib import resources

from django.utils import translation
from lxml import etree
from opaque_keys.edx.keys import CourseKey
from opaque_keys.edx.locator import BlockUsageLocator, CourseLocator
from webob import Request
from xblock.fields import Scope, ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import DictKeyValueStore, IdGenerator, IdReader, KvsFieldData, Runtime

COURSE_KEY = CourseLocator("NSS", "SkillsLabs", "2027")


# --- services ---------------------------------------------------------------------------------


class PlatformUserService(UserService):
    """
    common/djangoapps/xblock_django/user_service.py, ``DjangoXBlockUserService``: the same keyword
    arguments and defaults (``user_role='student'``, the flags False, the ids None), and the same
    ``opt_attrs`` keys (common/djangoapps/xblock_django/constants.py) from
    ``_convert_django_user_to_xblock_user``. User preferences come from ``preferences`` here.
    """

    def __init__(self, django_user, preferences: dict | None = None, **kwargs):
        super().__init__()
        self._django_user = django_user
        self._user_is_beta_tester = kwargs.get("user_is_beta_tester", False)
        self._user_is_global_staff = kwargs.get("user_is_global_staff", False)
        self._user_is_staff = kwargs.get("user_is_staff", False)
        self._user_role = kwargs.get("user_role", "student")
        self._anonymous_user_id = kwargs.get("anonymous_user_id", None)
        self._deprecated_anonymous_user_id = kwargs.get("deprecated_anonymous_user_id", None)
        self._request_country_code = kwargs.get("request_country_code", None)
        self._preferences = preferences or {}

    def get_current_user(self) -> XBlockUser:
        user = XBlockUser(is_current_user=True)
        django_user = self._django_user
        if django_user is not None and django_user.is_authenticated:
            user.full_name = None
            user.emails = [django_user.email]
            user.opt_attrs.update({
                "edx-platform.anonymous_user_id": self._anonymous_user_id,
                "edx-platform.deprecated_anonymous_user_id": self._deprecated_anonymous_user_id,
                "edx-platform.is_authenticated": True,
                "edx-platform.request_country_code": self._request_country_code,
                "edx-platform.user_id": django_user.id,
                "edx-platform.username": django_user.username,
                "edx-platform.user_is_beta_tester": self._user_is_beta_tester,
                "edx-platform.user_is_global_staff": self._user_is_global_staff,
                "edx-platform.user_is_staff": self._user_is_staff,
                "edx-platform.user_role": self._user_role,
                "edx-platform.user_preferences": {k: v for k, v in self._preferences.items()
                                                  if k in ("pref-lang", "time_zone")},
            })
        else:
            user.opt_attrs["edx-platform.is_authenticated"] = False
            user.opt_attrs["edx-platform.request_country_code"] = self._request_country_code
        return user

    def get_anonymous_user_id(self, username, course_id):
        return self._anonymous_user_id if self._user_is_staff else None

    def get_user_by_anonymous_id(self, uid=None):
        """``user_by_anonymous_id(uid or self._anonymous_user_id)``: without ``uid``, the current learner."""
        assert uid in (None, self._anonymous_user_id), "only the current learner's id is known here"
        return self._django_user


@dataclass
class StudioPermissions:
    """
    openedx/core/djangoapps/content/services.py, ``StudioPermissionsService``: ``can_write(course_key)``
    is ``has_studio_write_access(user, course_key)`` (common/djangoapps/student/auth.py), which needs
    the platform's course roles; here the course's authors are a set of usernames.
    """

    user: object
    authors: set[str]
    asked: list = field(default_factory=list)

    def can_read(self, course_key) -> bool:
        return self.can_write(course_key)

    def can_write(self, course_key) -> bool:
        assert isinstance(course_key, CourseKey), f"the platform asks with a CourseKey, not {course_key!r}"
        self.asked.append(course_key)
        return course_key == COURSE_KEY and self.user.username in self.authors


class PlatformI18nService:
    """
    xmodule/modulestore/django.py, ``XBlockI18nService(block)``: the block's own catalogue,
    ``<package>/translations/<locale>/LC_MESSAGES/text.mo`` (domain ``text``, when no OEP-58
    translations were pulled), for Django's active language; Django's translations otherwise.
    ``ugettext`` is ``gettext`` (XBlock's ScorableXBlockMixin.rescore still asks for it).
    """

    def __init__(self, block=None):
        self.translator = translation
        if block is not None:
            package = getattr(block, "unmixed_class", block.__class__).__module__.split(".")[0]
            with resources.as_file(resources.files(package) / "translations") as locale_dir:
                try:
                    self.translator = gettext.translation(
                        "text", str(locale_dir), [translation.to_locale(translation.get_language() or "en")])
                except OSError:
                    pass

    def __getattr__(self, name):
        name = "gettext" if name == "ugettext" else name
        return getattr(self.translator, name)


@dataclass
class EventPublishing:
    """
    xmodule/services.py, ``EventPublishingService.publish``: a ``grade`` event sends the grades app's
    SCORE_PUBLISHED signal (recorded here as ``scores``); a ``completion`` event goes to the
    completion service (the real edx-completion) when completion tracking is on; other events go
    to the tracking log only (``tracked``).
    """

    user: object
    scores: list = field(default_factory=list)
    tracked: list = field(default_factory=list)

    def publish(self, block, event_type, event):
        completion_service = block.runtime.service(block, "completion")  # LmsBlockMixin wants it
        if event_type == "grade":
            if not self.user.is_anonymous:
                self.scores.append({"block": block.scope_ids.usage_id, "raw_earned": event["value"],
                                    "raw_possible": event["max_value"],
                                    "only_if_higher": event.get("only_if_higher")})
        elif event_type == "completion" and completion_service and completion_service.completion_tracking_enabled():
            completion_service.submit_completion(block.scope_ids.usage_id, event["completion"])
        else:
            self.tracked.append((event_type, event))


# --- the course and its runtimes -----------------------------------------------------------


class OpaqueIds(IdReader, IdGenerator):
    """Usage and definition ids as the modulestore's ``BlockUsageLocator`` (one id for both)."""

    def __init__(self, course_key: CourseKey):
        self.course_key = course_key
        self.count = 0

    def create_definition(self, block_type, slug=None):
        self.count += 1
        return BlockUsageLocator(self.course_key, block_type, slug or f"{block_type}{self.count}")

    def create_usage(self, def_id):
        return def_id

    def get_definition_id(self, usage_id):
        return usage_id

    def get_block_type(self, def_id):
        return def_id.block_type

    def create_aside(self, definition_id, usage_id, aside_type):
        raise NotImplementedError

    def get_aside_type_from_definition(self, aside_id):
        raise NotImplementedError

    def get_aside_type_from_usage(self, aside_id):
        raise NotImplementedError

    def get_usage_id_from_aside(self, aside_id):
        raise NotImplementedError

    def get_definition_id_from_aside(self, aside_id):
        raise NotImplementedError


class PlatformRuntime(Runtime):
    """
    The parts of xmodule/x_module.py's ``ModuleStoreRuntime`` a block meets: services (a callable one
    is called with the block, as ``XBlockI18nService`` is), ``publish`` through the ``publish``
    service, and the LMS's handler and resource URLs.
    """

    def __init__(self, course: Course, services: dict, mixins=(), user_id=None, author_mode=False,
                 kvs: DictKeyValueStore | None = None):
        self.course = course
        self.kvs = kvs if kvs is not None else course.kvs
        super().__init__(course.ids, course.ids, mixins=mixins,
                         services={"field-data": KvsFieldData(self.kvs), **services})
        self.user_id = user_id
        self.is_author_mode = author_mode

    def service(self, block, service_name):
        service = super().service(block, service_name)
        return service(block) if callable(service) else service

    def publish(self, block, event_type, event_data):
        if publish := self._services.get("publish"):
            publish.publish(block, event_type, event_data)

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        # lms/djangoapps/courseware/block_render.py: /courses/<course>/xblock/<usage>/handler/<name>/<suffix>
        url = f"/courses/{self.course.key}/xblock/{block.scope_ids.usage_id}/handler/{handler_name}"
        return url + (f"/{suffix}" if suffix else "") + (f"?{query}" if query else "")

    def resource_url(self, resource):
        return f"/static/{resource}"

    def local_resource_url(self, block, uri):
        # openedx/core/lib/xblock_utils: staticfiles_storage.url('xblock/resources/{package}/{path}')
        xblock_class = getattr(block.__class__, "unmixed_class", block.__class__)
        return f"/static/xblock/resources/{xblock_class.__module__.rsplit('.', 1)[0]}/{uri}"

    def load(self, usage_id, user_id=None):
        """The block at ``usage_id``, bound to ``user_id`` (the LMS's ``bind_for_student``)."""
        keys = ScopeIds(user_id, usage_id.block_type, usage_id, usage_id)
        return self.construct_xblock_from_class(self.load_block_type(usage_id.block_type), keys)


class Course:
    """One course: its blocks' field data (every runtime's view of it) and its keys."""

    def __init__(self, key: CourseKey = COURSE_KEY):
        self.key = key
        self.ids = OpaqueIds(key)
        self.kvs = DictKeyValueStore()

    def import_olx(self, olx: str, mixins=()):
        """
        Import one block, as xmodule/modulestore/xml.py ``xblock_from_node`` does::

            block_class = self.mixologist.mix(self.load_block_type(block_type))
            block = block_class.parse_xml(node, self, keys)
            ...
            block.save()
        """
        runtime = PlatformRuntime(self, {}, mixins=mixins)
        node = etree.fromstring(olx.encode("utf-8"))
        node.attrib.pop("xblock-family", None)
        def_id = self.ids.create_definition(node.tag, node.get("url_name"))
        keys = ScopeIds(None, node.tag, def_id, self.ids.create_usage(def_id))
        block_class = runtime.mixologist.mix(runtime.load_block_type(node.tag))
        block = block_class.parse_xml(node, runtime, keys)
        block.save()
        return block.scope_ids.usage_id

    def export_olx(self, usage_id, mixins=()) -> etree._Element:
        """
        openedx/core/lib/xblock_serializer/block_serializer.py ``_serialize_normal_block`` (copy to the
        clipboard) and xmodule/modulestore/xml_exporter.py (course export)::

            olx_node = etree.Element("root")  # The node name doesn't matter: add_xml_to_node will change it
            block.add_xml_to_node(olx_node)
        """
        block = PlatformRuntime(self, {}, mixins=mixins).load(usage_id)
        node = etree.Element("root")
        block.add_xml_to_node(node)
        return node

    def settings_of(self, usage_id) -> dict:
        """Every settings and content field stored for the block (what the modulestore would keep)."""
        return {key.field_name: value for key, value in self.kvs.db_dict.items()
                if key.block_scope_id == usage_id and key.scope in (Scope.settings, Scope.content)}

    def student_state(self, usage_id, user_id=None) -> dict:
        """A learner's state of the block (``user_id`` None: every learner's)."""
        return {key.field_name: value for key, value in self.kvs.db_dict.items()
                if key.block_scope_id == usage_id and key.scope == Scope.user_state
                and user_id in (None, key.user_id)}


def lms_runtime(course: Course, user, *, role: str = "student", staff: bool = False, language: str = "en",
                completion=None, teams=None) -> PlatformRuntime:
    """
    The LMS's runtime: lms/djangoapps/courseware/block_render.py, ``prepare_runtime_for_user``: the
    services a block can ask for, built for ``user`` (``user_role=get_user_role(user, course_id)``,
    ``user_is_staff=has_access(user, 'staff', course_id)``), with the LMS's XBLOCK_MIXINS. The LMS
    activates the learner's language (``language``) for the request: use ``translation.override``.
    """
    from .mixins import LMS_MIXINS  # noqa: PLC0415

    services = {
        "user": PlatformUserService(user, user_is_staff=staff, user_is_global_staff=bool(user.is_staff),
                                    user_role=role, anonymous_user_id=f"anon-{user.id}",
                                    deprecated_anonymous_user_id=f"anon-{user.id}",
                                    preferences={"pref-lang": language}),
        "completion": completion,
        "i18n": PlatformI18nService,
        "settings": None,
        "teams": teams,
        "publish": EventPublishing(user),
    }
    return PlatformRuntime(course, services, mixins=LMS_MIXINS, user_id=user.id)


def studio_handler_runtime(course: Course, user, authors: set[str]) -> PlatformRuntime:
    """
    cms/djangoapps/contentstore/views/component.py ``component_handler``: the block from
    ``modulestore().get_item`` (a draft copy of the course's field data here), then
    cms/djangoapps/contentstore/utils.py ``load_services_for_studio(runtime, user)``::

        "user": DjangoXBlockUserService(user),
        "studio_user_permissions": StudioPermissionsService(user),
        ...
    """
    from .mixins import CMS_MIXINS  # noqa: PLC0415

    services = {"user": PlatformUserService(user), "studio_user_permissions": StudioPermissions(user, authors),
                "i18n": PlatformI18nService, "settings": None}
    return PlatformRuntime(course, services, mixins=CMS_MIXINS, kvs=copy.deepcopy(course.kvs))


def studio_preview_runtime(course: Course, user, authors: set[str]) -> PlatformRuntime:
    """
    cms/djangoapps/contentstore/views/preview.py ``_prepare_runtime_for_preview``: the author's user
    service with ``user_role=get_user_role(...)`` ('instructor' or 'staff'), ``is_author_mode = True``;
    the learner state lives in the author's session (``SessionKeyValueStore``), here a copy.
    """
    from .mixins import CMS_MIXINS  # noqa: PLC0415

    services = {
        "studio_user_permissions": StudioPermissions(user, authors),
        "i18n": PlatformI18nService,
        "settings": None,
        "user": PlatformUserService(user, user_role="staff", anonymous_user_id="student",
                                    deprecated_anonymous_user_id="student"),
        "publish": EventPublishing(user),
    }
    session = DictKeyValueStore({key: copy.deepcopy(value) for key, value in course.kvs.db_dict.items()
                                 if key.user_id is None})  # the author's session: no learner state yet
    return PlatformRuntime(course, services, mixins=CMS_MIXINS, user_id=user.id, author_mode=True, kvs=session)


def call_handler(runtime: PlatformRuntime, block, handler: str, body, suffix: str = ""):
    """
    ``block.handle(handler, req, suffix)`` with ``req = django_to_webob_request(request)``, as
    ``component_handler``, ``preview_handler`` and the LMS's ``_invoke_xblock_handler`` call it.
    Returns (status, JSON body or text).
    """
    request = Request.blank("/", method="POST", body=json.dumps(body).encode("utf-8"),
                            content_type="application/json")
    response = block.handle(handler, request, suffix)
    try:
        return response.status_code, json.loads(response.body)
    except ValueError:
        return response.status_code, response.text


def component_handler(course: Course, user, authors: set[str], usage_id, handler: str, body):
    """
    cms/djangoapps/contentstore/views/component.py ``component_handler``::

        load_services_for_studio(handler_block.runtime, request.user)
        resp = handler_block.handle(handler, req, suffix)
        ...
        if has_course_author_access(request.user, usage_key.course_key):
            modulestore().update_item(block, request.user.id, asides=asides)

    Returns (status, body); the course keeps the block's changes only for its authors.
    """
    runtime = studio_handler_runtime(course, user, authors)
    block = runtime.load(usage_id)
    result = call_handler(runtime, block, handler, body)
    if user.username in authors:  # has_course_author_access
        course.kvs.db_dict.update(runtime.kvs.db_dict)
    return result

