"""
Survey responses: stored one row per respondent and item, tallied from those rows in SQL.

An anonymous survey must not be re-linkable to its respondents, by anyone who can read the tables,
the results or what the NSS receives:

- ``SurveyParticipation`` says who took part; the answers' rows say nothing about who. Both keep
  only the day. Rows are numbered in the order they are written, and the platform's own logs say
  when each learner called the handler, so the contents of the answer rows are shuffled as they come
  in (``_shuffle_in``): after every submission each respondent's answers sit, with equal chance, in
  any of the survey's rows, whatever the order of ids or days.
- Learners see results only as released in steps of the author's minimum (``_release``): two
  releases always differ by at least that many responses, so no one can subtract a single answer.
- The NSS gets no per-response record from an anonymous survey (its time would pair it with the
  learner's other records), only summaries; a named survey's response goes to the NSS only when the
  learner ticked the survey's own consent question.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import reporting
from ..models import SurveyAnswer, SurveyParticipation, SurveyResponse, SurveyResultsRelease, SurveyWording
from ..reports import teacher_tallies
from ..reports.surveys import (  # noqa: F401 - the blocks read the tallies through this door
    POSITIVE,
    SCALE,
    ItemTally,
    SurveyTallies,
    answered_item_keys,
)
from ..reports.surveys import tallies as _tallies
from .errors import N_, Refused, retried_on_deadlock

# Where the shuffle and the comments' order draw their chances; tests put a seeded Random here.
chance = secrets.SystemRandom()


@dataclass(frozen=True)
class SurveyRef:
    course_key: str
    usage_key: str
    anonymous: bool = False
    # Learners see results released every ``results_minimum`` responses; None: they never do.
    results_minimum: int | None = None


@dataclass(frozen=True)
class OwnResponse:
    answers: dict[str, int]
    comment: str
    submitted_at: str
    shared_with_nss: bool = False






def _own(response: SurveyResponse) -> OwnResponse:
    return OwnResponse({a.item_key: a.value for a in response.answers.all()}, response.comment,
                       response.submitted_at.isoformat(), response.shared_with_nss)


def tallies(ref: SurveyRef, item_keys: list[str]) -> SurveyTallies:
    """The survey's live tallies of these items (for staff)."""
    return _tallies(ref.usage_key, item_keys)


def own_response(ref: SurveyRef, learner_id: str) -> OwnResponse | None:
    """The learner's own answers (named surveys only: an anonymous one keeps no link)."""
    if ref.anonymous:
        return None
    response = SurveyResponse.objects.filter(usage_key=ref.usage_key, learner_id=learner_id) \
        .prefetch_related("answers").first()
    return None if response is None else _own(response)


def has_answered(ref: SurveyRef, learner_id: str) -> bool:
    if ref.anonymous:
        return SurveyParticipation.objects.filter(usage_key=ref.usage_key, learner_id=learner_id).exists()
    return SurveyResponse.objects.filter(usage_key=ref.usage_key, learner_id=learner_id).exists()


def submit(ref: SurveyRef, learner_id: str, answers: dict[str, int], comment: str, *, allow_changes: bool,
           share_with_nss: bool = False, wording: list[dict] | None = None) -> None:
    """
    Store the learner's answers (already validated by the block). A named re-submission replaces the
    earlier answers in the same transaction, so a learner is never counted twice; an anonymous survey
    records only that the learner took part, and takes one submission. ``share_with_nss`` is the
    learner's answer to the named survey's consent question. ``wording``: the items as the block asked
    them (key and text per language), kept for the figures.
    """
    now = timezone.now()
    retried_on_deadlock(lambda: _store(ref, learner_id, answers, comment, allow_changes=allow_changes,
                                       share_with_nss=share_with_nss and not ref.anonymous, now=now))
    if wording is not None:
        _keep_wording(ref, wording, now)


def _keep_wording(ref: SurveyRef, wording: list[dict], now) -> None:
    """The survey's items as last asked: one UPDATE, or the first INSERT (a concurrent one's row is kept)."""
    items = [{"key": str(item["key"]), "text": item.get("text") or item["key"]} for item in wording]
    if not SurveyWording.objects.filter(usage_key=ref.usage_key).update(items=items, updated_at=now):
        SurveyWording.objects.bulk_create([SurveyWording(usage_key=ref.usage_key, course_key=ref.course_key,
                                                         items=items, updated_at=now)], ignore_conflicts=True)


def _store(ref: SurveyRef, learner_id: str, answers: dict[str, int], comment: str, *, allow_changes: bool,
           share_with_nss: bool, now) -> None:
    """The submission's writes, in the one transaction ``retried_on_deadlock`` opens."""
    if ref.anonymous:
        # Both rows keep only the day, so that equal times cannot pair a learner with their answers.
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            with transaction.atomic():
                SurveyParticipation.objects.create(course_key=ref.course_key, usage_key=ref.usage_key,
                                                   learner_id=learner_id, submitted_at=day)
        except IntegrityError as twice:
            raise Refused(N_("You have already answered this survey."), status=409) from twice
        response = SurveyResponse.objects.create(course_key=ref.course_key, usage_key=ref.usage_key,
                                                 learner_id=None, comment=comment, submitted_at=day)
    else:
        response = _locked_response(ref, learner_id, comment, now, allow_changes=allow_changes,
                                    share_with_nss=share_with_nss)
    SurveyAnswer.objects.bulk_create([
        SurveyAnswer(response=response, usage_key=ref.usage_key, item_key=key, value=value)
        for key, value in answers.items()
    ])
    teacher_tallies.mark_due([learner_id])  # a participation (anonymous) or a named response: the learner took part
    if ref.anonymous:
        _shuffle_in(ref, response)
    elif share_with_nss:
        _report(ref, response, answers, learner_id, now)
    if ref.results_minimum:
        _release(ref)


def _shuffle_in(ref: SurveyRef, newest: SurveyResponse) -> None:
    """
    Swap the newest response's contents with those of a row drawn uniformly from all the survey's
    rows, itself included (the "inside-out" Fisher-Yates shuffle): after n submissions every one of
    the n! assignments of respondents' answers to rows is equally likely. Answers are swapped by
    value, in place, so that the newest answer ids belong to the newest row, not to the newest
    respondent. Days stay with the rows: a row's day says when it was written, not whose it holds.
    """
    rows = SurveyResponse.objects.filter(usage_key=ref.usage_key, learner_id=None).order_by("id")
    drawn = rows.values_list("id", flat=True)[chance.randrange(rows.count())]
    if drawn == newest.id:
        return
    other = SurveyResponse.objects.select_for_update().get(id=drawn)
    mine = {a.item_key: a for a in newest.answers.all()}
    theirs = {a.item_key: a for a in other.answers.all()}
    for key in mine.keys() & theirs.keys():
        mine[key].value, theirs[key].value = theirs[key].value, mine[key].value
    for key in mine.keys() - theirs.keys():  # items the author changed between the two: rows move
        mine[key].response = other
    for key in theirs.keys() - mine.keys():
        theirs[key].response = newest
    SurveyAnswer.objects.bulk_update([*mine.values(), *theirs.values()], ["value", "response"])
    newest.comment, other.comment = other.comment, newest.comment
    SurveyResponse.objects.bulk_update([newest, other], ["comment"])


def _release(ref: SurveyRef) -> None:
    """
    Release the tallies to learners when at least ``results_minimum`` responses came in since the
    last release (the first at ``results_minimum``). The release row is locked, so two submissions
    at once cannot release one response apart.
    """
    release, _created = SurveyResultsRelease.objects.select_for_update().get_or_create(
        usage_key=ref.usage_key, defaults={"responses": 0, "items": [], "released_at": timezone.now()})
    count = SurveyResponse.objects.filter(usage_key=ref.usage_key).count()
    if count - release.responses < ref.results_minimum:
        return
    counted = _tallies(ref.usage_key, answered_item_keys(ref.usage_key))
    release.responses = counted.responses
    release.items = [{"key": t.key, "counts": {str(p): n for p, n in t.counts.items()}} for t in counted.items]
    release.released_at = timezone.now()
    release.save()


def released_results(ref: SurveyRef, item_keys: list[str]) -> SurveyTallies | None:
    """The tallies last released to learners (for the given items), or None before the first release."""
    release = SurveyResultsRelease.objects.filter(usage_key=ref.usage_key).first()
    if release is None or not release.responses:
        return None
    released = {item["key"]: {int(p): n for p, n in item["counts"].items()} for item in release.items}
    items = []
    for key in item_keys:
        counts = {point: released.get(key, {}).get(point, 0) for point in SCALE}
        items.append(ItemTally(key, sum(counts.values()), counts, sum(counts[v] for v in POSITIVE)))
    return SurveyTallies(release.responses, items)


def _report(ref: SurveyRef, response: SurveyResponse, answers: dict[str, int], learner_id: str, now) -> None:
    """Queue a named response the learner agreed, in the survey, to share with the NSS."""
    reporting.emit("survey_response", ref.course_key, ref.usage_key, response.public_id, answers,
                   learner_id=learner_id, occurred_at=now)


def _locked_response(ref: SurveyRef, learner_id: str, comment: str, now, *, allow_changes: bool,
                     share_with_nss: bool) -> SurveyResponse:
    """The learner's response row, locked and emptied for new answers, or a new one."""
    for _attempt in range(2):
        existing = SurveyResponse.objects.select_for_update() \
            .filter(usage_key=ref.usage_key, learner_id=learner_id).first()
        if existing is not None:
            if not allow_changes:
                raise Refused(N_("You have already answered this survey."), status=409)
            existing.answers.all().delete()
            existing.comment, existing.submitted_at, existing.shared_with_nss = comment, now, share_with_nss
            existing.save(update_fields=["comment", "submitted_at", "shared_with_nss"])
            return existing
        try:
            with transaction.atomic():
                return SurveyResponse.objects.create(course_key=ref.course_key, usage_key=ref.usage_key,
                                                     learner_id=learner_id, comment=comment, submitted_at=now,
                                                     shared_with_nss=share_with_nss)
        except IntegrityError:
            continue  # the same learner's other request created it a moment ago: lock that one
    raise Refused(N_("Your answers could not be saved at this moment. Please try again."), status=409)






def comments(ref: SurveyRef, limit: int = 500) -> tuple[list[str], int]:
    """
    Up to ``limit`` of the survey's comments in random order (the order they came in would tell
    who wrote which), and how many there are in all.
    """
    ids = list(SurveyResponse.objects.filter(usage_key=ref.usage_key).exclude(comment="")
               .values_list("id", flat=True))
    shown = chance.sample(ids, min(limit, len(ids)))
    texts = dict(SurveyResponse.objects.filter(id__in=shown).values_list("id", "comment"))
    return [texts[i] for i in shown], len(ids)


def named_responses(ref: SurveyRef, learner_ids: list[str]) -> dict[str, OwnResponse]:
    """The answers of the given learners (named surveys), for the problem-responses report."""
    if ref.anonymous:
        return {}
    responses = SurveyResponse.objects.filter(usage_key=ref.usage_key, learner_id__in=learner_ids) \
        .prefetch_related("answers")
    return {r.learner_id: _own(r) for r in responses}
