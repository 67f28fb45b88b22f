"""Shared documents (worksheets and plans) with versioned saves, and the steps submitted in a course."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .. import reporting
from ..models import DocumentRevision, PartnershipCard, SharedDocument, StepSubmission
from ..reports import teacher_tallies
from . import changes as stamps
from .errors import N_, Refused
from .partnerships import owner_members
from .text import repaired


@dataclass(frozen=True)
class DocumentState:
    version: int
    content: dict
    submitted_version: int | None
    submitted_content: dict
    submitted_at: str
    submitted_for_me: bool = False  # the learner was a member when it was submitted


@dataclass(frozen=True)
class Conflict:
    section: str
    field: str
    yours: object
    theirs: object
    by_school: str
    at: str


@dataclass(frozen=True)
class SaveResult:
    accepted: bool
    state: DocumentState
    conflicts: list[Conflict] = field(default_factory=list)
    applied: bool = False  # a new version was stored (an accepted save may change nothing)


@dataclass(frozen=True)
class FieldChange:
    """One field of one save: ``name`` is "section.field"; ``before`` is None where it was empty."""

    name: str
    before: object
    after: object


@dataclass(frozen=True)
class RevisionInfo:
    version: int
    school_name: str
    teacher_name: str
    at: str
    changes: list[FieldChange]

    @property
    def fields(self) -> list[str]:
        return [change.name for change in self.changes]


# --- shared documents --------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRef:
    """Which document: one block's worksheet or plan, of one owner (a partnership or a learner)."""

    course_key: str
    usage_key: str
    owner_key: str
    kind: str = SharedDocument.WORKSHEET


def _state(document: SharedDocument | None, learner_id: str) -> DocumentState:
    if document is None:
        return DocumentState(0, {}, None, {}, "")
    return DocumentState(document.version, repaired(document.content), document.submitted_version,
                         repaired(document.submitted_content),
                         document.submitted_at.isoformat() if document.submitted_at else "",
                         # documents submitted before members were kept: everyone in it then was a member
                         learner_id in document.submitted_members if document.submitted_members else True)


def document_state(ref: DocumentRef, learner_id: str) -> DocumentState:
    return _state(SharedDocument.objects.filter(usage_key=ref.usage_key, owner_key=ref.owner_key).first(), learner_id)


def document_states(course_key: str, usage_key: str, owners: dict[str, str]) -> dict[str, DocumentState]:
    """Each learner's document of this block, ``owners`` giving each learner's owner key: one query for all."""
    documents = {d.owner_key: d for d in SharedDocument.objects.filter(usage_key=usage_key,
                                                                        owner_key__in=set(owners.values()))}
    return {learner_id: _state(documents.get(owner_key), learner_id) for learner_id, owner_key in owners.items()}


def _locked_document(ref: DocumentRef) -> SharedDocument:
    document, _ = SharedDocument.objects.get_or_create(usage_key=ref.usage_key, owner_key=ref.owner_key,
                                                       defaults={"course_key": ref.course_key, "kind": ref.kind})
    return SharedDocument.objects.select_for_update().get(pk=document.pk)


def _school_of(course_key: str, learner_id: str) -> str:
    card = PartnershipCard.objects.filter(course_key=course_key, learner_id=learner_id).first()
    return card.school_name if card else ""


def save_document(ref: DocumentRef, learner_id: str, base_version: int, changes: dict[str, dict]) -> SaveResult:
    """
    Apply ``changes`` ({section: {field: value}}) made on top of ``base_version``.

    Under a row lock on the document: if a field in ``changes`` was also changed by someone else
    since ``base_version`` (to a different value), nothing is applied and each collision is
    returned with both versions; otherwise the changes are merged into the latest content (other
    people's changes to other fields are kept) and stored as a new version and revision.
    """
    with transaction.atomic():
        document = _locked_document(ref)
        if base_version > document.version:
            raise Refused(N_("Your copy is newer than the stored one. Please reload the page."), status=409)
        collisions = []
        if base_version < document.version:
            later = {}
            for revision in document.revisions.filter(version__gt=base_version).order_by("version"):
                for section, fields in revision.changes.items():
                    for name in fields:
                        later[(section, name)] = revision
            for section, fields in changes.items():
                for name, value in fields.items():
                    revision = later.get((section, name))
                    current = (document.content.get(section) or {}).get(name)
                    if revision is not None and current != value:
                        collisions.append(Conflict(section, name, value, current,
                                                   _school_of(ref.course_key, revision.author_id),
                                                   revision.created_at.isoformat()))
        if collisions:
            return SaveResult(False, _state(document, learner_id), collisions)
        return _apply(document, learner_id, base_version, changes)


def _apply(document: SharedDocument, learner_id: str, base_version: int, changes: dict[str, dict]) -> SaveResult:
    """Store ``changes`` on the locked ``document`` as a new version, with what each field held before."""
    # A value saved again unchanged (a field left after typing) makes no version of its own.
    changes = {section: changed for section, fields in changes.items()
               if (changed := {name: value for name, value in fields.items()
                               if (document.content.get(section) or {}).get(name) != value})}
    if not changes:
        return SaveResult(True, _state(document, learner_id))
    previous = {section: {name: document.content[section][name] for name in fields
                          if name in (document.content.get(section) or {})}
                for section, fields in changes.items()}
    content = {section: dict(fields) for section, fields in document.content.items()}
    for section, fields in changes.items():
        content.setdefault(section, {}).update(fields)
    document.content = content
    document.version += 1
    document.save(update_fields=["content", "version", "updated_at"])
    DocumentRevision.objects.create(document=document, version=document.version, base_version=base_version,
                                    author_id=learner_id, changes=changes,
                                    previous={s: f for s, f in previous.items() if f})
    teacher_tallies.mark_due([learner_id])
    stamps.bump_on_commit([stamps.document(document.usage_key, document.owner_key)])
    return SaveResult(True, _state(document, learner_id), applied=True)


def restore_revision(ref: DocumentRef, learner_id: str, version: int) -> SaveResult:
    """
    Bring back the document as it was once version ``version`` was saved: every field that changed
    since gets its value of then, as a new version (so nothing is lost: the history keeps the texts
    it replaces, and they can be restored in turn). The learner chose it, so it collides with nothing.
    """
    with transaction.atomic():
        document = _locked_document(ref)
        if not 0 < version <= document.version:
            raise Refused(N_("There is no such version of this document."), status=404)
        then: dict[str, dict] = {}
        later: set[tuple[str, str]] = set()
        for revision in document.revisions.order_by("version"):
            for section, fields in revision.changes.items():
                for name, value in fields.items():
                    if revision.version <= version:
                        then.setdefault(section, {})[name] = value
                    else:
                        later.add((section, name))
        changes: dict[str, dict] = {}
        for section, name in later:
            changes.setdefault(section, {})[name] = (then.get(section) or {}).get(name, "")
        return _apply(document, learner_id, document.version, changes)


def submit_document(ref: DocumentRef, learner_id: str, version: int, title: str) -> DocumentState:
    """Submit the document as it is at ``version`` (the submitter must have seen the latest)."""
    with transaction.atomic():
        document = _locked_document(ref)
        if version != document.version:
            raise Refused(N_("A partner changed the worksheet meanwhile. Check their changes, then submit again."),
                          status=409)
        now = timezone.now()
        document.submitted_version, document.submitted_content = document.version, document.content
        document.submitted_at, document.submitted_by = now, learner_id
        document.submitted_members = owner_members(ref.owner_key)
        document.save(update_fields=["submitted_version", "submitted_content", "submitted_at", "submitted_by",
                                     "submitted_members", "updated_at"])
        record_step_submission(ref, title, document.content, learner_id, now)
        stamps.bump_on_commit([stamps.document(ref.usage_key, ref.owner_key)])
        return _state(document, learner_id)


def history(ref: DocumentRef, limit: int = 50) -> list[RevisionInfo]:
    revisions = list(DocumentRevision.objects.filter(document__usage_key=ref.usage_key,
                                                     document__owner_key=ref.owner_key).order_by("-version")[:limit])
    cards = {c.learner_id: c for c in PartnershipCard.objects.filter(
        course_key=ref.course_key, learner_id__in={r.author_id for r in revisions})}
    return [RevisionInfo(r.version, cards[r.author_id].school_name if r.author_id in cards else "",
                         cards[r.author_id].teacher_name if r.author_id in cards else "",
                         r.created_at.isoformat(),
                         [FieldChange(f"{section}.{name}", repaired((r.previous.get(section) or {}).get(name)),
                                      repaired(value))
                          for section, fields in r.changes.items() for name, value in fields.items()])
            for r in revisions]


# --- submitted steps ---------------------------------------------------------------------------


def record_step_submission(ref: DocumentRef, title: str, answers: dict, learner_id: str, when=None) -> None:
    """Record (or replace) the submitted step of ``ref``'s owner, for the plan, and report it to the NSS."""
    when = when or timezone.now()
    with transaction.atomic():
        StepSubmission.objects.update_or_create(
            usage_key=ref.usage_key, owner_key=ref.owner_key,
            defaults={"course_key": ref.course_key, "title": title[:400], "answers": answers,
                      "submitted_by": learner_id, "submitted_at": when})
        teacher_tallies.mark_due([learner_id])
        report_completion(ref, "step", title, when)


def report_completion(ref: DocumentRef, kind: str, title: str, when=None) -> None:
    """Queue a step or plan completion for the NSS, naming every member of the owner (by pseudonym)."""
    reporting.emit("step_completion", ref.course_key, ref.usage_key, kind=kind, title=title,
                   learner_ids=owner_members(ref.owner_key), occurred_at=when or timezone.now())


@dataclass(frozen=True)
class SubmittedStep:
    usage_key: str
    title: str
    answers: dict
    submitted_at: str


def submitted_steps(course_key: str, owner_keys: list[str]) -> list[SubmittedStep]:
    """The steps submitted in the course by any of the owners (a partnership and its members alone)."""
    rows = StepSubmission.objects.filter(course_key=course_key, owner_key__in=owner_keys).order_by("submitted_at")
    return [SubmittedStep(r.usage_key, r.title, repaired(r.answers), r.submitted_at.isoformat()) for r in rows]
