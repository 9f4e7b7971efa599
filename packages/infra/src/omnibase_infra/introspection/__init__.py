"""Node introspection: what a node exposes, and the engine that announces it to the registry.

Nodes use it through `omnibase_infra.mixins.MixinNodeIntrospection`; this package holds the
data it produces, its configuration, the capability filters and the composed engine.
"""

from omnibase_infra.introspection._capabilities import (
    NODE_TYPE_KEYWORDS,
    OPERATION_KEYWORDS,
    UTILITY_PREFIXES,
    public_methods,
    select_capabilities,
)
from omnibase_infra.introspection._introspector import (
    REANNOUNCE_ON,
    HealthCheck,
    NodeIntrospector,
)
from omnibase_infra.introspection.model_node_introspection_config import (
    ModelNodeIntrospectionConfig,
)
from omnibase_infra.introspection.model_node_introspection_data import ModelNodeIntrospectionData

__all__ = [
    "NODE_TYPE_KEYWORDS",
    "OPERATION_KEYWORDS",
    "REANNOUNCE_ON",
    "UTILITY_PREFIXES",
    "HealthCheck",
    "ModelNodeIntrospectionConfig",
    "ModelNodeIntrospectionData",
    "NodeIntrospector",
    "public_methods",
    "select_capabilities",
]
