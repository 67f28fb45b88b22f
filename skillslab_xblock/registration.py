"""
The ``etwinning_registration`` block: a learner declares their eTwinning (ESEP) profile and their
school, whether each registered on eTwinning during this course, and whether the NSS may receive
their profile. Stored in the plugin, where the course figures and the reporting read it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from web_fragments.fragment import Fragment
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import DateTime, Scope, String

from etwinning_plugin import api
from skillslab_xblock.collaboration import CollaborationMixin
from skillslab_xblock.support.base import SettingsOLXMixin, SkillsLabBlockMixin, block_services
from skillslab_xblock.support.handlers import RequestRejected, learner_json_handler
from skillslab_xblock.support.i18n import N_
from skillslab_xblock.support.reports import learner_key_of, report_rows
from skillslab_xblock.support.settings_form import SettingsForm
from skillslab_xblock.support.values import (
    clean_plain_text,
    editor_datetime,
    has_passed,
    render_message,
)

ESEP_HOST = "school-education.ec.europa.eu"
_SCHOOL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
FLAGS = ("teacher_registered_during_course", "school_registered_during_course", "consent_to_share_profile")


def clean_profile_url(value) -> tuple[str | None, str | None]:
    """An https address of a page on the European School Education Platform (ESEP), or an error."""
    text, error = clean_plain_text(value, 500)
    if error:
        return None, error
    if not text:
        return None, N_("This field is required.")
    refused = N_("Enter the address of your profile on the European School Education Platform, "
                 "starting with https://school-education.ec.europa.eu/")
    try:  # an unclosed "[" or a port that is no number raise here, not at urlsplit's caller
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None, refused
    if parts.scheme != "https" or (parts.hostname or "").lower() != ESEP_HOST or len(parts.path) < 2 \
            or any(ch.isspace() for ch in text) or parts.username or parts.password or port:
        return None, refused
    return text, None


@XBlock.needs("i18n")
@block_services()
class EtwinningRegistrationBlock(CollaborationMixin, SettingsOLXMixin, SkillsLabBlockMixin, CompletableXBlockMixin,
                                 XBlock):
    """The learner's eTwinning registration, their school, and their consent to share the profile."""

    # Studio previews ``author_view``; without this it would show ``student_view`` as the author.
    has_author_view = True

    display_name = String(display_name=N_("Display name"), scope=Scope.settings,
                          default=N_("Your eTwinning registration"))
    closes_at = DateTime(display_name=N_("Editable until"), scope=Scope.settings, default=None,
                         help=N_("Usually the end of the course; empty: always editable."))

    learner_key = String(scope=Scope.user_state, default="")
    editable_fields = ("display_name", "closes_at")

    def closed(self) -> bool:
        return has_passed(self.closes_at)

    # --- views -----------------------------------------------------------------------------------

    @XBlock.supports("multi_device")  # the mobile apps show the block (in a web view)
    def student_view(self, context=None) -> Fragment:
        registration = api.registrations.get(self.course_key, self.current_user_id) if self.current_user_id \
            else None
        frag = Fragment(self.render_template("registration/student.html", {
            "block_id": self.dom_id, "language": self.language, "display_name": self.shown_display_name(),
            "signed_in": bool(self.current_user_id), "registration": registration, "closed": self.closed(),
            "closes_at": self.closes_at.isoformat() if self.closes_at else "",
            "staff": api.registrations.counts(self.course_key) if self.current_user_is_staff else None,
        }))
        return self.scripted_fragment(frag, "registration.js", "SkillsLabRegistration",
                                      {"save_url": self.runtime.handler_url(self, "save_registration")})

    def author_view(self, context=None) -> Fragment:
        return Fragment(self.render_template("registration/author.html", {
            "closes_at": self.closes_at.isoformat() if self.closes_at else ""}))

    def studio_view(self, context=None) -> Fragment:
        return self.settings_editor("registration/studio.html", {
            "display_name": self.shown_display_name(),
            "closes_at": editor_datetime(self.closes_at)})

    def student_view_data(self, context=None) -> dict:
        return {"display_name": self.display_name, "closes_at": self.closes_at.isoformat() if self.closes_at else None,
                "esep_host": ESEP_HOST}

    @staticmethod
    def workbench_scenarios():
        from skillslab_xblock.scenarios import registration_scenarios  # pylint: disable=import-outside-toplevel

        return registration_scenarios()

    # --- handlers --------------------------------------------------------------------------------

    @learner_json_handler
    def save_registration(self, data: dict, suffix: str = "") -> dict:
        """Store the learner's declaration; every field is checked before anything is stored."""
        if self.closed():
            raise RequestRejected(403, N_("The course has ended: your registration can no longer change."))
        gettext = self.translator.gettext
        errors, values = {}, {}
        url, error = clean_profile_url(data.get("profile_url"))
        if error:
            errors["profile_url"] = render_message(error, gettext)
        values["profile_url"] = url
        for name, limit, required in (("school_name", 200, True), ("region", 100, False)):
            text, error = clean_plain_text(data.get(name, ""), limit)
            if error or (required and not text):
                errors[name] = render_message(error or N_("This field is required."), gettext)
            values[name] = text
        code = data.get("school_code", "")
        if not isinstance(code, str) or (code.strip() and not _SCHOOL_CODE.match(code.strip())):
            errors["school_code"] = gettext("A school code has up to 32 letters, digits or dashes.")
        else:
            values["school_code"] = code.strip()
        for flag in FLAGS:
            value = data.get(flag, False)
            if not isinstance(value, bool):
                errors[flag] = gettext("Must be true or false.")
            values[flag] = value
        if set(data) - {"profile_url", "school_name", "school_code", "region", *FLAGS}:
            errors["_"] = gettext("Unexpected data in the request.")
        if errors:
            raise RequestRejected(400, N_("Your registration was not saved. Please check the marked fields."),
                                  field_errors=errors)
        learner_id = self.learner_id()
        api.registrations.save(self.course_key, self.usage_key, learner_id, values)
        self.learner_key = learner_id
        self.emit_completion(1.0)
        return {"message": self._("Your registration is saved.")}

    def clean_settings(self, data: dict) -> dict:
        form = SettingsForm(self, data)
        form.text("display_name", 200, required=True)
        form.utc_datetime("closes_at")
        return form.cleaned()

    def add_settings_to_node(self, node):
        if self.fields["display_name"].is_set_on(self):
            node.set("display_name", self.display_name)
        if self.closes_at:
            node.set("closes_at", self.closes_at.isoformat())

    # --- reports ---------------------------------------------------------------------------------

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """A row per learner who registered: the profile only where they consented to share it."""
        return report_rows(user_state_iterator, limit_responses, self._report_rows)

    def _report_rows(self, user_states: list) -> list[dict | None]:
        learner_ids = [learner_key_of(state) for state in user_states]
        registrations = api.registrations.get_many(self.course_key, [i for i in learner_ids if i])
        return [self._report_row(registrations.get(learner_id)) for learner_id in learner_ids]

    @staticmethod
    def _report_row(registration) -> dict | None:
        if registration is None:
            return None
        return {
            "ESEP profile": registration.profile_url if registration.consent_to_share_profile else "",
            "School": registration.school_name, "School code": registration.school_code,
            "Region": registration.region,
            "Teacher registered during the course": registration.teacher_registered_during_course,
            "School registered during the course": registration.school_registered_during_course,
            "Consent to share the profile": registration.consent_to_share_profile,
        }
