"""`onex docs`: committed AsyncAPI 3.0 documents match the contracts and describe the real wire.

No AsyncAPI validator on PyPI is well kept (the maintained ones are the npm parser and CLI),
so the structure is checked here: AsyncAPI 3.0's required fields, every contract topic as a
channel with its operation, every `$ref` resolving, and each message schema (draft-07, checked
with jsonschema) accepting what the Kafka bus really sends and refusing the wrong message type.
"""

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import jsonschema
import pytest
import yaml
from omnibase_core.contracts import ModelContract
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_infra.adapters.kafka import dead_letter_record, encode_envelope
from omnibase_infra.asyncapi import find_node_contracts, load_documented_node
from omnibase_infra.cli import app
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.runtime import create_app
from pydantic import BaseModel
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "asyncapi"
CONTRACTS = find_node_contracts(ROOT)
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
# One real payload per message (built with the node's own model) sent through the schemas.
SAMPLES: dict[str, dict[str, object]] = {
    "ModelTextSubmitted": {"text_id": "t-1", "text": "two words"},
    "ModelWordsCounted": {"text_id": "t-1", "words": 2, "lines": 1, "characters": 9},
    "ModelWordCountStored": {"text_id": "t-1", "key": "onex:words:t-1", "words": 2},
    "ModelRuntimeTick": {"sequence": 7, "now": NOW, "scheduler_id": "scheduler-1"},
    "ModelNodeHeartbeat": {
        "node_id": uuid4(),
        "sequence": 3,
        "emitted_at": NOW,
        "health": "healthy",
    },
    "ModelNodeShutdown": {"node_id": uuid4(), "reason": "signal", "emitted_at": NOW},
    "ModelIntent": {
        "intent_type": "consul.deregister",
        "target": "consul",
        "entity_id": str(uuid4()),
        "payload": {"service_id": "onex-node-1"},
        "correlation_id": uuid4(),
    },
}
Document = dict[str, object]


@dataclass(frozen=True)
class Documented:
    contract_path: Path
    contract: ModelContract
    messages: dict[str, type[BaseModel]]
    document: Document


@pytest.fixture(scope="module", params=CONTRACTS, ids=lambda path: path.parent.name)
def documented(request: pytest.FixtureRequest) -> Documented:
    node = load_documented_node(request.param)
    text = (DOCS / f"{node.contract.name}.yaml").read_text(encoding="utf-8")
    return Documented(request.param, node.contract, node.messages, yaml.safe_load(text))


def _docs(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["docs", *args])
    return result.exit_code, result.output


def test_every_service_and_example_node_is_documented() -> None:
    names = {path.parent.name for path in CONTRACTS}
    assert {"registration_orchestrator", "registration_reducer", "registry_effect"} <= names
    assert {"runtime_scheduler", "word_counter", "word_count_store"} <= names
    assert len(list(DOCS.glob("*.yaml"))) == len(CONTRACTS)


def test_committed_docs_are_up_to_date_with_the_contracts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, output = _docs("--check")
    assert code == 0, output
    assert f"{len(CONTRACTS)} documents up to date" in output


def test_check_names_stale_missing_and_obsolete_documents_and_a_run_fixes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "asyncapi"
    shutil.copytree(DOCS, out)
    edited = out / "word-counter.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("receive", "send"), "utf-8")
    (out / "runtime-scheduler.yaml").unlink()
    (out / "retired-node.yaml").write_text("asyncapi: 3.0.0\n", encoding="utf-8")
    monkeypatch.chdir(ROOT)

    code, output = _docs("--check", "--out", str(out))

    assert code == 1
    assert "stale: " in output and "word-counter.yaml" in output
    assert "runtime-scheduler.yaml" in output
    assert "obsolete: " in output and "retired-node.yaml" in output
    assert (out / "retired-node.yaml").exists()  # --check writes nothing
    assert _docs("--out", str(out))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in DOCS.iterdir())
    assert all((out / p.name).read_bytes() == p.read_bytes() for p in DOCS.iterdir())


def test_document_has_the_fields_asyncapi_3_requires(documented: Documented) -> None:
    doc, contract = documented.document, documented.contract
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"] == doc["info"] | {"title": contract.name, "version": contract.node_version}
    assert doc["info"]["x-onex-contract-fingerprint"] == contract.fingerprint
    for operation in doc["operations"].values():
        assert operation["action"] in ("send", "receive")
        assert set(operation["channel"]) == {"$ref"}
    for message in doc["components"]["messages"].values():
        assert {"name", "payload", "headers", "bindings"} <= set(message)


def test_every_contract_topic_is_a_channel_with_an_operation_per_direction(
    documented: Documented,
) -> None:
    doc, contract = documented.document, documented.contract
    for action, bindings in (("receive", contract.consumes), ("send", contract.produces)):
        for binding in bindings:
            channel = doc["channels"][binding.topic]
            assert channel["address"] == "{env}." + binding.topic
            assert set(channel["parameters"]) == {"env"}
            assert binding.message_name in channel["messages"]
            operation = doc["operations"][f"{action}.{binding.topic}"]
            assert operation["channel"]["$ref"] == f"#/channels/{binding.topic}"
            assert {"$ref": f"#/channels/{binding.topic}/messages/{binding.message_name}"} in (
                operation["messages"]
            )
    for binding in contract.consumes:
        dead = doc["channels"][f"{binding.topic}.dlq"]
        assert dead["address"] == "{env}." + binding.topic + ".dlq"
        assert doc["operations"][f"dead-letter.{binding.topic}"]["action"] == "send"


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(doc: Document, ref: str) -> object:
    assert ref.startswith("#/"), f"{ref} is not a local reference"
    target: object = doc
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        assert isinstance(target, dict) and token in target, f"{ref} does not resolve"
        target = target[token]
    return target


def test_every_ref_resolves(documented: Documented) -> None:
    doc = documented.document
    refs = _refs(doc)
    assert refs
    for ref in refs:
        _resolve(doc, ref)


def test_operation_messages_are_messages_of_the_operations_channel(documented: Documented) -> None:
    doc = documented.document
    for operation in doc["operations"].values():
        channel = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(channel + "/messages/")


def test_receive_operations_name_the_consumer_group_the_host_joins(
    documented: Documented,
) -> None:
    settings = ModelOnexSettings(env="dev")
    host = create_app(documented.contract_path.parent, settings=settings)
    for binding in documented.contract.consumes:
        kafka = documented.document["operations"][f"receive.{binding.topic}"]["bindings"]["kafka"]
        assert kafka["groupId"]["examples"] == [host.group_id(binding.topic_for("dev"))]


def _validator(doc: Document, pointer: str) -> jsonschema.Draft7Validator:
    """A validator for the schema at `pointer`, resolving the document's own references."""
    schema = {"$ref": pointer, "components": doc["components"]}
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_message_schemas_are_valid_draft_7(documented: Documented) -> None:
    doc = documented.document
    for name, message in doc["components"]["messages"].items():
        for part in ("payload", "headers"):
            jsonschema.Draft7Validator.check_schema(message[part])
            _validator(doc, f"#/components/messages/{name}/{part}")
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft7Validator.check_schema(schema)


def test_messages_the_bus_sends_match_their_documented_payload_headers_and_key(
    documented: Documented,
) -> None:
    doc, contract = documented.document, documented.contract
    checked = 0
    for binding in (*contract.consumes, *contract.produces):
        fields = SAMPLES.get(binding.message_name)
        if fields is None:
            continue
        envelope = ModelEventEnvelope.create(
            documented.messages[binding.message_name].model_validate(fields),
            entity_id="node-1",
            producer="tests",
            emitted_at=NOW,
            category=binding.category,
        )
        key, value, headers = encode_envelope(envelope)
        pointer = f"#/components/messages/{binding.message_name}"
        _validator(doc, f"{pointer}/payload").validate(json.loads(value))
        _validator(doc, f"{pointer}/headers").validate(headers)
        _validator(doc, f"{pointer}/bindings/kafka/key").validate(key.decode())
        checked += 1
    assert checked, f"no sample payload for any message of {contract.name}: add one to SAMPLES"


def test_message_schemas_refuse_another_message_type_or_category(documented: Documented) -> None:
    doc, contract = documented.document, documented.contract
    binding = (*contract.consumes, *contract.produces)[0]
    pointer = f"#/components/messages/{binding.message_name}"
    payload = _validator(doc, f"{pointer}/payload")
    envelope = {"message_type": "ModelSomethingElse", "category": binding.category.value}
    assert any(tuple(e.path) == ("message_type",) for e in payload.iter_errors(envelope))
    wrong = "cmd" if binding.category.value != "cmd" else "evt"
    errors = payload.iter_errors({"message_type": binding.message_name, "category": wrong})
    assert any(tuple(e.path) == ("category",) for e in errors)
    headers = _validator(doc, f"{pointer}/headers")
    assert not headers.is_valid({"message_type": binding.message_name})  # routing headers missing


@dataclass(frozen=True)
class _Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


def test_dead_letter_records_match_the_documented_dead_letter_message(
    documented: Documented,
) -> None:
    doc, contract = documented.document, documented.contract
    if not contract.consumes:
        assert not any(name.endswith(".dlq") for name in doc["channels"])
        return
    intent = ModelIntent.model_validate(SAMPLES["ModelIntent"])
    envelope = ModelEventEnvelope.create(intent, entity_id="n", producer="tests", emitted_at=NOW)
    key, value, headers = encode_envelope(envelope)
    record = _Record(
        "dev." + contract.consumes[0].topic,
        2,
        41,
        key,
        value,
        [(k, v.encode()) for k, v in headers.items()],
    )
    dead = dead_letter_record(
        record, ValueError("broken"), attempts=3, group_id="g", sample_bytes=8, max_bytes=16
    )
    dlq_headers = {name: value.decode() for name, value in dead.headers}
    _validator(doc, "#/components/messages/OnexDeadLetter/headers").validate(dlq_headers)
