"""
The demo's user service: the workbench's own, plus course-staff rights for learners whose id
starts with ``staff`` (``?student=staff``), so that the demo shows the staff views.
"""

from workbench.runtime import WorkBenchUserService


class DemoUserService(WorkBenchUserService):
    def __init__(self):
        super().__init__(None)

    def get_current_user(self):
        user = super().get_current_user()
        student_id = str(getattr(self, "runtime", None) and self.runtime.user_id or "")
        user.opt_attrs["xblock-workbench.user_id"] = student_id
        user.opt_attrs["edx-platform.user_is_staff"] = student_id.startswith("staff")
        user.full_name = f"XBlock User ({student_id})"
        return user
