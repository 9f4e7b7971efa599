"""The registry's SQL, built once from the column table in `_rows`."""

from omnibase_infra.registration._rows import (
    DATA_COLUMNS,
    OUTBOX_TABLE,
    SELECT_COLUMNS,
    TABLE,
    WATERMARK_TABLE,
    select_data,
)

SELECT_ONE = f"SELECT {SELECT_COLUMNS} FROM {TABLE} WHERE node_id = $1"
SELECT_ALL = f"SELECT {SELECT_COLUMNS} FROM {TABLE} ORDER BY name NULLS LAST, node_id LIMIT $1"


def select_states(data_columns: tuple[str, ...], *, for_update: bool) -> str:
    """Load the FSM state (name and these data columns) and version of some nodes (locked,
    in id order); `state_from` reads the rows by position."""
    columns = ", ".join(["node_id", "state", "version", *select_data(data_columns)])
    query = f"SELECT {columns} FROM {TABLE} WHERE node_id = ANY($1::uuid[])"
    return f"{query} ORDER BY node_id FOR UPDATE" if for_update else query


def mark_and_select_states(data_columns: tuple[str, ...]) -> str:
    """`select_states(for_update=True)` that also records messages as processed (in the
    table of `PostgresIdempotencyStore`): $1 node ids, $2 consumer, $3 message ids. The last
    column holds the ids newly recorded (after a row of NULLs if no node is stored)."""
    return f"""
WITH fresh AS (
    INSERT INTO onex_processed_messages (consumer, message_id)
    SELECT $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING RETURNING message_id
), locked AS ({select_states(data_columns, for_update=True)})
SELECT locked.*, (SELECT array_agg(message_id) FROM fresh) AS fresh
FROM (VALUES (0)) AS one LEFT JOIN locked ON true"""


_WRITTEN = {"node_id": "uuid", "state": "text", **DATA_COLUMNS}
_WRITTEN |= {"last_applied_message_id": "uuid", "version": "int8"}
_NOT_NULL_JSON = {"capabilities": "'[]'", "endpoints": "'{}'", "metadata": "'{}'"}
# Columns that only move forward, whatever a write says.
_FORWARD_ONLY = ("liveness_deadline", "last_heartbeat_at", "heartbeat_sequence")
# A heartbeat time is trusted up to the database's clock (a node's clock may run ahead).
# Not LEAST(): it would read a missing heartbeat as now.
_CLAMPED = "(CASE WHEN {at} > now() THEN now() ELSE {at} END)"
_SECONDS = "* interval '1 second'"
_EXTENDED_DEADLINE = (
    "GREATEST(u.liveness_deadline, "
    f"{_CLAMPED.format(at='u.last_heartbeat_at')} + u.liveness_timeout_seconds {_SECONDS})"
)


def _insert_value(column: str, kind: str) -> str:
    if column == "liveness_deadline":
        return _EXTENDED_DEADLINE
    if kind != "jsonb":
        return f"u.{column}"
    default = _NOT_NULL_JSON.get(column)
    return f"COALESCE(u.{column}::jsonb, {default})" if default else f"u.{column}::jsonb"


def _update_value(column: str) -> str:
    if column in _FORWARD_ONLY:
        return f"{column} = GREATEST(r.{column}, EXCLUDED.{column})"
    return f"{column} = EXCLUDED.{column}"


def _upsert() -> str:
    names = ", ".join(_WRITTEN)
    arrays = ", ".join(
        f"${i}::{'text' if kind == 'jsonb' else kind}[]"
        for i, kind in enumerate(_WRITTEN.values(), start=1)
    )
    values = ", ".join(_insert_value(column, kind) for column, kind in _WRITTEN.items())
    updates = ",\n    ".join(_update_value(column) for column in _WRITTEN if column != "node_id")
    return f"""
INSERT INTO {TABLE} AS r ({names})
SELECT {values}
FROM unnest({arrays}) AS u({names})
ON CONFLICT (node_id) DO UPDATE SET
    {updates},
    ack_timeout_emitted_at = CASE WHEN EXCLUDED.state = 'awaiting_ack'
        AND r.state <> 'awaiting_ack' THEN NULL ELSE r.ack_timeout_emitted_at END,
    liveness_timeout_emitted_at = CASE WHEN EXCLUDED.state = 'active'
        AND r.state <> 'active' THEN NULL ELSE r.liveness_timeout_emitted_at END,
    updated_at = now()
WHERE r.version < EXCLUDED.version
RETURNING node_id"""


UPSERT = _upsert()

APPLY_HEARTBEATS = f"""
UPDATE {TABLE} AS r SET
    heartbeat_sequence = h.heartbeat_sequence,
    last_heartbeat_at = GREATEST(r.last_heartbeat_at, h.last_heartbeat_at),
    health = h.health,
    liveness_deadline = GREATEST(r.liveness_deadline,
        {_CLAMPED.format(at="h.last_heartbeat_at")} + r.liveness_timeout_seconds {_SECONDS}),
    last_applied_message_id = COALESCE(h.message_id, r.last_applied_message_id),
    version = h.version,
    updated_at = now()
FROM unnest($1::uuid[], $2::int8[], $3::timestamptz[], $4::text[], $5::uuid[], $6::int8[])
    AS h(node_id, heartbeat_sequence, last_heartbeat_at, health, message_id, version)
WHERE r.node_id = h.node_id
    AND r.state = 'active'
    AND r.version < h.version
    AND (r.heartbeat_sequence IS NULL OR h.heartbeat_sequence > r.heartbeat_sequence)
RETURNING r.node_id"""

ADVANCE_WATERMARK = f"""
UPDATE {WATERMARK_TABLE}
SET watermark = LEAST($1::timestamptz, now()), updated_at = now()
WHERE watermark < LEAST($1::timestamptz, now())"""

SELECT_WATERMARK = f"SELECT NULLIF(watermark, '-infinity') FROM {WATERMARK_TABLE}"

# $1 = the tick's now, $2 = the most rows to claim, $3 = seconds after which a claim whose
# decision never arrived (its emitter died before publishing) may be claimed again.
CLAIM_ACK = f"""
WITH due AS (
    SELECT node_id FROM {TABLE}
    WHERE state = 'awaiting_ack' AND ack_deadline < $1
        AND (ack_timeout_emitted_at IS NULL
             OR ack_timeout_emitted_at < $1 - $3 * interval '1 second')
    ORDER BY ack_deadline
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE {TABLE} AS r SET ack_timeout_emitted_at = $1
FROM due WHERE r.node_id = due.node_id
RETURNING r.node_id, r.ack_deadline AS deadline"""

CLAIM_LIVENESS = f"""
WITH mark AS (
    SELECT LEAST(watermark, $1::timestamptz) AS judged_at FROM {WATERMARK_TABLE}
), due AS (
    SELECT r.node_id FROM {TABLE} AS r, mark
    WHERE r.state = 'active' AND r.liveness_deadline < mark.judged_at
        AND (r.liveness_timeout_emitted_at IS NULL
             OR r.liveness_timeout_emitted_at < $1 - $3 * interval '1 second')
    ORDER BY r.liveness_deadline
    LIMIT $2
    FOR UPDATE OF r SKIP LOCKED
)
UPDATE {TABLE} AS r SET liveness_timeout_emitted_at = $1
FROM due, mark WHERE r.node_id = due.node_id
RETURNING r.node_id, r.liveness_deadline AS deadline, mark.judged_at"""


# The outbox, keyed by consumer and message id; the intents travel as JSON text.
def _record_outbox(first: int) -> str:
    """Record outbox entries: consumer, message ids, intents as parameters from $`first`."""
    consumer, ids, intents = (f"${first + i}" for i in range(3))
    return f"""
INSERT INTO {OUTBOX_TABLE} (consumer, message_id, intents)
SELECT {consumer}, u.message_id, u.intents::jsonb
FROM unnest({ids}::uuid[], {intents}::text[]) AS u(message_id, intents)
ON CONFLICT (consumer, message_id) DO UPDATE SET intents = EXCLUDED.intents, created_at = now()"""


RECORD_OUTBOX = _record_outbox(1)
# The upsert that also records outbox entries (their parameters follow the upsert's own).
UPSERT_KEEPING_OUTBOX = f"WITH kept AS ({_record_outbox(len(_WRITTEN) + 1)})\n{UPSERT}"

SELECT_OUTBOX = f"""
SELECT message_id, intents::text FROM {OUTBOX_TABLE}
WHERE consumer = $1 AND message_id = ANY($2::uuid[])"""

# $3 = seconds after which any entry is dropped (its message can no longer come again).
DELETE_OUTBOX = f"""
DELETE FROM {OUTBOX_TABLE}
WHERE (consumer = $1 AND message_id = ANY($2::uuid[]))
    OR created_at < now() - $3 * interval '1 second'"""
