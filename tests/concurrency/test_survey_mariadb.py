"""
1,000 survey submissions from 32 concurrent workers on a real MariaDB server.

Every submission answers all items with one value and carries a comment naming it, so the stored
rows show which submission won for each learner. Learners are drawn from a pool smaller than the
number of submissions: many re-submit, some from two workers at the same moment.
"""

import random
import threading
from collections import Counter

import pytest
from django.db import connections

from etwinning_plugin import api
from etwinning_plugin.models import SurveyAnswer, SurveyParticipation, SurveyResponse
from skillslab_xblock.survey import NSS_ITEMS

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]

WORKERS = 32
SUBMISSIONS = 1000
LEARNERS = 300
KEYS = [item["key"] for item in NSS_ITEMS]


def run_workers(submit_one):
    outcomes = []
    lock = threading.Lock()
    start = threading.Barrier(WORKERS)

    def worker(number):
        rng = random.Random(number)
        try:
            start.wait()
            for i in range(number, SUBMISSIONS, WORKERS):
                learner = f"learner-{rng.randrange(LEARNERS)}"
                value = rng.randint(1, 5)
                outcome = submit_one(learner, value, f"submission {i}")
                with lock:
                    outcomes.append((learner, value, f"submission {i}", outcome))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == SUBMISSIONS
    return outcomes


def test_named_resubmissions_replace_and_tallies_equal_the_stored_answers():
    assert connections["default"].vendor == "mysql", "run with --ds=tests.settings_mariadb"
    ref = api.surveys.SurveyRef("course-v1:NSS+SkillsLabs+2027", "block-v1:survey", anonymous=False)

    def submit_one(learner, value, comment):
        api.surveys.submit(ref, learner, dict.fromkeys(KEYS, value), comment, allow_changes=True)
        return "ok"

    outcomes = run_workers(submit_one)
    assert all(o[3] == "ok" for o in outcomes)
    learners = {o[0] for o in outcomes}
    responses = list(SurveyResponse.objects.filter(usage_key=ref.usage_key))
    assert len(responses) == len(learners), "a learner was counted twice (or lost)"
    submitted = {(o[0], o[2]): o[1] for o in outcomes}
    stored_value = {}
    for response in responses:
        answers = list(SurveyAnswer.objects.filter(response=response))
        assert sorted(a.item_key for a in answers) == sorted(KEYS), "answers of two submissions were mixed"
        values = {a.value for a in answers}
        assert len(values) == 1, "answers of two submissions were mixed"
        assert submitted[(response.learner_id, response.comment)] == values.pop()  # one of their own, whole
        stored_value[response.learner_id] = answers[0].value
    tallies = api.surveys.tallies(ref, KEYS)
    expected = Counter(stored_value.values())
    assert tallies.responses == len(learners)
    for item in tallies.items:
        assert item.answered == len(learners)
        assert item.counts == {v: expected.get(v, 0) for v in range(1, 6)}
        assert item.positive == expected.get(4, 0) + expected.get(5, 0)
    assert SurveyAnswer.objects.filter(usage_key=ref.usage_key).count() == len(learners) * len(KEYS)
    print(f"{SUBMISSIONS} submissions by {len(learners)} learners: {len(responses)} responses stored")


def test_anonymous_submissions_are_taken_once_per_learner():
    ref = api.surveys.SurveyRef("course-v1:NSS+SkillsLabs+2027", "block-v1:anonymous-survey", anonymous=True)

    def submit_one(learner, value, comment):
        try:
            api.surveys.submit(ref, learner, dict.fromkeys(KEYS, value), comment, allow_changes=False)
            return "ok"
        except api.Refused as refused:
            assert refused.status == 409
            return "refused"

    outcomes = run_workers(submit_one)
    accepted = [o for o in outcomes if o[3] == "ok"]
    learners = {o[0] for o in outcomes}
    assert len(accepted) == len(learners), "exactly the first submission of each learner is taken"
    assert SurveyResponse.objects.filter(usage_key=ref.usage_key).count() == len(learners)
    assert not SurveyResponse.objects.filter(usage_key=ref.usage_key, learner_id__isnull=False).exists()
    assert SurveyParticipation.objects.filter(usage_key=ref.usage_key).count() == len(learners)
    tallies = api.surveys.tallies(ref, KEYS)
    assert Counter(o[1] for o in accepted) == Counter(
        {v: n for v, n in tallies.items[0].counts.items() if n})
