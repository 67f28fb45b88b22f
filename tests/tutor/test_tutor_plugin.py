"""
The Tutor plugin (tutor-etwinning/), through the real `tutor` CLI of Tutor 22 in a temporary
TUTOR_ROOT: the install path of docs/operators.md, the rendered LMS and Studio settings, the
Dockerfile, the secrets, and disabling. No Docker is needed: `config save` renders the environment.

Tutor runs from .venv-tutor (made by ./dev test), apart from the bundle's environment as on an
operator's host; the rendered settings are then read here, next to the bundle's own settings module.
"""

from __future__ import annotations

import ast
import os
import py_compile
import re
import shlex
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

import etwinning_plugin
from etwinning_plugin.settings import common

ROOT = Path(__file__).resolve().parents[2]
TUTOR = Path(os.environ.get("ETWINNING_TUTOR_BIN", ROOT / ".venv-tutor" / "bin" / "tutor"))
SETTINGS_FILES = [f"{app}/{kind}.py" for app in ("lms", "cms") for kind in ("production", "development")]
NEEDS_DOCKER = (("images", "build"), ("local", "launch"), ("local", "do"), ("local", "restart"), ("local", "run"))
NSS_URL = "https://nss.example.gr/records/"


def tutor(root: Path, *args: str) -> str:
    assert TUTOR.exists(), f"{TUTOR} is missing: ./dev test creates .venv-tutor (Tutor 22 and the plugin)"
    result = subprocess.run([str(TUTOR), *args], check=False, env={**os.environ, "TUTOR_ROOT": str(root)},
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"tutor {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


def documented_commands(section: str) -> list[str]:
    """The commands of the first ``sh`` block under a heading of docs/operators.md."""
    text = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", body, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def run_documented(root: Path, section: str) -> list[str]:
    """Run a section's commands as the operator would; returns those that need Docker (not run here)."""
    skipped = []
    for command in documented_commands(section):
        argv = shlex.split(os.path.expandvars(command.replace("$(openssl rand -hex 32)", "${ROTATED_SECRET}")))
        if argv[0] == "pip":
            # The plugin comes from this checkout, already installed in .venv-tutor by ./dev test.
            assert argv[-1] == "tutor-contrib-etwinning"
            assert "tutor-contrib-etwinning" in (ROOT / "tutor-etwinning" / "setup.py").read_text()
            shown = subprocess.run([str(TUTOR.parent / "pip"), "show", argv[-1]], check=False, capture_output=True,
                                   text=True)
            assert shown.returncode == 0 and f"Version: {etwinning_plugin.__version__}" in shown.stdout
        elif argv[0] == "tutor" and tuple(argv[1:3]) in NEEDS_DOCKER:
            skipped.append(command)
        else:
            assert argv[0] == "tutor", command
            tutor(root, *argv[1:])
    return skipped


def settings_file(root: Path, name: str) -> Path:
    return root / "env" / "apps" / "openedx" / "settings" / name


def our_assignments(path: Path) -> dict[str, object]:
    """The values the plugin's patch assigns to the bundle's settings, read back as Python literals."""
    values = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id.startswith(("ETWINNING_", "SKILLSLAB_")):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def our_lines(path: Path) -> str:
    """The lines the plugin's patches added to a rendered settings file."""
    text = path.read_text()
    start = text.index("# eTwinning Skills Labs (tutor-contrib-etwinning")
    return text[start:text.index("\n\n", text.index("catalogue_file", start))] + "\n" + \
        text[text.index("# eTwinning Skills Labs: openedx-filters"):]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> SimpleNamespace:
    """A Tutor root after the documented install path."""
    root = tmp_path_factory.mktemp("tutor-root")
    skipped = run_documented(root, "Install")
    return SimpleNamespace(root=root, skipped=skipped, config=yaml.safe_load((root / "config.yml").read_text()))


def test_the_install_path_is_at_most_six_commands_and_only_docker_steps_are_left(installed):
    assert len(documented_commands("Install")) <= 6
    assert installed.skipped == ["tutor images build openedx", "tutor local launch"]
    assert "etwinning" in tutor(installed.root, "plugins", "list")


@pytest.mark.parametrize("name", SETTINGS_FILES)
def test_the_lms_and_studio_settings_compile_and_carry_the_configuration(installed, name):
    path = settings_file(installed.root, name)
    py_compile.compile(str(path), doraise=True)
    values = our_assignments(path)
    assert values["ETWINNING_NSS_URL"] == NSS_URL and values["ETWINNING_REPORTING_ENABLED"] is True
    assert values["ETWINNING_NSS_SECRET"] == installed.config["ETWINNING_NSS_SECRET"]
    assert values["ETWINNING_BATCH_SIZE"] == 200 and values["ETWINNING_PROJECT_TAG"] == "#SkillsLabs"


def test_the_celery_workers_run_with_those_settings(installed):
    compose = (installed.root / "env" / "local" / "docker-compose.prod.yml").read_text()
    workers = yaml.safe_load(compose)["services"]
    assert workers["lms-worker"]["environment"]["DJANGO_SETTINGS_MODULE"] == "lms.envs.tutor.production"
    assert workers["cms-worker"]["environment"]["DJANGO_SETTINGS_MODULE"] == "cms.envs.tutor.production"


def test_the_patch_writes_exactly_the_settings_the_plugin_reads(installed):
    """Every name the patch assigns is one etwinning_plugin's settings define, and every one is set."""
    written = our_assignments(settings_file(installed.root, "lms/production.py"))
    # the Tutor keys' settings, and the worker switch the patch fixes to True (Tutor runs Celery workers)
    assert set(written) == {name for name, setting in common.SETTINGS.items() if setting.tutor_key} | {
        "ETWINNING_RECORD_EVENTS_IN_WORKER"}
    # And applied as in the LMS: the plugin's defaults first (inside lms.envs.production), then the patch.
    settings = SimpleNamespace(OPEN_EDX_FILTERS_CONFIG={
        "org.openedx.learning.course.enrollment.started.v1": {"fail_silently": False, "pipeline": ["other.Step"]}})
    common.plugin_settings(settings)
    namespace = vars(settings)
    namespace["OPEN_EDX_FILTERS_CONFIG"] = {  # another plugin's patch replaced the dictionary after ours ran
        "org.openedx.learning.course.enrollment.started.v1": {"fail_silently": False, "pipeline": ["other.Step"]}}
    exec(compile(our_lines(settings_file(installed.root, "lms/production.py")), "patch", "exec"), namespace)  # noqa: S102
    assert namespace["ETWINNING_NSS_URL"] == NSS_URL
    assert namespace["XBLOCK_SETTINGS"]["SkillsLabActivityBlock"]["catalogue_file"] == ""
    expected = SimpleNamespace(OPEN_EDX_FILTERS_CONFIG={
        "org.openedx.learning.course.enrollment.started.v1": {"fail_silently": False, "pipeline": ["other.Step"]}})
    common.merge_filters_config(expected, common.FILTER_STEPS)
    assert namespace["OPEN_EDX_FILTERS_CONFIG"] == expected.OPEN_EDX_FILTERS_CONFIG  # merged, nobody's lost


def test_the_image_installs_the_bundle_at_the_plugins_version(installed):
    dockerfile = (installed.root / "env" / "build" / "openedx" / "Dockerfile").read_text()
    assert f"install 'etwinning-skillslabs=={etwinning_plugin.__version__}'" in dockerfile
    about = (ROOT / "tutor-etwinning" / "tutoretwinning" / "__about__.py").read_text()
    assert f'__version__ = "{etwinning_plugin.__version__}"' in about  # plugin and bundle move together


def test_the_secrets_are_generated_once_and_differ_per_site(installed, tmp_path):
    secrets = {key: installed.config[key] for key in ("ETWINNING_NSS_SECRET", "ETWINNING_PSEUDONYM_KEY")}
    assert all(len(value) >= 48 for value in secrets.values()) and len(set(secrets.values())) == 2
    tutor(installed.root, "config", "save", "--set", "ETWINNING_BATCH_SIZE=100")
    again = yaml.safe_load((installed.root / "config.yml").read_text())
    assert {key: again[key] for key in secrets} == secrets
    assert our_assignments(settings_file(installed.root, "lms/production.py"))["ETWINNING_BATCH_SIZE"] == 100
    tutor(tmp_path, "plugins", "enable", "etwinning")
    tutor(tmp_path, "config", "save")
    other_site = yaml.safe_load((tmp_path / "config.yml").read_text())
    assert other_site["ETWINNING_NSS_SECRET"] != secrets["ETWINNING_NSS_SECRET"]


def test_a_value_with_quotes_cannot_break_the_settings(tmp_path):
    tutor(tmp_path, "plugins", "enable", "etwinning")
    hostile = 'Skills"Labs\'; import os; x = "\\'
    tutor(tmp_path, "config", "save", "--set", f"ETWINNING_PROJECT_TAG={hostile}", "--set",
          "ETWINNING_NSS_URL=https://nss.example.gr/?a='b'")
    path = settings_file(tmp_path, "lms/production.py")
    py_compile.compile(str(path), doraise=True)
    values = our_assignments(path)  # literals only: ast.literal_eval would refuse anything else
    assert values["ETWINNING_PROJECT_TAG"] == hostile and values["ETWINNING_NSS_URL"] == "https://nss.example.gr/?a='b'"


def test_disabling_leaves_nothing_of_the_plugin_in_the_settings(tmp_path):
    run_documented(tmp_path, "Install")
    for command in documented_commands("Disable"):
        tutor(tmp_path, *shlex.split(command)[1:])
    rendered = [p for p in (tmp_path / "env").rglob("*") if p.is_file()]
    leftovers = [str(p) for p in rendered if re.search("etwinning", p.read_text(errors="ignore"), re.I)]
    assert rendered and leftovers == []
    for name in SETTINGS_FILES:
        py_compile.compile(str(settings_file(tmp_path, name)), doraise=True)


def test_the_documented_upgrade_and_secret_rotation(tmp_path, monkeypatch):
    run_documented(tmp_path, "Install")
    before = yaml.safe_load((tmp_path / "config.yml").read_text())
    assert run_documented(tmp_path, "Upgrade") == ["tutor images build openedx", "tutor local launch"]
    after_upgrade = yaml.safe_load((tmp_path / "config.yml").read_text())
    assert after_upgrade["ETWINNING_NSS_SECRET"] == before["ETWINNING_NSS_SECRET"]  # an upgrade keeps the secrets
    monkeypatch.setenv("ROTATED_SECRET", "0123456789abcdef" * 4)  # what `openssl rand -hex 32` prints
    assert run_documented(tmp_path, "Rotate the signing secret") == ["tutor local restart", "tutor local restart"]
    values = our_assignments(settings_file(tmp_path, "lms/production.py"))
    assert values["ETWINNING_NSS_SECRET"] == "0123456789abcdef" * 4 and values["ETWINNING_REPORTING_ENABLED"] is True
    assert values["ETWINNING_PSEUDONYM_KEY"] == before["ETWINNING_PSEUDONYM_KEY"]  # never rotated
