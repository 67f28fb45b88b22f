"""
The conversion worksheet: the steps that turn a Skills Lab activity into an eTwinning step.

This module knows the steps, their fields, what a learner may send for each, and when a step is
done. It is pure Python (no runtime, no Django) so that the block, the mobile API and the tests
share one definition. Every learner-supplied value passes through ``clean_worksheet`` before it
is stored: the whole payload is checked and either accepted as a whole or rejected with every
problem listed, so a bad request never changes stored work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from skillslab_xblock.support.i18n import N_
from skillslab_xblock.support.values import Message, clean_plain_text, is_ascii_number, render_message

MAX_TEXT = 2000
MAX_SHORT_TEXT = 300
MAX_SCHOOLS = 50

# The eTwinning collaboration ladder, lowest rung first.
COLLABORATION_LEVELS = ("communication", "exchange", "collaboration", "joint_product")
TWINSPACE_PRACTICES = ("page_per_workshop", "journal", "forum", "materials", "pupil_pages")
EVALUATION_METHODS = ("pupil_self_assessment", "peer_assessment", "teacher_rubric", "partner_survey",
                      "reflection_diary")



@dataclass(frozen=True)
class Field:
    """One input on a step: its kind decides what a learner may send."""

    name: str
    kind: str  # "text", "short_text", "count", "choice", "choices", "flag"
    label: str
    choices: tuple[str, ...] = ()
    required: bool = True
    help: str = ""


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    prompt: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Tool:
    id: str
    names: dict[str, str]  # a brand keeps its name; a description ("TwinSpace forum") is translated
    pupil_data: str  # "safe", "caution" or "unsuitable" for pupils' personal data
    note: dict[str, str]

    @property
    def name(self) -> str:
        return self.names["en"]

    def label(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@lru_cache(maxsize=1)
def tools() -> tuple[Tool, ...]:
    raw = json.loads(resources.files(__package__).joinpath("data", "tools.json").read_text(encoding="utf-8"))
    return tuple(Tool(t["id"], t["name"] if isinstance(t["name"], dict) else {"en": t["name"]}, t["pupil_data"],
                      t["note"]) for t in raw["tools"])




def tool(tool_id: str) -> Tool | None:
    return next((t for t in tools() if t.id == tool_id), None)


STEPS: tuple[Step, ...] = (
    Step("partners", N_("Partner schools and their roles"),
         N_("Who takes part? Think of schools of the same age group, and what each one does."),
         (
             Field("school_count", "count", N_("Number of schools, yours included")),
             Field("school_levels", "choices", N_("School levels of the partners")),
             Field("countries", "short_text", N_("Countries or regions of the partners"), required=False,
                   help=N_("Partners from two countries make a European project; from one country, a national one.")),
             Field("roles", "text", N_("What each school does")),
         )),
    Step("goal", N_("Shared goal"),
         N_("What will the pupils of all schools achieve together?"),
         (
             Field("shared_goal", "text", N_("The shared goal")),
             Field("curriculum_link", "text", N_("Link to the curriculum"), required=False,
                   help=N_("Subjects and curriculum goals the activity serves.")),
         )),
    Step("collaboration", N_("Level of collaboration"),
         N_("How far up the eTwinning collaboration ladder does the activity go?"),
         (
             Field("level", "choice", N_("Level of collaboration"), COLLABORATION_LEVELS),
             Field("how", "text", N_("How the schools depend on each other")),
         )),
    Step("joint_product", N_("Joint product"),
         N_("What will the pupils create together, with contributions from every school?"),
         (Field("description", "text", N_("The joint product")),)),
    Step("tools", N_("Tools and pupils' safety"),
         N_("Which tools will pupils and teachers use? Check each one for pupils' personal data."),
         (
             Field("tools", "choices", N_("Tools")),
             Field("other_tools", "short_text", N_("Other tools"), required=False),
             Field("data_protection_checked", "flag",
                   N_("I have checked that no pupil gives personal data to these tools and that parents are informed")),
         )),
    Step("twinspace", N_("Documentation in TwinSpace"),
         N_("How will the work be documented in the project's TwinSpace?"),
         (
             Field("practices", "choices", N_("What you will keep in TwinSpace"), TWINSPACE_PRACTICES),
             Field("details", "text", N_("Details"), required=False),
         )),
    Step("evaluation", N_("Evaluation"),
         N_("How will pupils and teachers evaluate the activity and what it achieved?"),
         (
             Field("methods", "choices", N_("Evaluation methods"), EVALUATION_METHODS),
             Field("details", "text", N_("Details"), required=False),
         )),
)

STEP_KEYS = tuple(s.key for s in STEPS)

CHOICE_LABELS = {
    "communication": N_("Communication: forums, messages, live events"),
    "exchange": N_("Exchange: each class makes something and shares it"),
    "collaboration": N_("Collaboration: the schools depend on each other's work"),
    "joint_product": N_("Joint product: mixed teams create one product together"),
    "page_per_workshop": N_("A TwinSpace page for each workshop"),
    "journal": N_("Posts in the project journal"),
    "forum": N_("Forum discussions between pupils"),
    "materials": N_("Materials and pupils' work"),
    "pupil_pages": N_("Pages written by pupils"),
    "pupil_self_assessment": N_("Pupils' self-assessment"),
    "peer_assessment": N_("Peer assessment between schools"),
    "teacher_rubric": N_("Teachers' rubric"),
    "partner_survey": N_("A survey of pupils and teachers in all schools"),
    "reflection_diary": N_("Reflection diary"),
}


def step(key: str) -> Step | None:
    return next((s for s in STEPS if s.key == key), None)


@dataclass(frozen=True)
class Key:
    """One field of the worksheet, named as its definition (``STEPS``) names it."""

    step: str
    field: str

    def of(self, worksheet: dict) -> Any:
        """The learner's answer to this field in ``worksheet`` (None when unanswered)."""
        return (worksheet.get(self.step) or {}).get(self.field)


def key(step_key: str, field_name: str) -> Key:
    """A field's key, checked against the definition: a rule cannot name a field that does not exist."""
    defined = step(step_key)
    if defined is None or field_name not in {f.name for f in defined.fields}:
        raise KeyError(f"the worksheet has no field {step_key}.{field_name}")
    return Key(step_key, field_name)


# The fields the rules read (Quality Label feedback, the plan's checklist and outline, the report).
SCHOOL_COUNT, ROLES = key("partners", "school_count"), key("partners", "roles")
SHARED_GOAL, CURRICULUM_LINK = key("goal", "shared_goal"), key("goal", "curriculum_link")
COLLABORATION_LEVEL = key("collaboration", "level")
JOINT_PRODUCT = key("joint_product", "description")
TOOLS, OTHER_TOOLS, DATA_PROTECTION_CHECKED = (key("tools", name) for name in
                                               ("tools", "other_tools", "data_protection_checked"))
TWINSPACE_PRACTICES_USED, TWINSPACE_DETAILS = key("twinspace", "practices"), key("twinspace", "details")
EVALUATION_METHODS_USED, EVALUATION_DETAILS = key("evaluation", "methods"), key("evaluation", "details")


def allowed_choices(field: Field, school_levels: tuple[str, ...]) -> tuple[str, ...]:
    if field.name == "school_levels":
        return school_levels
    if field.name == "tools":
        return tuple(t.id for t in tools())
    return field.choices






class WorksheetInvalid(ValueError):
    """Every problem found in a payload, keyed by ``step.field`` (or ``""`` for the whole)."""

    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__(repr(errors))

    def messages(self, gettext) -> dict[str, str]:
        return {key: render_message(message, gettext) for key, message in self.errors.items()}




def clean_field(field: Field, value: Any, school_levels: tuple[str, ...]) -> tuple[Any, Message | None]:
    """The stored form of ``value``, or an (untranslated) error message."""
    if field.kind in ("text", "short_text"):
        return clean_plain_text(value, MAX_TEXT if field.kind == "text" else MAX_SHORT_TEXT)
    if field.kind == "count":
        if value in ("", None):
            return None, None
        if isinstance(value, bool) or not isinstance(value, (int, str)) or \
                (isinstance(value, str) and not is_ascii_number(value)):
            return None, N_("Must be a whole number.")
        number = int(value)
        if not 2 <= number <= MAX_SCHOOLS:
            return None, (N_("An eTwinning activity needs from 2 to {max} schools."), {"max": MAX_SCHOOLS})
        return number, None
    if field.kind == "flag":
        if not isinstance(value, bool):
            return None, N_("Must be true or false.")
        return value, None
    allowed = allowed_choices(field, school_levels)
    if field.kind == "choice":
        if value in ("", None):
            return "", None
        if not isinstance(value, str) or value not in allowed:
            return None, N_("Not one of the offered choices.")
        return value, None
    # "choices": a list of distinct offered values, kept in the order offered
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, N_("Must be a list of choices.")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        return None, N_("Not one of the offered choices.")
    return [v for v in allowed if v in value], None


def clean_worksheet(payload: Any, school_levels: tuple[str, ...]) -> dict[str, dict]:
    """
    Check a learner's worksheet payload ``{step: {field: value}}`` and return its stored form.

    Steps and fields not sent are left out (the caller merges per step); unknown steps or fields,
    wrong types, over-long or marked-up text are errors. Raises WorksheetInvalid with every error.
    """
    if not isinstance(payload, dict):
        raise WorksheetInvalid({"": N_("The worksheet must be an object of steps.")})
    errors: dict = {}
    cleaned: dict[str, dict] = {}
    for step_key, answers in payload.items():
        definition = step(step_key) if isinstance(step_key, str) else None
        if definition is None:
            errors[str(step_key)[:64]] = N_("Unknown worksheet step.")
            continue
        if not isinstance(answers, dict):
            errors[step_key] = N_("The answers of a step must be an object of fields.")
            continue
        cleaned_step = {}
        for name, value in answers.items():
            field = definition.field(name) if isinstance(name, str) else None
            if field is None:
                errors[f"{step_key}.{str(name)[:64]}"] = N_("Unknown field.")
                continue
            stored, error = clean_field(field, value, school_levels)
            if error:
                errors[f"{step_key}.{name}"] = error
            else:
                cleaned_step[name] = stored
        cleaned[step_key] = cleaned_step
    if errors:
        raise WorksheetInvalid(errors)
    return cleaned


def _filled(value: Any) -> bool:
    return value not in (None, "", [], False)


def missing_fields(worksheet: dict, step_key: str) -> list[str]:
    """The required fields of a step that are not filled yet."""
    definition = step(step_key)
    answers = worksheet.get(step_key) or {}
    missing = [f.name for f in definition.fields if f.required and not _filled(answers.get(f.name))]
    if step_key == "tools" and "tools" in missing and _filled(answers.get("other_tools")):
        missing.remove("tools")  # a tool that is not in our list still counts
    return missing


def step_done(worksheet: dict, step_key: str) -> bool:
    return not missing_fields(worksheet, step_key)


def progress(worksheet: dict, required_steps: tuple[str, ...]) -> dict:
    """Which steps are done, and how many of the required ones."""
    done = [k for k in STEP_KEYS if step_done(worksheet, k)]
    return {
        "done": done,
        "required": list(required_steps),
        "required_done": sum(1 for k in required_steps if k in done),
        "required_total": len(required_steps),
    }


def unsuitable_tools(worksheet: dict) -> list[Tool]:
    chosen = TOOLS.of(worksheet) or []
    return [t for t in tools() if t.id in chosen and t.pupil_data == "unsuitable"]
