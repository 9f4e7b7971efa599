"""The registry effect: carries out the registry's Consul intents (see contract.yaml)."""

from registry_effect._unit_of_work import NodeConcurrentUnitOfWork
from registry_effect.node import NodeRegistryEffect

__all__ = ["NodeConcurrentUnitOfWork", "NodeRegistryEffect"]
