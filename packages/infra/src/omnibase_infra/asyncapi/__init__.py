"""AsyncAPI 3.0 documents generated from node contracts (`onex docs`, committed in docs/asyncapi/).

Built from the contract, not from a running broker: a channel per topic (address
`{env}.onex.<category>.<name>.v<N>`), receive operations for consumed messages, send for
produced ones and for the `<topic>.dlq` dead letters, each message's envelope schema around
its payload model, the bus's routing headers and the Kafka key.
"""

from omnibase_infra.asyncapi._document import ASYNCAPI_VERSION, asyncapi_document
from omnibase_infra.asyncapi._files import (
    DEFAULT_OUT,
    generate_asyncapi_docs,
    render_asyncapi,
    sync_asyncapi_docs,
)
from omnibase_infra.asyncapi._nodes import DocumentedNode, find_node_contracts, load_documented_node
from omnibase_infra.asyncapi.model_asyncapi_docs_result import ModelAsyncApiDocsResult

__all__ = [
    "ASYNCAPI_VERSION",
    "DEFAULT_OUT",
    "DocumentedNode",
    "ModelAsyncApiDocsResult",
    "asyncapi_document",
    "find_node_contracts",
    "generate_asyncapi_docs",
    "load_documented_node",
    "render_asyncapi",
    "sync_asyncapi_docs",
]
