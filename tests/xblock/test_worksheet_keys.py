"""
The worksheet's keys are owned by its definition (domain/worksheet.py ``STEPS``): the rules name a
field through ``worksheet.key`` (checked when the module loads), never as bare strings.
"""

import re
from pathlib import Path

import pytest

from skillslab_xblock.domain import worksheet

RULES = ["domain/quality_label.py", "domain/plan.py", "domain/plan_export.py", "activity.py"]
PACKAGE = Path(worksheet.__file__).resolve().parents[1]


def test_every_key_a_rule_uses_is_a_field_of_the_worksheet():
    keys = [value for value in vars(worksheet).values() if isinstance(value, worksheet.Key)]
    assert len(keys) >= 10
    for key in keys:
        assert key.field in {f.name for f in worksheet.step(key.step).fields}, key


def test_a_key_that_is_not_in_the_definition_is_refused_at_once():
    with pytest.raises(KeyError, match="collaboration.levels"):
        worksheet.key("collaboration", "levels")
    with pytest.raises(KeyError):
        worksheet.key("goals", "shared_goal")


@pytest.mark.parametrize("module", RULES)
def test_no_rule_names_a_step_by_a_bare_string(module):
    source = (PACKAGE / module).read_text("utf-8")
    steps = "|".join(worksheet.STEP_KEYS)
    bare = re.findall(r'\.get\("(' + steps + r')"\)', source)
    assert not bare, f"{module} reads {bare} directly: use worksheet.key(...)"
