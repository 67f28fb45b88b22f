"""
The mixins every block of the bundle is built on: ``SkillsLabBlockMixin`` (translation in the
runtime's language, the current user from the ``user`` service, authors, templates) and
``SettingsOLXMixin`` (Studio's editor and save, OLX export and import, through the block's own
``clean_settings``).
"""

from __future__ import annotations

from datetime import datetime

from django.template import Context
from xblock.core import XBlock

from skillslab_xblock.support import olx
from skillslab_xblock.support.handlers import RequestRejected, author_json_handler
from skillslab_xblock.support.i18n import N_, BlockTranslator, runtime_language
from skillslab_xblock.support.rendering import dom_id_of, package_text, template_engine


def block_services(*wanted: str):
    """
    A block class's services: those every block of the bundle uses (``i18n``; ``user``; Studio's
    ``studio_user_permissions``, which says who may author) and the ``wanted`` ones it uses besides.
    """
    def declare(cls):
        cls = XBlock.needs("i18n")(cls)
        for service in ("user", "studio_user_permissions", *wanted):
            cls = XBlock.wants(service)(cls)
        return cls

    return declare


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

    def learner_deadline(self, own):
        """
        The deadline a learner meets: the block's own (the author's setting), else the platform's due
        date. In the LMS ``due`` is xmodule's inherited field (the subsection's due date), which
        edx-when's field override personalises for a self-paced learner (their own relative date).
        Only that field counts: the SDK workbench sets a plain ``due`` attribute of "now" on every
        block it handles, for legacy blocks, which is no due date at all.
        """
        if own:
            return own
        due = getattr(self, "due", None) if "due" in self.fields else None
        return due if isinstance(due, datetime) and due.tzinfo is not None else None

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
        return template_engine().get_template(name).render(Context(context))

    @property
    def dom_id(self) -> str:
        """A per-instance prefix for element ids, so two blocks on one page never share an id."""
        return dom_id_of(self.scope_ids.usage_id)

    @staticmethod
    def resource_string(path: str) -> str:
        return package_text(path)

    def scripted_fragment(self, frag, script: str, function: str, args: dict, *, css: bool = True):
        """
        ``frag`` made a page with a script: the package's stylesheet, the translations of the page's
        language, the common script and ``public/js/<script>``, started as ``function`` with ``args``
        and the language.
        """
        if css:
            frag.add_css(self.resource_string("public/css/activity.css"))
        frag.add_javascript_url(self.js_catalog_url())
        frag.add_javascript(self.resource_string("public/js/skillslab_common.js"))
        frag.add_javascript(self.resource_string(f"public/js/{script}"))
        frag.initialize_js(function, {"language": self.language, **args})
        return frag

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
        return self.scripted_fragment(frag, "settings_form.js", "SkillsLabSettingsForm",
                                      {"save_url": self.runtime.handler_url(self, "studio_submit")}, css=False)

    @author_json_handler
    def studio_submit(self, data: dict, suffix: str = "") -> dict:
        """Save the author's settings; every field is validated and a rejected save changes nothing."""
        self.apply_settings(self.clean_settings(data))
        return {"result": "success"}

    # Settings that ``clean_settings`` derives from others and that import must keep too.
    olx_derived_fields: tuple[str, ...] = ()

    def clean_imported_settings(self, data: dict) -> dict:
        """The settings of an OLX node, checked as a Studio save is (a block may ask less of an import)."""
        return self.clean_settings(data)

    def add_xml_to_node(self, node):
        """Export: the block's own settings (``add_settings_to_node``), then every other field set."""
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
        gettext = BlockTranslator(runtime_language(None)).gettext
        try:
            olx.assert_safe(node)
        except olx.OLXRejected as rejected:
            raise olx.OLXRejected(rejected.message, gettext, **rejected.params) from rejected
        block = runtime.construct_xblock_from_class(cls, keys)
        data = cls.olx_data(node)
        try:
            values = block.clean_imported_settings(data)
        except RequestRejected as rejected:
            details = "; ".join(f"{k}: {v}" for k, v in rejected.field_errors.items())
            raise olx.OLXRejected(N_("The block's OLX has invalid values: {details}"), gettext,
                                  details=details) from rejected
        for name, value in values.items():
            if name in data or name in cls.olx_derived_fields:
                setattr(block, name, value)
        olx.read_other_fields(block, node, cls.editable_fields, gettext)
        return block

