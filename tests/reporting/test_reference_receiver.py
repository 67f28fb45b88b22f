"""The reference NSS receiver refuses what is not a well-formed signed batch (400/401), and replays."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from reference_receiver.models import ReceivedRecord

pytestmark = pytest.mark.django_db
URL = "/nss/records/"


def signed(body: bytes, settings, timestamp: int | None = None) -> dict:
    timestamp = timestamp or int(time.time())
    signature = hmac.new(settings.NSS_RECEIVER_SECRET.encode(), str(timestamp).encode() + b"." + body,
                         hashlib.sha256).hexdigest()
    return {"HTTP_X_NSS_TIMESTAMP": str(timestamp), "HTTP_X_NSS_SIGNATURE": signature}


def post(client, body: bytes, headers: dict):
    return client.post(URL, data=body, content_type="application/json", **headers)


@pytest.mark.parametrize("headers", [
    {"HTTP_X_NSS_TIMESTAMP": "²³", "HTTP_X_NSS_SIGNATURE": "x"},
    {"HTTP_X_NSS_TIMESTAMP": str(int(time.time())), "HTTP_X_NSS_SIGNATURE": "ä" * 64},
    {"HTTP_X_NSS_TIMESTAMP": "9" * 400, "HTTP_X_NSS_SIGNATURE": "0" * 64},
])
def test_odd_headers_are_refused_without_a_500(client, headers):
    response = post(client, b'{"schema_version": "1.0", "records": []}', headers)
    assert response.status_code == 401


@pytest.mark.parametrize("batch", [
    {"schema_version": "1.0", "records": ["not a record"]},
    {"schema_version": "1.0", "records": [{"type": "enrollment"}]},
    {"schema_version": "1.0", "records": [{"idempotency_key": "k" * 65, "type": "enrollment"}]},
    {"schema_version": "1.0", "records": [{"idempotency_key": ["k"], "type": "enrollment"}]},
    {"schema_version": "1.0", "records": [{"idempotency_key": "good", "type": "enrollment"},
                                          {"idempotency_key": "bad", "type": 7}]},
])
def test_a_malformed_signed_batch_is_refused_whole(client, settings, batch):
    body = json.dumps(batch).encode()
    response = post(client, body, signed(body, settings))
    assert response.status_code == 400
    assert ReceivedRecord.objects.count() == 0  # nothing of it is stored, not even its good records


def test_a_replayed_request_is_refused(client, settings):
    body = json.dumps({"schema_version": "1.0", "records": [
        {"idempotency_key": "enrol-1", "type": "enrollment", "course_id": "course-v1:NSS+SL+2027"}]}).encode()
    headers = signed(body, settings)
    assert post(client, body, headers).status_code == 200
    replay = post(client, body, headers)
    assert replay.status_code == 409 and replay.json()["error"] == "this signature was already used"
    assert ReceivedRecord.objects.get().deliveries == 1  # the replay counted for nothing


def test_the_arrivals_page_is_for_staff(client):
    """What arrived names teachers' profiles when they consented: staff only, as the NSS's own pages would be."""
    from django.contrib.auth.models import User

    ReceivedRecord.objects.create(idempotency_key="k1", record_type="registration", payload={
        "profile_url": "https://school-education.ec.europa.eu/en/people/anna"})
    anonymous = client.get("/nss/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    assert client.get("/nss/", {"format": "json"}).status_code == 302
    client.force_login(User.objects.create_user("learner", password="x"))
    assert client.get("/nss/").status_code == 403
    client.force_login(User.objects.create_user("nss", password="x", is_staff=True))
    page = client.get("/nss/", {"format": "json"})
    assert page.status_code == 200 and page.json()["count"] == 1


def test_a_batch_is_stored_in_one_transaction_of_a_few_statements(client, settings, django_assert_num_queries):
    """Each key once, repeats counted on their rows, and the same statements for 3 records or 100."""
    ReceivedRecord.objects.create(idempotency_key="known", record_type="enrollment", payload={})

    def batch(keys):
        records = [{"idempotency_key": key, "type": "enrollment", "course_id": "course-v1:NSS+SL+2027"} for key in keys]
        body = json.dumps({"schema_version": "1.0", "records": records}).encode()
        return post(client, body, signed(body, settings))

    response = batch(["known", "new-1", "new-1", "new-2"])
    assert response.status_code == 200 and response.json() == {"stored": 2, "duplicates": 2}
    deliveries = dict(ReceivedRecord.objects.values_list("idempotency_key", "deliveries"))
    assert deliveries == {"known": 2, "new-1": 2, "new-2": 1}
    # BEGIN (a savepoint in the test's transaction), the SELECT of known keys, one INSERT, one UPDATE, COMMIT
    with django_assert_num_queries(5):
        assert batch([f"small-{n}" for n in range(3)] + ["known"]).json() == {"stored": 3, "duplicates": 1}
    with django_assert_num_queries(5):
        assert batch([f"large-{n}" for n in range(100)] + ["known"]).json() == {"stored": 100, "duplicates": 1}
    assert ReceivedRecord.objects.count() == 106 and ReceivedRecord.objects.get(idempotency_key="known").deliveries == 4
