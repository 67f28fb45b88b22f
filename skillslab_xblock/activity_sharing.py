"""
Shared mode of ``skillslab_activity``: the partners of one partnership fill one worksheet.

The worksheet lives in the plugin (``SharedDocument``), not in any learner's state. Every save
names the version it was made on; the plugin merges saves that touch different fields and refuses
a save that collides with a partner's newer change to the same field, returning both versions for
the page to show. Whoever submits, every partner gets completion: the submitter at once, the others
the next time their page asks for the worksheet (a runtime publishes events for the current learner
only, and a view writes nothing: the page asks through ``shared_state`` as soon as it opens).
"""

from __future__ import annotations

from etwinning_plugin import api
from skillslab_xblock.activity_choice import CHOICE
from skillslab_xblock.collaboration import parse_version, rejected_from
from skillslab_xblock.domain import worksheet
from skillslab_xblock.support.handlers import RequestRejected, learner_json_handler
from skillslab_xblock.support.i18n import N_
from skillslab_xblock.support.rendering import dom_id_of

WORKSHEET = "worksheet"


# What the block using SharedWorksheetMixin provides (tests/xblock/test_block_structure.py checks it does).
HOST_PROVIDES = (
    '_check_can_change', '_cleaned', '_require_complete', 'deadline_passed', 'document_ref', 'feedback_of',
    'history_rows', 'individual_learner_state', 'learner_id', 'publish_submission', 'restore_shared',
    'save_shared', 'step_title',
)


class SharedWorksheetMixin:
    """Partnership worksheets for SkillsLabActivityBlock (``collaboration_mode == "shared"``)."""

    @property
    def is_shared(self) -> bool:
        return self.collaboration_mode == "shared"

    def field_label(self, section: str, name: str) -> str:
        step = worksheet.step(section)
        field = step.field(name) if step else None
        if not field:
            return f"{section}.{name}"
        return f"{self._(step.title)}: {self._(field.label)}"

    def shared_learner_state(self, catch_up: bool = False) -> dict:
        """
        The learner's view of their partnership's worksheet, in the same shape as the individual one.
        Only a handler passes ``catch_up``: then the learner's id is kept for the reports and the
        partnership's submission earns this partner their completion and grade. Views write nothing.
        """
        # The stamps first, then what they cover (api.changes): a step waiting for a partnership
        # watches the learner's partnership, one with a partnership its worksheet too.
        watch = self.change_watch("shared_state", seed=catch_up)
        try:
            ref, partnership = self.document_ref(WORKSHEET, shared=True)
        except RequestRejected:
            state = self.individual_learner_state()
            state["shared"] = {"needs_partnership": True, "partners_url": self.partners_url()}
            if watch:
                state["feed"] = watch.answer()
            return state
        learner_id = self.learner_id()
        if watch:
            watch.add(api.changes.document(ref.usage_key, ref.owner_key))
        document = api.document_state(ref, learner_id)
        if catch_up:
            if self.learner_key != learner_id:
                self.learner_key = learner_id
            self.catch_up_completion(document)
        submitted = document.submitted_version is not None
        deadline = self.learner_deadline(self.deadline)
        return {
            "activity_key": (document.content.get(CHOICE) or {}).get("activity", "") if self.learner_picks else "",
            "worksheet": document.content,
            "progress": worksheet.progress(document.content, tuple(self.required_steps)),
            "submitted": submitted,
            "submitted_at": document.submitted_at,
            "draft_saved_at": "",
            "has_unsubmitted_changes": submitted and document.content != document.submitted_content,
            **self.feedback_of(document.submitted_content if submitted else None),
            "deadline": deadline.isoformat() if deadline else None,
            "deadline_passed": self.deadline_passed(),
            "shared": {"needs_partnership": False, "version": document.version,
                       "schools": partnership.schools, "partnership": partnership.id},
            **({"feed": watch.answer()} if watch else {}),
        }

    def partners_url(self) -> str:
        """
        Where the course's partner block is: the LMS's ``/courses/<course>/jump_to/<usage>`` (the
        block's own unit), or an anchor on the page where blocks share one (the SDK workbench).
        """
        usage = api.partner_block_of(self.course_key)
        if not usage:
            return ""
        if getattr(self.scope_ids.usage_id, "course_key", None) is not None:
            return f"/courses/{self.course_key}/jump_to/{usage}"
        return "#" + dom_id_of(usage)

    def catch_up_completion(self, document: api.DocumentState) -> None:
        """Give this partner the completion (and grade) their partnership earned, once per submission."""
        if document.submitted_version is not None and document.submitted_for_me \
                and self.shared_completion_version != document.submitted_version:
            self.shared_completion_version = document.submitted_version
            self.publish_submission(document.submitted_content)

    def _shared_save(self, data: dict) -> tuple[api.DocumentRef, api.SaveResult, int]:
        """Save the request's changes; returns the version the learner has now seen all of."""
        cleaned = self._cleaned(data, {"worksheet", "base_version"})
        base_version = parse_version(data, "base_version")
        ref, _partnership = self.document_ref(WORKSHEET, shared=True)
        result = self.save_shared(ref, base_version, cleaned, self.field_label)
        # The learner has seen everything only if nobody saved between their version and their save.
        seen = base_version + 1 if result.applied else base_version
        return ref, result, seen

    def save_shared_draft(self, data: dict) -> dict:
        self._shared_save(data)
        return self.shared_learner_state(catch_up=True)

    def submit_shared(self, data: dict) -> dict:
        """Submit what the learner has seen: a partner's change they have not seen yet stops it."""
        ref, result, seen = self._shared_save(data)
        self._require_complete(result.state.content)
        try:
            api.submit_document(ref, self.learner_id(), seen, self.step_title(result.state.content))
        except api.Refused as refused:
            raise rejected_from(refused) from refused
        self.publish_submission(result.state.content)
        self.shared_completion_version = seen
        return self.shared_learner_state(catch_up=True)

    @learner_json_handler
    def shared_state(self, data: dict, suffix: str = "") -> dict:
        """
        The partnership's worksheet as it is now, for the page to pick up partners' changes. A page
        that sends the version it shows (``known_version``) gets a short ``unchanged`` answer while
        nobody saved: open pages can ask every few seconds.
        """
        if not self.is_shared:
            raise RequestRejected(400, N_("This activity is not shared."))
        known = data.get("known_version")
        bad_version = known is not None and (isinstance(known, bool) or not isinstance(known, int))
        if set(data) - {"known_version"} or bad_version:
            raise RequestRejected(400, N_("Unexpected data in the request."))
        state = self.shared_learner_state(catch_up=True)
        if known is not None and (state.get("shared") or {}).get("version") == known:
            return {"unchanged": True, "shared": {"version": known, "needs_partnership": False},
                    **({"feed": state["feed"]} if "feed" in state else {})}
        return state

    @learner_json_handler
    def history(self, data: dict, suffix: str = "") -> dict:
        """Who changed what in the partnership's worksheet, newest first."""
        if not self.is_shared:
            raise RequestRejected(400, N_("This activity is not shared."))
        ref, _partnership = self.document_ref(WORKSHEET, shared=True)
        return {"history": self.history_rows(ref, self.field_label)}

    @learner_json_handler
    def restore(self, data: dict, suffix: str = "") -> dict:
        """Bring the partnership's worksheet back to an earlier version: ``{"version": n}``."""
        if not self.is_shared:
            raise RequestRejected(400, N_("This activity is not shared."))
        self._check_can_change()
        if set(data) - {"version"}:
            raise RequestRejected(400, N_("Unexpected data in the request."))
        ref, _partnership = self.document_ref(WORKSHEET, shared=True)
        self.restore_shared(ref, data)
        return self.shared_learner_state(catch_up=True)
