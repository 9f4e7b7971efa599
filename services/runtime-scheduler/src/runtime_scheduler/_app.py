"""The composition root: settings -> stores, container, node -> a scheduler ready to run."""

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from omnibase_core.container import ModelONEXContainer
from omnibase_infra.adapters.kafka import KafkaEventBus
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.credentials import service_credentials

from runtime_scheduler._scheduler import Clock, Publish, RuntimeScheduler, utc_now
from runtime_scheduler._tick_store import PostgresTickStore
from runtime_scheduler.model_runtime_scheduler_settings import ModelRuntimeSchedulerSettings
from runtime_scheduler.node import NodeRuntimeSchedulerEffect
from runtime_scheduler.protocol_lease_store import ProtocolLeaseStore
from runtime_scheduler.protocol_tick_store import ProtocolTickStore


@asynccontextmanager
async def open_scheduler(
    settings: ModelOnexSettings,
    publish: Publish,
    config: ModelRuntimeSchedulerSettings | None = None,
    *,
    clock: Clock = utc_now,
) -> AsyncIterator[RuntimeScheduler]:
    """Connect to Valkey and PostgreSQL, create the clock's table, and build a scheduler.

    `publish` is an event bus's `publish`. The scheduler is not running yet:
    `await scheduler.run()` (and `scheduler.stop()`).
    """
    config = config or ModelRuntimeSchedulerSettings()
    async with (
        ValkeyAdapter.from_settings(settings) as valkey,
        PostgresPoolManager.from_settings(settings) as db,
    ):
        ticks = PostgresTickStore(db)
        await ticks.migrate()
        container = ModelONEXContainer()
        container.register_instance(ProtocolLeaseStore, valkey)
        container.register_instance(ProtocolTickStore, ticks)
        yield RuntimeScheduler(
            NodeRuntimeSchedulerEffect(container),
            publish,
            env=settings.env,
            scheduler_id=config.scheduler_id,
            interval_seconds=config.tick_interval_seconds,
            lease_ttl_seconds=config.lease_ttl_seconds,
            clock=clock,
        )


@asynccontextmanager
async def running(settings: ModelOnexSettings, publish: Publish) -> AsyncIterator[RuntimeScheduler]:
    """The scheduler ticking in the background for as long as the block runs.

    On exit it stops (releasing the lease) and closes its connections. This is the hook a
    runtime host enters beside a node's HTTP endpoints: the node consumes nothing, so there
    is no subscriber to start, only this loop.
    """
    async with open_scheduler(settings, publish) as scheduler:
        task = asyncio.create_task(scheduler.run(), name=f"runtime-scheduler {scheduler.topic}")
        try:
            yield scheduler
        finally:
            scheduler.stop()
            await task


async def serve(settings: ModelOnexSettings | None = None) -> None:
    """Tick until SIGTERM or SIGINT, then release the lease and close every connection."""
    settings = settings or load_settings()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    async with (
        service_credentials(settings) as settings,  # from Vault unless the settings say not
        KafkaEventBus.from_settings(settings) as bus,
        running(settings, bus.publish),
    ):
        await stopping.wait()
