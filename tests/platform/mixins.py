"""
The fields edx-platform mixes into every block (its ``XBLOCK_MIXINS``), declared as the platform
declares them: same names, scopes and defaults. Only the fields are imitated (course export and
import, copy-paste and the runtime read and write fields); the platform's own field classes that are
not installable here are replaced by the XBlock type they store (noted beside each).

openedx/envs/common.py (master)::

    XBLOCK_MIXINS = (LmsBlockMixin, InheritanceMixin, XModuleMixin, EditInfoMixin)

cms/envs/common.py (master)::

    mixins = list(XBLOCK_MIXINS)
    mixins.insert(2, ResourceTemplates)
    mixins += [UpstreamSyncMixin, AuthoringMixin]
    XBLOCK_MIXINS = tuple(mixins)

``EditInfoMixin`` and ``ResourceTemplates`` declare no fields; ``XModuleMixin``'s only own field is
``display_name`` (every block of ours declares its own).
"""

from __future__ import annotations

from xblock.core import XBlock, XBlockMixin
from xblock.fields import Boolean, DateTime, Dict, Float, Integer, List, Scope, String


@XBlock.needs("partitions")
@XBlock.needs("i18n")
@XBlock.wants("completion")
class LmsBlockMixin(XBlockMixin):
    """lms/djangoapps/lms_xblock/mixin.py"""

    hide_from_toc = Boolean(scope=Scope.settings, default=False)
    format = String(scope=Scope.settings)
    chrome = String(scope=Scope.settings, default=None)
    default_tab = String(scope=Scope.settings, default=None)
    source_file = String(scope=Scope.settings)
    visible_to_staff_only = Boolean(scope=Scope.settings, default=False)
    group_access = Dict(scope=Scope.settings, default={})  # GroupAccessDict
    user_partitions = List(scope=Scope.settings, default=[])  # UserPartitionList


class InheritanceMixin(XBlockMixin):
    """xmodule/modulestore/inheritance.py"""

    graded = Boolean(scope=Scope.settings, default=False)
    start = DateTime(scope=Scope.settings)  # xmodule.fields.Date, default DEFAULT_START_DATE
    due = DateTime(scope=Scope.settings)  # xmodule.fields.Date
    relative_weeks_due = Integer(scope=Scope.settings)
    course_edit_method = String(scope=Scope.settings, default="Studio")
    giturl = String(scope=Scope.settings)
    xqa_key = String(scope=Scope.settings)
    graceperiod = String(scope=Scope.settings)  # xmodule.fields.Timedelta
    showanswer = String(scope=Scope.settings, default="finished")
    show_correctness = String(scope=Scope.settings, default="always")
    rerandomize = String(scope=Scope.settings, default="never")
    days_early_for_beta = Float(scope=Scope.settings, default=None)
    static_asset_path = String(scope=Scope.settings, default="")
    use_latex_compiler = Boolean(scope=Scope.settings, default=False)
    max_attempts = Integer(scope=Scope.settings)
    matlab_api_key = String(scope=Scope.settings)
    video_speed_optimizations = Boolean(scope=Scope.settings, default=True)
    video_auto_advance = Boolean(scope=Scope.settings, default=False)
    video_bumper = Dict(scope=Scope.settings)
    show_reset_button = Boolean(scope=Scope.settings, default=False)
    edxnotes = Boolean(scope=Scope.settings, default=False)
    edxnotes_visibility = Boolean(scope=Scope.user_info, default=True)
    in_entrance_exam = Boolean(scope=Scope.settings, default=False)
    self_paced = Boolean(scope=Scope.settings, default=False)


class UpstreamSyncMixin(XBlockMixin):
    """cms/lib/xblock/upstream_sync.py (Studio only)"""

    upstream = String(default=None, scope=Scope.settings, hidden=True, enforce_type=True)
    upstream_version = Integer(default=None, scope=Scope.settings, hidden=True, enforce_type=True)
    upstream_version_declined = Integer(default=None, scope=Scope.settings, hidden=True, enforce_type=True)
    upstream_display_name = String(default=None, scope=Scope.settings, hidden=True, enforce_type=True)
    top_level_downstream_parent_key = String(default=None, scope=Scope.settings, hidden=True, enforce_type=True)
    downstream_customized = List(default=[], scope=Scope.settings, hidden=True, enforce_type=True)


class AuthoringMixin(XBlockMixin):
    """cms/lib/xblock/authoring_mixin.py (Studio only)"""

    copied_from_block = String(scope=Scope.settings, enforce_type=True)


LMS_MIXINS = (LmsBlockMixin, InheritanceMixin)
CMS_MIXINS = (LmsBlockMixin, InheritanceMixin, UpstreamSyncMixin, AuthoringMixin)

# A value for each settings field above, as an author or Studio would set them (for round trips).
PLATFORM_SETTINGS = {
    "visible_to_staff_only": True,
    "group_access": {"50": [1, 2]},
    "graded": True,
    "format": "Homework",
    "hide_from_toc": True,
    "showanswer": "never",
    "show_reset_button": True,
    "max_attempts": 3,
    "days_early_for_beta": 2.5,
    "relative_weeks_due": 2,
    "static_asset_path": "skills",
    "user_partitions": [{"id": 50, "name": "Cohorts"}],
    "upstream": "lb:NSS:skills:skillslab_activity:one",
    "upstream_version": 4,
    "downstream_customized": ["display_name"],
    "copied_from_block": "block-v1:NSS+SkillsLabs+2026+type@skillslab_activity+block@orig",
}
