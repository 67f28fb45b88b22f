"""
The ``etwinning_partners`` block: partnership cards, finding partner schools, invitations, and the
learner's partnership.

A learner publishes a card about their school; browses the cards of fellow learners in the course,
best matches first; invites; accepts or declines; sees and leaves their partnership. Learners see
only what others chose to publish on their cards, never an e-mail address or a learner id. All of it
lives in the plugin's models, reached through ``etwinning_plugin.api``.
"""

from __future__ import annotations

import hashlib
import json

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Integer, Scope, String

from etwinning_plugin import api
from skillslab_xblock.collaboration import CollaborationMixin, rejected_from
from skillslab_xblock.domain import countries
from skillslab_xblock.domain.taxonomy import default_taxonomy
from skillslab_xblock.support.base import SettingsOLXMixin, SkillsLabBlockMixin, block_services
from skillslab_xblock.support.handlers import RequestRejected, learner_json_handler
from skillslab_xblock.support.i18n import N_
from skillslab_xblock.support.reports import learner_key_of, report_rows
from skillslab_xblock.support.settings_form import SettingsForm
from skillslab_xblock.support.values import clean_plain_text, editor_number, render_message

# Languages a school may work in, by their own names (as language pickers show them).
LANGUAGES = (
    ("el", "Ελληνικά"), ("en", "English"), ("fr", "Français"), ("de", "Deutsch"), ("it", "Italiano"),
    ("es", "Español"), ("pt", "Português"), ("nl", "Nederlands"), ("pl", "Polski"), ("ro", "Română"),
    ("bg", "Български"), ("cs", "Čeština"), ("sk", "Slovenčina"), ("sl", "Slovenščina"), ("hr", "Hrvatski"),
    ("hu", "Magyar"), ("da", "Dansk"), ("sv", "Svenska"), ("fi", "Suomi"), ("et", "Eesti"), ("lv", "Latviešu"),
    ("lt", "Lietuvių"), ("mt", "Malti"), ("ga", "Gaeilge"), ("tr", "Türkçe"), ("uk", "Українська"),
    ("sq", "Shqip"), ("mk", "Македонски"), ("sr", "Српски"), ("no", "Norsk"), ("is", "Íslenska"),
)
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGES)
PAGE_SIZE = 20
CARD_TEXT_LIMITS = {"teacher_name": 100, "school_name": 200, "region": 100, "message": 1000}
REQUIRED_CARD_TEXT = ("teacher_name", "school_name")


@XBlock.needs("i18n")
@block_services("settings", "teams")
class EtwinningPartnersBlock(CollaborationMixin, SettingsOLXMixin, SkillsLabBlockMixin, XBlock):
    """Partner finding: cards, search, invitations and partnerships of two or more schools."""

    display_name = String(display_name=N_("Display name"), scope=Scope.settings,
                          default=N_("Find partner schools"))
    max_schools = Integer(display_name=N_("Most schools in a partnership"), scope=Scope.settings, default=6,
                          help=N_("From 2 to 20; a partnership always has at least two schools."))
    teamset_id = String(display_name=N_("Teamset"), scope=Scope.settings, default="",
                        help=N_("With Open edX Teams, name a teamset: the learner's team is then their partnership."))

    # The learner's id, kept in their state so that the problem-responses report (which walks
    # user states) can find their card.
    learner_key = String(scope=Scope.user_state, default="")

    editable_fields = ("display_name", "max_schools", "teamset_id")
    has_author_view = True

    # --- views -----------------------------------------------------------------------------------

    @XBlock.supports("multi_device")  # the mobile apps show the block (in a web view)
    def student_view(self, context=None) -> Fragment:
        # rendered once: the page and its stamp
        sections, feed = self.sections_and_feed(seed=False) if self.current_user_id else ({}, None)
        frag = Fragment(self.render_template("partners/student.html", {
            "block_id": self.dom_id,
            "language": self.language,
            "display_name": self.shown_display_name(),
            "signed_in": bool(self.current_user_id),
            "sections": sections,
            "card": api.get_card(self.course_key, self.current_user_id) if self.current_user_id else None,
            "taxonomy": default_taxonomy().as_dict(self.language),
            "languages": LANGUAGES,
            "countries": countries.choices(self.language),
            "teams_mode": bool(self.teamset_id),
        }))
        return self.scripted_fragment(frag, "partners.js", "SkillsLabPartners", {
            "urls": {name: self.runtime.handler_url(self, name)
                     for name in ("save_card", "search", "invite", "respond", "withdraw", "leave", "current")},
            "poll_seconds": self.settings_bucket().get("poll_seconds", 5),
            "stamp": stamp_of(sections) if sections else "",
            "feed": feed,  # the page's change feed: when to ask ``current`` (None: ask it every poll)
        })

    def author_view(self, context=None) -> Fragment:
        return Fragment(self.render_template("partners/author.html", {
            "max_schools": self.max_schools, "teamset_id": self.teamset_id}))

    def sections_and_feed(self, seed: bool) -> tuple[dict[str, str], dict | None]:
        """
        The parts of the page that change with the learner's actions, rendered (and escaped) here,
        and what the page watches of them through the change feed (its stamp read
        first). Staff see the course's counts, which anyone's work changes: their page asks ``current``.
        """
        watch = None if self.current_user_is_staff else self.change_watch("current", seed=seed)
        learner_id = self.learner_id()
        card = api.get_card(self.course_key, learner_id)
        received, sent = api.invitations(self.course_key, learner_id)
        context = {
            "block_id": self.dom_id,
            "card": card,
            "partnership": self.partnership(),
            "received": received,
            "sent": sent,
            "max_schools": self.max_schools,
            "labels": self.code_labels(),
            "staff": api.course_collaboration(self.course_key) if self.current_user_is_staff else None,
        }
        sections = {name: self.render_template(f"partners/{name}.html", context)
                    for name in ("partnership", "invitations", "staff")}
        return sections, watch.answer() if watch else None

    def code_labels(self) -> dict[str, str]:
        """Titles of every code a card shows (countries, levels, cycles, sub-themes, languages)."""
        taxonomy = default_taxonomy().as_dict(self.language)
        labels = {**countries.names(self.language), **dict(LANGUAGES)}
        labels.update({level["code"]: level["title"] for level in taxonomy["school_levels"]})
        for cycle in taxonomy["cycles"]:
            labels[cycle["code"]] = cycle["title"]
            labels.update({sub["code"]: sub["title"] for sub in cycle["sub_themes"]})
        return labels

    def student_view_data(self, context=None) -> dict:
        return {"display_name": self.display_name, "max_schools": self.max_schools,
                "languages": [{"code": c, "name": n} for c, n in LANGUAGES]}

    # --- validation ------------------------------------------------------------------------------

    def clean_card(self, data: dict) -> dict:
        taxonomy = default_taxonomy()
        errors, values = {}, {}
        for name, limit in CARD_TEXT_LIMITS.items():
            text, error = clean_plain_text(data.get(name, ""), limit)
            if error:
                errors[name] = error
            elif name in REQUIRED_CARD_TEXT and not text:
                errors[name] = N_("This field is required.")
            else:
                values[name] = text
        country = countries.code_for(data.get("country", ""))  # a code, or a name in Greek or English
        if country is None:
            errors["country"] = N_("Choose your country from the list.")
        else:
            values["country"] = country
        level = data.get("school_level")
        if not isinstance(level, str) or taxonomy.school_level(level) is None:
            errors["school_level"] = N_("Choose your school level.")
        else:
            values["school_level"] = level
        for name, valid in (("languages", LANGUAGE_CODES),
                            ("cycles", tuple(c.code for c in taxonomy.cycles)),
                            ("sub_themes", tuple(s.code for c in taxonomy.cycles for s in c.sub_themes))):
            value = data.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v in valid for v in value):
                errors[name] = N_("Not one of the offered choices.")
            else:
                values[name] = [v for v in valid if v in value]
        if not values.get("languages") and "languages" not in errors:
            errors["languages"] = N_("Choose at least one.")
        published = data.get("published", True)
        if not isinstance(published, bool):
            errors["published"] = N_("Must be true or false.")
        values["published"] = published
        if set(data) - set(api.CARD_FIELDS):
            errors["_"] = N_("Unexpected data in the request.")
        if errors:
            gettext = self.translator.gettext
            raise RequestRejected(400, N_("The card was not saved. Please check the marked fields."),
                                  field_errors={k: render_message(v, gettext) for k, v in errors.items()})
        return values

    def _public_id(self, data: dict, name: str) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not (1 <= len(value) <= 64) or not value.isalnum():
            raise RequestRejected(400, N_("The request does not name a valid card or invitation."))
        return value

    def _result(self, message: str = "") -> dict:
        sections, feed = self.sections_and_feed(seed=True)
        return {"message": self._(message) if message else "", "sections": sections, "stamp": stamp_of(sections),
                **({"feed": feed} if feed else {})}

    # --- handlers --------------------------------------------------------------------------------

    @learner_json_handler
    def save_card(self, data: dict, suffix: str = "") -> dict:
        values = self.clean_card(data)
        self.learner_key = self.learner_id()
        try:
            api.save_card(self.course_key, self.learner_key, values, language=self.language,
                          partner_block=self.usage_key)
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        return self._result(N_("Your partnership card is saved.") if values["published"]
                            else N_("Your card is saved and hidden from other learners."))

    @learner_json_handler
    def search(self, data: dict, suffix: str = "") -> dict:
        """Cards of fellow learners, filtered and best matches first; 20 a page."""
        taxonomy = default_taxonomy()
        valid = {
            "school_level": {lv.code for lv in taxonomy.school_levels},
            "cycle": {c.code for c in taxonomy.cycles},
            "sub_theme": {s.code for c in taxonomy.cycles for s in c.sub_themes},
            "language": set(LANGUAGE_CODES),
        }
        filters = {}
        for name, codes in valid.items():
            value = data.get(name, "")
            if value not in ("", None) and (not isinstance(value, str) or value not in codes):
                raise RequestRejected(400, N_("Not one of the offered choices."))
            filters[name] = value or ""
        country = data.get("country", "")
        if country not in ("", None) and not countries.is_country(country):
            raise RequestRejected(400, N_("Not one of the offered choices."))
        filters["country"] = country or ""
        page = data.get("page", 0)
        if isinstance(page, bool) or not isinstance(page, int) or not 0 <= page <= 10_000:
            raise RequestRejected(400, N_("Unexpected data in the request."))
        if set(data) - {*valid, "country", "page"}:
            raise RequestRejected(400, N_("Unexpected data in the request."))
        cards, total = api.search_cards(self.course_key, self.learner_id(), limit=PAGE_SIZE,
                                        offset=page * PAGE_SIZE, **filters)
        labels = self.code_labels()
        html = self.render_template("partners/results.html", {
            "block_id": self.dom_id, "cards": cards, "total": total, "page": page,
            "has_more": (page + 1) * PAGE_SIZE < total, "labels": labels,
            # an empty result says which filters narrowed it, so the teacher knows what to widen
            "narrowed_by": [labels.get(value, value) for name, value in filters.items() if value],
        })
        return {"html": html, "total": total, "page": page}

    @learner_json_handler
    def current(self, data: dict, suffix: str = "") -> dict:
        """
        The partnership and invitations as they are now, for open pages: ``{"stamp": s}`` answers
        ``{"unchanged": true}`` while nothing changed since the page's stamp, so pages can ask often.
        """
        if set(data) - {"stamp"} or not isinstance(data.get("stamp", ""), str):
            raise RequestRejected(400, N_("Unexpected data in the request."))
        sections, feed = self.sections_and_feed(seed=True)
        stamp = stamp_of(sections)
        watched = {"feed": feed} if feed else {}
        if data.get("stamp") == stamp:
            return {"unchanged": True, "stamp": stamp, **watched}
        return {"sections": sections, "stamp": stamp, **watched}

    @learner_json_handler
    def invite(self, data: dict, suffix: str = "") -> dict:
        card_id = self._public_id(data, "card")
        message, error = clean_plain_text(data.get("message", ""), 500)
        if error:
            raise RequestRejected(400, N_("The invitation was not sent. Please check your message."),
                                  field_errors={"message": render_message(error, self.translator.gettext)})
        try:
            api.invite(self.course_key, self.learner_id(), card_id, message, self.max_schools)
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        return self._result(N_("Invitation sent."))

    @learner_json_handler
    def respond(self, data: dict, suffix: str = "") -> dict:
        invitation_id = self._public_id(data, "invitation")
        accept = data.get("accept")
        if not isinstance(accept, bool):
            raise RequestRejected(400, N_("Must be true or false."))
        try:
            api.respond(self.course_key, self.learner_id(), invitation_id, accept=accept,
                        max_size=self.max_schools)
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        return self._result(N_("You joined the partnership.") if accept else N_("Invitation declined."))

    @learner_json_handler
    def withdraw(self, data: dict, suffix: str = "") -> dict:
        try:
            api.withdraw(self.course_key, self.learner_id(), self._public_id(data, "invitation"))
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        return self._result(N_("Invitation withdrawn."))

    @learner_json_handler
    def leave(self, data: dict, suffix: str = "") -> dict:
        if data:
            raise RequestRejected(400, N_("Unexpected data in the request."))
        try:
            api.leave(self.course_key, self.learner_id())
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        return self._result(N_("You left the partnership."))

    # --- studio ----------------------------------------------------------------------------------

    def clean_settings(self, data: dict) -> dict:
        """The author's settings, validated as a whole (Studio's editor and OLX import)."""
        form = SettingsForm(self, data)
        form.text("display_name", 200, required=True)
        form.whole_number("max_schools", 2, 20, N_("Enter a whole number from 2 to 20."))
        form.text("teamset_id", 255)
        return form.cleaned()

    def studio_view(self, context=None) -> Fragment:
        return self.settings_editor("partners/studio.html", {
            "display_name": self.shown_display_name(), "max_schools": editor_number(self.max_schools),
            "teamset_id": self.teamset_id})

    @staticmethod
    def workbench_scenarios():
        from skillslab_xblock.scenarios import partners_scenarios  # pylint: disable=import-outside-toplevel

        return partners_scenarios()

    # --- reports ---------------------------------------------------------------------------------

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """A row per learner of the report with a card: their school and partnership."""
        return report_rows(user_state_iterator, limit_responses, self._report_rows)

    def _report_rows(self, user_states: list) -> list[dict | None]:
        learner_ids = [learner_key_of(state) for state in user_states]
        known = [i for i in learner_ids if i]
        cards, partnerships = api.cards_of(self.course_key, known), api.partnerships_of(self.course_key, known)
        return [self._report_row(cards.get(i), partnerships.get(i)) for i in learner_ids]

    @staticmethod
    def _report_row(card, partnership) -> dict | None:
        if card is None:
            return None
        return {
            "School": card.school_name, "School level": card.school_level, "Country": card.country,
            "Card published": card.published,
            "Partnership": partnership.id if partnership else "",
            "Partner schools": "; ".join(s for s in (partnership.schools if partnership else [])
                                         if s != card.school_name),
        }


def stamp_of(sections: dict[str, str]) -> str:
    """A short fingerprint of what a learner's page shows of their partnership and invitations."""
    return hashlib.sha256(json.dumps(sections, sort_keys=True).encode("utf-8")).hexdigest()[:16]
