import os
import socket
from uuid import uuid4

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _replica_id() -> str:
    # The host name is the pod name under Kubernetes; pid and a random suffix keep two
    # schedulers on one machine (or a restarted one) apart.
    return f"{socket.gethostname()}-{os.getpid()}-{uuid4().hex[:8]}"


class ModelRuntimeSchedulerSettings(BaseSettings):
    """How often the scheduler ticks and how long a replica's leadership lasts unrenewed.

    Environment overrides: `ONEX_SCHEDULER__TICK_INTERVAL_SECONDS`,
    `ONEX_SCHEDULER__LEASE_TTL_SECONDS`, `ONEX_SCHEDULER__SCHEDULER_ID`.
    """

    model_config = SettingsConfigDict(env_prefix="ONEX_SCHEDULER__", frozen=True, extra="forbid")

    tick_interval_seconds: float = Field(default=1.0, gt=0)
    # A leader that stops renewing (crashed, partitioned) is replaced after this long.
    lease_ttl_seconds: float = Field(default=5.0, gt=0)
    scheduler_id: str = Field(default_factory=_replica_id, min_length=1)

    @model_validator(mode="after")
    def _lease_outlives_two_ticks(self) -> "ModelRuntimeSchedulerSettings":
        # The lease is renewed by each tick: it must survive a late one.
        if self.lease_ttl_seconds < 2 * self.tick_interval_seconds:
            raise ValueError(
                "lease_ttl_seconds must be at least twice tick_interval_seconds "
                "(ONEX_SCHEDULER__LEASE_TTL_SECONDS / ONEX_SCHEDULER__TICK_INTERVAL_SECONDS)"
            )
        return self
