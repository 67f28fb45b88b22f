"""
The ``etwinning_self_assessment`` block: a pre/post self-assessment. Placed twice in a course, once
with ``phase="before"`` at the start and once with ``phase="after"`` at the end, under one
``assessment`` name; each teacher picks a level (A1 Newcomer to C2 Pioneer, SELFIE for Teachers'
levels) for each area (by default SELFIE's six). The course staff, the figures and the NSS see, among
the teachers who answered both, the share at or above the author's level before and after and the
growth in points; a teacher sees their own levels before and now.
"""

from __future__ import annotations

import re

from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import Boolean, Integer, List, Scope, String

from etwinning_plugin import api
from skillslab_xblock.collaboration import CollaborationMixin, rejected_from
from skillslab_xblock.domain.selfie import DEFAULT_ASSESSMENT, DEFAULT_THRESHOLD, LEVEL_CODES, LEVELS, SELFIE_AREAS
from skillslab_xblock.domain.taxonomy import localized
from skillslab_xblock.support.base import SettingsOLXMixin, SkillsLabBlockMixin, block_services
from skillslab_xblock.support.handlers import RequestRejected, learner_json_handler
from skillslab_xblock.support.i18n import N_, in_every_language
from skillslab_xblock.support.items import ItemsOLXMixin, QuestionnaireMixin, clean_items_field, items_to_text
from skillslab_xblock.support.reports import learner_key_of, report_rows, spreadsheet_safe, staff_csv
from skillslab_xblock.support.settings_form import SettingsForm
from skillslab_xblock.support.values import editor_datetime, editor_number

PHASES = {"before": N_("At the start of the course"), "after": N_("At the end of the course")}
_ASSESSMENT_NAME = re.compile(r"^[a-z0-9_-]{1,64}$")


@XBlock.needs("i18n")
@block_services()
class EtwinningSelfAssessmentBlock(CollaborationMixin, QuestionnaireMixin, ItemsOLXMixin, SettingsOLXMixin,
                                   SkillsLabBlockMixin, CompletableXBlockMixin, XBlock):
    """A level per area at the start or the end of a course, paired per teacher by the assessment's name."""

    has_author_view = True

    display_name = String(display_name=N_("Display name"), scope=Scope.settings,
                          default=N_("Self-assessment of my digital competence"))
    items = List(display_name=N_("Areas"), scope=Scope.settings, default=SELFIE_AREAS)
    phase = String(display_name=N_("When"), scope=Scope.settings, default="before", values=list(PHASES))
    assessment = String(
        display_name=N_("Name that pairs the start and the end"), scope=Scope.settings, default=DEFAULT_ASSESSMENT,
        help=N_("The self-assessment at the start and the one at the end of the course carry the same name."))
    threshold = Integer(
        display_name=N_("Level counted in the figures"), scope=Scope.settings, default=DEFAULT_THRESHOLD,
        help=N_("The figures give the share of teachers at this level or above, before and after."))
    anonymous = Boolean(
        display_name=N_("Anonymous answers"), scope=Scope.settings, default=False,
        help=N_("The answers are paired by a code of this self-assessment alone, never stored with a name."))
    editable_fields = ("display_name", "items", "phase", "assessment", "threshold", "anonymous", "allow_changes",
                       "deadline")

    # --- state -----------------------------------------------------------------------------------

    @property
    def ref(self) -> api.self_assessments.AssessmentRef:
        return api.self_assessments.AssessmentRef(self.course_key, self.usage_key, self.assessment, self.phase,
                                                  self.anonymous)

    def description(self) -> api.self_assessments.Description:
        return api.self_assessments.Description(self.threshold, list(LEVEL_CODES), self.items)

    def levels(self) -> list[dict]:
        language = self.language
        return [{"value": level.value, "code": level.code, "name": localized(level.name, language),
                 "label": f"{localized(level.name, language)}: {localized(level.stem, language)}"}
                for level in LEVELS]

    def item_texts(self) -> list[dict]:
        return [{"key": item["key"], "text": localized(item["text"], self.language)} for item in self.items]

    def learner_state(self) -> dict:
        learner_id = self.learner_id()
        own = api.self_assessments.levels_of(self.ref, learner_id)
        closed = self.deadline_passed()
        before = api.self_assessments.levels_of(self.ref, learner_id, "before") if self.phase == "after" else {}
        return {"answered": bool(own), "answers": own, "closed": closed,
                "can_answer": not closed and (not own or self.allow_changes),
                "own_growth": self._own_growth(before, own) if own and before else None}

    def _own_growth(self, before: dict, now: dict) -> list[dict]:
        """The teacher's own levels at the start and now, area by area."""
        return [{"text": item["text"], "before": LEVEL_CODES[before[item["key"]] - 1],
                 "now": LEVEL_CODES[now[item["key"]] - 1], "moved": now[item["key"]] - before[item["key"]]}
                for item in self.item_texts() if item["key"] in before and item["key"] in now]

    # --- views -----------------------------------------------------------------------------------

    @XBlock.supports("multi_device")
    def student_view(self, context=None) -> Fragment:
        state = self.learner_state() if self.current_user_id else None
        frag = Fragment(self.render_template("self_assessment/student.html", {
            "block_id": self.dom_id, "language": self.language, "display_name": self.shown_display_name(),
            "state": state, "items": self.item_texts(), "levels": self.levels(), "phase": self.phase,
            "anonymous": self.anonymous,
            "deadline": deadline.isoformat() if (deadline := self.learner_deadline(self.deadline)) else "",
            "staff": self.staff_results() if self.current_user_is_staff else None,
        }))
        return self.scripted_fragment(frag, "survey.js", "SkillsLabSurvey",
                                      {"submit_url": self.runtime.handler_url(self, "submit")})

    def staff_results(self) -> dict:
        growth = api.self_assessments.growth(self.ref)
        if growth is not None:
            texts = {item["key"]: item["text"] for item in self.item_texts()}
            growth = {**growth, "areas": [{**line, "text": texts.get(line["key"], line["key"])}
                                          for line in growth["areas"]]}
        return {"growth": growth, "threshold": LEVEL_CODES[self.threshold - 1],
                "csv_url": self.runtime.handler_url(self, "results_csv")}

    def author_view(self, context=None) -> Fragment:
        return Fragment(self.render_template("self_assessment/author.html", {
            "items": self.item_texts(), "phase": self._(PHASES[self.phase]), "assessment": self.assessment,
            "threshold": LEVEL_CODES[self.threshold - 1], "anonymous": self.anonymous,
            "allow_changes": self.allow_changes, "deadline": self.deadline.isoformat() if self.deadline else ""}))

    def studio_view(self, context=None) -> Fragment:
        return self.settings_editor("self_assessment/studio.html", {
            "display_name": self.shown_display_name(), "items_text": items_to_text(self.items),
            "phases": [{"value": value, "label": self._(label)} for value, label in PHASES.items()],
            "phase": self.phase, "assessment": self.assessment, "threshold": editor_number(self.threshold),
            "levels": self.levels(), "anonymous": self.anonymous, "allow_changes": self.allow_changes,
            "deadline": editor_datetime(self.deadline)})

    def student_view_data(self, context=None) -> dict:
        """For the mobile apps: collected at publish time, with no user, so texts in every language."""
        return {"display_name": self.display_name, "phase": self.phase, "assessment": self.assessment,
                "anonymous": self.anonymous, "allow_changes": self.allow_changes,
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "texts": in_every_language(lambda t: {
                    "items": [{"key": item["key"], "text": localized(item["text"], t.language)} for item in self.items],
                    "levels": [{"value": level.value, "code": level.code, "name": localized(level.name, t.language)}
                               for level in LEVELS]})}

    @staticmethod
    def workbench_scenarios():
        from skillslab_xblock.scenarios import self_assessment_scenarios  # pylint: disable=import-outside-toplevel

        return self_assessment_scenarios()

    # --- handlers --------------------------------------------------------------------------------

    @learner_json_handler
    def submit(self, data: dict, suffix: str = "") -> dict:
        """``{"answers": {area key: level 1..6}}``: every area, each once, checked as a whole."""
        if self.deadline_passed():
            raise RequestRejected(403, N_("The survey is closed: its deadline has passed."))
        if set(data) - {"answers"} or not isinstance(data.get("answers"), dict):
            raise RequestRejected(400, N_("Unexpected data in the request."))
        levels = self._checked_levels(data["answers"])
        learner_id = self.learner_id()
        try:
            api.self_assessments.submit(self.ref, learner_id, levels, self.description(),
                                        allow_changes=self.allow_changes)
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        if not self.anonymous:
            self.learner_key = learner_id
        self.emit_completion(1.0)
        state = self.learner_state()
        own_html = self.render_template("self_assessment/own_growth.html", {"state": state}) \
            if state["own_growth"] else ""
        return {**state, "results_html": own_html, "message": self._("Thank you: your answers are saved.")}

    def _checked_levels(self, answers: dict) -> dict[str, int]:
        gettext = self.translator.gettext
        keys = [item["key"] for item in self.items]
        levels, errors = {}, {}
        for key, value in answers.items():
            if key not in keys:
                errors[str(key)[:64]] = gettext("Unknown item.")
            elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= len(LEVELS):
                errors[key] = gettext("Choose a level from A1 to C2.")
            else:
                levels[key] = value
        errors.update({key: gettext("Please answer this item.") for key in keys if key not in answers})
        if errors:
            raise RequestRejected(400, N_("Your answers were not saved. Please check the marked items."),
                                  field_errors=errors)
        return levels

    @XBlock.handler
    def results_csv(self, request, suffix: str = "") -> Response:
        """The run's growth for course staff: per area and overall, counts, shares and their denominators."""
        return staff_csv(self, "self-assessment-growth.csv", self._growth_rows)

    def _growth_rows(self) -> list[list]:
        growth = self.staff_results()["growth"]
        return [["area", "text", "paired", f"at or above {LEVEL_CODES[self.threshold - 1]} before",
                 "percent before", "after", "percent after", "growth (points)", "moved up a level"]] + [
            [line["key"], spreadsheet_safe(line["text"]), line["paired"], line["before"],
             _number(line["percent_before"]), line["after"], _number(line["percent_after"]),
             _number(line["growth_points"]), line["moved_up"]]
            for line in ((growth["areas"] + [growth["overall"]]) if growth else [])]

    # --- settings --------------------------------------------------------------------------------

    def clean_settings(self, data: dict) -> dict:
        form = SettingsForm(self, data)
        form.text("display_name", 200, required=True)
        clean_items_field(form)
        form.choice("phase", PHASES)
        form.choice("assessment", _ASSESSMENT_NAME.match)
        form.whole_number("threshold", 1, len(LEVELS))
        anonymous = form.flag("anonymous")
        form.flag("allow_changes")
        form.utc_datetime("deadline")
        answered = api.self_assessments.has_answers(self.ref)
        for name, value in (("anonymous", anonymous), ("assessment", form.values.get("assessment")),
                            ("phase", form.values.get("phase"))):
            if name in data and value is not None and value != getattr(self, name) and answered:
                form.error(name, N_("Learners have already answered: this cannot change now."))
        return form.cleaned()

    # --- reports ---------------------------------------------------------------------------------

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """A row per named respondent with their level per area; none for an anonymous self-assessment."""
        if self.anonymous:
            return
        yield from report_rows(user_state_iterator, limit_responses, self._report_rows)

    def _report_rows(self, user_states: list) -> list[dict | None]:
        learner_ids = [learner_key_of(state) for state in user_states]
        found = api.self_assessments.named_levels(self.ref, [i for i in learner_ids if i])
        rows = []
        for learner_id in learner_ids:
            own = found.get(learner_id, {}).get(self.phase) if learner_id else None
            rows.append({item["key"]: LEVEL_CODES[own[item["key"]] - 1] if item["key"] in own else ""
                         for item in self.items} if own else None)
        return rows


def _number(value) -> str:
    return "" if value is None else f"{value:.2f}"
