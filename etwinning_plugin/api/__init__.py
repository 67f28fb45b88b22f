"""
The only door the blocks use into the plugin's shared data.

Every function takes the acting learner's id from the block (the platform's user service), never
from a request body, checks that the learner may do what is asked, and writes in one transaction.
Functions return plain dataclasses, never model instances, so the blocks stay independent of the
ORM. Refusals raise ``Refused`` with an N_-marked message that the block translates.
"""

from ..reports.collaboration import CourseCollaboration, course_collaboration
from . import (  # noqa: E402 - used as api.surveys.submit(...), api.registrations.save(...)
    changes,
    registrations,
    self_assessments,
    surveys,
)
from .documents import (
    Conflict,
    DocumentRef,
    DocumentState,
    FieldChange,
    RevisionInfo,
    SaveResult,
    SubmittedStep,
    document_state,
    document_states,
    history,
    record_step_submission,
    restore_revision,
    save_document,
    submit_document,
    submitted_steps,
)
from .documents import (
    report_completion as documents_report_completion,
)
from .errors import Refused
from .partnerships import (
    CARD_FIELDS,
    Card,
    InvitationInfo,
    Member,
    PartnershipInfo,
    cards_of,
    get_card,
    invitations,
    invite,
    leave,
    owner_key_for_learner,
    owner_key_for_partnership,
    partner_block_of,
    partnership_of,
    partnerships_of,
    respond,
    save_card,
    search_cards,
    team_partnership,
    withdraw,
)

__all__ = [
    "CARD_FIELDS", "Card", "Conflict", "CourseCollaboration", "DocumentRef", "DocumentState", "FieldChange",
    "InvitationInfo",
    "Member", "PartnershipInfo", "Refused", "RevisionInfo", "SaveResult", "SubmittedStep", "course_collaboration",
    "document_state", "document_states", "partnerships_of", "cards_of", "get_card", "history", "invitations",
    "invite", "leave", "owner_key_for_learner",
    "owner_key_for_partnership", "partner_block_of", "partnership_of", "record_step_submission", "respond",
    "restore_revision", "save_card",
    "save_document", "search_cards", "submit_document", "submitted_steps", "team_partnership", "withdraw",
    "changes", "registrations", "self_assessments", "surveys", "documents_report_completion",
]
