"""
Data shared between learners: partnership cards, partnerships, invitations, shared documents
(worksheets and project plans) with their revisions, and the steps submitted across a course.

Nothing here is reached by the blocks directly: ``etwinning_plugin.api`` is the only door, and it
writes in transactions. Learners are identified by ``learner_id``, the platform's user id as text
(the workbench's student id in the demo). Every id a browser ever sees is a random ``public_id``,
never a learner id or a sequential key.
"""

from __future__ import annotations

import uuid

from django.db import models


def _public_id() -> str:
    return uuid.uuid4().hex


class PartnershipCard(models.Model):
    """What a learner publishes so that fellow learners of the course can find their school."""

    public_id = models.CharField(max_length=32, unique=True, default=_public_id, editable=False)
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    teacher_name = models.CharField(max_length=100)
    school_name = models.CharField(max_length=200)
    school_level = models.CharField(max_length=32)
    country = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    # Space-padded code lists (" el en "), so that SQL can rank matches with LIKE on any database.
    languages = models.CharField(max_length=200, blank=True)
    cycles = models.CharField(max_length=50, blank=True)
    sub_themes = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    published = models.BooleanField(default=True)
    # The language of the pages the teacher saved the card from: their notifications come in it.
    language = models.CharField(max_length=8, blank=True)
    # The partner block the card was saved in, so that shared steps can link learners to it.
    partner_block = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "learner_id"], name="one_card_per_learner")]
        indexes = [models.Index(fields=["course_key", "published", "school_level"], name="card_search"),
                   models.Index(fields=["learner_id", "created_at", "course_key"], name="activity_cards")]

    def __str__(self) -> str:
        return f"{self.school_name} ({self.course_key})"


class Partnership(models.Model):
    """Two or more learners of different schools who work on the course's shared steps together."""

    public_id = models.CharField(max_length=32, unique=True, default=_public_id, editable=False)
    course_key = models.CharField(max_length=255, db_index=True)
    owner_id = models.CharField(max_length=255)
    # Set when the partnership is an Open edX team of a teamset named by the author; NULL otherwise,
    # so that the unique index holds one partnership per team without colliding on the others.
    team_id = models.CharField(max_length=255, null=True, blank=True, default=None)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "team_id"], name="one_partnership_per_team")]

    def __str__(self) -> str:
        return f"partnership {self.public_id} ({self.course_key})"


class PartnershipMember(models.Model):
    """A learner's membership; ``active_course_key`` is cleared when they leave."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    learner_id = models.CharField(max_length=255)
    school_name = models.CharField(max_length=200)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # Equal to the partnership's course while the membership is active, NULL after leaving: a
    # unique index that any database enforces (NULLs never collide) keeps a learner in at most one
    # active partnership per course, without the partial indexes MySQL lacks.
    active_course_key = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["active_course_key", "learner_id"], name="one_active_partnership"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} in {self.partnership_id}"


class Invitation(models.Model):
    PENDING, ACCEPTED, DECLINED, WITHDRAWN = "pending", "accepted", "declined", "withdrawn"
    STATUSES = [(s, s) for s in (PENDING, ACCEPTED, DECLINED, WITHDRAWN)]

    public_id = models.CharField(max_length=32, unique=True, default=_public_id, editable=False)
    course_key = models.CharField(max_length=255)
    from_id = models.CharField(max_length=255)
    to_id = models.CharField(max_length=255)
    message = models.CharField(max_length=500, blank=True)
    # The invited card as it was published when the invitation was sent: the inviter sees this, not
    # what the invitee hides or writes on their card afterwards.
    invited_card = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["course_key", "to_id", "status"], name="invitations_to"),
                   models.Index(fields=["course_key", "from_id", "status"], name="invitations_from")]

    def __str__(self) -> str:
        return f"invitation {self.public_id} ({self.status})"


class SharedDocument(models.Model):
    """
    A worksheet or project plan of one owner (a partnership, or a learner working alone) in one
    block. ``version`` grows by one with every accepted save; each save is a DocumentRevision.
    """

    WORKSHEET, PLAN = "worksheet", "plan"

    course_key = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255)
    owner_key = models.CharField(max_length=300)  # "partnership:<public_id>" or "learner:<learner_id>"
    kind = models.CharField(max_length=16, choices=[(WORKSHEET, WORKSHEET), (PLAN, PLAN)])
    version = models.PositiveIntegerField(default=0)
    content = models.JSONField(default=dict)
    submitted_version = models.PositiveIntegerField(null=True, blank=True)
    submitted_content = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=255, blank=True)
    # The owner's members when it was submitted: they (and not who joins later) earn its completion.
    submitted_members = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["usage_key", "owner_key"], name="one_document_per_owner")]
        indexes = [models.Index(fields=["course_key", "owner_key"], name="documents_of_owner")]

    def __str__(self) -> str:
        return f"{self.kind} {self.usage_key} of {self.owner_key} v{self.version}"


class DocumentRevision(models.Model):
    """One accepted save: who changed which fields, from which version."""

    document = models.ForeignKey(SharedDocument, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    base_version = models.PositiveIntegerField()
    author_id = models.CharField(max_length=255)
    changes = models.JSONField()  # {section: {field: new value}}
    # {section: {field: value before this save}} (absent: the field was empty); kept so that the
    # history shows what each save replaced, and an earlier text can be restored.
    previous = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="one_revision_per_version")]
        indexes = [models.Index(fields=["author_id", "created_at", "document"], name="activity_revisions")]
        ordering = ["document", "version"]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.version} by {self.author_id}"


class StepSubmission(models.Model):
    """A submitted worksheet step, gathered by the project plan and reported to the NSS."""

    course_key = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255)
    owner_key = models.CharField(max_length=300)
    title = models.CharField(max_length=400)
    answers = models.JSONField()
    submitted_by = models.CharField(max_length=255)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["usage_key", "owner_key"], name="one_submission_per_owner")]
        # activity_*: a teacher's activity read by teacher, for their tallies (reports/tallies.py)
        indexes = [models.Index(fields=["course_key", "owner_key"], name="submissions_of_owner"),
                   models.Index(fields=["submitted_by", "submitted_at", "course_key"], name="activity_submissions")]

    def __str__(self) -> str:
        return f"{self.title} ({self.owner_key})"


class SurveyResponse(models.Model):
    """
    One respondent's answers to one survey block. In an anonymous survey ``learner_id`` is NULL and
    nothing else ties the row to a person; ``SurveyParticipation`` records only that someone took part.
    """

    public_id = models.CharField(max_length=32, unique=True, default=_public_id, editable=False)
    course_key = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255, null=True, blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    # A named response's answer to the survey's question "send my answers to the NSS as mine".
    shared_with_nss = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["usage_key", "learner_id"], name="one_response_per_learner")]
        indexes = [models.Index(fields=["course_key", "usage_key"], name="responses_of_survey"),
                   models.Index(fields=["learner_id", "submitted_at", "course_key"], name="activity_responses")]

    def __str__(self) -> str:
        return f"response {self.public_id} to {self.usage_key}"


class SurveyAnswer(models.Model):
    """One answer (1–5) to one item; tallies are counted from these rows, never kept in counters."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    usage_key = models.CharField(max_length=255)  # the response's, repeated so tallies need no join
    item_key = models.CharField(max_length=64)
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item_key"], name="one_answer_per_item")]
        indexes = [models.Index(fields=["usage_key", "item_key", "value"], name="answers_tally")]

    def __str__(self) -> str:
        return f"{self.item_key}={self.value}"


class SurveyWording(models.Model):
    """
    The items of a survey block as it last asked them, ``[{"key", "text": {"el", "en"}}]``, kept
    at each submission so that the figures show an item by its words, not only by its key.
    """

    usage_key = models.CharField(max_length=255, unique=True)
    course_key = models.CharField(max_length=255, db_index=True)
    items = models.JSONField(default=list)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"wording of {self.usage_key}"


class SurveyResultsRelease(models.Model):
    """
    The tallies learners may see: released at the author's minimum number of responses and again
    each time that many more came in, so that two releases never differ by one person's answers.
    """

    usage_key = models.CharField(max_length=255, unique=True)
    responses = models.PositiveIntegerField()
    items = models.JSONField(default=list)  # [{"key", "counts": {"1".."5": n}}]
    released_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"results of {self.usage_key} at {self.responses} responses"


class SurveyParticipation(models.Model):
    """That a learner answered an anonymous survey, and when: never which answers were theirs."""

    course_key = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["usage_key", "learner_id"], name="one_participation")]
        indexes = [models.Index(fields=["learner_id", "submitted_at", "course_key"], name="activity_participations")]

    def __str__(self) -> str:
        return f"{self.learner_id} took part in {self.usage_key}"


class SelfAssessment(models.Model):
    """
    A pre/post self-assessment of a course run, as its blocks last described it: the name that
    pairs its "before" block with its "after" block, the level the figures count the share at or
    above, the levels' codes and the areas (items) with their texts. Written by the blocks when a
    teacher answers, so that the figures need no block to read it.
    """

    course_key = models.CharField(max_length=255)
    assessment = models.CharField(max_length=64)
    threshold = models.PositiveSmallIntegerField()
    levels = models.JSONField(default=list)  # ["A1", ..., "C2"]: the code of each stored value 1..n
    areas = models.JSONField(default=list)  # [{"key", "text": {"el", "en"}}]
    updated_at = models.DateTimeField()
    # One more with every submission: what a summary covered (answer rows carry no sequence).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "assessment"], name="one_self_assessment")]

    def __str__(self) -> str:
        return f"self-assessment {self.assessment} of {self.course_key}"


class SelfAssessmentAnswer(models.Model):
    """
    One teacher's level (1..n) in one area, before or after the course. ``respondent`` pairs the
    two: the learner's id in a named self-assessment; in an anonymous one a pseudonym of this
    self-assessment alone (a keyed hash of course, assessment and learner), which pairs the answers
    and links them to nothing else. ``learner_id`` is set only when named. An anonymous row keeps
    only the month: the platform's own completion times would pair a day with a teacher. The key
    is random, not a sequence, so that the order of rows does not tell who answered first.
    """

    BEFORE, AFTER = "before", "after"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course_key = models.CharField(max_length=255)
    assessment = models.CharField(max_length=64)
    phase = models.CharField(max_length=8, choices=[(BEFORE, BEFORE), (AFTER, AFTER)])
    respondent = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255, null=True, blank=True)
    usage_key = models.CharField(max_length=255)
    area = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "assessment", "phase", "respondent", "area"],
                                               name="one_level_per_area_and_phase")]
        indexes = [models.Index(fields=["usage_key", "respondent"], name="self_assessment_of_block"),
                   models.Index(fields=["learner_id", "answered_at", "course_key"], name="activity_self_assessments")]

    def __str__(self) -> str:
        return f"{self.area}={self.level} ({self.phase})"


class EtwinningRegistration(models.Model):
    """A learner's declaration of their eTwinning (ESEP) profile and school, for one course."""

    course_key = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    profile_url = models.URLField(max_length=500)
    school_name = models.CharField(max_length=200)
    school_code = models.CharField(max_length=32, blank=True)
    region = models.CharField(max_length=100, blank=True)
    teacher_registered_during_course = models.BooleanField(default=False)
    school_registered_during_course = models.BooleanField(default=False)
    consent_to_share_profile = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "learner_id"], name="one_registration")]
        indexes = [models.Index(fields=["course_key", "school_registered_during_course"], name="new_schools"),
                   models.Index(fields=["learner_id", "created_at", "course_key"], name="activity_registrations")]

    def __str__(self) -> str:
        return f"{self.learner_id} ({self.course_key})"


# --- platform facts and the outbox to the NSS ---------------------------------------------------


class PlatformEventReceipt(models.Model):
    """
    An openedx-events event as received: its metadata id (the same event twice is one row), when it
    happened, and what it said that the facts need (ids and states, no personal data). The receiver
    writes only this row, in one INSERT, so the platform's request pays for one small insert; a
    Celery worker then records the facts and their outbox records from it (``facts.py``) and sets
    ``recorded_at``. ``failure`` keeps why an event could not be recorded.
    """

    event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=255)
    received_at = models.DateTimeField(auto_now_add=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    recorded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failure = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class EnrollmentFact(models.Model):
    """A learner's enrolment in a course, as the platform last reported it."""

    course_key = models.CharField(max_length=255)
    user_id = models.CharField(max_length=255)
    mode = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "user_id"], name="one_enrollment_fact")]
        # enrolments_of_teacher: the site's and a school year's figures count teachers once in a scan of
        # this index, in user order, without reading the table (benchmarks/bench_site_figures.py)
        indexes = [models.Index(fields=["course_key", "is_active"], name="enrollments_of_course"),
                   models.Index(fields=["user_id", "is_active", "enrolled_at", "updated_at", "course_key"],
                                name="enrolments_of_teacher")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_key}"


class CompletionFact(models.Model):
    """A learner's completion of a course: passing status, certificate and grade, as last reported."""

    course_key = models.CharField(max_length=255)
    user_id = models.CharField(max_length=255)
    is_passing = models.BooleanField(default=False)
    certificate_status = models.CharField(max_length=50, blank=True)
    percent_grade = models.FloatField(null=True, blank=True)
    letter_grade = models.CharField(max_length=50, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "user_id"], name="one_completion_fact")]
        indexes = [models.Index(fields=["course_key", "is_passing"], name="completions_of_course"),
                   models.Index(fields=["user_id", "is_passing", "certificate_status", "passed_at", "updated_at",
                                        "course_key"], name="completions_of_teacher")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_key}: passing={self.is_passing}"


class OutboxRecord(models.Model):
    """
    A record for the NSS, written in the same transaction as the fact it reports and delivered
    later by a Celery task: a learner's request never waits for the network.
    """

    PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"

    idempotency_key = models.CharField(max_length=64, unique=True)
    record_type = models.CharField(max_length=50)
    schema_version = models.CharField(max_length=10)
    course_key = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()
    state = models.CharField(max_length=16, default=PENDING,
                             choices=[(s, s) for s in (PENDING, DELIVERED, DEAD)])
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.idempotency_key} ({self.state})"


class DeliveryHealth(models.Model):
    """
    Whether the NSS is answering (one row): since when it has not, how many probes failed, and when
    the next probe goes. During an outage one record at a time probes the NSS, and the others wait
    untried; the first success brings everything waiting forward.
    """

    failing_since = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    next_probe_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"NSS failing since {self.failing_since}" if self.failing_since else "NSS answering"


class SurveySummaryMark(models.Model):
    """
    What the last ``survey_summary`` record queued for a survey covered (its newest answer row) and
    when it was queued: the delivery run queues a new summary only when answers changed since, and
    at most once per ETWINNING_SURVEY_SUMMARY_INTERVAL.
    """

    usage_key = models.CharField(max_length=255, unique=True)
    last_answer_id = models.BigIntegerField(default=0)
    queued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"summary of {self.usage_key} up to answer {self.last_answer_id}"


class TeacherTally(models.Model):
    """
    One teacher's standing in one place (the whole site, a course with every run of it, or one run)
    in a school year (``school_year`` "" for all time): the figures count these rows, a handful per
    teacher and run, instead of reading every enrolment and activity in scope. Made from the
    teacher's facts whenever any of them changed (``reports/teacher_tallies.py``), never counted up or
    down; ``PlaceTotal`` adds them up.
    """

    SITE, COURSE, RUN = 0, 1, 2

    user_id = models.CharField(max_length=255)
    level = models.PositiveSmallIntegerField(choices=[(SITE, "site"), (COURSE, "course"), (RUN, "run")])
    place = models.CharField(max_length=255, blank=True)  # "" (the site), "NSS+SkillsLabs", or a run's key
    school_year = models.CharField(max_length=7, blank=True)  # "2025-26"
    ever_enrolled = models.BooleanField(default=False)
    enrolled = models.BooleanField(default=False)
    active = models.BooleanField(default=False)
    completed = models.BooleanField(default=False)
    # The day (UTC) the teacher enrolled in the run, on their run's row for all time only: the
    # enrolments per day (EnrollmentDay) are these rows added up.
    enrolled_on = models.DateField(null=True, blank=True)

    class Meta:
        # A teacher's rows are read by this constraint's index when they are made again; counts read
        # the places' totals (PlaceTotal), so no other index is kept up to date for them.
        constraints = [models.UniqueConstraint(fields=["user_id", "place", "school_year"], name="one_tally")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.place or 'the site'} {self.school_year or 'all years'}"


class PlaceTotal(models.Model):
    """
    The teachers' tallies of one place in one school year (or all time), added up: how many of its
    ``TeacherTally`` rows say ever enrolled, enrolled, active and completed. Whenever a teacher's rows
    are made again, what changed is added here in the same transaction (``reports/teacher_tallies.py``),
    so a scope's figures, or a school year's runs side by side, read a row each instead of counting
    hundreds of thousands. ``manage.py lms etwinning_tallies --all`` adds the rows up again from scratch.
    """

    level = models.PositiveSmallIntegerField(choices=TeacherTally._meta.get_field("level").choices)
    place = models.CharField(max_length=255, blank=True)
    school_year = models.CharField(max_length=7, blank=True)
    ever_enrolled = models.BigIntegerField(default=0)
    enrolled = models.BigIntegerField(default=0)
    active = models.BigIntegerField(default=0)
    completed = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "school_year"], name="one_total")]
        indexes = [models.Index(fields=["level", "school_year", "place"], name="totals_of_runs")]

    def __str__(self) -> str:
        return f"teachers of {self.place or 'the site'} {self.school_year or 'all years'}"


class EnrollmentDay(models.Model):
    """
    How many enrolments in a run are dated on a day (UTC): the runs' ``TeacherTally.enrolled_on``
    added up, kept with the places' totals, for the figures page's enrolments per week.
    """

    course_key = models.CharField(max_length=255)
    day = models.DateField()
    enrolments = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "day"], name="one_enrollment_day")]

    def __str__(self) -> str:
        return f"{self.enrolments} enrolments in {self.course_key} on {self.day}"


class TallyDue(models.Model):
    """A teacher whose facts changed since their tallies were made: made again before the next count."""

    user_id = models.CharField(max_length=255, primary_key=True)

    def __str__(self) -> str:
        return f"tallies of {self.user_id} due"
