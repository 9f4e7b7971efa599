"""Micro-benchmark of the envelope JSON round trip: microseconds per envelope, printed.

Measures ModelEventEnvelope[payload] serialize + validate against the raw baseline of the
same message as a plain dict through the standard json module, in the same run.

Run: uv run python bench/bench_core_envelope.py
"""

import gc
import json
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import pydantic
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope
from pydantic import BaseModel

N = 50_000
REPEATS = 7


class ModelBenchIntrospection(BaseModel):
    node_id: str
    node_type: str
    node_version: str
    capabilities: list[str]
    endpoints: dict[str, str]
    started_at: datetime


def sample() -> ModelEventEnvelope[ModelBenchIntrospection]:
    payload = ModelBenchIntrospection(
        node_id="registration-orchestrator-7f9c",
        node_type="ORCHESTRATOR",
        node_version="1.2.0",
        capabilities=["handle_introspection", "handle_tick", "handle_ack"],
        endpoints={"health": "http://127.0.0.1:8085/health", "metrics": "/metrics"},
        started_at=datetime(2026, 11, 26, 12, 0, tzinfo=UTC),
    )
    return ModelEventEnvelope[ModelBenchIntrospection](
        message_type="ModelBenchIntrospection",
        category=EnumMessageCategory.EVENT,
        correlation_id=uuid4(),
        causation_id=uuid4(),
        entity_id=payload.node_id,
        emitted_at=datetime.now(UTC),
        producer="bench",
        payload=payload,
    )


def best_us_per_op(operation: Callable[[], object]) -> float:
    """The best of REPEATS runs of N operations, in microseconds per operation."""
    best = float("inf")
    for _ in range(REPEATS):
        gc.collect()
        started = time.perf_counter()
        for _ in range(N):
            operation()
        best = min(best, time.perf_counter() - started)
    return best / N * 1e6


def main() -> None:
    envelope = sample()
    envelope_type = ModelEventEnvelope[ModelBenchIntrospection]
    text = envelope.model_dump_json()
    plain = json.loads(text)
    assert envelope_type.model_validate_json(text) == envelope  # the round trip is lossless

    ours = best_us_per_op(lambda: envelope_type.model_validate_json(envelope.model_dump_json()))
    dump = best_us_per_op(envelope.model_dump_json)
    load = best_us_per_op(lambda: envelope_type.model_validate_json(text))
    raw = best_us_per_op(lambda: json.loads(json.dumps(plain)))

    print(
        f"python {platform.python_version()}, pydantic {pydantic.VERSION}, N={N}, best of {REPEATS}"
    )
    print(f"envelope JSON size: {len(text)} bytes")
    print(f"envelope round trip (dump + validate): {ours:6.2f} us/envelope")
    print(f"  dump only:                           {dump:6.2f} us")
    print(f"  validate only:                       {load:6.2f} us")
    print(f"raw baseline (json.dumps + json.loads of the same dict, no validation): {raw:6.2f} us")
    print(f"ratio ours/raw: {ours / raw:4.2f}x")


if __name__ == "__main__":
    main()
