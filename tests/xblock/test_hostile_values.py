"""Values that used to give a 500: each gets a clear 400 (or the block's own OLX error) and changes nothing."""

from __future__ import annotations

import pytest

from skillslab_xblock.scenarios import activity_olx
from skillslab_xblock.support.olx import OLXRejected

PROFILE = "https://school-education.ec.europa.eu/en/people/anna"


def declaration(**changes):
    return {"profile_url": PROFILE, "school_name": "1st Primary School of Patras", "school_code": "9060123",
            "region": "Western Greece", "teacher_registered_during_course": True,
            "school_registered_during_course": True, "consent_to_share_profile": False, **changes}


@pytest.mark.parametrize("url", ["https://school-education.ec.europa.eu:abc/en/people/anna",
                                 "https://school-education.ec.europa.eu:99999/en/people/anna",
                                 "https://[school-education.ec.europa.eu/en/people/anna", "https://[::1", ":"])
def test_a_malformed_profile_url_is_refused(scenario_factory, url):
    registration = scenario_factory("<etwinning_registration/>", "etwinning_registration")
    result = registration.post("save_registration", declaration(profile_url=url), student="anna", lang="el")
    assert result.status == 400 and "profile_url" in result.body["field_errors"]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
@pytest.mark.parametrize(("block_type", "olx", "name"), [
    ("skillslab_activity", activity_olx("b1-river-keepers", "w1", "a1", "en"), "deadline"),
    ("etwinning_survey", "<etwinning_survey/>", "deadline"),
    ("etwinning_registration", "<etwinning_registration/>", "closes_at"),
])
def test_a_date_out_of_range_is_refused_in_studio(scenario_factory, moment, block_type, olx, name):
    scenario = scenario_factory(olx, block_type)
    result = scenario.post("studio_submit", {name: moment}, student="author", lang="el")
    assert result.status == 400 and name in result.body["field_errors"]
    assert getattr(scenario.block(), name) is None


@pytest.mark.parametrize("moment", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
def test_a_date_out_of_range_in_olx_raises_the_blocks_olx_error(scenario_factory, moment):
    from workbench.runtime import WorkbenchRuntime

    from skillslab_xblock.support.olx import parse_olx

    runtime = WorkbenchRuntime("author")
    for olx in (f'<etwinning_survey deadline="{moment}"/>', f'<etwinning_registration closes_at="{moment}"/>',
                activity_olx("b1-river-keepers", "w1", "a1", "en", deadline=moment)):
        with pytest.raises(OLXRejected):
            runtime.parse_xml_string(olx) if hasattr(runtime, "parse_xml_string") else \
                runtime.load_block_type(parse_olx(olx).tag).parse_xml(parse_olx(olx), runtime, None)


@pytest.mark.parametrize("digits", ["²", "①", "٣", "³²"])
def test_unicode_digits_in_number_fields_are_refused(scenario_factory, digits):
    activity = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en"))
    result = activity.post("save_draft", {"worksheet": {"partners": {"school_count": digits}}}, student="anna")
    assert result.status == 400 and "partners.school_count" in result.body["field_errors"]
    assert activity.post("studio_submit", {"weight": digits}, student="author").status == 400
    partners = scenario_factory("<etwinning_partners/>", "etwinning_partners")
    assert partners.post("studio_submit", {"max_schools": digits}, student="author").status == 400
