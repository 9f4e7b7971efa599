-- One row per message a consumer has processed (PostgresIdempotencyStore).
CREATE TABLE onex_processed_messages (
    consumer     text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

CREATE INDEX onex_processed_messages_processed_at ON onex_processed_messages (processed_at);
