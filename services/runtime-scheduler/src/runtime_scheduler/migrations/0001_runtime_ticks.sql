-- The platform clock's durable state: one row per tick topic (RuntimeScheduler).
-- Every new leader bumps `epoch`; a tick is issued only under the current epoch, so a replica
-- that lost the lead can never issue one, and `issued` and `last_now` never go backwards.
CREATE TABLE onex_runtime_ticks (
    name     text        PRIMARY KEY,
    epoch    bigint      NOT NULL,
    holder   text        NOT NULL,
    issued   bigint      NOT NULL DEFAULT 0,
    last_now timestamptz
);
