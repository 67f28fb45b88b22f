"""
Every setting is declared once, in etwinning_plugin/settings/common.py (``SETTINGS``): with its
default and what it does. This test keeps the code, the operators' page and the Tutor plugin to it.
"""

import ast
import re
from pathlib import Path

from etwinning_plugin.settings import common

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\b((?:ETWINNING|SKILLSLAB)_[A-Z_]+[A-Z])\b")
NOT_SETTINGS = {"ETWINNING_VERSION", "ETWINNING_PIP_REQUIREMENT", "ETWINNING_CATALOGUE_FILE"}  # Tutor's own keys


def names_read_by_the_packages() -> set[str]:
    found = set()
    for package in ("etwinning_plugin", "skillslab_xblock"):
        for path in (ROOT / package).rglob("*.py"):
            if "settings" not in path.parts and "migrations" not in path.parts:
                found |= set(re.findall(r"settings\.((?:ETWINNING|SKILLSLAB)_[A-Z_]+)", path.read_text("utf-8")))
    return found


def test_every_setting_the_code_reads_is_declared_with_a_default_and_a_doc():
    read = names_read_by_the_packages()
    assert read, "the search found no setting at all"
    assert read <= set(common.SETTINGS), read - set(common.SETTINGS)
    for name, setting in common.SETTINGS.items():
        assert setting.doc and len(setting.doc) > 15, name
    assert common.DEFAULTS == {name: s.default for name, s in common.SETTINGS.items()}


def _shown(value) -> str:
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def test_the_operators_page_lists_every_setting_with_its_default():
    page = (ROOT / "docs" / "operators.md").read_text("utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([A-Z_]+)` \| ([^|]+) \|", page, re.M)}
    for name, setting in common.SETTINGS.items():
        key = setting.tutor_key or name
        assert key in rows, f"docs/operators.md has no row for {key}"
        if key not in ("ETWINNING_NSS_SECRET", "ETWINNING_PSEUDONYM_KEY"):  # generated per site by Tutor
            assert rows[key].strip() == _shown(setting.default), (key, rows[key])


def tutor_plugin_dict(source: str, name: str) -> dict:
    """A dict literal of the Tutor plugin's module (it runs where only Tutor is installed: read, not imported)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if getattr(target, "id", None) == name:
                return ast.literal_eval(node.value)
    raise KeyError(name)


def test_the_tutor_plugin_sets_exactly_the_settings_with_a_tutor_key_and_the_same_defaults():
    source = (ROOT / "tutor-etwinning" / "tutoretwinning" / "plugin.py").read_text("utf-8")
    secrets = tutor_plugin_dict(source, "SECRETS")
    ours = {s.tutor_key: (name, s.default) for name, s in common.SETTINGS.items()
            if s.tutor_key and s.tutor_key not in secrets}
    assert tutor_plugin_dict(source, "SETTINGS") == ours
    assert set(secrets) == {"ETWINNING_NSS_SECRET", "ETWINNING_PSEUDONYM_KEY"}
    assert set(NAME.findall(source)) - NOT_SETTINGS - {s.tutor_key for s in common.SETTINGS.values()} \
        - set(common.SETTINGS) == set()
