"""The NSS contract: pseudonyms, idempotency keys and the signature (with the documented test vector)."""

import hashlib
import hmac

from etwinning_plugin.reporting import contract


def test_the_documented_signature_test_vector(settings):
    """docs/nss-contract.md gives this example; the NSS can check its implementation against it."""
    settings.ETWINNING_NSS_SECRET = "example-secret"
    body = b'{"records":[],"schema_version":"1.0"}'
    vector = "7f6eba6219ee5a9542320c5da75fcddb976d5d5fde3f81312442650ca31662af"
    assert contract.sign(body, 1767225600) == vector
    assert hmac.new(b"example-secret", b"1767225600." + body, hashlib.sha256).hexdigest() == vector


def test_pseudonyms_are_stable_keyed_and_not_the_id(settings):
    settings.ETWINNING_PSEUDONYM_KEY = "key-one"
    first = contract.pseudonym(42)
    assert first == contract.pseudonym("42") and first.startswith("p-") and "42" not in first[2:6]
    settings.ETWINNING_PSEUDONYM_KEY = "key-two"
    assert contract.pseudonym(42) != first


def test_the_same_fact_has_the_same_key_and_another_fact_another():
    a = contract.idempotency_key("enrollment", "course", "42", "active", "audit")
    assert a == contract.idempotency_key("enrollment", "course", "42", "active", "audit")
    assert a != contract.idempotency_key("enrollment", "course", "42", "inactive", "audit")
    assert len(a) == 64


def test_the_batch_body_is_compact_sorted_utf8():
    body = contract.batch_body([{"type": "x", "b": "Μαρία", "a": 1}])
    assert body == '{"records":[{"a":1,"b":"Μαρία","type":"x"}],"schema_version":"1.0"}'.encode()
