"""The registration reducer: the node registry's FSM, declared in contract.yaml."""

from registration_reducer.node import NodeRegistrationReducer

__all__ = ["NodeRegistrationReducer"]
