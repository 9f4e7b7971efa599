from enum import StrEnum


class EnumNodeKind(StrEnum):
    """The four node archetypes; the value is what `node_type` says in a contract."""

    EFFECT = "EFFECT"
    COMPUTE = "COMPUTE"
    REDUCER = "REDUCER"
    ORCHESTRATOR = "ORCHESTRATOR"
