"""
Which Skills Lab activity a ``skillslab_activity`` converts: the one its author set (``fixed``), or
one the learner picks from the catalogue (``learner``), the partnership together in shared mode,
among the programmes of the author's thematic cycle and school level when those are set.

A learner's pick is kept in their state; a partnership's in its shared worksheet, in a section of
its own (``CHOICE``), so that it has the worksheet's versions and history and every partner sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from etwinning_plugin import api
from skillslab_xblock.domain.taxonomy import localized
from skillslab_xblock.support.handlers import RequestRejected, learner_json_handler
from skillslab_xblock.support.i18n import N_

CHOICE = "_choice"  # the worksheet section holding a partnership's pick; no step has this key


@dataclass(frozen=True)
class ShownActivity:
    """The activity a learner's page shows: the author's, or the one picked from the catalogue."""

    key: str  # "programme/workshop/activity", "" for the author's
    programme_id: str
    programme_title: str
    cycle: str
    sub_theme: str
    school_level: str
    skills: tuple[str, ...]
    workshop_title: str
    text: str


# What the block using ActivityChoiceMixin provides (tests/xblock/test_block_structure.py checks it does).
HOST_PROVIDES = (
    '_check_can_change', 'catalogue', 'document_ref', 'learner_id', 'learner_state', 'save_shared',
    'shared_learner_state',
)


class ActivityChoiceMixin:
    """The learner's (or partnership's) pick of the activity, for SkillsLabActivityBlock."""

    @property
    def learner_picks(self) -> bool:
        return self.activity_source == "learner"

    def pickable(self) -> list:
        """(programme, workshop, activity) the learner may pick: the author's cycle and level, if set."""
        return [(p, w, a) for p in self.catalogue().programmes
                if (not self.cycle or p.cycle == self.cycle)
                and (not self.school_level or self.school_level in p.school_levels)
                for w in p.workshops for a in w.activities]

    def picked(self, key: str, language: str) -> ShownActivity | None:
        for programme, workshop, activity in self.pickable():
            if key == f"{programme.id}/{workshop.id}/{activity.id}":
                return ShownActivity(
                    key, programme.id, localized(programme.title, language), programme.cycle, programme.sub_theme,
                    programme.school_levels[0] if programme.school_levels else "", tuple(programme.skills),
                    f"{workshop.number}. {localized(workshop.title, language)}", localized(activity.text, language))
        return None

    def shown_activity(self, content: dict | None = None) -> ShownActivity | None:
        """
        What the page shows as the original activity (None: the learner has not picked one yet).
        ``content`` is the partnership's worksheet in shared mode (its pick is in it).
        """
        if not self.learner_picks:
            return ShownActivity("", self.programme_id, self.programme_title, self.cycle, self.sub_theme,
                                 self.school_level, tuple(self.skills), self.workshop_title, self.activity_text)
        key = ((content or {}).get(CHOICE) or {}).get("activity", "") if self.is_shared else self.chosen_activity
        return self.picked(key, self.language) if key else None

    def pick_options(self, language: str) -> list[dict]:
        """The picker's options, grouped by programme, with the codes the page filters on."""
        groups: dict[str, dict] = {}
        for programme, workshop, activity in self.pickable():
            group = groups.setdefault(programme.id, {
                "title": localized(programme.title, language), "cycle": programme.cycle,
                "levels": " ".join(programme.school_levels), "options": []})
            workshop_title = f"{workshop.number}. {localized(workshop.title, language)}"
            group["options"].append({"value": f"{programme.id}/{workshop.id}/{activity.id}",
                                     "label": f"{workshop_title} — {localized(activity.title, language)}"})
        return list(groups.values())

    @learner_json_handler
    def choose_activity(self, data: dict, suffix: str = "") -> dict:
        """Pick the activity to convert: ``{"activity": "programme/workshop/activity"}``."""
        if not self.learner_picks:
            raise RequestRejected(400, N_("The author has set the activity of this step."))
        self._check_can_change()
        if set(data) - {"activity"} or not isinstance(data.get("activity"), str):
            raise RequestRejected(400, N_("Unexpected data in the request."))
        if self.picked(data["activity"], self.language) is None:
            raise RequestRejected(400, N_("Not one of the offered choices."))
        if self.is_shared:
            ref, _partnership = self.document_ref("worksheet", shared=True)
            learner_id = self.learner_id()
            latest = api.document_state(ref, learner_id).version  # a pick made on purpose: the latest wins
            self.save_shared(ref, latest, {CHOICE: {"activity": data["activity"]}}, self.field_label)
            return self.shared_learner_state(catch_up=True)
        self.chosen_activity = data["activity"]
        return self.learner_state()
