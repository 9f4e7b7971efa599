"""ONEX errors: one tree rooted at ModelOnexError.

ModelOnexError
├── ContractValidationError   a contract.yaml was rejected (carries every issue)
├── ContainerResolutionError  a dependency is missing from the container
├── NodeOutputError           a handler broke its archetype's output rule
├── NodeRoutingError          no handler accepts the message
└── TopicFormatError          a topic name breaks the topic grammar

ContractFieldError and ContractChecksError (ValueErrors) are raised inside contract
validators; the contract loader turns each into a ContractValidationError issue at the
exact field.
"""

from omnibase_core.errors.container_resolution_error import ContainerResolutionError
from omnibase_core.errors.contract_checks_error import ContractChecksError
from omnibase_core.errors.contract_field_error import ContractFieldError
from omnibase_core.errors.contract_validation_error import ContractValidationError
from omnibase_core.errors.model_contract_issue import ModelContractIssue
from omnibase_core.errors.model_onex_error import ModelOnexError
from omnibase_core.errors.node_output_error import NodeOutputError
from omnibase_core.errors.node_routing_error import NodeRoutingError
from omnibase_core.errors.topic_format_error import TopicFormatError
from omnibase_core.errors.workflow_failed_error import WorkflowFailedError

__all__ = [
    "ContainerResolutionError",
    "ContractChecksError",
    "ContractFieldError",
    "ContractValidationError",
    "ModelContractIssue",
    "ModelOnexError",
    "NodeOutputError",
    "NodeRoutingError",
    "TopicFormatError",
    "WorkflowFailedError",
]
