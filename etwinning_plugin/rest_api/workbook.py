"""
The figures as a spreadsheet (XLSX, openpyxl): one sheet of the figures with counts, percents and
denominators, one of the survey items, and one of the pre/post self-assessments when the figures
carry any. Headers in the user's language; numbers as numbers; every text cell
``spreadsheet_safe``, so that a course id or an item a spreadsheet would read as a formula stays text.
"""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from skillslab_xblock.support.reports import spreadsheet_safe

from ..reports.page import localized


def _text(value) -> str:
    if isinstance(value, dict):
        language = (translation.get_language() or "en")[:2]
        value = value.get(language) or value.get("en") or next(iter(value.values()), "")
    return str(value or "")


def _append(sheet, row: list) -> None:
    sheet.append([spreadsheet_safe(cell) for cell in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever openpyxl guessed from the text


def _figures_rows(figures: dict) -> list[list]:
    enrolled = figures["enrolled"]
    return [
        [_("Teachers enrolled"), enrolled, None, None],
        [_("Teachers active in the course"), figures["active"], None, None],
        [_("Teachers who completed the course"), figures["completed"], figures["completion_rate"], enrolled],
        [_("New eTwinning teachers during the course"), figures["new_etwinning_teachers"], None, None],
        [_("New eTwinning schools during the course"), figures["new_etwinning_schools"], None, None],
        [_("Survey responses"), figures["survey"]["responses"], None, None],
    ]


def _self_assessment_rows(assessment: dict) -> list[list]:
    name = _text(assessment.get("title") or assessment.get("key"))
    level = assessment.get("threshold_name") or assessment.get("threshold")
    areas = [*assessment.get("areas", []), *([assessment["overall"]] if assessment.get("overall") else [])]
    return [[name, _("Overall") if area.get("key") == "overall" else _text(area.get("text") or area.get("key")),
             level, area.get("paired"), area.get("before"), area.get("percent_before"), area.get("after"),
             area.get("percent_after"), area.get("growth_points"), area.get("moved_up")] for area in areas]


def figures_workbook(figures: dict, scope_label: str) -> bytes:
    """The XLSX file of a scope's figures."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    book.properties.title = scope_label
    _append(sheet, [_("Figure"), _("Count"), _("Percent"), _("Denominator")])
    for row in _figures_rows(figures):
        _append(sheet, row)
    _append(sheet, [])
    _append(sheet, [_("Scope"), scope_label])
    items = book.create_sheet(_("Survey items")[:31])
    _append(items, [_("Item"), _("Key"), _("Positive"), _("Percent"), _("Answered")])
    for item in figures["survey"]["items"]:
        _append(items, [localized(item.get("text") or item["key"]), item["key"], item["positive"],
                        item["percent_positive"], item["answered"]])
    assessments = figures.get("self_assessments") or []
    if assessments:
        growth = book.create_sheet(_("Before and after")[:31])  # "/" is not allowed in a sheet name
        _append(growth, [_("Self-assessment"), _("Area"), _("Level"), _("Answered both"), _("Before"),
                         _("Percent before"), _("After"), _("Percent after"), _("Growth (points)"), _("Moved up")])
        for assessment in assessments:
            for row in _self_assessment_rows(assessment):
                _append(growth, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
