"""
A reference NSS receiver, for the demo and the tests (and for the NSS, as a reading of the contract):
it checks the signature and the timestamp, stores each record once by its idempotency key, and shows
what arrived. A batch is stored in one transaction, a few statements whatever its size.
``NSS_RECEIVER_FAULTS`` (a list of HTTP statuses, "timeout" or "redirect") makes it answer the next
requests badly, to see delivery cope.
"""

import hashlib
import hmac
import json
import re
import time
from collections import Counter, defaultdict

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import ReceivedRecord

MAX_SKEW = 300  # seconds between the sender's timestamp and now


def _fault():
    faults = getattr(settings, "NSS_RECEIVER_FAULTS", None)
    delay = float(getattr(settings, "NSS_RECEIVER_DELAY", 0))
    if delay:
        time.sleep(delay)  # a slow NSS: a batch stays in flight a while
    return faults.pop(0) if faults else None


@csrf_exempt
@require_POST
def receive(request):
    fault = _fault()
    if fault == "timeout":
        time.sleep(float(getattr(settings, "NSS_RECEIVER_TIMEOUT_SLEEP", 3)))
    elif fault == "redirect":  # a moved or hijacked address: 307 keeps the method and the body
        response = JsonResponse({"error": "moved"}, status=307)
        response["Location"] = request.build_absolute_uri(request.path) + "?redirected=1"
        return response
    elif fault is not None and int(fault) != 409:  # a 409 means "already stored": it is answered below
        response = JsonResponse({"error": "injected fault"}, status=int(fault))
        if int(fault) == 429:
            response["Retry-After"] = "1"
        return response
    secret = settings.NSS_RECEIVER_SECRET.encode()
    timestamp = request.headers.get("X-NSS-Timestamp", "")
    signature = request.headers.get("X-NSS-Signature", "")
    # ASCII digits of a plausible length only ("²" is a digit to str.isdigit, and 400 nines are no time)
    if not re.fullmatch(r"[0-9]{1,12}", timestamp) or abs(time.time() - int(timestamp)) > MAX_SKEW:
        return JsonResponse({"error": "missing or stale timestamp"}, status=401)
    expected = hmac.new(secret, timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return JsonResponse({"error": "bad signature"}, status=401)
    # A signature is good once: a request replayed within the timestamp window is refused, and nothing
    # of it counts again. 409 is the contract's "already have these": a sender's own retry of a batch
    # that was stored, signed within the same second, is settled as delivered, which it was.
    seen = f"nss-receiver:signature:{signature}"
    if cache.get(seen):
        return JsonResponse({"error": "this signature was already used"}, status=409)
    try:
        batch = json.loads(request.body)
        records = batch["records"]
        valid = batch["schema_version"] == "1.0" and isinstance(records, list) and all(
            isinstance(r, dict) and isinstance(r.get("idempotency_key"), str) and 0 < len(r["idempotency_key"]) <= 64
            and isinstance(r.get("type"), str) and 0 < len(r["type"]) <= 50
            and isinstance(r.get("course_id", ""), str) and len(r.get("course_id", "")) <= 255 for r in records)
    except (ValueError, KeyError, TypeError, RecursionError):
        valid = False
    if not valid:  # refused whole: nothing of a malformed batch is stored
        return JsonResponse({"error": "not a batch of schema 1.0"}, status=400)
    stored, duplicates = _store(records)
    cache.set(seen, 1, timeout=2 * MAX_SKEW)  # once stored: a request that failed may be sent again
    if fault is not None and fault != "timeout" and int(fault) == 409:
        return JsonResponse({"stored": stored, "duplicates": duplicates}, status=409)
    return JsonResponse({"stored": stored, "duplicates": duplicates})


def _store(records: list[dict]) -> tuple[int, int]:
    """
    Store a batch in one transaction: the keys already stored are read in one SELECT, the new records
    written in multi-row INSERTs that skip a key stored meanwhile (by a concurrent request), and the
    repeats counted on their rows (``deliveries``), grouped by how often each came. Returns the numbers
    of records stored and of repeats (a key already stored, or twice in the batch).
    """
    sent = Counter(record["idempotency_key"] for record in records)
    with transaction.atomic():
        known = set(ReceivedRecord.objects.filter(idempotency_key__in=list(sent))
                    .values_list("idempotency_key", flat=True))
        new = {}
        for record in records:
            key = record["idempotency_key"]
            if key not in known and key not in new:
                new[key] = ReceivedRecord(idempotency_key=key, record_type=record["type"],
                                          course_id=record.get("course_id", ""), payload=record)
        ReceivedRecord.objects.bulk_create(new.values(), ignore_conflicts=True, batch_size=500)
        repeats = defaultdict(list)  # how many more deliveries -> keys
        for key, times in sent.items():
            extra = times if key in known else times - 1
            if extra:
                repeats[extra].append(key)
        for extra, keys in repeats.items():
            ReceivedRecord.objects.filter(idempotency_key__in=keys).update(deliveries=F("deliveries") + extra)
    return len(new), len(records) - len(new)


@require_GET
def arrivals(request):
    """What arrived (consented profile URLs included): for staff only; others sign in at the admin first."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url="/admin/login/")
    if not request.user.is_staff:
        return HttpResponseForbidden("Only staff can read what the NSS received.")
    records = ReceivedRecord.objects.order_by("-received_at")[:200]
    if request.GET.get("format") == "json":
        return JsonResponse({"count": ReceivedRecord.objects.count(),
                             "records": [r.payload for r in records]}, json_dumps_params={"ensure_ascii": False})
    return render(request, "reference_receiver/arrivals.html",
                  {"records": records, "count": ReceivedRecord.objects.count()})


def health(request):
    return HttpResponse("ok", content_type="text/plain")
