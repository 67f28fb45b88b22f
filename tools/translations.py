#!/usr/bin/env python3
"""
Keep the shipped translations in step with the code.

    python tools/translations.py update   # extract strings, merge into el/en .po, compile .mo and JS catalogs
    python tools/translations.py check    # exit 1 if a string lacks Greek or a compiled file is stale

Strings are found in Python (``N_("…")``, ``_("…")``, ``gettext("…")``), in templates
(``{% t "…" %}``, ``{% tn "…" "…" count %}``) and in JavaScript (``gettext("…")``). The gettext
domain is ``text``, where the LMS looks for a third-party block's strings; JavaScript gets a
catalog per language in ``public/js/translations/<lang>/text.js``.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "skillslab_xblock"
LOCALE = PACKAGE / "translations"
JS_CATALOGS = PACKAGE / "public" / "js" / "translations"
LANGUAGES = ("el", "en")
PY_FUNCS = {"N_", "_", "gettext"}
TEMPLATE_T = re.compile(r"""\{%\s*t\s+(?P<q>["'])(?P<msg>.*?)(?P=q)""")
DJANGO_TRANS = re.compile(r"""\{%\s*trans\s+(?P<q>["'])(?P<msg>.*?)(?P=q)""")
PLUGIN = ROOT / "etwinning_plugin"
PLUGIN_LOCALE = PLUGIN / "locale"  # Django's catalogue (domain "django") for the plugin's own pages
TEMPLATE_TN = re.compile(r"""\{%\s*tn\s+(?P<q>["'])(?P<one>.*?)(?P=q)\s+(?P<q2>["'])(?P<many>.*?)(?P=q2)""")
JS_GETTEXT = re.compile(r"""gettext\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")
HEADER = {
    "Project-Id-Version": "etwinning-skillslabs",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}
PLURALS = {"el": "nplurals=2; plural=(n != 1);", "en": "nplurals=2; plural=(n != 1);"}


PLURALS_OF: dict[str, str] = {}  # singular msgid → plural msgid, for {% tn %} and ngettext


def extract() -> tuple[dict[str, set[str]], set[str]]:
    """msgid → source files, and the msgids the JavaScript uses."""
    found: dict[str, set[str]] = {}
    js_ids: set[str] = set()

    def add(msgid: str, where: Path, plural: str = "") -> None:
        found.setdefault(msgid, set()).add(str(where.relative_to(ROOT)))
        if plural:
            PLURALS_OF[msgid] = plural

    # The plugin's api refuses with N_-marked messages that the blocks show: they share the catalogue.
    for path in sorted([*PACKAGE.rglob("*.py"), *(ROOT / "etwinning_plugin").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name == "ngettext" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    add(node.args[0].value, path, plural=node.args[1].value)
                elif name in PY_FUNCS:
                    add(node.args[0].value, path)
    for path in sorted((PACKAGE / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_T.finditer(text):
            add(match.group("msg"), path)
        for match in TEMPLATE_TN.finditer(text):
            add(match.group("one"), path, plural=match.group("many"))
    for path in sorted((PLUGIN / "templates").rglob("*.html")):
        for match in DJANGO_TRANS.finditer(path.read_text(encoding="utf-8")):
            add(match.group("msg"), path)
    for path in sorted((PACKAGE / "public" / "js").glob("*.js")):
        for match in JS_GETTEXT.finditer(path.read_text(encoding="utf-8")):
            msgid = json.loads(f'"{match.group(1)}"')
            add(msgid, path)
            js_ids.add(msgid)
    return found, js_ids


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "text.po"


def merged_catalogue(language: str, found: dict[str, set[str]]) -> polib.POFile:
    path = po_path(language)
    old = polib.pofile(str(path)) if path.exists() else polib.POFile()
    previous = {entry.msgid: entry for entry in old if not entry.obsolete}
    po = polib.POFile(wrapwidth=100)
    po.metadata = dict(HEADER, Language=language, **{"Plural-Forms": PLURALS[language]})
    for msgid in sorted(found):
        occurrences = [(where, "") for where in sorted(found[msgid])]
        if msgid in PLURALS_OF:
            old = previous.get(msgid)
            forms = old.msgstr_plural if old is not None and old.msgid_plural else {0: "", 1: ""}
            entry = polib.POEntry(msgid=msgid, msgid_plural=PLURALS_OF[msgid], msgstr_plural=forms,
                                  occurrences=occurrences)
        else:
            entry = polib.POEntry(msgid=msgid, msgstr=previous[msgid].msgstr if msgid in previous else "",
                                  occurrences=occurrences)
        if "{" in msgid:
            entry.flags.append("python-brace-format")
        po.append(entry)
    return po


def js_catalogue(language: str, po: polib.POFile, js_ids: set[str]) -> str:
    strings = {e.msgid: e.msgstr for e in po if e.msgid in js_ids and e.msgstr and not e.msgid_plural}
    body = json.dumps(strings, ensure_ascii=False, sort_keys=True, indent=1)
    return (
        f"/* Generated by tools/translations.py from translations/{language}/LC_MESSAGES/text.po: do not edit. */\n"
        "(function (global) {\n"
        "  global.SkillsLabI18n = global.SkillsLabI18n || {};\n"
        f"  global.SkillsLabI18n[{json.dumps(language)}] = {body};\n"
        "}(window));\n"
    )


def outputs() -> dict[Path, bytes]:
    """Every file the catalogues produce, as it should be on disk."""
    found, js_ids = extract()
    files: dict[Path, bytes] = {}
    for language in LANGUAGES:
        po = merged_catalogue(language, found)
        files[po_path(language)] = str(po).encode("utf-8")
        mo_file = po_path(language).with_suffix(".mo")
        po.save_as_mofile(str(mo_file) + ".tmp")
        files[mo_file] = Path(str(mo_file) + ".tmp").read_bytes()
        Path(str(mo_file) + ".tmp").unlink()
        files[JS_CATALOGS / language / "text.js"] = js_catalogue(language, po, js_ids).encode("utf-8")
        # The plugin's pages translate through Django, which reads <app>/locale/<lang>/LC_MESSAGES/django.mo.
        files[PLUGIN_LOCALE / language / "LC_MESSAGES" / "django.mo"] = files[mo_file]
    return files


def _translated(entry: polib.POEntry) -> bool:
    return all(entry.msgstr_plural.values()) if entry.msgid_plural else bool(entry.msgstr)


def main(command: str) -> int:
    po_path("el").parent.mkdir(parents=True, exist_ok=True)
    files = outputs()
    if command == "update":
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        untranslated = [e.msgid for e in polib.pofile(str(po_path("el"))) if not _translated(e)]
        print(f"{len(polib.pofile(str(po_path('el'))))} strings; {len(untranslated)} without Greek")
        return 0
    stale = [str(p.relative_to(ROOT)) for p, content in files.items() if not p.exists() or p.read_bytes() != content]
    greek = po_path("el")
    untranslated = [e.msgid for e in polib.pofile(str(greek)) if not _translated(e)] if greek.exists() else ["*"]
    for path in stale:
        print(f"stale: {path} (run: python tools/translations.py update)")
    for msgid in untranslated:
        print(f"no Greek translation: {msgid!r}")
    return 1 if stale or untranslated else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "check"))
