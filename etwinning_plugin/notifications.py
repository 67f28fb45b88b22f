"""
Telling a teacher about their partnership: an invitation received, accepted or declined.

Open edX's notifications framework takes no notification types from plugins (its types are
declared in edx-platform itself, and NOTIFICATION_TYPES_OVERRIDE only changes existing ones), so
the messages go through edx-ace, the library the platform sends its own e-mails with, over the
channels the operator configured for it (``ACE_ENABLED_CHANNELS``). Each message is written in the
recipient's language (the language of the pages they saved their card from), and is sent by a
Celery task once the change that caused it is committed: never in the learner's request.
"""

from __future__ import annotations

import logging
import re

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

RECEIVED, ACCEPTED, DECLINED = "received", "accepted", "declined"
KINDS = (RECEIVED, ACCEPTED, DECLINED)

log = logging.getLogger(__name__)
# The Celery task that sends a notice (``tasks.py``), asked for by name: the task module imports this one.
NOTICE_TASK = "etwinning_plugin.send_partnership_notice"


def queue_notice(kind: str, course_key: str, *, to_id: str, from_card, message: str = "") -> None:
    """After the current transaction commits, have a worker tell learner ``to_id`` what ``from_card``'s school did."""
    if from_card is None:
        return
    payload = {"kind": kind, "course_key": course_key, "to_id": to_id, "school": from_card.school_name,
               "teacher": from_card.teacher_name, "message": message}

    def send_later():
        try:
            current_app.tasks[NOTICE_TASK].delay(**payload)
        except Exception as error:  # noqa: BLE001 - the learner's change is committed: never fail it for the broker
            # The open pages show the invitation within seconds anyway (the partner block asks).
            log.warning("eTwinning: a partnership notice could not be queued (%s)", type(error).__name__)

    transaction.on_commit(send_later)


def send_notice(kind: str, course_key: str, *, to_id: str, school: str, teacher: str, message: str = "") -> bool:
    """
    Send one notice through edx-ace; False when the learner has no platform account with an e-mail
    address (the SDK workbench's learners, a retired account). Never raises for a missing recipient.
    """
    from edx_ace import ace  # noqa: PLC0415 - edx-ace is the platform's; imported where it is used
    from edx_ace.recipient import Recipient  # noqa: PLC0415

    from .messages import PartnershipNotice  # noqa: PLC0415
    from .models import PartnershipCard  # noqa: PLC0415

    if kind not in KINDS:
        raise ValueError(kind)
    # a platform user id (ASCII digits); the SDK workbench's learners are names, and have no account
    user = get_user_model().objects.filter(pk=int(to_id)).first() if re.fullmatch(r"[0-9]{1,18}", str(to_id)) \
        else None
    if user is None or not user.email or not user.is_active:
        log.info("eTwinning: no notice for learner %s (no active account with an e-mail address)", to_id)
        return False
    card = PartnershipCard.objects.filter(course_key=course_key, learner_id=to_id).first()
    language = (card.language if card and card.language else None) or settings.LANGUAGE_CODE
    root = getattr(settings, "LMS_ROOT_URL", "").rstrip("/")
    with translation.override(language):
        texts = notice_texts(kind, school=school, teacher=teacher, message=message,
                             recipient=card.teacher_name if card else user.get_username(),
                             course_url=f"{root}/courses/{course_key}/course/" if root else "")
    notice = PartnershipNotice(context={**texts, "platform_name": getattr(settings, "PLATFORM_NAME", "Open edX")},
                               options={"transactional": True})
    ace.send(notice.personalize(recipient=Recipient(lms_user_id=user.id, email_address=user.email),
                                language=language, user_context={}))
    return True


def notice_texts(kind: str, *, school: str, teacher: str, message: str, recipient: str, course_url: str) -> dict:
    """The subject and paragraphs of a notice, in the active language (the templates only lay them out)."""
    sender = f"{teacher} ({school})" if teacher else school
    subject = {
        RECEIVED: gettext("{sender} invites your school to an eTwinning partnership"),
        ACCEPTED: gettext("{sender} accepted your invitation: your schools are partners"),
        DECLINED: gettext("{sender} declined your invitation"),
    }[kind].format(sender=sender)
    paragraphs = [gettext("Dear {name},").format(name=recipient), subject + "."]
    if message:
        paragraphs.append(gettext("Their message: {message}").format(message=message))
    paragraphs.append({
        RECEIVED: gettext("Open the course to accept or decline the invitation."),
        ACCEPTED: gettext("The shared steps of the course are open to all the schools of your partnership."),
        DECLINED: gettext("You can invite another school from the partner search of the course."),
    }[kind])
    if course_url:
        paragraphs.append(course_url)
    return {"kind": kind, "subject": subject, "paragraphs": paragraphs}
