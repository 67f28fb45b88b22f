"""
The ``etwinning_project_plan`` block: one eTwinning project plan from the steps submitted across
the course, filled in together by the partners, checked against the National Quality Label
criteria, and downloaded to paste into TwinSpace.
"""

from __future__ import annotations

from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import Integer, List, Scope, String

from etwinning_plugin import api
from skillslab_xblock.collaboration import CollaborationMixin, parse_version
from skillslab_xblock.domain import plan, plan_export
from skillslab_xblock.support.base import SettingsOLXMixin, SkillsLabBlockMixin, block_services
from skillslab_xblock.support.handlers import RequestRejected, learner_json_handler
from skillslab_xblock.support.i18n import N_, in_every_language
from skillslab_xblock.support.reports import learner_key_of, report_rows
from skillslab_xblock.support.settings_form import SettingsForm
from skillslab_xblock.support.values import clean_plain_text, render_message

PLAN = "plan"


@XBlock.needs("i18n")
@block_services("teams", "settings")
class EtwinningProjectPlanBlock(CollaborationMixin, SettingsOLXMixin, SkillsLabBlockMixin, CompletableXBlockMixin,
                                XBlock):
    """The partnership's eTwinning project plan, gathered from its submitted steps."""

    # Studio previews ``author_view``; without this it would show ``student_view`` as the author.
    has_author_view = True

    display_name = String(display_name=N_("Display name"), scope=Scope.settings,
                          default=N_("Our eTwinning project plan"))
    project_tag = String(display_name=N_("Project tag"), scope=Scope.settings, default="#SkillsLabs",
                         help=N_("The tag the NSS asks teachers to put in the project's title."))
    required_sections = List(display_name=N_("Required sections"), scope=Scope.settings,
                             default=list(plan.SECTION_KEYS))
    collaboration_mode = String(display_name=N_("Who fills the plan"), scope=Scope.settings, default="shared",
                                values=("individual", "shared"))
    teamset_id = String(display_name=N_("Teamset"), scope=Scope.settings, default="")

    learner_key = String(scope=Scope.user_state, default="")
    completed = Integer(scope=Scope.user_state, default=0)  # 1 once completion was published

    editable_fields = ("display_name", "project_tag", "required_sections", "collaboration_mode", "teamset_id")

    # --- state -----------------------------------------------------------------------------------

    @property
    def tag(self) -> str:
        """The author's tag, else the operator's (ETWINNING_PROJECT_TAG), else #SkillsLabs."""
        if self.fields["project_tag"].is_set_on(self):
            return self.project_tag
        from django.conf import settings  # pylint: disable=import-outside-toplevel

        return settings.ETWINNING_PROJECT_TAG or self.project_tag

    @property
    def is_shared(self) -> bool:
        return self.collaboration_mode == "shared"

    def _context(self):
        """(document ref, partnership, schools, gathered steps) for the current learner."""
        ref, partnership = self.document_ref(PLAN, shared=self.is_shared)
        learner_id = self.learner_id()
        owners = [api.owner_key_for_learner(learner_id)] + ([partnership.owner_key] if partnership else [])
        steps = [plan.GatheredStep(s.title, s.answers, s.submitted_at)
                 for s in api.submitted_steps(self.course_key, owners)]
        if partnership:
            schools = partnership.schools
        else:
            card = api.get_card(self.course_key, learner_id)
            schools = [card.school_name] if card else []
        return ref, partnership, schools, steps

    def plan_state(self, record: bool = False) -> dict:
        """
        The plan as the learner sees it. Only handlers pass ``record``: then a plan whose required
        sections are all filled (by this learner or a partner) earns completion and its NSS record.
        Views and Studio's preview write nothing.
        """
        watch = self.change_watch("current_plan", seed=record)  # the stamps first, then what they cover
        ref, partnership, schools, steps = self._context()
        if watch:
            watch.add(api.changes.document(ref.usage_key, ref.owner_key))
        document = api.document_state(ref, self.learner_id())
        content = (document.content.get(PLAN) or {})
        gettext = self.translator.gettext
        missing = plan.required_missing(content, tuple(self.required_sections))
        if record and not missing and not self.completed:
            self.completed = 1
            self.emit_completion(1.0)
            api.documents_report_completion(ref, "plan", content.get("title") or self.display_name)
        suggestions = plan.suggestions(steps, gettext, self.tag, self.language)
        # The page fills empty sections with the suggestions: the checklist judges the plan as shown,
        # and says which of those texts are not saved yet (completion counts the saved plan only).
        unsaved = [key for key, text in suggestions.items() if text and not (content.get(key) or "").strip()]
        shown = {**content, **{key: suggestions[key] for key in unsaved}}
        return {
            "version": document.version,
            "plan": content,
            "suggestions": suggestions,
            "schools": schools,
            "steps": [{"title": s.title, "submitted_at": s.submitted_at} for s in steps],
            "checklist": [item.as_dict(gettext) for item in plan.checklist(shown, steps, schools, self.tag)],
            "unsaved_suggestions": [gettext(plan.section_title(key)) for key in unsaved],
            "required_missing": [gettext(plan.section_title(k)) for k in missing],
            "complete": not missing,
            "partnership": partnership.id if partnership else "",
            **({"feed": watch.answer()} if watch else {}),
        }

    # --- views -----------------------------------------------------------------------------------

    @XBlock.supports("multi_device")  # the mobile apps show the block (in a web view)
    def student_view(self, context=None) -> Fragment:
        try:
            state = self.plan_state()
            problem = ""
        except RequestRejected as rejected:
            state, problem = None, self._(rejected.message)
        frag = Fragment(self.render_template("project_plan/student.html", {
            "block_id": self.dom_id, "language": self.language, "display_name": self.shown_display_name(),
            "state": state, "problem": problem, "tag": self.tag,
            "sections": [{"key": k, "title": self._(t), "required": k in self.required_sections,
                          "value": (state["plan"].get(k) or "") if state else "",
                          "suggestion": state["suggestions"].get(k, "") if state else "",
                          "limit": plan.SECTION_LIMITS.get(k, plan.DEFAULT_LIMIT)}
                         for k, t in plan.SECTIONS],
            "download_md": self.runtime.handler_url(self, "download", "md"),
            "download_html": self.runtime.handler_url(self, "download", "html"),
            "download_docx": self.runtime.handler_url(self, "download", "docx"),
        }))
        return self.scripted_fragment(frag, "project_plan.js", "SkillsLabProjectPlan", {
            "version": state["version"] if state else 0,
            "save_url": self.runtime.handler_url(self, "save_plan"),
            "state_url": self.runtime.handler_url(self, "current_plan"),
            "rich_text_url": self.runtime.handler_url(self, "rich_text"),
            # the page's change feed: when to ask current_plan (None: ask it every poll)
            "feed": state.get("feed") if state else None,
            "poll_seconds": self.settings_bucket().get("poll_seconds", 5),
        })

    def author_view(self, context=None) -> Fragment:
        return Fragment(self.render_template("project_plan/author.html", {
            "tag": self.tag, "mode": self.collaboration_mode,
            "required": [self._(plan.section_title(k)) for k in self.required_sections]}))

    def studio_view(self, context=None) -> Fragment:
        return self.settings_editor("project_plan/studio.html", {
            "display_name": self.shown_display_name(), "tag": self.project_tag,
            "mode": self.collaboration_mode, "teamset_id": self.teamset_id,
            "sections": [{"key": k, "title": self._(t), "required": k in self.required_sections}
                         for k, t in plan.SECTIONS]})

    def student_view_data(self, context=None) -> dict:
        """For the mobile apps: collected once at publish time, with no user, so texts in every language."""
        return {"display_name": self.display_name, "project_tag": self.project_tag,
                "required_sections": list(self.required_sections), "shared": self.is_shared,
                "texts": in_every_language(lambda t: {
                    "sections": [{"key": k, "title": t.gettext(title)} for k, title in plan.SECTIONS]})}

    @staticmethod
    def workbench_scenarios():
        from skillslab_xblock.scenarios import project_plan_scenarios  # pylint: disable=import-outside-toplevel

        return project_plan_scenarios()

    # --- handlers --------------------------------------------------------------------------------

    def _label(self, section: str, name: str) -> str:
        return self._(plan.section_title(name)) if name in plan.SECTION_KEYS else name

    @learner_json_handler
    def save_plan(self, data: dict, suffix: str = "") -> dict:
        """Save changed sections on top of ``base_version``: ``{"plan": {section: text}, "base_version": n}``."""
        if set(data) - {"plan", "base_version"} or not isinstance(data.get("plan"), dict):
            raise RequestRejected(400, N_("Unexpected data in the request."))
        base_version = parse_version(data, "base_version")
        errors, changes = {}, {}
        gettext = self.translator.gettext
        for key, value in data["plan"].items():
            if key not in plan.SECTION_KEYS:
                errors[str(key)[:64]] = gettext("Unknown field.")
                continue
            text, error = clean_plain_text(value, plan.SECTION_LIMITS.get(key, plan.DEFAULT_LIMIT))
            if error:
                errors[key] = render_message(error, gettext)
            else:
                changes[key] = text
        if errors:
            raise RequestRejected(400, N_("Some answers could not be saved. Please check the marked fields."),
                                  field_errors=errors)
        ref, _partnership, _schools, _steps = self._context()
        self.learner_key = self.learner_id()
        self.save_shared(ref, base_version, {PLAN: changes} if changes else {}, self._label)
        return self.plan_state(record=True)

    @learner_json_handler
    def current_plan(self, data: dict, suffix: str = "") -> dict:
        return self.plan_state(record=True)

    @learner_json_handler
    def history(self, data: dict, suffix: str = "") -> dict:
        ref, _partnership = self.document_ref(PLAN, shared=self.is_shared)
        return {"history": self.history_rows(ref, self._label)}

    @learner_json_handler
    def restore(self, data: dict, suffix: str = "") -> dict:
        """Bring the plan back to an earlier version: ``{"version": n}``."""
        if set(data) - {"version"}:
            raise RequestRejected(400, N_("Unexpected data in the request."))
        ref, _partnership = self.document_ref(PLAN, shared=self.is_shared)
        self.learner_key = self.learner_id()
        self.restore_shared(ref, data)
        return self.plan_state(record=True)

    def export_outline(self) -> list[plan_export.Block]:
        """The whole plan as an outline, for the downloads and the rich-text copy."""
        ref, partnership, schools, steps = self._context()
        content = api.document_state(ref, self.learner_id()).content.get(PLAN) or {}
        if partnership:
            rows = [plan_export.School(m.school_name, m.country, m.teacher_name, m.is_owner)
                    for m in partnership.members]
        else:
            card = api.get_card(self.course_key, self.learner_id())
            rows = [plan_export.School(card.school_name, card.country, card.teacher_name, False)] if card else []
        return plan_export.plan_document(content, schools=rows, steps=steps, tag=self.tag,
                                         checklist=plan.checklist(content, steps, schools, self.tag),
                                         translator=self.translator)

    DOWNLOADS = {"md": "text/markdown", "html": "text/html",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

    @XBlock.handler
    def download(self, request, suffix: str = "") -> Response:
        """The plan as Markdown (``md``), printable HTML (``html``) or Word (``docx``), learner text as text."""
        gettext = self.translator.gettext
        if request.method != "GET" or suffix not in self.DOWNLOADS:
            return Response(gettext("Choose Markdown, HTML or Word."), status=404, content_type="text/plain",
                            charset="utf8")
        try:
            outline = self.export_outline()
        except RequestRejected as rejected:
            return Response(gettext(rejected.message), status=rejected.status, content_type="text/plain",
                            charset="utf8")
        if suffix == "docx":
            response = Response(plan_export.as_docx(outline, self.language), content_type=self.DOWNLOADS[suffix])
        else:
            body = plan_export.as_markdown(outline) if suffix == "md" else self.render_template(
                "project_plan/printable.html", {"language": self.language, "title": outline[0].text,
                                                 "body": plan_export.as_html_fragment(outline)})
            response = Response(body, content_type=self.DOWNLOADS[suffix], charset="utf8")
        response.headers["Content-Disposition"] = f'attachment; filename="etwinning-project-plan.{suffix}"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @learner_json_handler
    def rich_text(self, data: dict, suffix: str = "") -> dict:
        """The plan as HTML and as plain text, for the page's "Copy the plan" (pasted into TwinSpace)."""
        outline = self.export_outline()
        return {"html": plan_export.as_html_fragment(outline), "text": plan_export.as_markdown(outline)}

    def clean_settings(self, data: dict) -> dict:
        form = SettingsForm(self, data)
        form.text("display_name", 200, required=True)
        form.text("project_tag", 50, required=True)
        form.text("teamset_id", 255)
        form.choice("collaboration_mode", ("individual", "shared"))
        form.choices("required_sections", plan.SECTION_KEYS, split=True)  # OLX: space-separated
        return form.cleaned()

    def add_settings_to_node(self, node):
        """XBlock's attributes, with the required sections space-separated."""
        super().add_settings_to_node(node)
        if self.fields["required_sections"].is_set_on(self):
            node.set("required_sections", " ".join(self.required_sections))

    # --- reports ---------------------------------------------------------------------------------

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """A row per learner who saved the plan: its sections and what the checklist still lacks."""
        return report_rows(user_state_iterator, limit_responses, self._report_rows)

    def _report_rows(self, user_states: list) -> list[dict | None]:
        learner_ids = [learner_key_of(state) for state in user_states]
        known = [i for i in learner_ids if i]
        partnerships = api.partnerships_of(self.course_key, known) if self.is_shared else {}
        owners = {i: partnerships[i].owner_key if i in partnerships else api.owner_key_for_learner(i) for i in known}
        documents = api.document_states(self.course_key, self.usage_key, owners)
        return [self._report_row(documents[i], partnerships.get(i)) if i else None for i in learner_ids]

    def _report_row(self, document, partnership) -> dict:
        content = document.content.get(PLAN) or {}
        row = {key: content.get(key, "") for key in plan.SECTION_KEYS}
        row["Partner schools"] = "; ".join(partnership.schools) if partnership else ""
        row["Complete"] = not plan.required_missing(content, tuple(self.required_sections))
        return row
