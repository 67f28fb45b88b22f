"""How the api refuses: an N_-marked message the block translates, and an HTTP status."""

from ..transactions import is_lock_timeout, retried_on_deadlock  # noqa: F401 - the api's writers and the blocks use them here


def N_(message: str) -> str:  # noqa: N802 - the gettext marker, as in skillslab_xblock.support.i18n
    return message


class Refused(Exception):
    """The learner may not do this; ``message`` is N_-marked, with ``params`` for its placeholders."""

    def __init__(self, message: str, status: int = 400, **params):
        super().__init__(message)
        self.message = message
        self.status = status
        self.params = params
