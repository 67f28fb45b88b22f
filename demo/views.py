"""The demo's front page: the workbench's list of scenarios, and the figures page of each demo course."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from workbench.scenarios import get_scenarios

DEMO_COURSE = "four-week demo course"  # in the descriptions of skillslab_xblock.scenarios.demo_course's scenarios


def index(request):
    scenarios = sorted((name, scenario) for name, scenario in get_scenarios().items()
                       if name.split(".")[0] not in settings.EXCLUDED_XBLOCKS)
    figures = [(scenario.description, reverse("etwinning:course-figures-page",
                                              kwargs={"course_id": str(scenario.usage_id).split(".", 1)[0]}))
               for _name, scenario in scenarios if DEMO_COURSE in scenario.description]
    return render(request, "demo/index.html", {
        "scenarios": [(name, scenario.description) for name, scenario in scenarios], "figures": figures})
