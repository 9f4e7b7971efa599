"""The servers of the local stack in start order (`onex infra down` stops them in reverse)."""

from omnibase_infra.local_infra._server import LocalServer
from omnibase_infra.local_infra.consul import ConsulServer
from omnibase_infra.local_infra.kafka import KafkaServer
from omnibase_infra.local_infra.postgres import PostgresServer
from omnibase_infra.local_infra.valkey import ValkeyServer
from omnibase_infra.local_infra.vault import VaultServer

STACK: list[type[LocalServer]] = [
    KafkaServer,
    PostgresServer,
    ValkeyServer,
    ConsulServer,
    VaultServer,
]
