"""
The eTwinning project plan: its sections, suggestions gathered from submitted steps, and the
National Quality Label checklist. Pure Python: the block (``project_plan.py``), the export
(``plan_export.py``) and the tests share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skillslab_xblock.domain.worksheet import (
    CHOICE_LABELS,
    COLLABORATION_LEVEL,
    COLLABORATION_LEVELS,
    CURRICULUM_LINK,
    TOOLS,
    tools,
)
from skillslab_xblock.support.i18n import N_

SECTIONS = (
    ("title", N_("Project title")),
    ("aims", N_("Aims")),
    ("timeline", N_("Timeline of activities")),
    ("tools", N_("Tools")),
    ("safety", N_("Pupils' safety and data protection")),
    ("evaluation", N_("Evaluation")),
    ("dissemination", N_("Dissemination")),
)
SECTION_KEYS = tuple(key for key, _title in SECTIONS)
SECTION_LIMITS = {"title": 200}
DEFAULT_LIMIT = 4000


def section_title(key: str) -> str:
    return dict(SECTIONS)[key]


@dataclass(frozen=True)
class GatheredStep:
    title: str
    answers: dict
    submitted_at: str

    @property
    def listed_title(self) -> str:
        """The title for a numbered list, which numbers it itself."""
        return unnumbered(self.title)


def unnumbered(title: str) -> str:
    """A step's title without the workshop's own number ("1. Meeting our river"), for numbered lists."""
    return re.sub(r"^\s*\d+\s*[.)]\s*", "", title)


def suggestions(steps: list[GatheredStep], gettext, tag: str, language: str = "en") -> dict[str, str]:
    """Texts for empty sections, drawn from the submitted steps (the partners edit them)."""
    def answers(step: GatheredStep, section: str, name: str):
        return (step.answers.get(section) or {}).get(name)

    names = {t.id: t.label(language) for t in tools()}
    goals = [g for s in steps if (g := answers(s, "goal", "shared_goal"))]
    used_tools: list[str] = []
    for s in steps:
        for tool_id in answers(s, "tools", "tools") or []:
            if names.get(tool_id, tool_id) not in used_tools:
                used_tools.append(names.get(tool_id, tool_id))
        other = answers(s, "tools", "other_tools")
        if other and other not in used_tools:
            used_tools.append(other)
    methods: list[str] = []
    for s in steps:
        for method in answers(s, "evaluation", "methods") or []:
            label = gettext(CHOICE_LABELS.get(method, method))
            if label not in methods:
                methods.append(label)
    timeline = [f"{i}. {unnumbered(s.title)}" + (f" — {gettext(CHOICE_LABELS[level])}"
                                     if (level := answers(s, "collaboration", "level")) in CHOICE_LABELS else "")
                for i, s in enumerate(steps, 1)]
    checked = any(answers(s, "tools", "data_protection_checked") for s in steps)
    return {
        "title": f"{unnumbered(steps[0].title)} {tag}".strip() if steps else tag,
        "aims": "\n".join(f"- {g}" for g in goals),
        "timeline": "\n".join(timeline),
        "tools": ", ".join(used_tools),
        "safety": gettext("Pupils use TwinSpace accounts created by their teachers, give no personal data to "
                          "the tools, and parents are informed.") if checked else "",
        "evaluation": "\n".join(f"- {m}" for m in methods),
        "dissemination": "",
    }


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str  # N_-marked
    missing: tuple[str, ...]  # N_-marked, empty when the criterion is covered

    def as_dict(self, gettext) -> dict:
        return {"key": self.key, "title": gettext(self.title), "ok": not self.missing,
                "missing": [gettext(m) for m in self.missing]}


def checklist(plan: dict, steps: list[GatheredStep], schools: list[str], tag: str) -> list[ChecklistItem]:
    """What the plan still lacks for each National Quality Label criterion."""
    def filled(key: str) -> bool:
        return bool((plan.get(key) or "").strip())

    levels = [COLLABORATION_LEVEL.of(s.answers) for s in steps]
    deep = [lv for lv in levels if lv in COLLABORATION_LEVELS[2:]]
    unsuitable = {t.id for t in tools() if t.pupil_data == "unsuitable"}
    risky = any(set(TOOLS.of(s.answers) or []) & unsuitable for s in steps)
    linked = any(CURRICULUM_LINK.of(s.answers) for s in steps)

    def need(*pairs) -> tuple[str, ...]:
        return tuple(message for ok, message in pairs if not ok)

    return [
        ChecklistItem("title", N_("Project title"), need(
            (filled("title"), N_("Give the project a title.")),
            (tag.casefold() in (plan.get("title") or "").casefold(),
             N_("Add the tag the NSS follows to the title.")),
        )),
        ChecklistItem("collaboration", N_("Collaboration between partner schools"), need(
            (len(schools) >= 2, N_("Form a partnership with at least one other school.")),
            (bool(deep), N_("Submit at least one step where the schools collaborate or create a joint product.")),
        )),
        ChecklistItem("technology", N_("Use of technology"), need(
            (filled("tools"), N_("List the tools pupils will use.")),
            (filled("safety"), N_("Describe how pupils' safety and personal data are protected.")),
            (not risky, N_("A submitted step uses a tool unsuitable for pupils' personal data.")),
        )),
        ChecklistItem("pedagogy", N_("Pedagogical approaches"), need(
            (filled("aims"), N_("State the aims of the project.")),
            (filled("evaluation"), N_("Describe how pupils and teachers evaluate the project.")),
        )),
        ChecklistItem("curriculum", N_("Curricular integration"), need(
            (linked or "curricul" in (plan.get("aims") or "").casefold() or "πρόγραμμα σπουδών"
             in (plan.get("aims") or "").casefold(),
             N_("Link the aims to the curriculum (a step's curriculum link counts).")),
        )),
        ChecklistItem("results", N_("Results and documentation"), need(
            (filled("timeline"), N_("Lay out the timeline of activities.")),
            (filled("dissemination"), N_("Say how the results are disseminated (journal, school site, events).")),
        )),
    ]


def required_missing(plan: dict, required: tuple[str, ...]) -> list[str]:
    return [key for key in required if not (plan.get(key) or "").strip()]
