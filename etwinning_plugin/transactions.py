"""
Transactions that meet others: telling a lock conflict from any other database error, and running
a piece of work again when the database chose it as a deadlock's victim. Used by the api's writes and
by the teachers' tallies alike; it imports nothing of the plugin.
"""

from django.db import OperationalError, connection, transaction


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
