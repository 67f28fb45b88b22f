"""
The Skills Labs 21+ taxonomy and programme catalogues, loaded from JSON and validated.

The taxonomy (thematic cycles A–D with their sub-themes, skill categories and skills, school
levels) ships with the package in ``data/taxonomy.json``. A *programme catalogue*
(programmes → workshops → activities) is the author's or operator's own; the package ships a small
sample in ``data/sample_catalogue.json``. Both formats are documented in docs/catalogue-format.md.

Validation never stops at the first problem: it collects every error with the JSON path where it
was found, so an author can fix a catalogue in one pass. Messages are marked for translation with
``N_`` and translated when shown, in the author's language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from skillslab_xblock.support.i18n import N_

LANGUAGES = ("el", "en")
CATALOGUE_FORMAT = "skillslab-catalogue"
CATALOGUE_VERSION = 1
MAX_CATALOGUE_BYTES = 2 * 1024 * 1024
MAX_ID_LENGTH = 64
MAX_TITLE_LENGTH = 300
MAX_TEXT_LENGTH = 20_000


@dataclass(frozen=True)
class ValidationProblem:
    """One problem found in a taxonomy or catalogue, at a JSON path such as ``programmes[2].id``."""

    path: str
    message: str  # an English template marked with N_, translated on display
    params: dict = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.message).format(**self.params)
        return f"{self.path}: {text}" if self.path else text


class CatalogueError(ValueError):
    """Raised with every problem found; ``problems`` holds them for display."""

    def __init__(self, problems: list[ValidationProblem]):
        self.problems = problems
        super().__init__("; ".join(p.render(lambda s: s) for p in problems))

    def messages(self, gettext: Callable[[str], str]) -> list[str]:
        return [p.render(gettext) for p in self.problems]


def localized(texts: dict[str, str], language: str) -> str:
    """The text in ``language``, else Greek, else English (the catalogue's languages)."""
    lang = (language or "el").split("-")[0].lower()
    return texts.get(lang) or texts.get("el") or texts.get("en") or ""


@dataclass(frozen=True)
class Term:
    """A coded term with a title in each language (a cycle, sub-theme, skill, school level...)."""

    code: str
    title: dict[str, str]

    def label(self, language: str) -> str:
        return localized(self.title, language)


@dataclass(frozen=True)
class Cycle(Term):
    sub_themes: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Skill(Term):
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    cycles: tuple[Cycle, ...]
    skill_categories: tuple[Term, ...]
    skills: tuple[Skill, ...]
    school_levels: tuple[Term, ...]

    def cycle(self, code: str) -> Cycle | None:
        return next((c for c in self.cycles if c.code == code), None)

    def sub_theme(self, code: str) -> Term | None:
        return next((s for c in self.cycles for s in c.sub_themes if s.code == code), None)

    def cycle_of_sub_theme(self, code: str) -> Cycle | None:
        return next((c for c in self.cycles if any(s.code == code for s in c.sub_themes)), None)

    def skill(self, code: str) -> Skill | None:
        return next((s for s in self.skills if s.code == code), None)

    def school_level(self, code: str) -> Term | None:
        return next((s for s in self.school_levels if s.code == code), None)

    def as_dict(self, language: str) -> dict:
        """A flat, localised view for templates, JavaScript and the mobile apps."""
        return {
            "cycles": [
                {
                    "code": c.code,
                    "title": c.label(language),
                    "sub_themes": [{"code": s.code, "title": s.label(language)} for s in c.sub_themes],
                }
                for c in self.cycles
            ],
            "skills": [
                {"code": s.code, "title": s.label(language), "categories": list(s.categories)}
                for s in self.skills
            ],
            "skill_categories": [{"code": c.code, "title": c.label(language)} for c in self.skill_categories],
            "school_levels": [{"code": s.code, "title": s.label(language)} for s in self.school_levels],
        }


@dataclass(frozen=True)
class Activity:
    id: str
    title: dict[str, str]
    text: dict[str, str]
    duration_minutes: int | None = None


@dataclass(frozen=True)
class Workshop:
    id: str
    number: int
    title: dict[str, str]
    goals: dict[str, str]
    activities: tuple[Activity, ...]


@dataclass(frozen=True)
class Programme:
    id: str
    title: dict[str, str]
    cycle: str
    sub_theme: str
    school_levels: tuple[str, ...]
    skills: tuple[str, ...]
    aim: dict[str, str]
    workshops: tuple[Workshop, ...]

    def activity(self, workshop_id: str, activity_id: str) -> tuple[Workshop, Activity] | None:
        for workshop in self.workshops:
            if workshop.id == workshop_id:
                for activity in workshop.activities:
                    if activity.id == activity_id:
                        return workshop, activity
        return None


@dataclass(frozen=True)
class Catalogue:
    programmes: tuple[Programme, ...]

    def programme(self, programme_id: str) -> Programme | None:
        return next((p for p in self.programmes if p.id == programme_id), None)

    def choices(self, language: str) -> list[dict]:
        """Programme → workshop → activity choices for the Studio editor."""
        return [
            {
                "id": p.id,
                "title": localized(p.title, language),
                "cycle": p.cycle,
                "sub_theme": p.sub_theme,
                "school_levels": list(p.school_levels),
                "skills": list(p.skills),
                "workshops": [
                    {
                        "id": w.id,
                        "title": localized(w.title, language),
                        "activities": [
                            {"id": a.id, "title": localized(a.title, language), "text": localized(a.text, language)}
                            for a in w.activities
                        ],
                    }
                    for w in p.workshops
                ],
            }
            for p in self.programmes
        ]


class _Checker:
    """Collects problems while walking a parsed JSON document."""

    def __init__(self) -> None:
        self.problems: list[ValidationProblem] = []

    def problem(self, path: str, message: str, **params: Any) -> None:
        self.problems.append(ValidationProblem(path, message, params))

    def obj(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            self.problem(path, N_("must be an object"))
            return {}
        return value

    def array(self, value: Any, path: str, *, non_empty: bool = True) -> list:
        if not isinstance(value, list):
            self.problem(path, N_("must be a list"))
            return []
        if non_empty and not value:
            self.problem(path, N_("must not be empty"))
        return value

    def code(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, N_("must be a non-empty text identifier"))
            return ""
        if len(value) > MAX_ID_LENGTH or not all(ch.isalnum() or ch in "-_." for ch in value):
            self.problem(
                path,
                N_("must be at most {max} letters, digits, dots, dashes or underscores"),
                max=MAX_ID_LENGTH,
            )
            return ""
        return value

    def texts(self, value: Any, path: str, *, max_length: int = MAX_TITLE_LENGTH, required: bool = True) -> dict:
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.problem(path, N_("must be an object with texts per language, such as {example}"),
                         example='{"el": "…", "en": "…"}')
            return {}
        result = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.problem(f"{path}.{lang}", N_("unknown language; use one of: {languages}"),
                             languages=", ".join(LANGUAGES))
            elif not isinstance(text, str):
                self.problem(f"{path}.{lang}", N_("must be text"))
            elif len(text) > max_length:
                self.problem(f"{path}.{lang}", N_("is longer than {max} characters"), max=max_length)
            elif text.strip():
                result[lang] = text.strip()
        if required and not result:
            self.problem(path, N_("needs a text in at least one language"))
        return result

    def unique(self, codes: list[str], path: str) -> None:
        seen = set()
        for code in codes:
            if code and code in seen:
                self.problem(path, N_("the identifier {code} is used twice"), code=code)
            seen.add(code)


def _terms(check: _Checker, value: Any, path: str) -> tuple[Term, ...]:
    """A list of ``{"code", "title"}`` objects (sub-themes, skill categories, school levels)."""
    terms = []
    for i, raw in enumerate(check.array(value, path)):
        item = check.obj(raw, f"{path}[{i}]")
        terms.append(Term(check.code(item.get("code"), f"{path}[{i}].code"),
                          check.texts(item.get("title"), f"{path}[{i}].title")))
    return tuple(terms)


def parse_taxonomy(document: Any) -> Taxonomy:
    """Validate a taxonomy document; raise CatalogueError listing every problem."""
    check = _Checker()
    root = check.obj(document, "")
    if root and root.get("format") != "skillslab-taxonomy":
        check.problem("format", N_("must be {expected}"), expected="skillslab-taxonomy")
    cycles = []
    for i, raw in enumerate(check.array(root.get("cycles"), "cycles")):
        c = check.obj(raw, f"cycles[{i}]")
        cycles.append(Cycle(check.code(c.get("code"), f"cycles[{i}].code"),
                            check.texts(c.get("title"), f"cycles[{i}].title"),
                            _terms(check, c.get("sub_themes"), f"cycles[{i}].sub_themes")))
    categories = _terms(check, root.get("skill_categories"), "skill_categories")
    category_codes = {c.code for c in categories}
    skills = []
    for i, raw in enumerate(check.array(root.get("skills"), "skills")):
        s = check.obj(raw, f"skills[{i}]")
        cats = tuple(check.array(s.get("categories"), f"skills[{i}].categories"))
        for cat in cats:
            if cat not in category_codes:
                check.problem(f"skills[{i}].categories", N_("unknown skill category {code}"), code=cat)
        skills.append(Skill(check.code(s.get("code"), f"skills[{i}].code"),
                            check.texts(s.get("title"), f"skills[{i}].title"), cats))
    levels = _terms(check, root.get("school_levels"), "school_levels")
    check.unique([c.code for c in cycles] + [s.code for c in cycles for s in c.sub_themes], "cycles")
    check.unique([s.code for s in skills], "skills")
    check.unique([s.code for s in levels], "school_levels")
    if check.problems:
        raise CatalogueError(check.problems)
    return Taxonomy(tuple(cycles), categories, tuple(skills), levels)


def parse_catalogue(document: Any, taxonomy: Taxonomy) -> Catalogue:
    """Validate a programme catalogue against the taxonomy; raise CatalogueError listing every problem."""
    check = _Checker()
    root = check.obj(document, "")
    if root:
        if root.get("format") != CATALOGUE_FORMAT:
            check.problem("format", N_("must be {expected}"), expected=CATALOGUE_FORMAT)
        if root.get("version") != CATALOGUE_VERSION:
            check.problem("version", N_("must be {expected}"), expected=CATALOGUE_VERSION)
    programmes = [_programme(check, raw, f"programmes[{i}]", taxonomy)
                  for i, raw in enumerate(check.array(root.get("programmes"), "programmes"))]
    check.unique([p.id for p in programmes], "programmes")
    if check.problems:
        raise CatalogueError(check.problems)
    return Catalogue(tuple(programmes))


def _programme(check: _Checker, raw: Any, path: str, taxonomy: Taxonomy) -> Programme:
    """One programme: its place in the taxonomy (cycle, sub-theme, levels, skills) and its workshops."""
    p = check.obj(raw, path)
    cycle = check.code(p.get("cycle"), f"{path}.cycle")
    if cycle and taxonomy.cycle(cycle) is None:
        check.problem(f"{path}.cycle", N_("unknown thematic cycle {code}"), code=cycle)
    sub_theme = check.code(p.get("sub_theme"), f"{path}.sub_theme")
    owner = taxonomy.cycle_of_sub_theme(sub_theme) if sub_theme else None
    if sub_theme and owner is None:
        check.problem(f"{path}.sub_theme", N_("unknown sub-theme {code}"), code=sub_theme)
    elif owner and cycle and owner.code != cycle:
        check.problem(f"{path}.sub_theme", N_("sub-theme {code} belongs to cycle {cycle}"),
                      code=sub_theme, cycle=owner.code)
    levels = tuple(check.array(p.get("school_levels"), f"{path}.school_levels"))
    for level in levels:
        if not isinstance(level, str) or taxonomy.school_level(level) is None:
            check.problem(f"{path}.school_levels", N_("unknown school level {code}"), code=level)
    skills = tuple(check.array(p.get("skills"), f"{path}.skills"))
    for skill in skills:
        if not isinstance(skill, str) or taxonomy.skill(skill) is None:
            check.problem(f"{path}.skills", N_("unknown skill {code}"), code=skill)
    workshops = [_workshop(check, raw_w, f"{path}.workshops[{j}]")
                 for j, raw_w in enumerate(check.array(p.get("workshops"), f"{path}.workshops"))]
    check.unique([w.id for w in workshops], f"{path}.workshops")
    return Programme(check.code(p.get("id"), f"{path}.id"), check.texts(p.get("title"), f"{path}.title"),
                     cycle, sub_theme, levels, skills,
                     check.texts(p.get("aim"), f"{path}.aim", max_length=MAX_TEXT_LENGTH, required=False),
                     tuple(workshops))


def _workshop(check: _Checker, raw: Any, path: str) -> Workshop:
    w = check.obj(raw, path)
    number = w.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        check.problem(f"{path}.number", N_("must be a whole number from 1"))
        number = 0
    activities = [_activity(check, raw_a, f"{path}.activities[{k}]")
                  for k, raw_a in enumerate(check.array(w.get("activities"), f"{path}.activities"))]
    check.unique([a.id for a in activities], f"{path}.activities")
    return Workshop(check.code(w.get("id"), f"{path}.id"), number, check.texts(w.get("title"), f"{path}.title"),
                    check.texts(w.get("goals"), f"{path}.goals", max_length=MAX_TEXT_LENGTH, required=False),
                    tuple(activities))


def _activity(check: _Checker, raw: Any, path: str) -> Activity:
    a = check.obj(raw, path)
    minutes = a.get("duration_minutes")
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600):
        check.problem(f"{path}.duration_minutes", N_("must be a whole number of minutes from 1 to 600"))
        minutes = None
    return Activity(check.code(a.get("id"), f"{path}.id"), check.texts(a.get("title"), f"{path}.title"),
                    check.texts(a.get("text"), f"{path}.text", max_length=MAX_TEXT_LENGTH), minutes)


def load_catalogue_text(text: str | bytes, taxonomy: Taxonomy | None = None) -> Catalogue:
    """Parse and validate a catalogue given as JSON text (an upload, a file, a setting)."""
    if len(text) > MAX_CATALOGUE_BYTES:
        raise CatalogueError([ValidationProblem("", N_("the catalogue is larger than {max} bytes"),
                                                {"max": MAX_CATALOGUE_BYTES})])
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CatalogueError([ValidationProblem("", N_("not valid JSON: {detail}"), {"detail": str(exc)})]) from exc
    except RecursionError as exc:
        raise CatalogueError([ValidationProblem("", N_("the catalogue is nested too deeply to read"))]) from exc
    return parse_catalogue(document, taxonomy or default_taxonomy())


def _package_json(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return parse_taxonomy(_package_json("taxonomy.json"))


@lru_cache(maxsize=1)
def sample_catalogue() -> Catalogue:
    return parse_catalogue(_package_json("sample_catalogue.json"), default_taxonomy())
