"""Real local servers without Docker: provision, start, stop and report the ONEX stack.

`start_stack(load_settings(), print)` brings Kafka, PostgreSQL, Valkey, Consul and Vault
(every server listed in `STACK`) up on loopback and returns their status rows; `stop_stack` and
`stack_status` do the rest. `onex infra up|down|status` is the same from the shell.
"""

from omnibase_infra.local_infra._manager import (
    select_servers,
    stack_status,
    start_stack,
    stop_stack,
)
from omnibase_infra.local_infra._server import LocalServer, Progress
from omnibase_infra.local_infra.consul import ConsulServer
from omnibase_infra.local_infra.enum_server_state import EnumServerState
from omnibase_infra.local_infra.errors import LocalInfraError
from omnibase_infra.local_infra.kafka import KafkaServer
from omnibase_infra.local_infra.model_server_process import ModelServerProcess
from omnibase_infra.local_infra.model_server_status import ModelServerStatus
from omnibase_infra.local_infra.postgres import PostgresServer
from omnibase_infra.local_infra.stack import STACK
from omnibase_infra.local_infra.valkey import ValkeyServer
from omnibase_infra.local_infra.vault import VaultServer

__all__ = [
    "STACK",
    "ConsulServer",
    "EnumServerState",
    "KafkaServer",
    "LocalInfraError",
    "LocalServer",
    "ModelServerProcess",
    "ModelServerStatus",
    "PostgresServer",
    "Progress",
    "ValkeyServer",
    "VaultServer",
    "select_servers",
    "stack_status",
    "start_stack",
    "stop_stack",
]
