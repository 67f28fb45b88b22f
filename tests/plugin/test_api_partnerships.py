"""Partnership cards, search, invitations and partnerships through etwinning_plugin.api."""

import pytest

from etwinning_plugin import api
from etwinning_plugin.models import PartnershipMember
from tests.harness import CARDS, make_partnership

pytestmark = pytest.mark.django_db
COURSE = "course-v1:NSS+SkillsLabs+2027"


def card(learner, **changes):
    return api.save_card(COURSE, learner, {**CARDS[learner], **changes})


def test_search_ranks_the_same_level_and_sub_theme_first_and_hides_the_unpublished():
    card("anna")
    card("luis")  # same level, shares B1
    card("eva")  # another level and cycle
    api.save_card(COURSE, "hidden", {**CARDS["luis"], "school_name": "Hidden school", "published": False})
    api.save_card("another-course", "far", CARDS["luis"])
    cards, total = api.search_cards(COURSE, "anna")
    assert total == 2
    assert [c.school_name for c in cards] == ["Escola Básica de Braga", "Gymnázium Brno"]
    assert cards[0].score > cards[1].score
    filtered, total = api.search_cards(COURSE, "anna", sub_theme="D1")
    assert [c.school_name for c in filtered] == ["Gymnázium Brno"] and total == 1
    assert api.search_cards(COURSE, "anna", language="pt")[1] == 1
    assert api.search_cards(COURSE, "anna", country="PT")[1] == 1


def test_a_card_never_carries_a_learner_id_or_an_email():
    shown = card("luis")
    assert "luis" not in repr(shown).replace("Luís", "")
    assert set(vars(shown)) == {"id", "teacher_name", "school_name", "school_level", "country", "region",
                                "languages", "cycles", "sub_themes", "message", "published", "score"}


def test_invitation_accepted_forms_a_partnership_of_two_schools():
    partnership = make_partnership(COURSE, "anna", "luis")
    assert partnership.schools == ["1st Primary School of Patras", "Escola Básica de Braga"]
    assert [m.is_owner for m in partnership.members] == [True, False]
    assert api.partnership_of(COURSE, "luis").id == partnership.id


def test_a_third_school_joins_the_inviters_partnership_up_to_the_limit():
    make_partnership(COURSE, "anna", "luis")
    card("eva")
    with pytest.raises(api.Refused, match="most schools allowed"):
        api.invite(COURSE, "anna", api.get_card(COURSE, "eva").id, "", max_size=2)
    api.invite(COURSE, "anna", api.get_card(COURSE, "eva").id, "Join us!", max_size=3)
    [invitation], _ = api.invitations(COURSE, "eva")
    assert invitation.message == "Join us!" and invitation.other.school_name == CARDS["anna"]["school_name"]
    partnership = api.respond(COURSE, "eva", invitation.id, accept=True, max_size=3)
    assert len(partnership.members) == 3


def test_a_school_already_in_the_partnership_cannot_join_twice():
    make_partnership(COURSE, "anna", "luis")
    api.save_card(COURSE, "anna2", {**CARDS["eva"], "school_name": " 1st primary  school of PATRAS "})
    api.invite(COURSE, "anna", api.get_card(COURSE, "anna2").id, "", 6)
    [invitation], _ = api.invitations(COURSE, "anna2")
    with pytest.raises(api.Refused, match="different schools"):
        api.respond(COURSE, "anna2", invitation.id, accept=True, max_size=6)
    assert len(api.partnership_of(COURSE, "anna").members) == 2


def test_only_the_invited_learner_can_answer_and_only_once():
    card("anna")
    card("luis")
    card("eva")
    api.invite(COURSE, "anna", api.get_card(COURSE, "luis").id, "", 6)
    [invitation], _ = api.invitations(COURSE, "luis")
    for intruder in ("eva", "anna"):
        with pytest.raises(api.Refused, match="not addressed to you"):
            api.respond(COURSE, intruder, invitation.id, accept=True, max_size=6)
    api.respond(COURSE, "luis", invitation.id, accept=False, max_size=6)
    with pytest.raises(api.Refused, match="already been answered"):
        api.respond(COURSE, "luis", invitation.id, accept=True, max_size=6)
    assert api.partnership_of(COURSE, "luis") is None


def test_inviting_needs_a_card_a_published_target_and_no_duplicate():
    card("luis")
    with pytest.raises(api.Refused, match="Publish your partnership card"):
        api.invite(COURSE, "anna", api.get_card(COURSE, "luis").id, "", 6)
    card("anna")
    with pytest.raises(api.Refused, match="not available"):
        api.invite(COURSE, "anna", "0" * 32, "", 6)
    with pytest.raises(api.Refused, match="not available"):
        api.invite(COURSE, "anna", api.get_card(COURSE, "anna").id, "", 6)  # oneself
    api.invite(COURSE, "anna", api.get_card(COURSE, "luis").id, "", 6)
    with pytest.raises(api.Refused, match="already invited"):
        api.invite(COURSE, "anna", api.get_card(COURSE, "luis").id, "", 6)


def test_withdrawing_is_for_the_inviter_only():
    card("anna")
    card("luis")
    api.invite(COURSE, "anna", api.get_card(COURSE, "luis").id, "", 6)
    [invitation], _ = api.invitations(COURSE, "luis")
    with pytest.raises(api.Refused):
        api.withdraw(COURSE, "luis", invitation.id)
    api.withdraw(COURSE, "anna", invitation.id)
    assert api.invitations(COURSE, "luis") == ([], [])


def test_leaving_passes_the_coordination_on_and_frees_the_learner():
    make_partnership(COURSE, "anna", "luis", "eva")
    api.leave(COURSE, "anna")
    assert api.partnership_of(COURSE, "anna") is None
    remaining = api.partnership_of(COURSE, "luis")
    assert [m.school_name for m in remaining.members if m.is_owner] == [CARDS["luis"]["school_name"]]
    with pytest.raises(api.Refused, match="not in a partnership"):
        api.leave(COURSE, "anna")
    assert PartnershipMember.objects.filter(learner_id="anna", active_course_key=None).count() == 1


def test_a_learner_in_a_partnership_cannot_join_another_until_they_leave():
    make_partnership(COURSE, "anna", "luis")
    card("eva")
    api.invite(COURSE, "eva", api.get_card(COURSE, "luis").id, "", 6)
    [invitation], _ = api.invitations(COURSE, "luis")
    with pytest.raises(api.Refused, match="Leave your current partnership"):
        api.respond(COURSE, "luis", invitation.id, accept=True, max_size=6)


def test_staff_counts():
    make_partnership(COURSE, "anna", "luis", "eva")
    stats = api.course_collaboration(COURSE)
    assert (stats.cards, stats.partnerships, stats.learners_in_partnerships) == (3, 1, 3)
    assert stats.schools_per_partnership == {3: 1}
    assert stats.partnerships_detail[0]["schools"] == [CARDS[n]["school_name"] for n in ("anna", "luis", "eva")]


def test_schools_already_in_the_partnership_are_not_offered_again():
    from tests.harness import make_partnership

    make_partnership(COURSE, "anna", "luis")
    card("eva")
    cards, total = api.search_cards(COURSE, "anna")
    assert [c.school_name for c in cards] == ["Gymnázium Brno"] and total == 1
    assert {c.school_name for c in api.search_cards(COURSE, "eva")[0]} == {
        "Escola Básica de Braga", "1st Primary School of Patras"}  # others still find both


def test_a_declined_invitation_cannot_be_repeated_at_once():
    """Decline-and-invite cannot repeat without end: the same school can be invited again after a cool-down."""
    from datetime import timedelta

    from django.utils import timezone

    from etwinning_plugin.models import Invitation

    card("anna")
    card("luis")
    anna_card = api.get_card(COURSE, "anna").id
    api.invite(COURSE, "luis", anna_card, "", 4)
    received, _sent = api.invitations(COURSE, "anna")
    api.respond(COURSE, "anna", received[0].id, accept=False, max_size=4)
    with pytest.raises(api.Refused) as refused:
        api.invite(COURSE, "luis", anna_card, "Please?", 4)
    assert refused.value.status == 429
    Invitation.objects.update(responded_at=timezone.now() - timedelta(days=8))
    assert api.invite(COURSE, "luis", anna_card, "A new idea: rivers and music.", 4)


def test_the_inviter_sees_the_card_as_it_was_published_when_they_invited():
    """Hiding a card, or writing on it later, shows the inviter nothing new (issue 12, point 10)."""
    card("anna")
    invited = card("luis", message="We map rivers too.")
    api.invite(COURSE, "anna", invited.id, "Join us?", 6)
    card("luis", message="Private: our head teacher is leaving.", published=False, teacher_name="L. Private")
    [sent] = api.invitations(COURSE, "anna")[1]
    assert sent.other.message == "We map rivers too." and sent.other.teacher_name == CARDS["luis"]["teacher_name"]
    assert "Private" not in str(sent)
    [received] = api.invitations(COURSE, "luis")[0]
    assert received.other.school_name == CARDS["anna"]["school_name"]  # the inviter's own card, as it is


def test_search_prefers_teachers_active_lately_for_self_paced_runs():
    """A card saved two months ago ranks after a recent one, though it shares one more language (issue 14, point 3)."""
    from datetime import timedelta

    from django.utils import timezone

    from etwinning_plugin.models import PartnershipCard

    card("anna")
    card("luis", languages=["pt", "en", "el"])  # one more language in common with Anna
    card("eva", school_level="primary_upper", cycles=["B"], sub_themes=["B1", "B3"])  # the same match otherwise
    PartnershipCard.objects.filter(learner_id="luis").update(updated_at=timezone.now() - timedelta(days=60))
    cards, _total = api.search_cards(COURSE, "anna")
    assert [c.school_name for c in cards] == [CARDS["eva"]["school_name"], CARDS["luis"]["school_name"]]
    assert cards[0].score > cards[1].score
