"""
The figures page's section: the figures of a scope as charts a person reads at a glance, each
followed by the table of its numbers for screen readers, in the request's language.

Charts: enrolment per week, completion (completed of enrolled), survey items (positive of
answered), the runs side by side (a course's or a school year's runs) and pre/post growth (each
self-assessment the figures carry). ``charts.py`` draws them; this module picks the numbers and
says them in words (the chart's description and the table).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from . import charts, timeline
from .scopes import Scope

WEEKS_WITH_TEXT = 16  # up to this many weeks, each column carries its number; beyond, the table does


def _n(value) -> str:
    return formats.number_format(value, force_grouping=True)


def _pct(value) -> str:
    return "—" if value is None else formats.number_format(value, 2) + "%"


def _of(part: int, whole: int, share) -> str:
    """"83.72% (2,428 / 2,900)": the share with the counts it comes from."""
    return f"{_pct(share)} ({_n(part)} / {_n(whole)})"


def localized(text) -> str:
    """Words an author gave per language ({"el", "en"}), in the request's language (else English, else any)."""
    if isinstance(text, dict):
        language = (translation.get_language() or "en")[:2]
        return str(text.get(language) or text.get("en") or next(iter(text.values()), ""))
    return str(text or "")


def _chart(chart_id: str, title: str, svg: str, head: list[str], rows: list[list[str]], *, texts: int = 1) -> dict:
    """A chart and its table; the table's first ``texts`` columns are words (left-aligned), the rest numbers."""
    return {"id": chart_id, "title": title, "svg": svg, "head": head, "rows": rows, "texts": texts}


def enrolment_chart(weeks: list[timeline.Week]) -> dict:
    title = _("Enrolments per week")
    label_every = max(1, len(weeks) // 8)
    points = [charts.Column(formats.date_format(week.starts, "j/n") if index % label_every == 0 else "",
                            week.enrolments, _n(week.enrolments) if len(weeks) <= WEEKS_WITH_TEXT else "")
              for index, week in enumerate(weeks)]
    desc = _("No dated enrolment yet.") if not weeks else _(
        "{total} enrolments in {weeks} weeks, from the week of {first} to the week of {last}; the most in one week: "
        "{most}.").format(total=_n(sum(w.enrolments for w in weeks)), weeks=_n(len(weeks)),
                          first=formats.date_format(weeks[0].starts), last=formats.date_format(weeks[-1].starts),
                          most=_n(max(w.enrolments for w in weeks)))
    rows = [[formats.date_format(week.starts), _n(week.enrolments)] for week in weeks]
    return _chart("chart-enrolment", title, charts.columns("chart-enrolment", title, desc, points),
                  [_("Week starting"), _("Enrolments")], rows)


def completion_chart(figures: dict) -> dict:
    title = _("Completion")
    enrolled, active, completed = figures["enrolled"], figures["active"], figures["completed"]
    rows = [charts.Row(_("Enrolled"), [enrolled], [_n(enrolled)]),
            charts.Row(_("Active"), [active], [_n(active)]),
            charts.Row(_("Completed"), [completed], [_of(completed, enrolled, figures["completion_rate"])])]
    desc = _("{completed} of {enrolled} enrolled teachers completed the course ({rate}); {active} were active.") \
        .format(completed=_n(completed), enrolled=_n(enrolled), rate=_pct(figures["completion_rate"]),
                active=_n(active))
    table = [[row.label, row.texts[0]] for row in rows]
    svg = charts.bar_groups("chart-completion", title, desc, rows, series=[_("Teachers")], maximum=enrolled or None)
    return _chart("chart-completion", title, svg, [_("Teachers"), _("Count")], table)


def survey_chart(survey: dict) -> dict:
    title = _("Survey items: positive answers (4 or 5) among those who answered")
    items = survey["items"]
    # Each item by its words as the survey asked it (the key where no wording was kept); the key in the table.
    rows = [charts.Row(localized(item.get("text") or item["key"]), [item["percent_positive"]],
                       [_of(item["positive"], item["answered"], item["percent_positive"])]) for item in items]
    desc = _("{responses} responses; per item, the share of positive answers among those who answered it.") \
        .format(responses=_n(survey["responses"])) if items else _("No survey answer yet.")
    table = [[row.label, item["key"], _n(item["positive"]), _n(item["answered"]), _pct(item["percent_positive"])]
             for row, item in zip(rows, items, strict=True)]
    svg = charts.bar_groups("chart-survey", title, desc, rows, series=[_("Positive")], maximum=100)
    return _chart("chart-survey", title, svg, [_("Item"), _("Key"), _("Positive"), _("Answered"), _("Share")], table,
                  texts=2)


def runs_chart(runs: list[timeline.RunFigures]) -> dict:
    title = _("The runs side by side")
    series = [_("Enrolled"), _("Active"), _("Completed")]
    rows = [charts.Row(run.course_key.removeprefix("course-v1:"), [run.enrolled, run.active, run.completed],
                       [_n(run.enrolled), _n(run.active), _n(run.completed)]) for run in runs]
    desc = _("{runs} runs: enrolled, active and completed teachers of each.").format(runs=_n(len(runs)))
    table = [[run.course_key, _n(run.enrolled), _n(run.active), _n(run.completed)] for run in runs]
    return _chart("chart-runs", title, charts.bar_groups("chart-runs", title, desc, rows, series=series),
                  [_("Course run"), *series], table)


def growth_chart(index: int, assessment: dict) -> dict:
    name = localized(assessment.get("title") or assessment.get("key", ""))
    level = assessment.get("threshold_name") or str(assessment.get("threshold", ""))
    title = _("{name}: at or above {level}, before and after").format(name=name, level=level)
    areas = [*assessment.get("areas", []), *([assessment["overall"]] if assessment.get("overall") else [])]
    rows, table = [], []
    for area in areas:
        label = _("Overall") if area.get("key") == "overall" else localized(area.get("text") or area.get("key"))
        before, after = area.get("percent_before"), area.get("percent_after")
        rows.append(charts.Row(label, [before, after], [_of(area.get("before", 0), area.get("paired", 0), before),
                                                        _of(area.get("after", 0), area.get("paired", 0), after)]))
        growth = area.get("growth_points")
        table.append([label, _n(area.get("paired", 0)), rows[-1].texts[0], rows[-1].texts[1],
                      "—" if growth is None else ("+" if growth > 0 else "") + formats.number_format(growth, 2),
                      _n(area.get("moved_up", 0))])
    desc = _("Share of teachers at or above {level} among the {paired} who answered both the start and the end "
             "({pre} answered at the start, {post} at the end).").format(
        level=level, paired=_n(assessment.get("paired", 0)), pre=_n(assessment.get("pre_responses", 0)),
        post=_n(assessment.get("post_responses", 0)))
    chart_id = f"chart-growth-{index}"
    svg = charts.bar_groups(chart_id, title, desc, rows, series=[_("Before"), _("After")], maximum=100)
    head = [_("Area"), _("Answered both"), _("Before"), _("After"), _("Growth (points)"), _("Moved up")]
    return _chart(chart_id, title, svg, head, table)


def figures_charts(scope: Scope, figures: dict) -> list[dict]:
    """The charts of a scope's figures, in the order the page shows them."""
    found = [enrolment_chart(timeline.enrolments_per_week(scope)), completion_chart(figures)]
    if not scope.run or scope.school_year:
        found.append(runs_chart(timeline.runs_side_by_side(scope)))
    found.append(survey_chart(figures["survey"]))
    found += [growth_chart(index, item) for index, item in enumerate(figures.get("self_assessments") or [], 1)]
    return found


def figures_section(scope: Scope, figures: dict, title: str = "") -> str:
    """The page section: the figures' tables (figures_section.html) and the charts with theirs."""
    return render_to_string("etwinning_plugin/figures_section.html",
                            {"figures": figures, "charts": figures_charts(scope, figures), "section_title": title})
