"""Micro-benchmark of the FSM fold: microseconds per event, printed, not asserted.

Run: uv run python bench/bench_core_fsm.py
"""

import gc
import platform
import time
from collections.abc import Callable

import pydantic
from omnibase_core.fsm import FsmEngine, ModelFsmDefinition, ModelFsmEvent, ModelFsmState

N = 200_000
DEFINITION = {
    "states": ["pending", "active", "expired"],
    "initial": "pending",
    "transitions": [
        {"from": "pending", "trigger": "acked", "to": "active"},
        {
            "from": "active",
            "trigger": "heartbeat",
            "to": "active",
            "guards": [
                {"field": "event.payload.sequence", "op": "gt", "value_from": "state.data.seq"}
            ],
            "update": {"seq": "event.payload.sequence"},
        },
        {
            "from": "active",
            "trigger": "health",
            "to": "active",
            "guards": [
                {"field": "event.payload.health", "op": "ne", "value_from": "state.data.health"}
            ],
            "update": {"health": "event.payload.health"},
            "intents": [
                {
                    "intent_type": "consul.update_health",
                    "payload": {"health": "event.payload.health"},
                }
            ],
        },
        {"from": "active", "trigger": "expired", "to": "expired"},
    ],
}


def measure(
    label: str, events: list[ModelFsmEvent], step: Callable[[ModelFsmEvent], object]
) -> None:
    """Time `step` over `events` (best of three) and print µs per event and events per second."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for event in events:
            step(event)
        best = min(best, time.perf_counter() - started)
    per_event = best / len(events) * 1e6
    print(f"{label:<44} {per_event:7.2f} µs/event  {1 / per_event * 1e6:>12,.0f} events/s")


def main() -> None:
    engine = FsmEngine(ModelFsmDefinition.model_validate(DEFINITION))
    active = ModelFsmState(name="active", data={"seq": 0, "health": "healthy"})
    fresh = [ModelFsmEvent(trigger="heartbeat", payload={"sequence": i + 1}) for i in range(N)]
    health = ["degraded", "healthy"]
    changes = [ModelFsmEvent(trigger="health", payload={"health": health[i % 2]}) for i in range(N)]
    stale = ModelFsmEvent(trigger="heartbeat", payload={"sequence": 0})
    unknown = ModelFsmEvent(trigger="introspected", payload={})
    # A consumer holds a batch, not 200k events: keep the prebuilt inputs out of GC scans.
    gc.collect()
    gc.freeze()
    print(f"python {platform.python_version()}, pydantic {pydantic.VERSION}, N={N:,} events")

    def baseline(event: ModelFsmEvent) -> object:
        # Raw floor: a dict lookup and one comparison, what a hand-written reducer would do.
        payload = event.payload
        assert isinstance(payload, dict)
        return payload["sequence"] > 0

    measure("raw baseline (dict lookup + compare)", fresh, baseline)
    measure("heartbeat accepted (guard + update)", fresh, lambda e: engine.apply(active, e))
    state = [active]

    def fold(event: ModelFsmEvent) -> object:
        state[0] = engine.apply(state[0], event).new_state
        return state[0]

    measure("heartbeat fold (state carried forward)", fresh, fold)
    state[0] = active
    measure("health change (guard + update + intent)", changes, fold)
    measure(
        "stale heartbeat rejected (guard failed)", [stale] * N, lambda e: engine.apply(active, e)
    )
    measure("unknown trigger rejected", [unknown] * N, lambda e: engine.apply(active, e))
    build = [{"trigger": "heartbeat", "payload": {"sequence": i}} for i in range(N)]
    started = time.perf_counter()
    for raw in build:
        ModelFsmEvent.model_validate(raw)
    per_event = (time.perf_counter() - started) / N * 1e6
    print(f"{'(for scale) ModelFsmEvent.model_validate':<44} {per_event:7.2f} µs/event")


if __name__ == "__main__":
    main()
