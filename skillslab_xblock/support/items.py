"""
The items of a survey or a self-assessment: each a stable key and a text in Greek and/or English.
Authors write them in Studio one a line (``key | Greek | English``), in OLX as ``<item>`` elements,
or as JSON; every form goes through ``clean_items``.
"""

from __future__ import annotations

import re

from lxml import etree
from xblock.fields import Boolean, DateTime, Scope, String

from .i18n import N_
from .settings_form import SettingsForm
from .values import clean_plain_text, has_passed, render_message

MAX_ITEMS = 30
MAX_ITEM_TEXT = 500
_ITEM_KEY = re.compile(r"^[a-z0-9_]{1,64}$")


def clean_items(items, gettext) -> list[dict]:
    """Validate the author's items: a key (a-z, 0-9, _) and a text in Greek and/or English each."""
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        raise ValueError(gettext("Give from 1 to {max} items.").format(max=MAX_ITEMS))
    cleaned, keys = [], set()
    for number, item in enumerate(items, 1):
        key = item.get("key") if isinstance(item, dict) else None
        texts = item.get("text") if isinstance(item, dict) else None
        if not isinstance(key, str) or not _ITEM_KEY.match(key):
            raise ValueError(gettext("Item {number}: the key must be 1 to 64 small letters, digits or _.")
                             .format(number=number))
        if key in keys:
            raise ValueError(gettext("Item {number}: the key {key} is used twice.").format(number=number, key=key))
        keys.add(key)
        if not isinstance(texts, dict) or not texts or set(texts) - {"el", "en"}:
            raise ValueError(gettext("Item {number}: give its text in Greek (el) and/or English (en).")
                             .format(number=number))
        clean_texts = {}
        for lang, text in texts.items():
            value, error = clean_plain_text(text, MAX_ITEM_TEXT)
            if error or not value:
                raise ValueError(gettext("Item {number}: {error}").format(
                    number=number, error=render_message(error or N_("This field is required."), gettext)))
            clean_texts[lang] = value
        cleaned.append({"key": key, "text": clean_texts})
    return cleaned


def clean_items_field(form: SettingsForm) -> None:
    """The items, from the editor's lines (``key | Greek | English``), OLX or JSON."""
    items = form.raw("items")
    try:
        parsed = text_to_items(items) if isinstance(items, str) else items
    except ValueError as line:
        form.error("items", N_("Write each item as: key | Greek text | English text ({line})"),
                   line=str(line)[:80])
        return
    try:
        form.values["items"] = clean_items(parsed, form.gettext)
    except ValueError as problem:
        form.errors["items"] = str(problem)


def items_to_text(items: list[dict]) -> str:
    """The editor's form of the items: one per line, ``key | Greek text | English text``."""
    return "\n".join(f"{i['key']} | {i['text'].get('el', '')} | {i['text'].get('en', '')}" for i in items)


def text_to_items(text: str) -> list[dict]:
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            raise ValueError(line)  # reported by clean_settings as a malformed line
        parts += [""] * (3 - len(parts))
        texts = {lang: value for lang, value in (("el", parts[1]), ("en", parts[2])) if value}
        items.append({"key": parts[0], "text": texts})
    return items


def items_from_node(node) -> list[dict]:
    """``<item key><text lang>…</text></item>`` children of an OLX node, as items (not yet cleaned)."""
    return [{"key": item.get("key"), "text": {text.get("lang"): "".join(text.itertext())
                                               for text in item.findall("text")}}
            for item in node.findall("item")]


def add_items_to_node(node, items: list[dict]) -> None:
    for item in items:
        element = etree.SubElement(node, "item", key=item["key"])
        for lang in ("el", "en"):
            if lang in item["text"]:
                etree.SubElement(element, "text", lang=lang).text = item["text"][lang]


class ItemsOLXMixin:
    """
    For a ``SettingsOLXMixin`` block with an ``items`` field: the items travel in OLX as ``<item>``
    elements with a ``<text lang>`` each, the other settings as attributes. Place it before
    ``SettingsOLXMixin`` in the bases.
    """

    @classmethod
    def olx_data(cls, node) -> dict:
        data = {name: node.get(name) for name in cls.editable_fields if name != "items" and node.get(name) is not None}
        items = items_from_node(node)
        if items:
            data["items"] = items
        return data

    def add_settings_to_node(self, node) -> None:
        for name in self.editable_fields:
            field = self.fields[name]
            if name != "items" and field.is_set_on(self):
                self._add_field(node, name, field)
        if self.fields["items"].is_set_on(self):
            add_items_to_node(node, self.items)


class QuestionnaireMixin:
    """
    What a survey and a self-assessment share besides their items: answers that may change until
    a deadline (the platform's due date when the author set none), and the learner's key kept for
    the problem-responses report.
    """

    allow_changes = Boolean(display_name=N_("Learners may change their answers until the deadline"),
                            scope=Scope.settings, default=True)
    deadline = DateTime(display_name=N_("Deadline"), scope=Scope.settings, default=None)
    learner_key = String(scope=Scope.user_state, default="")  # for the problem-responses report

    def deadline_passed(self) -> bool:
        return has_passed(self.learner_deadline(self.deadline))
