"""
Feedback on a worksheet against the eTwinning National Quality Label criteria.

The five criteria are the ones ESEP uses since 2022 (see ../shared/domain.md §3). The rules here
are deliberately transparent, so a teacher can see why a criterion is weak and what would lift it:
each criterion is *addressed*, *weak* or *missing*, and every non-addressed criterion carries a
hint. Three sub-criteria have minimum scores in the real Quality Label (pupils' online
collaboration across schools; choice and use of ICT; GDPR, copyright and eSafety); a plan that
misses one of them is never reported as addressing that criterion.

A step is judged only on the criteria its author's required steps can address: a criterion drawn
from steps the author did not ask for is *not asked* here (shown, never counted), so a teacher who
completes every required step is not told they miss what nobody asked of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from skillslab_xblock.domain import worksheet as ws_
from skillslab_xblock.domain.worksheet import COLLABORATION_LEVELS, unsuitable_tools
from skillslab_xblock.support.i18n import N_

ADDRESSED, WEAK, MISSING, NOT_ASKED = "addressed", "weak", "missing", "not_asked"

CRITERIA = (
    ("collaboration", N_("Collaboration between partner schools")),
    ("technology", N_("Use of technology")),
    ("pedagogy", N_("Pedagogical approaches")),
    ("curriculum", N_("Curricular integration")),
    ("results", N_("Results and documentation")),
)


# The worksheet steps each criterion is judged on (the rules below read their answers).
CRITERION_STEPS = {
    "collaboration": frozenset({"partners", "collaboration", "joint_product"}),
    "technology": frozenset({"tools"}),
    "pedagogy": frozenset({"partners", "evaluation"}),
    "curriculum": frozenset({"goal"}),
    "results": frozenset({"twinspace", "evaluation"}),
}
NOT_ASKED_HINT = N_("The steps required here do not cover this criterion; another step of the course may.")


def criteria_in_scope(required_steps) -> tuple[str, ...]:
    """The criteria whose steps are all required (every criterion when none is covered)."""
    required = set(required_steps)
    keys = tuple(key for key, _title in CRITERIA if CRITERION_STEPS[key] <= required)
    return keys or tuple(key for key, _title in CRITERIA)


@dataclass(frozen=True)
class CriterionFeedback:
    key: str
    title: str  # N_-marked
    status: str
    hint: str = ""  # N_-marked, empty when addressed

    def as_dict(self, gettext) -> dict:
        return {
            "key": self.key,
            "title": gettext(self.title),
            "status": self.status,
            "hint": gettext(self.hint) if self.hint else "",
        }


def _collaboration(ws: dict) -> tuple[str, str]:
    level = ws_.COLLABORATION_LEVEL.of(ws) or ""
    product = ws_.JOINT_PRODUCT.of(ws) or ""
    schools = ws_.SCHOOL_COUNT.of(ws) or 0
    if not level:
        return MISSING, N_("Choose the level of collaboration and say how the schools depend on each other.")
    if schools < 2:
        return WEAK, N_("Name at least two schools: an eTwinning activity needs partners.")
    rung = COLLABORATION_LEVELS.index(level)
    if rung < COLLABORATION_LEVELS.index("collaboration"):
        return WEAK, N_("Communication and exchange are a start; plan a task where each school needs the "
                        "others' work, ideally mixed teams that create one joint product.")
    if not product:
        return WEAK, N_("Describe the joint product the pupils of all schools create together.")
    return ADDRESSED, ""


def _technology(ws: dict) -> tuple[str, str]:
    if not (ws_.TOOLS.of(ws) or ws_.OTHER_TOOLS.of(ws)):
        return MISSING, N_("Choose the tools pupils will use to work together online.")
    if unsuitable_tools(ws):
        return WEAK, N_("Replace the tools marked unsuitable for pupils' personal data; TwinSpace is a safe choice.")
    if not ws_.DATA_PROTECTION_CHECKED.of(ws):
        return WEAK, N_("Confirm the data-protection check: no pupil personal data, parents informed.")
    return ADDRESSED, ""


def _pedagogy(ws: dict) -> tuple[str, str]:
    roles = ws_.ROLES.of(ws) or ""
    methods = ws_.EVALUATION_METHODS_USED.of(ws) or []
    if not roles and not methods:
        return MISSING, N_("Describe each school's role and how pupils take an active part.")
    if not roles:
        return WEAK, N_("Say what each school and its pupils do.")
    if not {"pupil_self_assessment", "peer_assessment"} & set(methods):
        return WEAK, N_("Give pupils an active role in evaluation, such as self-assessment or peer assessment.")
    return ADDRESSED, ""


def _curriculum(ws: dict) -> tuple[str, str]:
    if not ws_.SHARED_GOAL.of(ws):
        return MISSING, N_("State the shared goal of the activity.")
    if not ws_.CURRICULUM_LINK.of(ws):
        return WEAK, N_("Link the activity to subjects and goals of the curriculum.")
    return ADDRESSED, ""


def _results(ws: dict) -> tuple[str, str]:
    documented = bool(ws_.TWINSPACE_PRACTICES_USED.of(ws) or ws_.TWINSPACE_DETAILS.of(ws))
    evaluated = bool(ws_.EVALUATION_METHODS_USED.of(ws) or ws_.EVALUATION_DETAILS.of(ws))
    if not documented and not evaluated:
        return MISSING, N_("Plan how the work is documented in TwinSpace and how its results are evaluated.")
    if not documented:
        return WEAK, N_("Plan how the work is documented in TwinSpace, for example a page per workshop.")
    if not evaluated:
        return WEAK, N_("Plan how pupils and teachers evaluate the results.")
    return ADDRESSED, ""


_RULES = {
    "collaboration": _collaboration,
    "technology": _technology,
    "pedagogy": _pedagogy,
    "curriculum": _curriculum,
    "results": _results,
}


def assess(worksheet: dict, required_steps=None) -> list[CriterionFeedback]:
    """
    Feedback for each criterion: those the required steps can address first (every criterion when
    ``required_steps`` is None), in the order of CRITERIA, then the others as *not asked*.
    """
    scope = criteria_in_scope(required_steps) if required_steps is not None else tuple(k for k, _t in CRITERIA)
    judged = [CriterionFeedback(key, title, *_RULES[key](worksheet)) for key, title in CRITERIA if key in scope]
    not_asked = [CriterionFeedback(key, title, NOT_ASKED, NOT_ASKED_HINT) for key, title in CRITERIA
                 if key not in scope]
    return judged + not_asked


def addressed_count(feedback: list[CriterionFeedback]) -> int:
    return sum(1 for f in feedback if f.status == ADDRESSED)


def assessed_count(feedback: list[CriterionFeedback]) -> int:
    """The criteria the feedback measures against (the denominator of the score)."""
    return sum(1 for f in feedback if f.status != NOT_ASKED)


def summary(feedback: list[CriterionFeedback], translator) -> str:
    """"2 of the 3 Quality Label criteria this step asks for are addressed.", in the translator's language."""
    addressed, total = addressed_count(feedback), assessed_count(feedback)
    return translator.ngettext(
        "{addressed} of the {total} Quality Label criteria this step asks for is addressed.",
        "{addressed} of the {total} Quality Label criteria this step asks for are addressed.",
        addressed).format(addressed=addressed, total=total)
