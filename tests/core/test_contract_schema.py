"""The committed contract JSON Schema matches the models, and forbids unknown keys."""

import json
from pathlib import Path

from omnibase_core.contracts import ModelContract, contract_json_schema, render_contract_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "contracts" / "contract.schema.json"


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_contract_schema(), (
        "contracts/contract.schema.json is stale: run `uv run onex contract schema`"
    )


def test_schema_describes_every_contract_field() -> None:
    schema = contract_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["properties"]) == set(ModelContract.model_fields)  # type: ignore[call-overload]
    assert schema["required"] == ["name", "node_type", "contract_version", "node_version"]


def test_every_object_in_the_schema_forbids_unknown_keys() -> None:
    schema = json.loads(render_contract_schema())
    objects = [schema, *schema["$defs"].values()]
    open_objects = [
        item.get("title")
        for item in objects
        if item.get("type") == "object" and item.get("additionalProperties") is not False
    ]
    assert open_objects == []
