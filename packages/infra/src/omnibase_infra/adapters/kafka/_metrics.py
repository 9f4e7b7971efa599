"""Per-topic consumer metrics, in the process-wide registry served on `/metrics`."""

from dataclasses import dataclass

from prometheus_client import Counter, Histogram

from omnibase_infra.observability import METRICS_REGISTRY, safe_label

CONSUMED = Counter(
    "onex_messages_consumed",
    "Records fetched from a topic.",
    ["topic"],
    registry=METRICS_REGISTRY,
)
PROCESSED = Counter(
    "onex_messages_processed",
    "Messages handled successfully (offset committed or about to be).",
    ["topic"],
    registry=METRICS_REGISTRY,
)
FAILED = Counter(
    "onex_messages_failed",
    "Handler attempts that raised (each retry counts).",
    ["topic"],
    registry=METRICS_REGISTRY,
)
DEAD_LETTERED = Counter(
    "onex_messages_dead_lettered",
    "Messages written to the topic's DLQ.",
    ["topic", "error_class"],
    registry=METRICS_REGISTRY,
)
HELD = Counter(
    "onex_partition_holds",
    "Times a partition was paused without commit (dependency down or DLQ write failed).",
    ["topic"],
    registry=METRICS_REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "onex_handler_latency_seconds",
    "Duration of one handler call (one message, or one batch for batch handlers).",
    ["topic"],
    registry=METRICS_REGISTRY,
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


@dataclass(frozen=True)
class TopicMetrics:
    """The metric children of one topic, looked up once."""

    topic: str
    consumed: Counter
    processed: Counter
    failed: Counter
    held: Counter
    latency: Histogram

    @classmethod
    def of(cls, topic: str) -> "TopicMetrics":
        label = safe_label(topic)
        return cls(
            topic=label,
            consumed=CONSUMED.labels(topic=label),
            processed=PROCESSED.labels(topic=label),
            failed=FAILED.labels(topic=label),
            held=HELD.labels(topic=label),
            latency=HANDLER_SECONDS.labels(topic=label),
        )

    def dead_lettered(self, error_class: str) -> None:
        DEAD_LETTERED.labels(topic=self.topic, error_class=safe_label(error_class)).inc()
