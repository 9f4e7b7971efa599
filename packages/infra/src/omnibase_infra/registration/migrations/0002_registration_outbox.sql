-- The reducer's transactional outbox: the intents a message caused, committed in the same
-- transaction as the rows and the processed-message record, deleted once published. An entry
-- still here when its message comes again (the reducer died between commit and publish) is
-- published again; a duplicate of a message whose intents went out finds nothing.
CREATE TABLE registration_outbox (
    consumer   text        NOT NULL,
    message_id uuid        NOT NULL,
    intents    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

-- Entries whose delete after publishing failed are pruned by age.
CREATE INDEX registration_outbox_created_at ON registration_outbox (created_at);
