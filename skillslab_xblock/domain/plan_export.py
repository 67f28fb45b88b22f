"""
The project plan as a document to take into TwinSpace: one outline (``plan_document``) of headings,
paragraphs and lists, written three ways: HTML (printable, and the fragment the page copies as rich
text, so that a rich-text editor keeps the headings and lists), Markdown without escaping noise, and
DOCX (python-docx).

Learner text is never markup: HTML escapes it; Markdown escapes only what would change the outline
(a line that starts like a heading or a quote, emphasis, links, raw HTML); DOCX holds it as text.
A section's lines that start with "- " or "1. " are its list items (the suggestions are written so).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html import escape

from skillslab_xblock.domain import countries, plan, worksheet
from skillslab_xblock.support.i18n import N_


@dataclass(frozen=True)
class Block:
    kind: str  # "h1", "h2", "p", "ul" or "ol"
    text: str = ""
    items: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class School:
    name: str
    country: str  # ISO 3166 code, or an older card's text
    teacher: str
    coordinator: bool


_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBERED = re.compile(r"^\s*\d+\s*[.)]\s+")


def text_blocks(text: str) -> list[Block]:
    """A section's text as paragraphs and lists: runs of "- …" lines are a list, "1. …" a numbered one."""
    blocks: list[Block] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        for kind, marker in (("ul", _BULLET), ("ol", _NUMBERED)):
            if marker.match(line):
                item = marker.sub("", line).strip()
                if blocks and blocks[-1].kind == kind:
                    blocks[-1] = Block(kind, items=(*blocks[-1].items, item))
                else:
                    blocks.append(Block(kind, items=(item,)))
                break
        else:
            blocks.append(Block("p", line.strip()))
    return blocks


def plan_document(content: dict, *, schools: list[School], steps: list[plan.GatheredStep], tag: str,
                  checklist: list[plan.ChecklistItem], translator) -> list[Block]:
    """Everything the plan says, in the order a TwinSpace page reads it."""
    _ = translator.gettext
    language = translator.language
    title = (content.get("title") or "").strip() or _("Project title")
    blocks = [Block("h1", title)]
    if tag and tag.casefold() not in title.casefold():
        blocks.append(Block("p", tag))

    blocks.append(Block("h2", _("Partner schools")))
    rows = []
    for school in schools:
        details = [countries.label(school.country, language)] if school.country else []
        if school.teacher:
            details.append(_("{teacher}, coordinator").format(teacher=school.teacher) if school.coordinator
                           else school.teacher)
        rows.append(school.name + (f" ({'; '.join(details)})" if details else ""))
    roles = [text for s in steps if (text := worksheet.ROLES.of(s.answers))]
    blocks.append(Block("ul", items=tuple(rows)) if rows else Block("p", "—"))
    if roles:
        blocks.append(Block("p", _("Roles of the schools:")))
        blocks.append(Block("ul", items=tuple(dict.fromkeys(roles))))

    for key, section_title in plan.SECTIONS[1:]:
        blocks.append(Block("h2", _(section_title)))
        blocks.extend(text_blocks(content.get(key) or "") or [Block("p", "—")])

    if steps:
        blocks.append(Block("h2", _("Week by week: the steps we submitted")))
        blocks.append(Block("ol", items=tuple(_step_line(s, _) for s in steps)))
        products = [text for s in steps if (text := worksheet.JOINT_PRODUCT.of(s.answers))]
        if products:
            blocks.append(Block("h2", _("Joint products")))
            blocks.append(Block("ul", items=tuple(dict.fromkeys(products))))
        used = [worksheet.tool(t) for s in steps for t in worksheet.TOOLS.of(s.answers) or []]
        if any(used):
            blocks.append(Block("h2", _("Tools and pupils' personal data")))
            ratings = {"safe": N_("safe for pupils' personal data"), "caution": N_("use with care"),
                       "unsuitable": N_("unsuitable for pupils' personal data")}
            blocks.append(Block("ul", items=tuple(dict.fromkeys(
                f"{t.label(language)}: {_(ratings[t.pupil_data])}" for t in used if t))))

    blocks.append(Block("h2", _("National Quality Label checklist")))
    blocks.append(Block("ul", items=tuple(
        ("✓ " if not item.missing else "✗ ") + _(item.title)
        + ("" if not item.missing else ": " + " ".join(_(m) for m in item.missing)) for item in checklist)))
    return blocks


def _step_line(step: plan.GatheredStep, gettext) -> str:
    level = worksheet.COLLABORATION_LEVEL.of(step.answers)
    line = step.listed_title
    if level in worksheet.CHOICE_LABELS:
        line += f" ({gettext(worksheet.CHOICE_LABELS[level])})"
    return line + (f", {step.submitted_at[:10]}" if step.submitted_at else "")


# --- the three writers ----------------------------------------------------------------------------


def as_html_fragment(blocks: list[Block]) -> str:
    """The outline as HTML elements (every text escaped): what the page copies as rich text."""
    parts = []
    for block in blocks:
        if block.kind in ("ul", "ol"):
            items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
            parts.append(f"<{block.kind}>{items}</{block.kind}>")
        else:
            parts.append(f"<{block.kind}>{escape(block.text)}</{block.kind}>")
    return "\n".join(parts)


_TAG_OR_ENTITY = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)")
_EMPHASIS = re.compile(r"(?<![\w\\])([*_]+)(?=\S)|(?<=\S)([*_]+)(?![\w])")
_LINE_START = re.compile(r"^(#{1,6}\s|>|\|)")


def markdown_text(text: str) -> str:
    """
    Learner text inert in Markdown, escaping only what would act: raw HTML and entities, emphasis
    markers next to text, link brackets, code backticks and a heading or quote at the start. Words
    such as "self-assessment", "Pupils' work" or "1st" stay as they are.
    """
    text = _TAG_OR_ENTITY.sub(lambda m: "&lt;" if m.group(0) == "<" else "&amp;", text)
    text = _EMPHASIS.sub(lambda m: "".join("\\" + ch for ch in (m.group(1) or m.group(2))), text)
    text = text.replace("`", "\\`")
    if "](" in text or "][" in text:
        text = text.replace("[", "\\[").replace("]", "\\]")
    return _LINE_START.sub(lambda m: "\\" + m.group(1), text)


def as_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if block.kind == "h1":
            lines += [f"# {markdown_text(block.text)}", ""]
        elif block.kind == "h2":
            lines += [f"## {markdown_text(block.text)}", ""]
        elif block.kind == "ul":
            lines += [f"- {markdown_text(item)}" for item in block.items] + [""]
        elif block.kind == "ol":
            lines += [f"{number}. {markdown_text(item)}" for number, item in enumerate(block.items, 1)] + [""]
        else:
            text = markdown_text(block.text)
            lines += [("\\" + text) if _NUMBERED.match(text) or _BULLET.match(text) else text, ""]
    return "\n".join(lines).rstrip() + "\n"


def as_docx(blocks: list[Block], language: str) -> bytes:
    """A Word document with the outline's headings and lists as Word's own styles."""
    from docx import Document  # noqa: PLC0415 - python-docx only when a DOCX is asked for

    document = Document()
    document.core_properties.language = "el-GR" if language == "el" else "en-GB"
    for block in blocks:
        if block.kind == "h1":
            document.add_heading(block.text, level=1)
        elif block.kind == "h2":
            document.add_heading(block.text, level=2)
        elif block.kind in ("ul", "ol"):
            style = "List Bullet" if block.kind == "ul" else "List Number"
            for item in block.items:
                document.add_paragraph(item, style=style)
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
