"""The effect's handler (routed by contract.yaml)."""

from registry_effect.handlers.handler_consul_intent import HandlerConsulIntent

__all__ = ["HandlerConsulIntent"]
