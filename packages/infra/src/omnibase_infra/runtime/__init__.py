"""The ONEX runtime: message dispatch (and, later, the contract-driven host)."""

from omnibase_spi import ProtocolDispatchResult, ProtocolMessageDispatcher

from omnibase_infra.runtime._dispatch_engine import MessageDispatchEngine

__all__ = [
    "MessageDispatchEngine",
    "ProtocolDispatchResult",
    "ProtocolMessageDispatcher",
]
