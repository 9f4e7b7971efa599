"""The registration orchestrator: decides the registry's lifecycle events (see contract.yaml)."""

from registration_orchestrator.node import NodeRegistrationOrchestrator

__all__ = ["NodeRegistrationOrchestrator"]
