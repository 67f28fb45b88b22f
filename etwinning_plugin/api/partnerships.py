"""Partnership cards, the search for partner schools, invitations and partnerships."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from .. import notifications
from ..models import Invitation, Partnership, PartnershipCard, PartnershipMember
from ..reports import teacher_tallies
from . import changes
from .errors import N_, Refused

INVITE_AGAIN_AFTER = timedelta(days=7)  # after a school declined an invitation
RECENTLY_ACTIVE = timedelta(days=30)  # a card saved since then belongs to a teacher still taking part


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
    country: str = ""  # ISO 3166 code from the member's card


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


def _codes(text: str) -> list[str]:
    return text.split()


def _padded(codes: list[str]) -> str:
    return f" {' '.join(codes)} " if codes else ""


def _card(card: PartnershipCard, score: int = 0) -> Card:
    return Card(card.public_id, card.teacher_name, card.school_name, card.school_level, card.country, card.region,
                _codes(card.languages), _codes(card.cycles), _codes(card.sub_themes), card.message, card.published,
                score)


def _card_as_sent(snapshot: dict) -> Card:
    """A card kept with an invitation, read back whatever fields the Card of its day had."""
    empty = {"languages": [], "cycles": [], "sub_themes": [], "published": True, "score": 0}
    return Card(**{f.name: snapshot.get(f.name, empty.get(f.name, "")) for f in fields(Card)})


def _partnering_changed(course_key: str, learner_ids) -> None:
    """What these learners' partner blocks show changed: their pages learn it from the change feed."""
    changes.bump_on_commit([changes.partnering(course_key, learner_id) for learner_id in learner_ids])


# --- partnership cards -------------------------------------------------------------------------

CARD_FIELDS = ("teacher_name", "school_name", "school_level", "country", "region", "languages", "cycles",
               "sub_themes", "message", "published")


def partner_block_of(course_key: str) -> str:
    """The usage key of the course's partner block (where its cards were last saved), or ""."""
    return PartnershipCard.objects.filter(course_key=course_key).exclude(partner_block="") \
        .order_by("-updated_at").values_list("partner_block", flat=True).first() or ""


def get_card(course_key: str, learner_id: str) -> Card | None:
    card = PartnershipCard.objects.filter(course_key=course_key, learner_id=learner_id).first()
    return _card(card) if card else None


def save_card(course_key: str, learner_id: str, values: dict, language: str = "", partner_block: str = "") -> Card:
    """
    Create or replace the learner's card; ``values`` are already validated by the block,
    ``language`` is the language of the learner's pages (their notifications come in it) and
    ``partner_block`` the usage key of the block the card was saved in.
    """
    stored = {name: values[name] for name in CARD_FIELDS if name in values}
    if language:
        stored["language"] = language
    if partner_block:
        stored["partner_block"] = partner_block[:255]
    for name in ("languages", "cycles", "sub_themes"):
        if name in stored:
            stored[name] = _padded(stored[name])
    with transaction.atomic():
        membership = _active_membership(course_key, learner_id)
        if membership and "school_name" in stored:
            # checked on joining, and again here: a member must not become a second copy of a partner school
            others = list(membership.partnership.members.filter(left_at__isnull=True).exclude(learner_id=learner_id))
            if not _schools_differ(others, stored["school_name"]):
                raise Refused(N_("Another school of your partnership has this name: a partnership brings together "
                                 "different schools."), status=409)
        card, _created = PartnershipCard.objects.update_or_create(
            course_key=course_key, learner_id=learner_id, defaults=stored)
        teacher_tallies.mark_due([learner_id])
        # A member's school name follows their card.
        PartnershipMember.objects.filter(active_course_key=course_key, learner_id=learner_id) \
            .update(school_name=card.school_name)
        # The card shows in the learner's partnership (to every member) and with their pending invitations.
        partners = list(PartnershipMember.objects.filter(
            active_course_key=course_key, partnership__members__learner_id=learner_id,
            partnership__members__active_course_key=course_key).values_list("learner_id", flat=True))
        invited = list(Invitation.objects.filter(course_key=course_key, from_id=learner_id,
                                                 status=Invitation.PENDING).values_list("to_id", flat=True))
        _partnering_changed(course_key, [learner_id, *partners, *invited])
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
    # schools already in the learner's partnership are not offered again
    partners = PartnershipMember.objects.filter(
        active_course_key=course_key, partnership__members__learner_id=learner_id,
        partnership__members__active_course_key=course_key).values("learner_id")
    cards = cards.exclude(learner_id__in=partners)
    if school_level:
        cards = cards.filter(school_level=school_level)
    if cycle:
        cards = cards.filter(cycles__contains=f" {cycle} ")
    if sub_theme:
        cards = cards.filter(sub_themes__contains=f" {sub_theme} ")
    if language:
        cards = cards.filter(languages__contains=f" {language} ")
    if country:
        cards = cards.filter(country=country)
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
    # Teachers seen lately come first among equals and before a slightly better match gone quiet: in
    # a self-paced run a partner must still be there (a card saved within RECENTLY_ACTIVE scores 4).
    score += Case(When(updated_at__gte=timezone.now() - RECENTLY_ACTIVE, then=Value(4)), default=Value(0),
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
    return _info_of(partnership, members, _teachers(partnership.course_key, [m.learner_id for m in members]),
                    learner_id)


def _teachers(course_key: str, learner_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Learner → (teacher name, country) from their cards."""
    return {learner: (teacher, country) for learner, teacher, country in PartnershipCard.objects.filter(
        course_key=course_key, learner_id__in=learner_ids).values_list("learner_id", "teacher_name", "country")}


def _info_of(partnership: Partnership, members: list[PartnershipMember], cards: dict, learner_id: str
             ) -> PartnershipInfo:
    return PartnershipInfo(
        partnership.public_id, owner_key_for_partnership(partnership),
        [Member(m.school_name, cards.get(m.learner_id, ("", ""))[0], m.learner_id == partnership.owner_id,
                m.learner_id == learner_id, cards.get(m.learner_id, ("", ""))[1]) for m in members],
        partnership.team_id or "",
    )


def owner_members(owner_key: str) -> list[str]:
    """The learners behind an owner key: a partnership's active members, or the one learner."""
    kind, _, ident = owner_key.partition(":")
    if kind == "learner":
        return [ident]
    return list(PartnershipMember.objects.filter(partnership__public_id=ident, left_at__isnull=True)
                .values_list("learner_id", flat=True))


def partnership_of(course_key: str, learner_id: str) -> PartnershipInfo | None:
    membership = _active_membership(course_key, learner_id)
    return _info(membership.partnership, learner_id) if membership else None


def partnerships_of(course_key: str, learner_ids: list[str]) -> dict[str, PartnershipInfo]:
    """The partnership of each of these learners who is in one, in three queries whatever their number: for reports."""
    mine = {m.learner_id: m.partnership for m in PartnershipMember.objects.select_related("partnership")
            .filter(active_course_key=course_key, learner_id__in=learner_ids)}
    members: dict[int, list[PartnershipMember]] = {p.id: [] for p in mine.values()}
    for member in PartnershipMember.objects.filter(partnership_id__in=list(members), left_at__isnull=True) \
            .order_by("joined_at", "id"):
        members[member.partnership_id].append(member)
    cards = _teachers(course_key, [m.learner_id for group in members.values() for m in group])
    return {learner_id: _info_of(partnership, members[partnership.id], cards, learner_id)
            for learner_id, partnership in mine.items()}


def cards_of(course_key: str, learner_ids: list[str]) -> dict[str, Card]:
    """The cards of these learners (those who saved one), in one query: for reports."""
    return {card.learner_id: _card(card)
            for card in PartnershipCard.objects.filter(course_key=course_key, learner_id__in=learner_ids)}


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
        if set(current) != set(member_ids):
            _partnering_changed(course_key, {*current, *member_ids})
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
        # A school that declined is not asked again at once: decline-and-invite cannot repeat without end.
        if Invitation.objects.filter(course_key=course_key, from_id=learner_id, to_id=target.learner_id,
                                     status=Invitation.DECLINED,
                                     responded_at__gt=timezone.now() - INVITE_AGAIN_AFTER).exists():
            raise Refused(N_("This school declined your invitation recently: you can invite it again after "
                             "{days} days. Meanwhile, look for other schools."), status=429,
                          days=INVITE_AGAIN_AFTER.days)
        invitation = Invitation.objects.create(course_key=course_key, from_id=learner_id, to_id=target.learner_id,
                                               message=message, invited_card=asdict(_card(target)))
        notifications.queue_notice(notifications.RECEIVED, course_key, to_id=target.learner_id, from_card=mine,
                                   message=message)
        _partnering_changed(course_key, [learner_id, target.learner_id])
    return InvitationInfo(invitation.public_id, invitation.status, invitation.message, _card(target),
                          invitation.created_at.isoformat())


def invitations(course_key: str, learner_id: str) -> tuple[list[InvitationInfo], list[InvitationInfo]]:
    """
    (received, sent) pending invitations, with the other side's card: the inviter's card as it is
    now for a received one (the inviter is asking), the invited card as it was published when the
    invitation was sent for a sent one (hiding or rewriting it later shows the inviter nothing new).
    """
    pending = Invitation.objects.filter(course_key=course_key, status=Invitation.PENDING) \
        .filter(Q(to_id=learner_id) | Q(from_id=learner_id)).order_by("-created_at")
    inviters = {i.from_id for i in pending if i.to_id == learner_id}
    cards = {c.learner_id: _card(c) for c in PartnershipCard.objects.filter(course_key=course_key,
                                                                             learner_id__in=inviters)}
    received, sent = [], []
    for i in pending:
        if i.to_id == learner_id:
            received.append(InvitationInfo(i.public_id, i.status, i.message, cards.get(i.from_id),
                                           i.created_at.isoformat()))
        else:
            invited = _card_as_sent(i.invited_card) if i.invited_card else None
            sent.append(InvitationInfo(i.public_id, i.status, i.message, invited, i.created_at.isoformat()))
    return received, sent


def _school_key(name: str) -> str:
    """A school's name as compared: case and runs of spaces do not make another school."""
    return " ".join(name.split()).casefold()


def _schools_differ(members: list[PartnershipMember], school_name: str) -> bool:
    return all(_school_key(m.school_name) != _school_key(school_name) for m in members)


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
            _partnering_changed(course_key, [learner_id, invitation.from_id])
            notifications.queue_notice(notifications.DECLINED, course_key, to_id=invitation.from_id,
                                       from_card=PartnershipCard.objects.filter(
                                           course_key=course_key, learner_id=learner_id).first())
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
        # Every member sees the new school; the steps waiting for a partnership open.
        _partnering_changed(course_key, [learner_id, invitation.from_id, *(m.learner_id for m in members)])
        notifications.queue_notice(notifications.ACCEPTED, course_key, to_id=invitation.from_id, from_card=me)
        return _info(partnership, learner_id)


def withdraw(course_key: str, learner_id: str, invitation_id: str) -> None:
    with transaction.atomic():
        pending = Invitation.objects.filter(course_key=course_key, public_id=invitation_id, from_id=learner_id,
                                            status=Invitation.PENDING)
        invited = list(pending.values_list("to_id", flat=True))
        updated = pending.update(status=Invitation.WITHDRAWN, responded_at=timezone.now())
        if not updated:
            raise Refused(N_("This invitation cannot be withdrawn."), status=404)
        _partnering_changed(course_key, [learner_id, *invited])


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
            successor = _next_owner(partnership, learner_id)
            if successor:
                partnership.owner_id = successor
                partnership.save(update_fields=["owner_id"])
        _partnering_changed(course_key, [learner_id, *partnership.members.filter(left_at__isnull=True)
                                         .values_list("learner_id", flat=True)])


def _next_owner(partnership: Partnership, leaving_id: str) -> str | None:
    """The earliest member still in the partnership, other than the one leaving."""
    successor = partnership.members.filter(left_at__isnull=True).exclude(learner_id=leaving_id) \
        .order_by("joined_at", "id").first()
    return successor.learner_id if successor else None


def hand_over_ownership(learner_id: str, token: str) -> None:
    """
    For a retired learner: each partnership they own passes to its earliest remaining member, or,
    with no one left, to the token that replaces them (so no partnership keeps their id).
    """
    for partnership in Partnership.objects.select_for_update().filter(owner_id=learner_id):
        partnership.owner_id = _next_owner(partnership, learner_id) or token
        partnership.save(update_fields=["owner_id"])


def tell_partners_of_retirement(learner_id: str) -> None:
    """
    Before a learner is retired: everyone in a partnership with them, or with an invitation from or
    to them, sees their partner block change (the school leaves it), through the change feed.
    """
    seen = set(Invitation.objects.filter(Q(from_id=learner_id) | Q(to_id=learner_id))
               .values_list("course_key", "from_id", "to_id"))
    by_course: dict[str, set[str]] = {}
    for course_key, from_id, to_id in seen:
        by_course.setdefault(course_key, set()).update({from_id, to_id})
    mine = PartnershipMember.objects.filter(learner_id=learner_id, left_at__isnull=True).values("partnership")
    for course_key, member in PartnershipMember.objects.filter(partnership__in=mine, left_at__isnull=True) \
            .values_list("partnership__course_key", "learner_id"):
        by_course.setdefault(course_key, set()).add(member)
    for course_key, learners in by_course.items():
        _partnering_changed(course_key, learners - {learner_id})
