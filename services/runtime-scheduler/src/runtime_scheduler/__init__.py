"""runtime-scheduler: the platform clock, one RuntimeTick per interval, one leader among replicas.

    async with running(load_settings(), bus.publish) as scheduler:
        ...  # it ticks in the background; on exit it stops and releases the lease

Leadership is a Valkey lease; the sequence and the last tick time live in PostgreSQL, fenced
by a leader epoch (see README.md).
"""

from runtime_scheduler._app import open_scheduler, running, serve
from runtime_scheduler._scheduler import Publish, RuntimeScheduler, utc_now
from runtime_scheduler._tick_store import PostgresTickStore
from runtime_scheduler.model_runtime_scheduler_settings import ModelRuntimeSchedulerSettings
from runtime_scheduler.node import NodeRuntimeSchedulerEffect
from runtime_scheduler.protocol_lease_store import ProtocolLeaseStore
from runtime_scheduler.protocol_tick_store import ProtocolTickStore

__all__ = [
    "ModelRuntimeSchedulerSettings",
    "NodeRuntimeSchedulerEffect",
    "PostgresTickStore",
    "ProtocolLeaseStore",
    "ProtocolTickStore",
    "Publish",
    "RuntimeScheduler",
    "open_scheduler",
    "running",
    "serve",
    "utc_now",
]
