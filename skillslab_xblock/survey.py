"""
The ``etwinning_survey`` block: the end-of-course evaluation on a five-point scale, plus an open
comment. Answers are stored one row per respondent and item in the plugin (never in shared
counters); tallies are counted from them. An anonymous survey stores no identifier with the answers.
"""

from __future__ import annotations

from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import Boolean, Integer, List, Scope, String

from etwinning_plugin import api
from skillslab_xblock.collaboration import CollaborationMixin, rejected_from
from skillslab_xblock.domain.taxonomy import localized
from skillslab_xblock.support.base import SettingsOLXMixin, SkillsLabBlockMixin, block_services
from skillslab_xblock.support.handlers import RequestRejected, learner_json_handler
from skillslab_xblock.support.i18n import N_, in_every_language
from skillslab_xblock.support.items import ItemsOLXMixin, QuestionnaireMixin, clean_items_field, items_to_text
from skillslab_xblock.support.reports import learner_key_of, report_rows, spreadsheet_safe, staff_csv
from skillslab_xblock.support.settings_form import SettingsForm
from skillslab_xblock.support.values import (
    clean_plain_text,
    editor_datetime,
    editor_number,
    render_message,
)

# The seven items the NSS publishes after each run (PRODUCT.md), with stable keys.
NSS_ITEMS = [
    {"key": "satisfaction", "text": {"el": "Είμαι ικανοποιημένος/η από τη συμμετοχή μου στο μάθημα.",
                                     "en": "I am satisfied with taking part in the course."}},
    {"key": "content_quality", "text": {
        "el": "Το περιεχόμενο και το υλικό ήταν ικανοποιητικά και άριστης ποιότητας.",
        "en": "The content and the material were satisfactory and of excellent quality."}},
    {"key": "activities_helped", "text": {
        "el": "Οι δραστηριότητες με βοήθησαν να κατανοήσω και να αφομοιώσω τη νέα γνώση.",
        "en": "The activities helped me understand and absorb the new knowledge."}},
    {"key": "tutors_expectations", "text": {
        "el": "Οι επιμορφωτές/διευκολυντές ανταποκρίθηκαν στις προσδοκίες μου.",
        "en": "The tutors and facilitators lived up to my expectations."}},
    {"key": "practice_improvement", "text": {
        "el": "Η συμμετοχή μου θα βελτιώσει τη διδακτική μου πρακτική και την επαγγελματική μου ανάπτυξη.",
        "en": "Taking part will improve my teaching practice and professional development."}},
    {"key": "ready_for_project", "text": {
        "el": "Νιώθω έτοιμος/η να υλοποιήσω ένα έργο eTwinning στο πλαίσιο των Εργαστηρίων Δεξιοτήτων.",
        "en": "I feel ready to run an eTwinning project within the Skills Labs."}},
    {"key": "would_recommend", "text": {"el": "Θα πρότεινα το μάθημα σε συναδέλφους μου.",
                                        "en": "I would recommend the course to my colleagues."}},
]
SCALE_LABELS = (N_("Strongly disagree"), N_("Disagree"), N_("Neither agree nor disagree"), N_("Agree"),
                N_("Strongly agree"))
MAX_COMMENT = 2000
COMMENTS_SHOWN = 500
# Fewer responses than this and learners could work out one another's answers from the results.
RESULTS_MINIMUM_DEFAULT = 5
ANONYMOUS_RESULTS_MINIMUM = 5  # the least an author may choose for an anonymous survey
MAX_RESULTS_MINIMUM = 10000


@XBlock.needs("i18n")
@block_services()
class EtwinningSurveyBlock(CollaborationMixin, QuestionnaireMixin, ItemsOLXMixin, SettingsOLXMixin,
                           SkillsLabBlockMixin, CompletableXBlockMixin, XBlock):
    """Five-point evaluation items and an open comment; results for staff (and learners if allowed)."""

    # Studio previews ``author_view``; without this it would show ``student_view`` as the author.
    has_author_view = True

    display_name = String(display_name=N_("Display name"), scope=Scope.settings,
                          default=N_("Evaluation of the course"))
    items = List(display_name=N_("Items"), scope=Scope.settings, default=NSS_ITEMS)
    comment_enabled = Boolean(display_name=N_("Ask for an open comment"), scope=Scope.settings, default=True)
    anonymous = Boolean(display_name=N_("Anonymous answers"), scope=Scope.settings, default=False,
                        help=N_("No identifier is stored with the answers; each learner answers once."))
    show_results = Boolean(display_name=N_("Learners see the results after answering"), scope=Scope.settings,
                           default=False)
    results_minimum = Integer(
        display_name=N_("Responses needed before learners see results"), scope=Scope.settings,
        default=RESULTS_MINIMUM_DEFAULT,
        help=N_("Learners see the results once this many have answered, updated each time this many more "
                "have answered, so that no one can work out another learner's answers."))

    # --- state -----------------------------------------------------------------------------------

    @property
    def ref(self) -> api.surveys.SurveyRef:
        return api.surveys.SurveyRef(self.course_key, self.usage_key, self.anonymous,
                                     self.results_minimum if self.show_results else None)

    def item_texts(self) -> list[dict]:
        language = self.language
        return [{"key": item["key"], "text": localized(item["text"], language)} for item in self.items]

    def results(self, *, released: bool = False) -> dict | None:
        """The live tallies (for staff), or those last released to learners (None before the first)."""
        keys = [item["key"] for item in self.items]
        tallies = api.surveys.released_results(self.ref, keys) if released else api.surveys.tallies(self.ref, keys)
        if tallies is None:
            return None
        texts = {item["key"]: item["text"] for item in self.item_texts()}
        return {
            "responses": tallies.responses,
            "items": [{"key": t.key, "text": texts[t.key], "answered": t.answered,
                       "counts": [t.counts[v] for v in api.surveys.SCALE], "positive": t.positive,
                       "percent_positive": t.percent_positive,
                       "bars": [round(100 * t.counts[v] / t.answered) if t.answered else 0
                                for v in api.surveys.SCALE]}
                      for t in tallies.items],
        }

    def learner_state(self, just_submitted: tuple[dict, str] | None = None) -> dict:
        """The learner's view; after a submission its answers are known and not read back."""
        learner_id = self.learner_id()
        if just_submitted is not None:
            answered = True
            own = None if self.anonymous else api.surveys.OwnResponse(*just_submitted)
        else:
            answered = api.surveys.has_answered(self.ref, learner_id)
            own = api.surveys.own_response(self.ref, learner_id)
        closed = self.deadline_passed()
        can_answer = not closed and (not answered or (self.allow_changes and not self.anonymous))
        return {
            "answered": answered,
            "answers": own.answers if own else {},
            "comment": own.comment if own else "",
            "share_with_nss": own.shared_with_nss if own else False,
            "can_answer": can_answer,
            "closed": closed,
            "results": self.results(released=True) if answered and self.show_results else None,
            "results_pending": answered and self.show_results,  # said when there is no release yet
        }

    # --- views -----------------------------------------------------------------------------------

    @XBlock.supports("multi_device")  # the mobile apps show the block (in a web view)
    def student_view(self, context=None) -> Fragment:
        state = self.learner_state() if self.current_user_id else None
        gettext = self.translator.gettext
        frag = Fragment(self.render_template("survey/student.html", {
            "block_id": self.dom_id, "language": self.language, "display_name": self.shown_display_name(),
            "state": state, "items": self.item_texts(), "comment_enabled": self.comment_enabled,
            "scale": [{"value": i + 1, "code": i + 1, "label": gettext(label)} for i, label in enumerate(SCALE_LABELS)],
            "anonymous": self.anonymous, "allow_changes": self.allow_changes,
            "results_minimum": self.results_minimum,
            "deadline": deadline.isoformat() if (deadline := self.learner_deadline(self.deadline)) else "",
            "staff": self.staff_results() if self.current_user_is_staff else None,
        }))
        return self.scripted_fragment(frag, "survey.js", "SkillsLabSurvey",
                                      {"submit_url": self.runtime.handler_url(self, "submit")})

    def staff_results(self) -> dict:
        comments, total = api.surveys.comments(self.ref, limit=COMMENTS_SHOWN)
        return {**self.results(), "comments": comments, "comments_total": total,
                "csv_url": self.runtime.handler_url(self, "results_csv")}

    def author_view(self, context=None) -> Fragment:
        return Fragment(self.render_template("survey/author.html", {
            "items": self.item_texts(), "anonymous": self.anonymous, "allow_changes": self.allow_changes,
            "show_results": self.show_results, "results_minimum": self.results_minimum,
            "deadline": self.deadline.isoformat() if self.deadline else ""}))

    def studio_view(self, context=None) -> Fragment:
        return self.settings_editor("survey/studio.html", {
            "display_name": self.shown_display_name(),
            "items_text": items_to_text(self.items), "comment_enabled": self.comment_enabled,
            "anonymous": self.anonymous, "allow_changes": self.allow_changes, "show_results": self.show_results,
            "results_minimum": editor_number(self.results_minimum), "deadline": editor_datetime(self.deadline)})

    def student_view_data(self, context=None) -> dict:
        """For the mobile apps: collected once at publish time, with no user, so texts in every language."""
        return {"display_name": self.display_name, "comment_enabled": self.comment_enabled,
                "anonymous": self.anonymous, "allow_changes": self.allow_changes,
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "texts": in_every_language(lambda t: {
                    "items": [{"key": item["key"], "text": localized(item["text"], t.language)} for item in self.items],
                    "scale": [t.gettext(label) for label in SCALE_LABELS]})}

    @staticmethod
    def workbench_scenarios():
        from skillslab_xblock.scenarios import survey_scenarios  # pylint: disable=import-outside-toplevel

        return survey_scenarios()

    # --- handlers --------------------------------------------------------------------------------

    @learner_json_handler
    def submit(self, data: dict, suffix: str = "") -> dict:
        """
        ``{"answers": {item key: 1..5}, "comment": "...", "share_with_nss": bool}``: every item, each
        once, checked as a whole. ``share_with_nss`` (named surveys only) is the learner's consent to
        send their answers to the NSS as theirs.
        """
        if self.deadline_passed():
            raise RequestRejected(403, N_("The survey is closed: its deadline has passed."))
        if set(data) - {"answers", "comment", "share_with_nss"} or not isinstance(data.get("answers"), dict):
            raise RequestRejected(400, N_("Unexpected data in the request."))
        gettext = self.translator.gettext
        keys = [item["key"] for item in self.items]
        answers, errors = {}, {}
        for key, value in data["answers"].items():
            if key not in keys:
                errors[str(key)[:64]] = gettext("Unknown item.")
            elif isinstance(value, bool) or not isinstance(value, int) or value not in api.surveys.SCALE:
                errors[key] = gettext("Choose a point from 1 to 5.")
            else:
                answers[key] = value
        for key in keys:
            if key not in data["answers"]:
                errors[key] = gettext("Please answer this item.")
        comment = ""
        if self.comment_enabled:
            comment, error = clean_plain_text(data.get("comment", ""), MAX_COMMENT)
            if error:
                errors["comment"] = render_message(error, gettext)
        elif data.get("comment"):
            errors["comment"] = gettext("This survey takes no comment.")
        share = data.get("share_with_nss", False)
        if not isinstance(share, bool) or (share and self.anonymous):
            errors["share_with_nss"] = gettext("An anonymous survey sends no one's answers as theirs.") \
                if self.anonymous else gettext("Must be true or false.")
        if errors:
            raise RequestRejected(400, N_("Your answers were not saved. Please check the marked items."),
                                  field_errors=errors)
        learner_id = self.learner_id()
        try:
            api.surveys.submit(self.ref, learner_id, answers, comment, allow_changes=self.allow_changes,
                               share_with_nss=share, wording=self.items)
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        if not self.anonymous:
            self.learner_key = learner_id
        self.emit_completion(1.0)
        state = self.learner_state(just_submitted=(answers, comment, "", share))
        results_html = self.render_template("survey/learner_results.html", {
            "state": state, "results_minimum": self.results_minimum}) if state["results_pending"] else ""
        return {**state, "results_html": results_html, "message": self._("Thank you: your answers are saved.")}

    @XBlock.handler
    def results_csv(self, request, suffix: str = "") -> Response:
        """Per-item results for course staff: answered, count per point, positive and its share."""
        return staff_csv(self, "survey-results.csv", self._results_rows)

    def _results_rows(self) -> list[list]:
        results = self.results()
        return [["item", "text", "answered", "1", "2", "3", "4", "5", "positive (4-5)", "percent positive",
                 "responses"]] + [
            [item["key"], spreadsheet_safe(item["text"]), item["answered"], *item["counts"], item["positive"],
             "" if item["percent_positive"] is None else f"{item['percent_positive']:.2f}", results["responses"]]
            for item in results["items"]]

    def clean_settings(self, data: dict) -> dict:
        form = SettingsForm(self, data)
        form.text("display_name", 200, required=True)
        clean_items_field(form)
        flags = {flag: form.flag(flag) for flag in ("comment_enabled", "anonymous", "allow_changes", "show_results")}
        minimum = form.whole_number("results_minimum", 1, MAX_RESULTS_MINIMUM)
        if flags["anonymous"]:
            if minimum is not None and minimum < ANONYMOUS_RESULTS_MINIMUM:
                form.error("results_minimum", N_("An anonymous survey shows results from at least {count} responses."),
                           count=ANONYMOUS_RESULTS_MINIMUM)
            # Nothing links an anonymous answer to its learner, so it cannot be changed later.
            form.values["allow_changes"] = False
        if "anonymous" in data and flags["anonymous"] != self.anonymous and api.surveys.tallies(self.ref, []).responses:
            form.error("anonymous", N_("Learners have already answered: anonymity cannot change now."))
        form.utc_datetime("deadline")
        return form.cleaned()

    # --- OLX -------------------------------------------------------------------------------------

    editable_fields = ("display_name", "items", "comment_enabled", "anonymous", "allow_changes", "show_results",
                       "results_minimum", "deadline")
    olx_derived_fields = ("allow_changes",)  # an anonymous survey turns changes off

    # --- reports ---------------------------------------------------------------------------------

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """A row per named respondent; an anonymous survey gives none (nothing links answers to people)."""
        if self.anonymous:
            return
        yield from report_rows(user_state_iterator, limit_responses, self._report_rows)

    def _report_rows(self, user_states: list) -> list[dict | None]:
        learner_ids = [learner_key_of(state) for state in user_states]
        responses = api.surveys.named_responses(self.ref, [i for i in learner_ids if i])
        return [self._report_row(responses.get(i)) if i else None for i in learner_ids]

    def _report_row(self, response) -> dict | None:
        if response is None:
            return None
        return {**{item["key"]: response.answers.get(item["key"], "") for item in self.items},
                "comment": response.comment, "submitted_at": response.submitted_at,
                "shared_with_nss": response.shared_with_nss}
