"""
What the collaborative blocks share: the course a block is in, the learner's partnership (an
Open edX team where the author names a teamset), and versioned saves of shared documents through
``etwinning_plugin.api``, the plugin's only door.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse

from etwinning_plugin import api
from skillslab_xblock.support.handlers import RequestRejected
from skillslab_xblock.support.i18n import N_

log = logging.getLogger(__name__)


def course_key_of(block) -> str:
    """
    The block's course: the usage key's course key in Open edX (or the runtime's ``course_id``, which
    LMS runtimes carry), else the scenario in the workbench.
    """
    usage_id = block.scope_ids.usage_id
    course_key = getattr(usage_id, "course_key", None) or getattr(block.runtime, "course_id", None)
    if course_key is not None and not callable(course_key):
        return str(course_key)
    return str(usage_id).split(".", 1)[0]


def rejected_from(refused: api.Refused) -> RequestRejected:
    return RequestRejected(refused.status, refused.message, refused.params)


class CollaborationMixin:
    """Partnerships and shared documents for a block with ``teamset_id`` (may be empty)."""

    @property
    def course_key(self) -> str:
        return course_key_of(self)

    @property
    def usage_key(self) -> str:
        return str(self.scope_ids.usage_id)

    def learner_id(self) -> str:
        learner_id = self.current_user_id
        if not learner_id:
            raise RequestRejected(403, N_("Please sign in to take part."))
        return learner_id

    def _team(self):
        """The learner's Open edX team in the author's teamset, when the runtime offers teams."""
        teamset_id = getattr(self, "teamset_id", "")
        teams = self.runtime.service(self, "teams") if teamset_id else None
        user_service = self.runtime.service(self, "user")
        if not teams or not user_service or not hasattr(user_service, "get_user_by_anonymous_id"):
            return None
        try:
            django_user = user_service.get_user_by_anonymous_id()
            # The LMS's teams service takes the CourseKey object; the workbench has only text.
            course_id = getattr(self.scope_ids.usage_id, "course_key", None) or self.course_key
            return teams.get_team(django_user, course_id, teamset_id)
        except Exception:  # noqa: BLE001 - a teams outage must not break the page; fall back to our own
            log.exception("The teams service could not give the learner's team")
            return None

    def partnership(self) -> api.PartnershipInfo | None:
        """The learner's partnership: their team in the author's teamset, else the one they formed."""
        learner_id = self.learner_id()
        team = self._team()
        if team is not None:
            member_ids = [str(user.id) for user in team.users.all()]
            schools = {}
            for member_id in member_ids:
                card = api.get_card(self.course_key, member_id)
                schools[member_id] = card.school_name if card else ""
            return api.team_partnership(self.course_key, str(team.team_id), member_ids, schools, learner_id)
        return api.partnership_of(self.course_key, learner_id)

    def change_watch(self, handler: str, seed: bool) -> api.changes.Watch | None:
        """
        What this block's page watches through the plugin's change feed (one request per page tick for
        all its blocks), starting with the learner's partnership and invitations, each stamp read now:
        call it before reading the state it covers. ``seed`` (handlers only) puts back stamps the
        cache lost. None where the feed cannot serve the block: no signed-in learner, a partnership
        that is an Open edX team (teams change outside the plugin), no feed URL or no shared cache.
        The page then asks the block's ``handler`` itself, as it always did.
        """
        learner_id = self.current_user_id
        if not learner_id or getattr(self, "teamset_id", "") or not api.changes.available():
            return None
        url = self.change_feed_url(handler)
        if not url:
            return None
        watch = api.changes.Watch(learner_id, seed=seed, url=url)
        return watch.add(api.changes.partnering(self.course_key, learner_id))

    def change_feed_url(self, handler: str) -> str:
        """
        The plugin's feed, where the platform mounts it (``/etwinning/changes/``), with the query of
        the block's handler URLs: the SDK workbench names its learner there (``?student=``).
        """
        try:
            path = reverse("etwinning:changes")
        except NoReverseMatch:  # the plugin's URLs are not mounted here
            return ""
        query = urlsplit(self.runtime.handler_url(self, handler)).query
        return f"{path}?{query}" if query else path

    def document_ref(self, kind: str, shared: bool) -> tuple[api.DocumentRef, api.PartnershipInfo | None]:
        """The document this learner works on: their partnership's when ``shared``, else their own."""
        learner_id = self.learner_id()
        if not shared:
            return api.DocumentRef(self.course_key, self.usage_key, api.owner_key_for_learner(learner_id), kind), None
        partnership = self.partnership()
        if partnership is None:
            raise RequestRejected(409, N_("This step is shared with your partner schools: join a partnership first."))
        return api.DocumentRef(self.course_key, self.usage_key, partnership.owner_key, kind), partnership

    def save_shared(self, ref: api.DocumentRef, base_version: int, changes: dict, label) -> api.SaveResult:
        """Save on ``base_version``; a collision answers 409 with both versions of each field."""
        try:
            result = api.save_document(ref, self.learner_id(), base_version, changes)
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        if not result.accepted:
            raise RequestRejected(
                409, N_("A partner changed the same answers meanwhile. Compare both versions and choose."),
                extra={"conflicts": self.conflict_errors(result.conflicts, label),
                       "version": result.state.version, "content": result.state.content})
        return result

    def conflict_errors(self, conflicts: list[api.Conflict], label) -> list[dict]:
        """Each collision with both versions, for the page to show side by side."""
        return [
            {"field": f"{c.section}.{c.field}", "label": label(c.section, c.field), "yours": c.yours,
             "theirs": c.theirs, "by_school": c.by_school, "at": c.at}
            for c in conflicts
        ]

    def history_rows(self, ref: api.DocumentRef, label) -> list[dict]:
        """Newest first: who saved, when, and for each field its text before and after."""
        return [
            {"version": r.version, "school": r.school_name, "teacher": r.teacher_name, "at": r.at,
             "fields": [label(*change.name.split(".", 1)) for change in r.changes],
             "changes": [{"field": change.name, "label": label(*change.name.split(".", 1)),
                          "before": change.before, "after": change.after} for change in r.changes]}
            for r in api.history(ref)
        ]

    def restore_shared(self, ref: api.DocumentRef, data: dict) -> api.SaveResult:
        """Bring back the document as it was at ``data["version"]``, as a new version."""
        version = parse_version(data, "version")
        try:
            return api.restore_revision(ref, self.learner_id(), version)
        except api.Refused as refused:
            raise rejected_from(refused) from refused


def parse_version(data: dict, name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RequestRejected(400, N_("The request lacks the version of the worksheet you edited."))
    return value
