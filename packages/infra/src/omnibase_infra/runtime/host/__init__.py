"""The runtime host: a node folder (contract.yaml + node.py) run as a FastStream Kafka service.

    host = create_app("services/registration-orchestrator")   # or a node folder path
    await host.serve()                                       # `onex run <folder | service>`

`NodeHost.container` holds the event bus (`ProtocolEventBus` / `KafkaEventBus`). Register a
`ProtocolUnitOfWork` (via `create_app(..., wiring=...)` or `wiring.py` beside node.py) to
store a batch's results in one transaction before its outputs are published and its
offsets committed.
"""

from omnibase_infra.runtime.host._app import (
    NODE_INFO,
    NodeHost,
    create_app,
    run_node,
)
from omnibase_infra.runtime.host._heap import tune_heap_for_batches
from omnibase_infra.runtime.host._loader import load_node_class, resolve_node_dir
from omnibase_infra.runtime.host._logging import configure_json_logging, correlation
from omnibase_infra.runtime.host._pipeline import DirectUnitOfWork, NodePipeline
from omnibase_infra.runtime.host._providers import DEFAULT_PROVIDERS, Provider, Wiring
from omnibase_infra.runtime.host.protocol_publisher import ProtocolPublisher
from omnibase_infra.runtime.host.protocol_unit_of_work import (
    HandleMessage,
    ProtocolOutboxUnitOfWork,
    ProtocolUnitOfWork,
)

__all__ = [
    "DEFAULT_PROVIDERS",
    "NODE_INFO",
    "DirectUnitOfWork",
    "HandleMessage",
    "NodeHost",
    "NodePipeline",
    "ProtocolOutboxUnitOfWork",
    "ProtocolPublisher",
    "ProtocolUnitOfWork",
    "Provider",
    "Wiring",
    "configure_json_logging",
    "correlation",
    "create_app",
    "load_node_class",
    "resolve_node_dir",
    "run_node",
    "tune_heap_for_batches",
]
