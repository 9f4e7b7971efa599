"""The topics of node registration, written without the environment.

Add the environment where the topic is used: `str(TOPIC_NODE_HEARTBEAT.with_env(settings.env))`
gives `dev.onex.evt.node-heartbeat.v1`. services/README.md says who publishes and who reads each.
"""

from omnibase_core.messaging.model_topic import ModelTopic

TOPIC_NODE_INTROSPECTION = ModelTopic.parse("onex.evt.node-introspection.v1")
TOPIC_NODE_HEARTBEAT = ModelTopic.parse("onex.evt.node-heartbeat.v1")
TOPIC_NODE_REGISTRATION_ACK = ModelTopic.parse("onex.cmd.node-registration-ack.v1")
TOPIC_NODE_SHUTDOWN = ModelTopic.parse("onex.evt.node-shutdown.v1")
TOPIC_REGISTRY_REQUEST_INTROSPECTION = ModelTopic.parse(
    "onex.cmd.registry-request-introspection.v1"
)
TOPIC_NODE_REGISTRATION_DECISION = ModelTopic.parse("onex.evt.node-registration-decision.v1")
TOPIC_RUNTIME_TICK = ModelTopic.parse("onex.evt.runtime-tick.v1")
TOPIC_CONSUL_REGISTRATION = ModelTopic.parse("onex.intent.consul-registration.v1")
TOPIC_CONSUL_REGISTRATION_RESULT = ModelTopic.parse("onex.evt.consul-registration-result.v1")

REGISTRATION_TOPICS = (
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_HEARTBEAT,
    TOPIC_NODE_REGISTRATION_ACK,
    TOPIC_NODE_SHUTDOWN,
    TOPIC_REGISTRY_REQUEST_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_DECISION,
    TOPIC_RUNTIME_TICK,
    TOPIC_CONSUL_REGISTRATION,
    TOPIC_CONSUL_REGISTRATION_RESULT,
)
