"""How a `node_registrations` row maps to the reducer's FSM state and back."""

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum

import asyncpg
from omnibase_core.fsm import ModelFsmState
from omnibase_core.models.events import ModelIntent
from pydantic import TypeAdapter
from pydantic_core import from_json, to_jsonable_python

from omnibase_infra.registration.model_node_registration import ModelNodeRegistration

TABLE = "node_registrations"
WATERMARK_TABLE = "node_heartbeat_watermark"
OUTBOX_TABLE = "registration_outbox"

# The FSM state data keys the projection stores, each in the column of the same name, with
# its PostgreSQL type. A reducer FSM may only `update` these keys.
DATA_COLUMNS: dict[str, str] = {
    "name": "text",
    "node_type": "text",
    "node_version": "text",
    "contract_fingerprint": "text",
    "capabilities": "jsonb",
    "endpoints": "jsonb",
    "metadata": "jsonb",
    "service": "jsonb",
    "accepted_at": "timestamptz",
    "ack_deadline": "timestamptz",
    "activated_at": "timestamptz",
    "liveness_timeout_seconds": "float8",
    "liveness_deadline": "timestamptz",
    "last_heartbeat_at": "timestamptz",
    "heartbeat_sequence": "int8",
    "health": "text",
}
# What the narrow heartbeat UPDATE stores (the liveness deadline follows from them).
HEARTBEAT_COLUMNS = ("heartbeat_sequence", "last_heartbeat_at", "health")
_ROW_ONLY = (
    "node_id",
    "state",
    "ack_timeout_emitted_at",
    "liveness_timeout_emitted_at",
    "last_applied_message_id",
    "version",
    "created_at",
    "updated_at",
)
# jsonb travels as text: asyncpg has no default jsonb codec and the pool is shared.
_JSON_COLUMNS = frozenset(column for column, kind in DATA_COLUMNS.items() if kind == "jsonb")


def select_data(data_columns: Iterable[str] = DATA_COLUMNS) -> list[str]:
    """The SELECT list items of `data_columns` (jsonb read as text)."""
    return [f"{c}::text AS {c}" if c in _JSON_COLUMNS else c for c in data_columns]


SELECT_COLUMNS = ", ".join([*_ROW_ONLY, *select_data()])


def registration_from(record: asyncpg.Record) -> ModelNodeRegistration:
    """The row as the orchestrator and the registry query read it."""
    values = {key: _load(key, record[key]) for key in (*_ROW_ONLY, *DATA_COLUMNS)}
    return ModelNodeRegistration.model_validate({k: v for k, v in values.items() if v is not None})


def state_from(record: asyncpg.Record, data_columns: tuple[str, ...]) -> ModelFsmState:
    """The row as the reducer's FSM sees it: the state name and the data keys selected.

    `record` is a row of `select_states(data_columns)`: node_id, state, version, then the
    data columns in that order (columns after them are not read).
    """
    data = {
        key: from_json(value) if key in _JSON_COLUMNS else value
        for key, value in zip(data_columns, record[3 : 3 + len(data_columns)], strict=True)
        if value is not None
    }
    return ModelFsmState(name=record[1], data=data)


def column_arrays(
    datas: Sequence[Mapping[str, object]], columns: Iterable[str] = DATA_COLUMNS
) -> list[list[object]]:
    """The FSM data of many rows as one array per column, ready for asyncpg's unnest
    (jsonb as JSON text); a value of the wrong type is a TypeError naming the column."""
    return [_column(column, [data.get(column) for data in datas]) for column in columns]


def _column(column: str, values: list[object]) -> list[object]:
    kind = DATA_COLUMNS[column]
    if kind in _CHECKED:
        kinds, name = _CHECKED[kind]
        for value in values:
            if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
                raise TypeError(f"{column} must be {name}, not {type(value).__name__}")
        return values if kind != "float8" else [_float(value) for value in values]
    return [None if value is None else _dump(kind, value) for value in values]


# Column kinds stored as they are, once their values have the right type.
_CHECKED: dict[str, tuple[type | tuple[type, ...], str]] = {
    "timestamptz": (datetime, "a datetime"),
    "int8": (int, "an integer"),
    "float8": ((int, float), "a number"),
}


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _load(column: str, value: object) -> object:
    if value is not None and DATA_COLUMNS.get(column) == "jsonb":
        return from_json(str(value))
    return value


def _dump(kind: str, value: object) -> object:
    if kind == "jsonb":
        return json.dumps(to_jsonable_python(value), separators=(",", ":"))
    if kind == "text":
        return value.value if isinstance(value, Enum) else str(value)
    return value


# An outbox entry's intents, as JSON text.
INTENTS: TypeAdapter[tuple[ModelIntent, ...]] = TypeAdapter(tuple[ModelIntent, ...])
