-- The node registry: one row per node the registration reducer has folded decisions into.
CREATE TABLE node_registrations (
    node_id                     uuid        PRIMARY KEY,
    state                       text        NOT NULL CHECK (state IN (
                                    'unregistered', 'awaiting_ack', 'active',
                                    'ack_timed_out', 'liveness_expired', 'deregistered')),
    name                        text,
    node_type                   text,
    node_version                text,
    contract_fingerprint        text,
    capabilities                jsonb       NOT NULL DEFAULT '[]',
    endpoints                   jsonb       NOT NULL DEFAULT '{}',
    metadata                    jsonb       NOT NULL DEFAULT '{}',
    -- The Consul service the node is registered as (kept to register it again on a health change).
    service                     jsonb,
    accepted_at                 timestamptz,
    ack_deadline                timestamptz,
    activated_at                timestamptz,
    liveness_timeout_seconds    double precision,
    -- Only ever moves forward: max(activation deadline, newest heartbeat + timeout).
    liveness_deadline           timestamptz,
    last_heartbeat_at           timestamptz,
    heartbeat_sequence          bigint,
    health                      text,
    -- Set by the orchestrator when it claims the timeout (so replicas emit it once); cleared
    -- when the node enters the state again.
    ack_timeout_emitted_at      timestamptz,
    liveness_timeout_emitted_at timestamptz,
    last_applied_message_id     uuid,
    -- The write fence: each write must carry a higher version than the stored one.
    version                     bigint      NOT NULL CHECK (version > 0),
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

-- The timeout scans look only at nodes in the state that can time out, soonest first.
CREATE INDEX node_registrations_ack_due
    ON node_registrations (ack_deadline) WHERE state = 'awaiting_ack';
CREATE INDEX node_registrations_liveness_due
    ON node_registrations (liveness_deadline) WHERE state = 'active';

-- The newest heartbeat time the reducer has applied (never ahead of the database clock):
-- liveness is judged against it, so a lagging pipeline does not expire healthy nodes.
CREATE TABLE node_heartbeat_watermark (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    watermark  timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO node_heartbeat_watermark (watermark) VALUES ('-infinity');
