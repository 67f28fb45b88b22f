"""The SVG charts (etwinning_plugin/reports/charts.py): numbers in, SVG out, texts escaped, empty data drawn."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from etwinning_plugin.reports.charts import Column, Row, bar_groups, columns

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ElementTree.Element:
    """The markup is well-formed XML (an error here is a broken chart)."""
    return ElementTree.fromstring(markup)


def rects(svg: ElementTree.Element) -> list[ElementTree.Element]:
    return [r for r in svg.iter(f"{SVG}rect") if r.get("height") != "12"]  # not the legend's swatches


def test_bars_are_proportional_to_their_values_and_labelled():
    svg = parsed(bar_groups("c1", "Completion", "3 of 4 completed.",
                            [Row("Enrolled", [40], ["40"]), Row("Completed", [10], ["10 (25%)"])],
                            series=["Teachers"]))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Completion" and svg.find(f"{SVG}desc").text == "3 of 4 completed."
    widths = [float(r.get("width")) for r in rects(svg)]
    assert len(widths) == 2 and widths[0] == 4 * widths[1]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Enrolled", "40", "Completed", "10 (25%)"]


def test_percentages_are_scaled_to_100_not_to_the_largest():
    svg = parsed(bar_groups("c2", "Survey", "d", [Row("satisfaction", [50.0], ["50%"])], series=["Positive"],
                            maximum=100))
    full = parsed(bar_groups("c3", "Survey", "d", [Row("satisfaction", [100.0], ["100%"])], series=["Positive"],
                             maximum=100))
    assert float(rects(svg)[0].get("width")) * 2 == float(rects(full)[0].get("width"))


def test_groups_have_one_bar_per_series_and_a_legend():
    svg = parsed(bar_groups("runs", "Runs", "d", [Row("course-v1:NSS+SL+2022", [10, 6, 3], ["10", "6", "3"]),
                                                  Row("course-v1:NSS+SL+2023", [20, 12, 0], ["20", "12", "0"])],
                            series=["Enrolled", "Active", "Completed"]))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[:3] == ["Enrolled", "Active", "Completed"]  # the legend
    bars = rects(svg)
    assert len(bars) == 5  # a zero draws no bar, but keeps its text
    assert "0" in texts
    assert len({bar.get("fill") for bar in bars}) == 3


def test_a_missing_value_draws_no_bar_and_its_text():
    svg = parsed(bar_groups("g", "Growth", "d", [Row("Overall", [None, 40.0], ["—", "40% (2 / 5)"])],
                            series=["Before", "After"], maximum=100))
    assert len(rects(svg)) == 1
    assert "—" in [t.text for t in svg.iter(f"{SVG}text")]


def test_every_text_is_escaped():
    hostile = '<script>alert(1)</script>" onload="x'
    markup = bar_groups(hostile, hostile, hostile, [Row(hostile, [1], [hostile])], series=[hostile, hostile])
    markup += columns(hostile, hostile, hostile, [Column(hostile, 3, hostile)])
    assert "<script" not in markup and 'onload="x' not in markup
    for chart in re.findall(r"<svg.*?</svg>", markup, re.S):
        parsed(chart)


def test_empty_data_gives_a_titled_frame():
    for markup in (bar_groups("e", "Survey", "No survey answer yet.", [], series=["Positive"]),
                   columns("w", "Enrolments per week", "No dated enrolment yet.", [])):
        svg = parsed(markup)
        assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
        assert rects(svg) == []
        assert svg.get("viewBox").startswith("0 0 640 ")


def test_all_zero_values_draw_no_bar_and_do_not_divide_by_zero():
    assert rects(parsed(bar_groups("z", "t", "d", [Row("a", [0], ["0"])], series=["n"]))) == []
    assert rects(parsed(columns("z", "t", "d", [Column("1/9", 0, "0"), Column("8/9", 0, "0")]))) == []


def test_columns_are_proportional_left_to_right_with_labels_under_the_axis():
    svg = parsed(columns("w", "Enrolments per week", "d", [Column("1/9", 2, "2"), Column("", 0, "0"),
                                                            Column("15/9", 4, "4")]))
    bars = rects(svg)
    assert [float(b.get("height")) for b in bars] == [75.0, 150.0]
    assert float(bars[0].get("x")) < float(bars[1].get("x"))
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["2", "1/9", "0", "4", "15/9"]


def test_long_labels_are_clipped_in_the_chart_only():
    label = "a survey item whose key is much longer than the room beside the bars"
    texts = [t.text for t in parsed(bar_groups("l", "t", "d", [Row(label, [1], ["1"])], series=["n"])).iter(
        f"{SVG}text")]
    assert texts[0].endswith("…") and len(texts[0]) == 27 and label.startswith(texts[0][:-1])
