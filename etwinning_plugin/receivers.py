"""
The receivers the platform connects at start-up, by name (``plugin_app``'s signals config in
``apps.py``): the openedx-events receivers of ``reporting.receivers`` and the retirement's.
"""

from .reporting.receivers import (  # noqa: F401 - connected by name from plugin_app
    record_certificate,
    record_enrollment,
    record_grade_summary,
    record_passing_status,
    record_unenrollment,
)
from .retirement import retire_learner  # noqa: F401 - USER_RETIRE_LMS_MISC's receiver
