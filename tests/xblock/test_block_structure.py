"""
The activity block is assembled from mixins, each with one job; each mixin declares what it needs
from the block (``HOST_PROVIDES``), and the block provides every one of those names.
"""

import pytest

from skillslab_xblock import activity_authoring, activity_choice, activity_sharing
from skillslab_xblock.activity import SkillsLabActivityBlock


@pytest.mark.parametrize("module", [activity_authoring, activity_choice, activity_sharing])
def test_the_activity_block_provides_what_each_of_its_mixins_needs(module):
    missing = [name for name in module.HOST_PROVIDES if not hasattr(SkillsLabActivityBlock, name)]
    assert not missing, f"{module.__name__} needs {missing}"
