"""The contract JSON Schema, for editors (`# yaml-language-server: $schema=...`) and CI."""

import json
from pathlib import Path

from omnibase_core.contracts.model_contract import ModelContract


def contract_json_schema() -> dict[str, object]:
    """The JSON Schema of contract.yaml files."""
    schema: dict[str, object] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    schema.update(ModelContract.model_json_schema(by_alias=True))
    # Model docstrings are Python documentation: leaving them out keeps the committed
    # schema stable when prose changes.
    definitions = schema.get("$defs")
    for item in [schema, *(definitions.values() if isinstance(definitions, dict) else [])]:
        item.pop("description", None)
    schema["title"] = "ONEX node contract"
    schema["description"] = "A node's contract.yaml (see packages/core/README.md)."
    return schema


def render_contract_schema() -> str:
    """The schema as the stable JSON text written to contracts/contract.schema.json."""
    return json.dumps(contract_json_schema(), indent=2, sort_keys=True) + "\n"


def write_contract_schema(path: str | Path) -> Path:
    """Write the schema to `path` (folders created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_contract_schema(), encoding="utf-8")
    return target
