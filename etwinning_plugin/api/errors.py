"""How the api refuses: an N_-marked message the block translates, and an HTTP status."""


def N_(message: str) -> str:  # noqa: N802 - the gettext marker, as in skillslab_xblock.i18n
    return message


class Refused(Exception):
    """The learner may not do this; ``message`` is N_-marked, with ``params`` for its placeholders."""

    def __init__(self, message: str, status: int = 400, **params):
        super().__init__(message)
        self.message = message
        self.status = status
        self.params = params


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
            code = error.args[0] if error.args else None
            if attempt == attempts - 1 or code not in (1213, 1205):  # deadlock, lock wait timeout
                raise
    return None  # not reached
