"""
The ``skillslab_activity`` block: a Skills Lab workshop activity turned into an eTwinning step.

The learner reads the original activity, fills the conversion worksheet step by step (drafts save
as they type), submits, and gets feedback against the Quality Label criteria; they may revise until
the deadline. The author's side (Studio editor, preview, OLX) is in ``activity_authoring``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from web_fragments.fragment import Fragment
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import DateTime, Dict, Float, Integer, List, Scope, String
from xblock.scorable import ScorableXBlockMixin, Score

from etwinning_plugin import api
from skillslab_xblock.activity_authoring import ActivityAuthoringMixin
from skillslab_xblock.activity_choice import ActivityChoiceMixin, ShownActivity
from skillslab_xblock.activity_sharing import WORKSHEET, SharedWorksheetMixin
from skillslab_xblock.collaboration import CollaborationMixin
from skillslab_xblock.domain import quality_label, worksheet
from skillslab_xblock.domain.taxonomy import default_taxonomy, localized
from skillslab_xblock.support.base import SkillsLabBlockMixin, block_services
from skillslab_xblock.support.handlers import RequestRejected, learner_json_handler
from skillslab_xblock.support.i18n import N_, BlockTranslator, in_every_language
from skillslab_xblock.support.reports import report_rows
from skillslab_xblock.support.values import has_passed


@XBlock.needs("i18n")
@block_services("settings", "teams")
class SkillsLabActivityBlock(SharedWorksheetMixin, ActivityChoiceMixin, CollaborationMixin, ActivityAuthoringMixin,
                             SkillsLabBlockMixin, ScorableXBlockMixin, CompletableXBlockMixin, XBlock):
    """A Skills Lab activity and the worksheet that turns it into a collaborative eTwinning step."""

    # Studio previews ``author_view``; without this it would show ``student_view`` as the author.
    has_author_view = True

    # --- what the author configures (Scope.settings, exported to OLX) --------------------------
    display_name = String(
        display_name=N_("Display name"), scope=Scope.settings,
        default=N_("Skills Lab activity → eTwinning step"),
    )
    programme_id = String(display_name=N_("Programme id in the catalogue"), scope=Scope.settings, default="")
    programme_title = String(display_name=N_("Programme"), scope=Scope.settings, default="")
    cycle = String(display_name=N_("Thematic cycle"), scope=Scope.settings, default="")
    sub_theme = String(display_name=N_("Sub-theme"), scope=Scope.settings, default="")
    school_level = String(display_name=N_("School level"), scope=Scope.settings, default="")
    skills = List(display_name=N_("Target skills"), scope=Scope.settings, default=[])
    workshop_title = String(display_name=N_("Workshop"), scope=Scope.settings, default="")
    activity_text = String(display_name=N_("Original activity"), scope=Scope.settings, default="",
                           multiline_editor=True)
    required_steps = List(display_name=N_("Required worksheet steps"), scope=Scope.settings,
                          default=list(worksheet.STEP_KEYS))
    deadline = DateTime(display_name=N_("Deadline for revisions"), scope=Scope.settings, default=None)
    weight = Float(display_name=N_("Weight"), scope=Scope.settings, default=None,
                   help=N_("Leave empty for an ungraded activity."))
    collaboration_mode = String(display_name=N_("Who fills the worksheet"), scope=Scope.settings,
                                default="individual", values=("individual", "shared"))
    activity_source = String(display_name=N_("Which activity"), scope=Scope.settings, default="fixed",
                             values=("fixed", "learner"),
                             help=N_("The activity set here, or one each learner (or partnership) picks from "
                                     "the catalogue, within the thematic cycle and school level set here."))
    teamset_id = String(display_name=N_("Teamset"), scope=Scope.settings, default="")

    # --- what the learner does (Scope.user_state) -----------------------------------------------
    worksheet_answers = Dict(scope=Scope.user_state, default={},
                             help="The learner's current worksheet, step → field → value (drafts included).")
    submitted_answers = Dict(scope=Scope.user_state, default={}, help="The worksheet as last submitted.")
    submitted_at = String(scope=Scope.user_state, default="")
    draft_saved_at = String(scope=Scope.user_state, default="")
    # Shared mode: the partnership's submitted version this learner has had completion for.
    shared_completion_version = Integer(scope=Scope.user_state, default=0)
    # Shared mode: the learner's id, so that the problem-responses report can find their partnership.
    learner_key = String(scope=Scope.user_state, default="")
    # Individual mode with activity_source "learner": the activity picked, "programme/workshop/activity".
    chosen_activity = String(scope=Scope.user_state, default="")
    # The learner's last score (criteria addressed of all criteria), kept for the platform's score
    # override and rescoring (ScorableXBlockMixin's get_score / set_score).
    raw_earned = Float(scope=Scope.user_state, default=None)
    raw_possible = Float(scope=Scope.user_state, default=None)


    # --- grading (XBlock's ScorableXBlockMixin, so that instructors can rescore and override) ------
    #
    # The raw score is the number of Quality Label criteria the submitted worksheet addresses, out
    # of all of them; the platform scales it by ``weight``. An activity without a weight is ungraded.

    @property
    def has_score(self) -> bool:
        return bool(self.weight)

    def max_score(self) -> int | None:
        return len(quality_label.criteria_in_scope(self.required_steps)) if self.has_score else None

    def has_submitted_answer(self) -> bool:
        return bool(self.submitted_at) or bool(self.shared_completion_version)

    def get_score(self) -> Score:
        if self.raw_earned is None:
            return Score(0.0, float(len(quality_label.criteria_in_scope(self.required_steps))))
        return Score(self.raw_earned, self.raw_possible)

    def set_score(self, score: Score) -> None:
        self.raw_earned, self.raw_possible = float(score.raw_earned), float(score.raw_possible)

    def calculate_score(self) -> Score:
        """The learner's (or their partnership's) last submitted worksheet, assessed as the criteria are now."""
        return score_of(self.last_submitted_answers(), self.required_steps)

    def last_submitted_answers(self) -> dict:
        if not self.is_shared:
            return self.submitted_answers if self.submitted_at else {}
        ref, _partnership = self.document_ref(WORKSHEET, shared=True)
        return api.document_state(ref, self.learner_id()).submitted_content or {}

    def publish_grade(self, score: Score | None = None, only_if_higher: bool | None = None) -> None:
        """The stored score (or ``score``) to the runtime; the platform's score override calls this."""
        self._publish_grade(score or self.get_score(), only_if_higher)

    # --- learner state ---------------------------------------------------------------------------

    @property
    def school_level_codes(self) -> tuple[str, ...]:
        return tuple(level.code for level in default_taxonomy().school_levels)

    def deadline_passed(self) -> bool:
        return has_passed(self.learner_deadline(self.deadline))

    def learner_state(self) -> dict:
        """What the learner's page (and the mobile apps) need to show their progress."""
        return self.shared_learner_state() if self.is_shared else self.individual_learner_state()

    def feedback_of(self, submitted: dict | None) -> dict:
        """The feedback on a submitted worksheet (None: not submitted) and its one-line summary."""
        if submitted is None:
            return {"feedback": [], "feedback_summary": ""}
        feedback = quality_label.assess(submitted, self.required_steps)
        return {"feedback": [item.as_dict(self.translator.gettext) for item in feedback],
                "feedback_summary": quality_label.summary(feedback, self.translator)}

    def individual_learner_state(self) -> dict:
        """The learner's own worksheet (individual mode)."""
        # Each field read is a trip to the runtime's field data (a database row in the LMS), so
        # every field is read once here.
        answers, submitted_at = self.worksheet_answers, self.submitted_at
        deadline = self.learner_deadline(self.deadline)
        submitted_answers = self.submitted_answers if submitted_at else {}
        return {
            "activity_key": self.chosen_activity if self.learner_picks else "",
            "worksheet": answers,
            "progress": worksheet.progress(answers, tuple(self.required_steps)),
            "submitted": bool(submitted_at),
            "submitted_at": submitted_at,
            "draft_saved_at": self.draft_saved_at,
            "has_unsubmitted_changes": bool(submitted_at) and answers != submitted_answers,
            **self.feedback_of(submitted_answers if submitted_at else None),
            "deadline": deadline.isoformat() if deadline else None,
            "deadline_passed": has_passed(deadline),
        }

    # --- views -----------------------------------------------------------------------------------

    @XBlock.supports("multi_device")  # the mobile apps show the block (in a web view)
    def student_view(self, context=None) -> Fragment:
        state = self.learner_state()
        frag = self.learner_page(state)
        frag.add_javascript_url(self.js_catalog_url())
        frag.add_javascript(self.resource_string("public/js/skillslab_common.js"))
        frag.add_javascript(self.resource_string("public/js/activity.js"))
        shared = state.get("shared") or {}
        frag.initialize_js("SkillsLabActivity", {
            "language": self.language,
            # No learner text in the script's arguments: runtimes write them into the page inside a
            # <script> element, and not every runtime escapes "</" there (the SDK workbench does
            # not). The page already shows the answers; the script reads them from its fields.
            "state": {"shared": {key: shared[key] for key in ("version", "needs_partnership", "partners_url")
                                 if key in shared}},
            "save_draft_url": self.runtime.handler_url(self, "save_draft"),
            "submit_url": self.runtime.handler_url(self, "submit"),
            "shared": self.is_shared,
            "poll_seconds": self.settings_bucket().get("poll_seconds", 5),
            "shared_state_url": self.runtime.handler_url(self, "shared_state"),
            # the page's change feed: when to ask shared_state (api.changes; None: ask it every poll)
            "feed": state.get("feed"),
            "history_url": self.runtime.handler_url(self, "history"),
            "restore_url": self.runtime.handler_url(self, "restore"),
            "choose_url": self.runtime.handler_url(self, "choose_activity"),
            "original_url": self.runtime.handler_url(self, "original"),
        })
        return frag

    def learner_page(self, state: dict, preview: bool = False) -> Fragment:
        """The learner's page for ``state``, without its script (``preview``: every field read-only)."""
        language = self.language
        shown = self.shown_activity(state["worksheet"] if self.is_shared else None)
        frag = Fragment(self.render_template("activity/student.html", {
            "block_id": self.dom_id,
            "language": language,
            "display_name": self.shown_display_name(),
            "configured": self.learner_picks or bool(self.workshop_title and self.activity_text),
            "original": self.original_context(shown, language),
            "steps": self.steps_for_template(language, state),
            "state": state,
            "read_only": preview or state["deadline_passed"]
            or state.get("shared", {}).get("needs_partnership", False),
        }))
        frag.add_css(self.resource_string("public/css/activity.css"))
        return frag

    def student_view_data(self, context=None) -> dict:
        """
        The block's content for the mobile apps. The LMS collects it once, when the course is
        published, with no user (StudentViewTransformer): nothing here depends on who asks, and
        every text comes in each language the package ships (``texts``).
        """
        return {
            "display_name": self.display_name,
            "programme_id": self.programme_id,
            "cycle": self.cycle,
            "sub_theme": self.sub_theme,
            "school_level": self.school_level,
            "skills": list(self.skills),
            "workshop_title": self.workshop_title,
            "activity_text": self.activity_text,
            "required_steps": list(self.required_steps),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "graded": self.has_score,
            "collaboration_mode": self.collaboration_mode,
            "texts": in_every_language(self._mobile_texts),
        }

    def _mobile_texts(self, translator: BlockTranslator) -> dict:
        """The programme's labels and the worksheet's steps in ``translator``'s language."""
        language, _ = translator.language, translator.gettext
        return {
            "programme": self.programme_summary(self.shown_activity() if not self.learner_picks else None, language),
            "steps": [
                {
                    "key": s.key,
                    "title": _(s.title),
                    "fields": [
                        {"name": f.name, "kind": f.kind, "label": _(f.label), "required": f.required,
                         "choices": self.choice_options(f, language, _)}
                        for f in s.fields
                    ],
                }
                for s in worksheet.STEPS
            ],
        }

    def programme_summary(self, shown: ShownActivity | None, language: str) -> dict:
        """The programme of the activity shown, labelled in ``language`` (empty when none is picked yet)."""
        taxonomy = default_taxonomy()
        if shown is None:  # the learner picks, and has not yet: the author's frame (cycle, level) only
            shown = ShownActivity("", "", "", self.cycle, "", self.school_level, (), "", "")
        cycle = taxonomy.cycle(shown.cycle)
        sub_theme = taxonomy.sub_theme(shown.sub_theme)
        level = taxonomy.school_level(shown.school_level)
        return {
            "title": shown.programme_title,
            "cycle": cycle.label(language) if cycle else "",
            "cycle_code": shown.cycle,
            "sub_theme": sub_theme.label(language) if sub_theme else "",
            "sub_theme_code": shown.sub_theme,
            "school_level": level.label(language) if level else "",
            "skills": [s.label(language) for code in shown.skills if (s := taxonomy.skill(code))],
        }

    def original_context(self, shown: ShownActivity | None, language: str) -> dict:
        """The "original Skills Lab activity" part of the page (and the picker, when the learner picks)."""
        return {
            "programme": self.programme_summary(shown, language),
            "workshop_title": shown.workshop_title if shown else "",
            "paragraphs": [p for p in shown.text.split("\n\n") if p.strip()] if shown else [],
            "key": shown.key if shown else "",
            "learner_picks": self.learner_picks,
            "options": self.pick_options(language) if self.learner_picks else [],
            "cycles": [(c.code, c.label(language)) for c in default_taxonomy().cycles
                       if self.learner_picks and (not self.cycle or c.code == self.cycle)],
        }

    @learner_json_handler
    def original(self, data: dict, suffix: str = "") -> dict:
        """The original-activity part of the page, rendered, for a page whose pick changed."""
        state = self.learner_state()
        shown = self.shown_activity(state["worksheet"] if self.is_shared else None)
        return {"html": self.render_template("activity/original.html", {
            "block_id": self.dom_id, "original": self.original_context(shown, self.language),
            "read_only": state["deadline_passed"] or state.get("shared", {}).get("needs_partnership", False)}),
            "activity_key": shown.key if shown else ""}

    def choice_options(self, field: worksheet.Field, language: str, gettext=None) -> list[dict]:
        gettext = gettext or self._
        if field.name == "school_levels":
            return [{"value": lv.code, "label": lv.label(language), "pupil_data": "", "note": ""}
                    for lv in default_taxonomy().school_levels]
        if field.name == "tools":
            return [{"value": t.id, "label": t.label(language), "pupil_data": t.pupil_data,
                     "note": localized(t.note, language)}
                    for t in worksheet.tools()]
        return [{"value": c, "label": gettext(worksheet.CHOICE_LABELS[c]), "pupil_data": "", "note": ""}
                for c in field.choices]

    def steps_for_template(self, language: str, state: dict) -> list[dict]:
        answers = state["worksheet"]
        required = set(state["progress"]["required"])
        steps = []
        for number, s in enumerate(worksheet.STEPS, start=1):
            values = answers.get(s.key) or {}
            steps.append({
                "key": s.key,
                "number": number,
                "title": self._(s.title),
                "prompt": self._(s.prompt),
                "required": s.key in required,
                "done": s.key in state["progress"]["done"],
                "fields": [
                    {
                        "name": f.name,
                        "kind": f.kind,
                        "label": self._(f.label),
                        "help": self._(f.help) if f.help else "",
                        "required": f.required and s.key in required,
                        "value": values.get(f.name, "" if f.kind != "choices" else []),
                        "options": self.choice_options(f, language) if f.kind in ("choice", "choices") else [],
                    }
                    for f in s.fields
                ],
            })
        return steps

    @staticmethod
    def workbench_scenarios():
        from skillslab_xblock.scenarios import activity_scenarios  # pylint: disable=import-outside-toplevel

        return activity_scenarios()

    # --- handlers --------------------------------------------------------------------------------

    def _check_can_change(self) -> None:
        if self.deadline_passed():
            raise RequestRejected(403, N_("The deadline for this activity has passed; your work can no longer change."))

    def _cleaned(self, data: dict, allowed: set[str]) -> dict:
        """
        The request's worksheet steps, validated as a whole before anything is stored.
        Body: ``{"worksheet": {step: {field: value}}}`` (plus ``base_version`` in shared mode).
        """
        self._check_can_change()
        if set(data) - allowed:
            raise RequestRejected(400, N_("Unexpected data in the request."))
        try:
            return worksheet.clean_worksheet(data.get("worksheet", {}), self.school_level_codes)
        except worksheet.WorksheetInvalid as invalid:
            raise RequestRejected(400, N_("Some answers could not be saved. Please check the marked fields."),
                                  field_errors=invalid.messages(self.translator.gettext)) from invalid

    def _require_complete(self, answers: dict) -> None:
        incomplete = {}
        for step_key in self.required_steps:
            for name in worksheet.missing_fields(answers, step_key):
                incomplete[f"{step_key}.{name}"] = self._("Please fill this in before you submit.")
        if incomplete:
            raise RequestRejected(400, N_("Some required steps are not complete yet."), field_errors=incomplete)

    def publish_submission(self, answers: dict) -> None:
        """Completion for the submitting learner, and a grade when the activity is weighted."""
        self.emit_completion(1.0)
        if self.has_score:
            score = score_of(answers, self.required_steps)
            self.set_score(score)
            self._publish_grade(score)

    def step_title(self, content: dict | None = None) -> str:
        """The submitted step's name: the workshop converted (the one picked, when learners pick)."""
        if not self.learner_picks:  # one field, not the whole activity (each read may be a query)
            return self.workshop_title or self.display_name
        shown = self.shown_activity(content)
        return (shown.workshop_title if shown else "") or self.display_name

    @learner_json_handler
    def save_draft(self, data: dict, suffix: str = "") -> dict:
        """Autosave: store the steps sent, however incomplete."""
        if self.is_shared:
            return self.save_shared_draft(data)
        self.worksheet_answers = merge_steps(self.worksheet_answers, self._cleaned(data, {"worksheet"}))
        self.draft_saved_at = datetime.now(UTC).isoformat()
        return self.learner_state()

    @learner_json_handler
    def submit(self, data: dict, suffix: str = "") -> dict:
        """Submit the worksheet (with any last changes sent along); every required step must be done."""
        if self.is_shared:
            return self.submit_shared(data)
        merged = merge_steps(self.worksheet_answers, self._cleaned(data, {"worksheet"}))
        self._require_complete(merged)
        now = datetime.now(UTC)
        self.worksheet_answers = merged
        self.submitted_answers = merged
        self.submitted_at = self.draft_saved_at = now.isoformat()
        learner_id = self.learner_id()
        api.record_step_submission(
            api.DocumentRef(self.course_key, self.usage_key, api.owner_key_for_learner(learner_id)),
            self.step_title(), merged, learner_id, now)
        self.publish_submission(merged)
        return self.learner_state()

    # --- reports ---------------------------------------------------------------------------------

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """Rows for the instructor dashboard's problem-responses report: one per submitted worksheet."""
        return report_rows(user_state_iterator, limit_responses, self._report_rows)

    def _report_rows(self, user_states: list) -> list[dict | None]:
        """(submitted at, answers, partnership) per learner's state, in either mode: a few queries a batch."""
        states = [state.state or {} for state in user_states]
        if not self.is_shared:
            return [self._report_row(s.get("submitted_at", ""), s.get("submitted_answers") or {}, None)
                    for s in states]
        learner_ids = [s.get("learner_key") for s in states]
        partnerships = api.partnerships_of(self.course_key, [i for i in learner_ids if i])
        documents = api.document_states(self.course_key, self.usage_key,
                                        {i: p.owner_key for i, p in partnerships.items()})
        return [self._report_row(documents[i].submitted_at, documents[i].submitted_content, partnerships[i])
                if i in partnerships else None for i in learner_ids]

    def _report_row(self, submitted_at: str, answers: dict, partnership) -> dict | None:
        if not submitted_at or not answers:
            return None
        feedback = quality_label.assess(answers, self.required_steps)
        row = {
            "Submitted at": submitted_at,
            "Partner schools": "; ".join(partnership.schools) if partnership else "",
            "Collaboration level": worksheet.COLLABORATION_LEVEL.of(answers) or "",
            "Quality Label criteria addressed":
                f"{quality_label.addressed_count(feedback)}/{quality_label.assessed_count(feedback)}",
            "Weak or missing criteria": ", ".join(f.key for f in feedback
                                                  if f.status in (quality_label.WEAK, quality_label.MISSING)),
        }
        for s in worksheet.STEPS:
            for f in s.fields:
                value = (answers.get(s.key) or {}).get(f.name, "")
                row[f"{s.key}.{f.name}"] = ", ".join(value) if isinstance(value, list) else value
        return row


def score_of(answers: dict, required_steps) -> Score:
    """Criteria addressed by ``answers`` out of the criteria the required steps can address."""
    feedback = quality_label.assess(answers, required_steps)
    return Score(float(quality_label.addressed_count(feedback)), float(quality_label.assessed_count(feedback)))


def merge_steps(stored: dict, changes: dict) -> dict:
    """``stored`` with each changed step's fields replaced (a new dict; ``stored`` is untouched)."""
    merged = {key: dict(value) for key, value in stored.items()}
    for step_key, answers in changes.items():
        merged.setdefault(step_key, {}).update(answers)
    return merged
