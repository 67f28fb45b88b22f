"""The etwinning_partners block through the workbench: cards, search, invitations, security."""

import pytest

from etwinning_plugin import api
from tests.harness import CARDS


@pytest.fixture
def partners(scenario_factory):
    return scenario_factory("<etwinning_partners max_schools='3'/>", "etwinning_partners")


def save(partners, learner, **changes):
    return partners.post("save_card", {**CARDS[learner], **changes}, student=learner)


def test_a_learner_publishes_a_card_and_others_find_it(partners):
    assert save(partners, "anna").status == 200
    assert save(partners, "luis").status == 200
    result = partners.post("search", {}, student="luis")
    assert result.status == 200 and result.body["total"] == 1
    assert "1st Primary School of Patras" in result.body["html"]
    assert "We love rivers." in result.body["html"]
    assert "anna" not in result.body["html"].replace("Anna", "")  # no learner id, no e-mail
    assert "@" not in result.body["html"]


def test_invite_accept_and_see_the_partnership(partners):
    save(partners, "anna")
    save(partners, "luis")
    luis_card = api.get_card(partners.course_key, "luis")
    sent = partners.post("invite", {"card": luis_card.id, "message": "Shall we?"}, student="anna")
    assert sent.status == 200 and sent.body["message"] == "Invitation sent."
    received = api.invitations(partners.course_key, "luis")[0][0]
    page = partners.render(student="luis")
    assert "Shall we?" in page and f'data-respond="{received.id}"' in page
    accepted = partners.post("respond", {"invitation": received.id, "accept": True}, student="luis")
    assert accepted.status == 200
    assert "Escola Básica de Braga" in accepted.body["sections"]["partnership"]
    assert "1st Primary School of Patras" in partners.render(student="luis")
    left = partners.post("leave", {}, student="luis")
    assert left.status == 200 and api.partnership_of(partners.course_key, "luis") is None


def test_greek_interface(partners):
    save(partners, "anna")
    html = partners.render(student="anna", lang="el")
    assert "Η κάρτα συνεργασίας σας" in html and "Your partnership card" not in html
    refused = partners.post("save_card", {**CARDS["anna"], "school_name": ""}, student="anna", lang="el")
    assert refused.status == 400 and refused.body["field_errors"]["school_name"] == "Αυτό το πεδίο είναι υποχρεωτικό."


BAD_CARDS = [
    ("markup", {"school_name": "<script>alert(1)</script>"}, "school_name"),
    ("huge message", {"message": "x" * 1001}, "message"),
    ("unknown level", {"school_level": "university"}, "school_level"),
    ("unknown language", {"languages": ["xx"]}, "languages"),
    ("no language", {"languages": []}, "languages"),
    ("sub-themes of the wrong type", {"sub_themes": "B1"}, "sub_themes"),
    ("published as text", {"published": "yes"}, "published"),
    ("a learner id", {"learner_id": "eva"}, "_"),
    ("wrong type", {"teacher_name": 5}, "teacher_name"),
]


@pytest.mark.parametrize(("what", "change", "field"), BAD_CARDS, ids=[c[0] for c in BAD_CARDS])
def test_bad_cards_are_refused_and_change_nothing(partners, what, change, field):
    save(partners, "anna")
    before = api.get_card(partners.course_key, "anna")
    result = save(partners, "anna", **change)
    assert result.status == 400 and field in result.body["field_errors"]
    assert api.get_card(partners.course_key, "anna") == before


@pytest.mark.parametrize(("handler", "body"), [
    ("invite", {"card": "../../etc"}),
    ("invite", {"card": "0" * 32}),
    ("invite", {"card": 12}),
    ("respond", {"invitation": "0" * 32, "accept": True}),
    ("respond", {"invitation": "abc", "accept": "yes"}),
    ("withdraw", {"invitation": "0" * 32}),
    ("leave", {"partnership": "x"}),
    ("search", {"school_level": "<b>"}),
    ("search", {"page": -1}),
    ("search", {"owner": "anna"}),
])
def test_unknown_ids_and_bad_requests_are_refused(partners, handler, body):
    save(partners, "anna")
    save(partners, "luis")
    result = partners.post(handler, body, student="anna")
    assert 400 <= result.status < 500 and result.error
    assert api.partnership_of(partners.course_key, "anna") is None


def test_another_learners_invitation_cannot_be_answered_or_withdrawn(partners):
    for learner in ("anna", "luis", "eva"):
        save(partners, learner)
    partners.post("invite", {"card": api.get_card(partners.course_key, "luis").id}, student="anna")
    invitation = api.invitations(partners.course_key, "luis")[0][0]
    assert partners.post("respond", {"invitation": invitation.id, "accept": True}, student="eva").status == 404
    assert partners.post("withdraw", {"invitation": invitation.id}, student="eva").status == 404
    assert api.invitations(partners.course_key, "luis")[0][0].status == "pending"


def test_card_text_is_escaped_on_every_page(partners):
    save(partners, "anna", message='Tom & Jerry say "a < b"', school_name="School <3 & co")
    save(partners, "luis")
    partners.post("invite", {"card": api.get_card(partners.course_key, "luis").id, "message": "a < b & c"},
                  student="anna")
    html = partners.post("search", {}, student="luis").body["html"]
    assert "School &lt;3 &amp; co" in html and "Tom &amp; Jerry say &quot;a &lt; b&quot;" in html
    page = partners.render(student="luis")
    assert "a &lt; b &amp; c" in page and "School &lt;3 &amp; co" in page


def test_staff_see_collaboration_counts_learners_do_not(partners):
    from tests.harness import make_partnership

    make_partnership(partners.course_key, "anna", "luis")
    assert "Partnerships formed" in partners.render(student="staff")
    assert "Partnerships formed" not in partners.render(student="anna")


def test_studio_settings_and_olx_round_trip(partners, scenario_factory):
    from tests.xblock.test_activity_olx import export

    assert partners.post("studio_submit", {"display_name": "Βρείτε σχολεία", "max_schools": 4,
                                           "teamset_id": ""}).status == 200
    refused = partners.post("studio_submit", {"max_schools": 1})
    assert refused.status == 400 and "max_schools" in refused.body["field_errors"]
    first = export(partners.block())
    again = scenario_factory(first.decode().split("?>", 1)[1], "etwinning_partners")
    assert export(again.block()) == first
    assert again.block().max_schools == 4 and again.block().display_name == "Βρείτε σχολεία"


def test_report_rows_name_the_school_and_partners(partners):
    from tests.harness import make_partnership, stored_states

    save(partners, "anna")
    save(partners, "luis")
    make_partnership(partners.course_key, "anna", "luis")
    rows = dict(partners.block().generate_report_data(stored_states(partners.usage_id)))
    assert rows["anna"]["School"] == "1st Primary School of Patras"
    assert rows["anna"]["Partner schools"] == "Escola Básica de Braga"


def test_refusals_from_the_plugin_come_in_the_learners_language(partners):
    save(partners, "luis")
    refused = partners.post("invite", {"card": api.get_card(partners.course_key, "luis").id}, student="anna",
                            lang="el")
    assert refused.status == 400
    assert refused.error == ("Δημοσιεύστε πρώτα την κάρτα συνεργασίας σας, ώστε το σχολείο που προσκαλείτε "
                             "να γνωρίζει ποιοι είστε.")


def test_the_country_is_a_code_named_in_the_learners_language(partners):
    card = {**CARDS["anna"], "country": "Ελλάδα"}  # a name in Greek or English is taken as its code
    assert partners.post("save_card", card, student="anna").status == 200
    assert api.get_card(partners.course_key, "anna").country == "GR"
    html = partners.render(student="anna", lang="el")
    assert '<option value="GR" selected>Ελλάδα</option>' in html
    refused = partners.post("save_card", {**CARDS["anna"], "country": "Atlantis"}, student="anna", lang="el")
    assert refused.status == 400 and refused.body["field_errors"]["country"] == "Επιλέξτε τη χώρα σας από τη λίστα."


def test_an_empty_search_says_what_to_widen(partners):
    partners.post("save_card", CARDS["anna"], student="anna")
    partners.post("save_card", CARDS["luis"], student="luis")
    found = partners.post("search", {"country": "CZ", "language": "pt"}, student="anna", lang="en")
    assert found.body["total"] == 0
    assert "No published card matches: Português, Czechia. Remove a filter" in found.body["html"]
    nobody = partners.post("search", {}, student="eva", lang="en")
    assert nobody.body["total"] == 2  # eva sees anna and luis
    alone = partners.post("search", {"country": "XX"}, student="anna")
    assert alone.status == 400


def test_a_member_cannot_rename_their_school_to_a_partners(partners):
    """A partnership brings together different schools: checked on joining, and again on every card save."""
    from tests.harness import make_partnership

    make_partnership(partners.course_key, "anna", "luis")
    result = save(partners, "luis", school_name=" 1st primary school of  PATRAS ")
    assert result.status == 409 and result.error.startswith("Another school of your partnership has this name")
    assert api.get_card(partners.course_key, "luis").school_name == "Escola Básica de Braga"
    assert save(partners, "luis", school_name="Escola Básica de Braga (Centro)").status == 200
