"""The ONEX runtime: message dispatch and the contract-driven node host."""

from omnibase_spi import ProtocolDispatchResult, ProtocolMessageDispatcher

from omnibase_infra.runtime._dispatch_engine import MessageDispatchEngine
from omnibase_infra.runtime.host import (
    NodeHost,
    ProtocolOutboxUnitOfWork,
    ProtocolUnitOfWork,
    create_app,
    run_node,
)

__all__ = [
    "MessageDispatchEngine",
    "NodeHost",
    "ProtocolDispatchResult",
    "ProtocolMessageDispatcher",
    "ProtocolOutboxUnitOfWork",
    "ProtocolUnitOfWork",
    "create_app",
    "run_node",
]
