"""What the reference NSS receiver stored: each record once, by its idempotency key."""

from django.db import models


class ReceivedRecord(models.Model):
    idempotency_key = models.CharField(max_length=64, unique=True)
    record_type = models.CharField(max_length=50)
    course_id = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    deliveries = models.PositiveIntegerField(default=1)  # how many times it was sent

    def __str__(self):
        return f"{self.record_type} {self.idempotency_key}"
