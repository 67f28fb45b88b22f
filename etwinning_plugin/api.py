"""
The only door the blocks use into the plugin's shared data.

Every function takes the acting learner's id from the block (the platform's user service), never
from a request body, checks that the learner may do what is asked, and writes in one transaction.
Functions return plain dataclasses, never model instances, so the blocks stay independent of the
ORM. Refusals raise ``Refused`` with an N_-marked message that the block translates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from .models import (
    DocumentRevision,
    Invitation,
    Partnership,
    PartnershipCard,
    PartnershipMember,
    SharedDocument,
    StepSubmission,
)


def N_(message: str) -> str:  # noqa: N802 - the gettext marker, as in skillslab_xblock.i18n
    return message


class Refused(Exception):
    """The learner may not do this; ``message`` is N_-marked, with ``params`` for its placeholders."""

    def __init__(self, message: str, status: int = 400, **params):
        super().__init__(message)
        self.message = message
        self.status = status
        self.params = params


# --- values handed to the blocks ---------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    id: str
    teacher_name: str
    school_name: str
    school_level: str
    country: str
    region: str
    languages: list[str]
    cycles: list[str]
    sub_themes: list[str]
    message: str
    published: bool
    score: int = 0


@dataclass(frozen=True)
class Member:
    school_name: str
    teacher_name: str
    is_owner: bool
    is_me: bool


@dataclass(frozen=True)
class PartnershipInfo:
    id: str
    owner_key: str
    members: list[Member]
    team_id: str = ""

    @property
    def schools(self) -> list[str]:
        return [m.school_name for m in self.members]


@dataclass(frozen=True)
class InvitationInfo:
    id: str
    status: str
    message: str
    other: Card | None  # the inviter's card for received invitations, the invitee's for sent ones
    created_at: str


@dataclass(frozen=True)
class DocumentState:
    version: int
    content: dict
    submitted_version: int | None
    submitted_content: dict
    submitted_at: str
    submitted_by_me: bool


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
class RevisionInfo:
    version: int
    school_name: str
    teacher_name: str
    at: str
    fields: list[str]


def _codes(text: str) -> list[str]:
    return text.split()


def _padded(codes: list[str]) -> str:
    return f" {' '.join(codes)} " if codes else ""


def _card(card: PartnershipCard, score: int = 0) -> Card:
    return Card(card.public_id, card.teacher_name, card.school_name, card.school_level, card.country, card.region,
                _codes(card.languages), _codes(card.cycles), _codes(card.sub_themes), card.message, card.published,
                score)


# --- partnership cards -------------------------------------------------------------------------

CARD_FIELDS = ("teacher_name", "school_name", "school_level", "country", "region", "languages", "cycles",
               "sub_themes", "message", "published")


def get_card(course_key: str, learner_id: str) -> Card | None:
    card = PartnershipCard.objects.filter(course_key=course_key, learner_id=learner_id).first()
    return _card(card) if card else None


def save_card(course_key: str, learner_id: str, values: dict) -> Card:
    """Create or replace the learner's card; ``values`` are already validated by the block."""
    stored = {name: values[name] for name in CARD_FIELDS if name in values}
    for name in ("languages", "cycles", "sub_themes"):
        if name in stored:
            stored[name] = _padded(stored[name])
    with transaction.atomic():
        card, _created = PartnershipCard.objects.update_or_create(
            course_key=course_key, learner_id=learner_id, defaults=stored)
        # A member's school name follows their card.
        PartnershipMember.objects.filter(active_course_key=course_key, learner_id=learner_id) \
            .update(school_name=card.school_name)
    return _card(card)


def search_cards(course_key: str, learner_id: str, *, school_level: str = "", cycle: str = "", sub_theme: str = "",
                 language: str = "", country: str = "", limit: int = 20, offset: int = 0) -> tuple[list[Card], int]:
    """
    Published cards of fellow learners in the course, best matches first: the same school level
    counts most, then shared sub-themes, cycles and languages. Ranking and paging happen in SQL,
    so the cost does not grow with what Python holds. Returns (cards, total matching).
    """
    mine = PartnershipCard.objects.filter(course_key=course_key, learner_id=learner_id).first()
    cards = PartnershipCard.objects.filter(course_key=course_key, published=True).exclude(learner_id=learner_id)
    if school_level:
        cards = cards.filter(school_level=school_level)
    if cycle:
        cards = cards.filter(cycles__contains=f" {cycle} ")
    if sub_theme:
        cards = cards.filter(sub_themes__contains=f" {sub_theme} ")
    if language:
        cards = cards.filter(languages__contains=f" {language} ")
    if country:
        cards = cards.filter(country__iexact=country)
    total = cards.count()
    score = Value(0)
    if mine is not None:
        score = Case(When(school_level=mine.school_level, then=Value(8)), default=Value(0),
                     output_field=IntegerField())
        for code in _codes(mine.sub_themes):
            score += Case(When(sub_themes__contains=f" {code} ", then=Value(4)), default=Value(0),
                          output_field=IntegerField())
        for code in _codes(mine.cycles):
            score += Case(When(cycles__contains=f" {code} ", then=Value(2)), default=Value(0),
                          output_field=IntegerField())
        for code in _codes(mine.languages):
            score += Case(When(languages__contains=f" {code} ", then=Value(1)), default=Value(0),
                          output_field=IntegerField())
    ranked = cards.annotate(score=score).order_by("-score", "-updated_at", "id")[offset:offset + limit]
    return [_card(card, card.score) for card in ranked], total


# --- partnerships ------------------------------------------------------------------------------


def _active_membership(course_key: str, learner_id: str) -> PartnershipMember | None:
    return PartnershipMember.objects.select_related("partnership") \
        .filter(active_course_key=course_key, learner_id=learner_id).first()


def owner_key_for_partnership(partnership: Partnership) -> str:
    return f"partnership:{partnership.public_id}"


def owner_key_for_learner(learner_id: str) -> str:
    return f"learner:{learner_id}"


def _info(partnership: Partnership, learner_id: str) -> PartnershipInfo:
    members = list(partnership.members.filter(left_at__isnull=True).order_by("joined_at", "id"))
    names = dict(PartnershipCard.objects.filter(course_key=partnership.course_key,
                                                learner_id__in=[m.learner_id for m in members])
                 .values_list("learner_id", "teacher_name"))
    return PartnershipInfo(
        partnership.public_id, owner_key_for_partnership(partnership),
        [Member(m.school_name, names.get(m.learner_id, ""), m.learner_id == partnership.owner_id,
                m.learner_id == learner_id) for m in members],
        partnership.team_id,
    )


def partnership_of(course_key: str, learner_id: str) -> PartnershipInfo | None:
    membership = _active_membership(course_key, learner_id)
    return _info(membership.partnership, learner_id) if membership else None


def partnership_member_ids(owner_key: str) -> list[str]:
    """The learners of an owner key: the active members of a partnership, or the one learner."""
    kind, _, ident = owner_key.partition(":")
    if kind == "learner":
        return [ident]
    return list(PartnershipMember.objects.filter(partnership__public_id=ident, left_at__isnull=True)
                .values_list("learner_id", flat=True))


def team_partnership(course_key: str, team_id: str, member_ids: list[str], schools: dict[str, str],
                     learner_id: str) -> PartnershipInfo:
    """The partnership mirroring an Open edX team: created on first use, members kept in step."""
    with transaction.atomic():
        partnership, _ = Partnership.objects.get_or_create(
            course_key=course_key, team_id=team_id, defaults={"owner_id": sorted(member_ids)[0]})
        current = {m.learner_id: m for m in partnership.members.filter(left_at__isnull=True)}
        for member_id in member_ids:
            if member_id not in current:
                PartnershipMember.objects.filter(active_course_key=course_key, learner_id=member_id) \
                    .update(left_at=timezone.now(), active_course_key=None)
                PartnershipMember.objects.create(partnership=partnership, learner_id=member_id,
                                                 school_name=schools.get(member_id, ""),
                                                 active_course_key=course_key)
        for member_id, member in current.items():
            if member_id not in member_ids:
                member.left_at, member.active_course_key = timezone.now(), None
                member.save(update_fields=["left_at", "active_course_key"])
    return _info(partnership, learner_id)


def invite(course_key: str, learner_id: str, card_id: str, message: str, max_size: int) -> InvitationInfo:
    with transaction.atomic():
        mine = PartnershipCard.objects.select_for_update() \
            .filter(course_key=course_key, learner_id=learner_id).first()
        if mine is None:
            raise Refused(N_("Publish your partnership card first, so that the school you invite knows who you are."))
        target = PartnershipCard.objects.filter(course_key=course_key, public_id=card_id, published=True) \
            .exclude(learner_id=learner_id).first()
        if target is None:
            raise Refused(N_("This partnership card is not available."), status=404)
        membership = _active_membership(course_key, learner_id)
        if membership:
            members = list(membership.partnership.members.filter(left_at__isnull=True))
            if any(m.learner_id == target.learner_id for m in members):
                raise Refused(N_("This school is already your partner."))
            if len(members) >= max_size:
                raise Refused(N_("Your partnership already has the most schools allowed ({max})."), max=max_size)
        if Invitation.objects.filter(course_key=course_key, from_id=learner_id, to_id=target.learner_id,
                                     status=Invitation.PENDING).exists():
            raise Refused(N_("You have already invited this school."))
        invitation = Invitation.objects.create(course_key=course_key, from_id=learner_id, to_id=target.learner_id,
                                               message=message)
    return InvitationInfo(invitation.public_id, invitation.status, invitation.message, _card(target),
                          invitation.created_at.isoformat())


def invitations(course_key: str, learner_id: str) -> tuple[list[InvitationInfo], list[InvitationInfo]]:
    """(received, sent) pending invitations, with the other side's card."""
    pending = Invitation.objects.filter(course_key=course_key, status=Invitation.PENDING) \
        .filter(Q(to_id=learner_id) | Q(from_id=learner_id)).order_by("-created_at")
    others = {i.from_id if i.to_id == learner_id else i.to_id for i in pending}
    cards = {c.learner_id: _card(c) for c in PartnershipCard.objects.filter(course_key=course_key,
                                                                             learner_id__in=others)}
    received, sent = [], []
    for i in pending:
        other = i.from_id if i.to_id == learner_id else i.to_id
        info = InvitationInfo(i.public_id, i.status, i.message, cards.get(other), i.created_at.isoformat())
        (received if i.to_id == learner_id else sent).append(info)
    return received, sent


def _schools_differ(members: list[PartnershipMember], school_name: str) -> bool:
    return all(m.school_name.strip().casefold() != school_name.strip().casefold() for m in members)


def respond(course_key: str, learner_id: str, invitation_id: str, *, accept: bool,
            max_size: int) -> PartnershipInfo | None:
    """Accept or decline an invitation addressed to this learner."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update() \
            .filter(course_key=course_key, public_id=invitation_id, to_id=learner_id).first()
        if invitation is None:
            raise Refused(N_("This invitation is not addressed to you."), status=404)
        if invitation.status != Invitation.PENDING:
            raise Refused(N_("This invitation has already been answered or withdrawn."), status=409)
        invitation.responded_at = timezone.now()
        if not accept:
            invitation.status = Invitation.DECLINED
            invitation.save(update_fields=["status", "responded_at"])
            return partnership_of(course_key, learner_id)
        if _active_membership(course_key, learner_id):
            raise Refused(N_("Leave your current partnership before you join another."), status=409)
        # Lock the inviter's card: every change to the inviter's partnership passes here.
        inviter = PartnershipCard.objects.select_for_update() \
            .filter(course_key=course_key, learner_id=invitation.from_id).first()
        me = PartnershipCard.objects.filter(course_key=course_key, learner_id=learner_id).first()
        if inviter is None or me is None:
            raise Refused(N_("Publish your partnership card first, so that the school you invite knows who you are."))
        membership = _active_membership(course_key, invitation.from_id)
        try:
            with transaction.atomic():
                if membership is None:
                    partnership = Partnership.objects.create(course_key=course_key, owner_id=invitation.from_id)
                    PartnershipMember.objects.create(partnership=partnership, learner_id=invitation.from_id,
                                                     school_name=inviter.school_name, active_course_key=course_key)
                    members = list(partnership.members.all())
                else:
                    partnership = membership.partnership
                    members = list(partnership.members.filter(left_at__isnull=True))
                if len(members) >= max_size:
                    raise Refused(N_("That partnership already has the most schools allowed ({max})."), max=max_size)
                if not _schools_differ(members, me.school_name):
                    raise Refused(N_("A partnership brings together different schools: yours is already in it."))
                PartnershipMember.objects.create(partnership=partnership, learner_id=learner_id,
                                                 school_name=me.school_name, active_course_key=course_key)
        except IntegrityError as clash:
            raise Refused(N_("Someone changed this partnership at the same moment. Please try again."),
                          status=409) from clash
        invitation.status = Invitation.ACCEPTED
        invitation.save(update_fields=["status", "responded_at"])
        return _info(partnership, learner_id)


def withdraw(course_key: str, learner_id: str, invitation_id: str) -> None:
    updated = Invitation.objects.filter(course_key=course_key, public_id=invitation_id, from_id=learner_id,
                                        status=Invitation.PENDING) \
        .update(status=Invitation.WITHDRAWN, responded_at=timezone.now())
    if not updated:
        raise Refused(N_("This invitation cannot be withdrawn."), status=404)


def leave(course_key: str, learner_id: str) -> None:
    """Leave the partnership; the earliest remaining member becomes its owner."""
    with transaction.atomic():
        membership = PartnershipMember.objects.select_for_update().select_related("partnership") \
            .filter(active_course_key=course_key, learner_id=learner_id).first()
        if membership is None:
            raise Refused(N_("You are not in a partnership."), status=409)
        if membership.partnership.team_id:
            raise Refused(N_("Your partnership is your course team: ask the course team to change it."), status=409)
        membership.left_at, membership.active_course_key = timezone.now(), None
        membership.save(update_fields=["left_at", "active_course_key"])
        partnership = membership.partnership
        if partnership.owner_id == learner_id:
            successor = partnership.members.filter(left_at__isnull=True).order_by("joined_at", "id").first()
            if successor:
                partnership.owner_id = successor.learner_id
                partnership.save(update_fields=["owner_id"])


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
        return DocumentState(0, {}, None, {}, "", False)
    return DocumentState(document.version, document.content, document.submitted_version,
                         document.submitted_content,
                         document.submitted_at.isoformat() if document.submitted_at else "",
                         document.submitted_by == learner_id)


def document_state(ref: DocumentRef, learner_id: str) -> DocumentState:
    return _state(SharedDocument.objects.filter(usage_key=ref.usage_key, owner_key=ref.owner_key).first(), learner_id)


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
        # A value saved again unchanged (a field left after typing) makes no version of its own.
        changes = {section: changed for section, fields in changes.items()
                   if (changed := {name: value for name, value in fields.items()
                                   if (document.content.get(section) or {}).get(name) != value})}
        if not changes:
            return SaveResult(True, _state(document, learner_id))
        content = {section: dict(fields) for section, fields in document.content.items()}
        for section, fields in changes.items():
            content.setdefault(section, {}).update(fields)
        document.content = content
        document.version += 1
        document.save(update_fields=["content", "version", "updated_at"])
        DocumentRevision.objects.create(document=document, version=document.version, base_version=base_version,
                                        author_id=learner_id, changes=changes)
        return SaveResult(True, _state(document, learner_id), applied=True)


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
        document.save(update_fields=["submitted_version", "submitted_content", "submitted_at", "submitted_by",
                                     "updated_at"])
        record_step_submission(ref, title, document.content, learner_id, now)
        return _state(document, learner_id)


def history(ref: DocumentRef, limit: int = 50) -> list[RevisionInfo]:
    revisions = list(DocumentRevision.objects.filter(document__usage_key=ref.usage_key,
                                                     document__owner_key=ref.owner_key).order_by("-version")[:limit])
    cards = {c.learner_id: c for c in PartnershipCard.objects.filter(
        course_key=ref.course_key, learner_id__in={r.author_id for r in revisions})}
    return [RevisionInfo(r.version, cards[r.author_id].school_name if r.author_id in cards else "",
                         cards[r.author_id].teacher_name if r.author_id in cards else "",
                         r.created_at.isoformat(),
                         [f"{section}.{name}" for section, fields in r.changes.items() for name in fields])
            for r in revisions]


# --- submitted steps ---------------------------------------------------------------------------


def record_step_submission(ref: DocumentRef, title: str, answers: dict, learner_id: str, when=None) -> None:
    """Record (or replace) the submitted step of ``ref``'s owner, for the plan and the NSS."""
    StepSubmission.objects.update_or_create(
        usage_key=ref.usage_key, owner_key=ref.owner_key,
        defaults={"course_key": ref.course_key, "title": title[:400], "answers": answers,
                  "submitted_by": learner_id, "submitted_at": when or timezone.now()})


@dataclass(frozen=True)
class SubmittedStep:
    usage_key: str
    title: str
    answers: dict
    submitted_at: str


def submitted_steps(course_key: str, owner_keys: list[str]) -> list[SubmittedStep]:
    """The steps submitted in the course by any of the owners (a partnership and its members alone)."""
    rows = StepSubmission.objects.filter(course_key=course_key, owner_key__in=owner_keys).order_by("submitted_at")
    return [SubmittedStep(r.usage_key, r.title, r.answers, r.submitted_at.isoformat()) for r in rows]


# --- staff -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseCollaboration:
    cards: int
    partnerships: int
    learners_in_partnerships: int
    schools_per_partnership: dict[int, int]  # number of schools → number of partnerships
    steps_submitted: int
    shared_steps_submitted: int
    partnerships_detail: list[dict]


def course_collaboration(course_key: str, limit: int = 200) -> CourseCollaboration:
    """Counts for course staff, computed in SQL."""
    from django.db.models import Count  # noqa: PLC0415 - only staff views need it

    active = PartnershipMember.objects.filter(active_course_key=course_key)
    sizes = (Partnership.objects.filter(course_key=course_key)
             .annotate(size=Count("members", filter=Q(members__left_at__isnull=True))).filter(size__gt=0))
    histogram: dict[int, int] = {}
    for size in sizes.values_list("size", flat=True):
        histogram[size] = histogram.get(size, 0) + 1
    submissions = StepSubmission.objects.filter(course_key=course_key)
    detail = []
    for partnership in sizes.order_by("-created_at")[:limit]:
        owner_key = owner_key_for_partnership(partnership)
        detail.append({
            "id": partnership.public_id,
            "schools": list(partnership.members.filter(left_at__isnull=True).order_by("joined_at")
                            .values_list("school_name", flat=True)),
            "steps_submitted": submissions.filter(owner_key=owner_key).count(),
            "created_at": partnership.created_at.isoformat(),
        })
    return CourseCollaboration(
        PartnershipCard.objects.filter(course_key=course_key).count(),
        sum(histogram.values()),
        active.count(),
        dict(sorted(histogram.items())),
        submissions.count(),
        submissions.filter(owner_key__startswith="partnership:").count(),
        detail,
    )
