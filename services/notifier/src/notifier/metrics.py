"""The notifier's Prometheus metrics (served by the shared ``/metrics`` route)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERY_ATTEMPTS = Counter(
    "notifier_delivery_attempts_total",
    "Webhook delivery attempts by outcome (delivered, retry, dead, gone)",
    ["outcome"],
)
ATTEMPT_LATENCY = Histogram(
    "notifier_delivery_attempt_seconds",
    "Time one webhook attempt took",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RETRY_QUEUE_DEPTH = Gauge("notifier_retry_queue_depth", "Deliveries waiting in the queue")
DUE_BACKLOG = Gauge("notifier_due_backlog", "Deliveries due now and not yet sent")
DEAD_LETTERS = Counter("notifier_dead_letters_total", "Deliveries that exhausted their attempts")
FAILURE_STREAK = Gauge(
    "notifier_webhook_failure_streak", "Consecutive failed attempts of a webhook", ["webhook"]
)
IN_FLIGHT = Gauge("notifier_attempts_in_flight", "Attempts in flight in this process")
EVENTS_FANNED_OUT = Counter(
    "notifier_events_fanned_out_total", "Events read from connect.events and scheduled"
)
WEBHOOKS_DISABLED = Counter(
    "notifier_webhooks_disabled_total", "Webhooks disabled by the notifier", ["reason"]
)
