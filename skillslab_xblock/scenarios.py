"""
Workbench scenarios: demo units built from the sample catalogue, in Greek and in English.

The scenarios are OLX produced by the block's own exporter layout, so the demo also exercises the
import path an author's course goes through.
"""

from __future__ import annotations

from lxml import etree

from skillslab_xblock.domain.taxonomy import localized, sample_catalogue

# (programme, workshop, activity) of the sample catalogue shown in each demo unit
DEMO_ACTIVITIES = (
    ("b1-river-keepers", "w1", "a1"),
    ("c3-many-languages", "w3", "a2"),
)


def activity_olx(programme_id: str, workshop_id: str, activity_id: str, language: str, **settings) -> str:
    """OLX of one ``skillslab_activity`` for an activity of the sample catalogue, in ``language``."""
    programme = sample_catalogue().programme(programme_id)
    workshop, activity = programme.activity(workshop_id, activity_id)
    node = etree.Element("skillslab_activity")
    node.set("display_name", localized(activity.title, language))
    node.set("programme_id", programme.id)
    node.set("cycle", programme.cycle)
    node.set("sub_theme", programme.sub_theme)
    node.set("school_level", programme.school_levels[0])
    node.set("skills", " ".join(programme.skills))
    for name, value in settings.items():
        node.set(name, value)
    for tag, text in (
        ("programme_title", localized(programme.title, language)),
        ("workshop_title", f"{workshop.number}. {localized(workshop.title, language)}"),
        ("activity_text", localized(activity.text, language)),
    ):
        etree.SubElement(node, tag).text = text
    return etree.tostring(node, encoding="unicode")


def demo_unit(language: str) -> str:
    """A unit (``vertical_demo``) with the demo activities in ``language``."""
    blocks = "\n".join(activity_olx(p, w, a, language) for p, w, a in DEMO_ACTIVITIES)
    return f"<vertical_demo>\n{blocks}\n</vertical_demo>"


WEEKS = {
    "el": ("Εβδομάδα {n}: {title}", ("Γνωριμία και συνεργάτες", "Από τη δραστηριότητα στη συνεργασία",
                                     "Κοινό προϊόν", "Το σχέδιο του έργου μας")),
    "en": ("Week {n}: {title}", ("Getting to know each other and finding partners", "From activity to collaboration",
                                 "A joint product", "Our project plan")),
}


def demo_course(language: str) -> str:
    """
    The four-week demo course: find partners and declare the eTwinning registration (week 1), two
    shared steps (weeks 2 and 3), the project plan and the evaluation survey (week 4). In the
    workbench a scenario is one course, so partnerships formed in week 1 carry through the weeks.
    """
    heading, titles = WEEKS[language]

    def week(n: int) -> str:
        return f"<html_demo><h2>{heading.format(n=n, title=titles[n - 1])}</h2></html_demo>"

    return "\n".join([
        "<vertical_demo>",
        week(1), "<etwinning_self_assessment phase=\"before\"/>", "<etwinning_partners max_schools=\"4\"/>",
        "<etwinning_registration/>",
        week(2), activity_olx("b1-river-keepers", "w1", "a1", language, collaboration_mode="shared"),
        week(3), activity_olx("b1-river-keepers", "w3", "a2", language, collaboration_mode="shared",
                              required_steps="partners goal collaboration joint_product"),
        week(4), "<etwinning_project_plan/>", "<etwinning_survey show_results=\"true\"/>",
        "<etwinning_self_assessment phase=\"after\"/>",
        "</vertical_demo>",
    ])


def activity_scenarios() -> list[tuple[str, str]]:
    return [
        ("eTwinning & Skills Labs: four-week demo course (Ελληνικά)", demo_course("el")),
        ("eTwinning & Skills Labs: four-week demo course (English)", demo_course("en")),
        ("Skills Lab → eTwinning: demo unit (Ελληνικά)", demo_unit("el")),
        ("Skills Lab → eTwinning: demo unit (English)", demo_unit("en")),
        ("Skills Lab → eTwinning: one activity, graded, three required steps",
         activity_olx("a1-healthy-breakfast", "w2", "a1", "en", weight="1.0",
                      required_steps="partners collaboration tools")),
    ]


def partners_scenarios() -> list[tuple[str, str]]:
    return [("eTwinning: find partner schools", "<etwinning_partners/>")]


def project_plan_scenarios() -> list[tuple[str, str]]:
    return [("eTwinning: project plan (individual)", '<etwinning_project_plan collaboration_mode="individual"/>')]


def survey_scenarios() -> list[tuple[str, str]]:
    return [("eTwinning: evaluation survey (anonymous)", '<etwinning_survey anonymous="true"/>')]


def self_assessment_scenarios() -> list[tuple[str, str]]:
    return [("eTwinning: self-assessment at the start and the end (anonymous)",
             '<vertical_demo><etwinning_self_assessment phase="before" anonymous="true"/>'
             '<etwinning_self_assessment phase="after" anonymous="true"/></vertical_demo>')]


def registration_scenarios() -> list[tuple[str, str]]:
    return [("eTwinning: registration", "<etwinning_registration/>")]
