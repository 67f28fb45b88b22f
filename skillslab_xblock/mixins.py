"""
What every block of the bundle shares: translation in the runtime's language, JSON handlers whose
errors reach the user in their language, the current user from the ``user`` service, and templates.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from django.db import OperationalError
from django.template import Context, Engine
from webob import Response
from xblock.core import XBlock

from etwinning_plugin.api.errors import is_lock_timeout

from .i18n import N_, BlockTranslator, runtime_language

MAX_REQUEST_BYTES = 256 * 1024

_ENGINE = None


@functools.cache
def _package_text(path: str) -> str:
    """A file shipped in the package (CSS, JS), read once per process."""
    return resources.files(__package__).joinpath(path).read_text(encoding="utf-8")


def _template_engine() -> Engine:
    global _ENGINE  # noqa: PLW0603 - one engine per process, built on first use
    if _ENGINE is None:
        _ENGINE = Engine(
            dirs=[str(resources.files(__package__).joinpath("templates"))],
            libraries={"skillslab": "skillslab_xblock.template_tags"},
            autoescape=True,
        )
    return _ENGINE


class RequestRejected(Exception):
    """A handler's answer to bad input: a 4xx status, an N_-marked message and optional field errors."""

    def __init__(self, status: int, message: str, params: dict | None = None, field_errors: dict | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.params = params or {}
        self.field_errors = field_errors or {}
        self.extra = extra or {}  # more for the page, such as both versions of a collision


DATE_TIME_HELP = N_("Enter a date and time such as 2026-05-03T21:00.")


def clean_utc_datetime(block, data: dict, name: str, values: dict, errors: dict) -> None:
    """
    An author's date and time setting (ISO 8601, empty for none) into ``values[name]``, in UTC, or an
    error into ``errors[name]``. XBlock's DateTime field stores "%Y-%m-%dT%H:%M:%S.%f" and drops any
    offset, so the value is turned into UTC first: 00:00+03:00 must stay 21:00 UTC.
    """
    current = getattr(block, name)
    value = data.get(name, current.isoformat() if current else "")
    if value in ("", None):
        values[name] = None
        return
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value.strip())
        # 0001-01-01T00:00+05:00 and 9999-12-31T23:59-05:00 have no UTC time within datetime's range
        values[name] = parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        errors[name] = block.translator.gettext(DATE_TIME_HELP)


def editor_datetime(moment: datetime | None) -> str:
    """
    A setting for an editor's ``datetime-local`` input: in UTC (as it is saved), in the input's own
    machine form whatever the editor's language, with seconds only where the value has them, so that
    saving an editor untouched changes nothing.
    """
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second or moment.microsecond else "%Y-%m-%dT%H:%M")


def editor_number(value: float | int | None) -> str:
    """A number for an ``input type=number``: "1.0", never the Greek "1,0" the input would refuse."""
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else repr(float(value))


def has_passed(moment: datetime | None) -> bool:
    """True once an author's deadline (a UTC datetime, or None for none) is behind us."""
    return bool(moment and datetime.now(UTC) > moment)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A report cell a spreadsheet will not run as a formula: text starting like one gets a leading "'"."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def report_rows(user_states, limit_responses: int | None, row_of: Callable) -> Iterator[tuple[str, dict]]:
    """
    The body of every block's ``generate_report_data``: ``(username, row)`` for each user state
    ``row_of`` makes a row of (None: no row for that learner), at most ``limit_responses`` rows.
    Every cell is ``spreadsheet_safe``: the instructor opens the report in a spreadsheet.
    """
    count = 0
    for user_state in user_states:
        if limit_responses is not None and count >= limit_responses:
            return
        row = row_of(user_state)
        if row is not None:
            count += 1
            yield user_state.username, {key: spreadsheet_safe(value) for key, value in row.items()}


def learner_key_of(user_state) -> str | None:
    """The learner id a block stored in the learner's state (``learner_key``), if any."""
    return (user_state.state or {}).get("learner_key")


def dom_id_of(usage_id) -> str:
    """A block's element id on a page, from its usage id (two blocks on one page never share one)."""
    return "skl-" + "".join(ch if ch.isalnum() else "-" for ch in str(usage_id))


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_unstorable_text(data: Any) -> bool:
    """
    True when any text in ``data`` (keys included) holds a lone UTF-16 surrogate: valid JSON
    ("\\ud800"), but text no database stores and no page encodes. Walked without recursion, so
    that a deeply nested body cannot exhaust the stack here either.
    """
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json", charset="utf8")


def learner_json_handler(func: Callable | None = None, *, max_bytes: int = MAX_REQUEST_BYTES,
                         for_authors: bool = False) -> Callable:
    """
    Like ``XBlock.json_handler``, but every error (wrong method, a body over ``max_bytes``, a
    malformed body, a RequestRejected from the handler) comes back as
    ``{"error": ..., "field_errors": {...}}`` in the user's language. The handler runs only on a
    well-formed JSON object. Use bare (``@learner_json_handler``) or with a larger ``max_bytes``.

    A learner's handler refuses to run in Studio's preview (the runtime's ``is_author_mode``): the
    author's clicks there must not become a learner's saves, partnerships or NSS records. A handler
    ``for_authors`` (``author_json_handler``) runs only for those who may change the course
    (``_require_author``).
    """
    if func is None:
        return functools.partial(learner_json_handler, max_bytes=max_bytes, for_authors=for_authors)

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        _ = self.translator.gettext
        if request.method != "POST":
            response = json_response({"error": _("This action needs a POST request.")}, status=405)
            response.headers["Allow"] = "POST"
            return response
        body = request.body
        if len(body) > max_bytes:
            return json_response({"error": _("The request is too large.")}, status=413)
        try:
            data = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
            return json_response({"error": _("The request could not be read (malformed JSON).")}, status=400)
        if not isinstance(data, dict):
            return json_response({"error": _("The request must be a JSON object.")}, status=400)
        if has_unstorable_text(data):
            return json_response({"error": _("The request holds characters that cannot be stored. "
                                              "Please type the text again.")}, status=400)
        try:
            if for_authors:
                self._require_author()
            elif getattr(self.runtime, "is_author_mode", False):
                raise RequestRejected(403, N_("This is Studio's preview: nothing is saved here."))
            try:
                return json_response(func(self, data, suffix))
            except OperationalError as error:
                if not is_lock_timeout(error):
                    raise
                # Past the database's own wait for a lock (SQLite's timeout, InnoDB's lock wait, a
                # deadlock retried already): nothing was written; the page may send it again.
                raise RequestRejected(409, N_("Too many changes arrived at once: yours was not saved. "
                                              "Please try again."), extra={"retry": True}) from error
        except RequestRejected as rejected:
            # A refusal changes nothing: field values the handler set before it refused (such as
            # learner_key) are dropped, not saved by the runtime after the handler returns.
            self._clear_dirty_fields()
            return json_response(
                {
                    **rejected.extra,
                    "error": _(rejected.message).format(**rejected.params),
                    "field_errors": rejected.field_errors,
                },
                status=rejected.status,
            )

    return wrapper


def author_json_handler(func: Callable | None = None, *, max_bytes: int = MAX_REQUEST_BYTES) -> Callable:
    """A ``learner_json_handler`` that only course authors may call (Studio's editor saves through it)."""
    return learner_json_handler(func, max_bytes=max_bytes, for_authors=True)


class SkillsLabBlockMixin:
    """
    Translation, the current user and templates for the bundle's blocks.

    A block using it declares ``@XBlock.needs("i18n")``, ``@XBlock.wants("user")`` and
    ``@XBlock.wants("studio_user_permissions")``.
    """

    # Staff viewing the course as a learner still see the block (read-only).
    show_in_read_only_mode = True

    @property
    def translator(self) -> BlockTranslator:
        """The translator for the runtime's language, kept on the block instance (one per request)."""
        language = self.language
        cached = self.__dict__.get("_skillslab_translator")
        if cached is None or cached.language != language:
            cached = self.__dict__["_skillslab_translator"] = BlockTranslator(language)
        return cached

    @property
    def language(self) -> str:
        return runtime_language(self.runtime.service(self, "i18n"))

    def _(self, message: str) -> str:  # pylint: disable=invalid-name
        return self.translator.gettext(message)

    def shown_display_name(self) -> str:
        """The author's display name, or the default one translated into the learner's language."""
        name = self.display_name
        return self._(name) if name == self.fields["display_name"].default else name

    def apply_settings(self, values: dict) -> None:
        """
        Store an editor's validated values, leaving alone what did not change: a field is set on the
        block only when the author changed it (an untouched save marks nothing as set, and the
        default display name shown in the editor's language stays the default, in every language).
        """
        for name, value in values.items():
            if name == "display_name" and not self.fields[name].is_set_on(self) and value == self.shown_display_name():
                continue
            if getattr(self, name) != value:
                setattr(self, name, value)

    def settings_bucket(self) -> dict:
        """The operator's settings for this block type (XBLOCK_SETTINGS[<class name>]), if any."""
        service = self.runtime.service(self, "settings")
        return (service.get_settings_bucket(self) if service else None) or {}

    # --- the current user ---------------------------------------------------------------------

    def _current_user(self):
        service = self.runtime.service(self, "user")
        return service.get_current_user() if service else None

    @property
    def current_user_is_staff(self) -> bool:
        user = self._current_user()
        return bool(user and user.opt_attrs.get("edx-platform.user_is_staff"))

    @property
    def current_user_id(self) -> str | None:
        """The platform's user id (LMS) or the workbench's student id, else the anonymous id."""
        user = self._current_user()
        if user is None:
            return None
        for key in ("edx-platform.user_id", "xblock-workbench.user_id", "edx-platform.anonymous_user_id"):
            value = user.opt_attrs.get(key)
            if value not in (None, ""):
                return str(value)
        return None

    def _require_author(self) -> None:
        """
        Studio's handlers change course content, so only those who may write to the course call them.

        Studio (cms/djangoapps/contentstore/utils.py, ``load_services_for_studio``) gives every
        handler a user service built with no role, so the role reads "student" and ``user_is_staff``
        False for authors too; the platform's answer is its ``studio_user_permissions`` service, whose
        ``can_write(course_key)`` is Studio's own write access. Where that service is absent (the LMS),
        a platform user must be course staff; the SDK workbench, which has no roles, lets anyone author.
        """
        refused = RequestRejected(403, N_("Only the course's authors can change this block."))
        permissions = self.runtime.service(self, "studio_user_permissions")
        if permissions is not None:
            usage_id = self.scope_ids.usage_id
            context_key = getattr(usage_id, "context_key", None) or getattr(usage_id, "course_key", None)
            if context_key is None or not permissions.can_write(context_key):
                raise refused
            return
        user = self._current_user()
        attributes = user.opt_attrs if user is not None else {}
        if "edx-platform.is_authenticated" in attributes:  # the platform's user service
            staff = attributes.get("edx-platform.user_is_staff") or attributes.get("edx-platform.user_is_global_staff")
            if not attributes.get("edx-platform.is_authenticated") or \
                    (attributes.get("edx-platform.user_role") not in ("staff", "instructor") and not staff):
                raise refused

    # --- rendering ----------------------------------------------------------------------------

    def render_template(self, name: str, context: dict) -> str:
        context = dict(context, _translator=self.translator)
        return _template_engine().get_template(name).render(Context(context))

    @property
    def dom_id(self) -> str:
        """A per-instance prefix for element ids, so two blocks on one page never share an id."""
        return dom_id_of(self.scope_ids.usage_id)

    @staticmethod
    def resource_string(path: str) -> str:
        return _package_text(path)

    def js_catalog_url(self) -> str:
        return self.runtime.local_resource_url(self, f"public/js/translations/{self.language}/text.js")



class SettingsOLXMixin:
    """
    Studio's save, and OLX export and import, for a block whose settings are ``editable_fields``:
    saves and imports both go through the block's own ``clean_settings``; OLX with a DOCTYPE or
    entities is refused. Every other field set on the block (the platform's mixins') travels in the
    OLX too, as XBlock writes it.
    """

    def settings_editor(self, template: str, context: dict):
        """Studio's editor for these settings: ``template`` and the shared form script."""
        from web_fragments.fragment import Fragment  # pylint: disable=import-outside-toplevel

        frag = Fragment(self.render_template(template, {"block_id": self.dom_id, **context}))
        frag.add_javascript_url(self.js_catalog_url())
        frag.add_javascript(self.resource_string("public/js/skillslab_common.js"))
        frag.add_javascript(self.resource_string("public/js/settings_form.js"))
        frag.initialize_js("SkillsLabSettingsForm", {"language": self.language,
                                                      "save_url": self.runtime.handler_url(self, "studio_submit")})
        return frag

    @author_json_handler
    def studio_submit(self, data: dict, suffix: str = "") -> dict:
        """Save the author's settings; every field is validated and a rejected save changes nothing."""
        self.apply_settings(self.clean_settings(data))
        return {"result": "success"}

    # Settings that ``clean_settings`` derives from others and that import must keep too.
    olx_derived_fields: tuple[str, ...] = ()

    def add_xml_to_node(self, node):
        """Export: the block's own settings (``add_settings_to_node``), then every other field set."""
        from . import olx  # pylint: disable=import-outside-toplevel

        node.tag = self.scope_ids.block_type
        self.add_settings_to_node(node)
        olx.write_other_fields(self, node, self.editable_fields)

    def add_settings_to_node(self, node) -> None:
        """Each of ``editable_fields`` set on the block, as an attribute the way XBlock writes it."""
        for name in self.editable_fields:
            field = self.fields[name]
            if field.is_set_on(self):
                self._add_field(node, name, field)

    @classmethod
    def olx_data(cls, node) -> dict:
        """The settings an OLX node carries: its attributes named in ``editable_fields``."""
        return {name: node.get(name) for name in cls.editable_fields if node.get(name) is not None}

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        from . import olx  # pylint: disable=import-outside-toplevel

        gettext = BlockTranslator(runtime_language(None)).gettext
        try:
            olx.assert_safe(node)
        except olx.OLXRejected as rejected:
            raise olx.OLXRejected(rejected.message, gettext, **rejected.params) from rejected
        block = runtime.construct_xblock_from_class(cls, keys)
        data = cls.olx_data(node)
        try:
            values = block.clean_settings(data)
        except RequestRejected as rejected:
            details = "; ".join(f"{k}: {v}" for k, v in rejected.field_errors.items())
            raise olx.OLXRejected(N_("The block's OLX has invalid values: {details}"), gettext,
                                  details=details) from rejected
        for name, value in values.items():
            if name in data or name in cls.olx_derived_fields:
                setattr(block, name, value)
        olx.read_other_fields(block, node, cls.editable_fields, gettext)
        return block
