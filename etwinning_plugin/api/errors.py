"""How the api refuses: an N_-marked message the block translates, and an HTTP status."""


def N_(message: str) -> str:  # noqa: N802 - the gettext marker, as in skillslab_xblock.support.i18n
    return message


class Refused(Exception):
    """The learner may not do this; ``message`` is N_-marked, with ``params`` for its placeholders."""

    def __init__(self, message: str, status: int = 400, **params):
        super().__init__(message)
        self.message = message
        self.status = status
        self.params = params


def is_lock_timeout(error) -> bool:
    """SQLite's "database is locked", or MySQL's lock wait timeout (1205) or deadlock (1213)."""
    code = error.args[0] if error.args else None
    return code in (1205, 1213) or "database is locked" in str(error)


def retried_on_deadlock(work, attempts: int = 4):
    """
    Run ``work()`` in a transaction, again if the database chose it as a deadlock victim (InnoDB
    picks one of two transactions inserting the same unique key at once). Inside an outer
    transaction nothing can be retried, so it runs once there.
    """
    from django.db import OperationalError, connection, transaction  # noqa: PLC0415

    if connection.in_atomic_block:
        return work()
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            if attempt == attempts - 1 or not is_lock_timeout(error):
                raise
    return None  # not reached
