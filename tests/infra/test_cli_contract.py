"""`onex contract validate|schema` from the command line."""

from pathlib import Path

from omnibase_core.contracts import render_contract_schema
from omnibase_infra.cli import app
from typer.testing import CliRunner

SAMPLES = Path(__file__).resolve().parents[1] / "core" / "fixtures" / "onex_core_samples"
runner = CliRunner()


def test_validate_accepts_valid_contracts_and_prints_fingerprints() -> None:
    contract = SAMPLES / "payload_hasher_compute" / "contract.yaml"
    result = runner.invoke(app, ["contract", "validate", str(contract)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"ok {contract} (payload-hasher-compute 2.0.0:")


def test_validate_reports_each_issue_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "contract.yaml"
    bad.write_text(
        "name: x\nnode_type: COMPUTE\ncontract_version: {major: 1, minor: 0, patch: 0}\n"
        "node_version: 1.0.0\nnode_versoin: 2\n"
    )
    good = SAMPLES / "registration_reducer" / "contract.yaml"
    result = runner.invoke(app, ["contract", "validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}:5: node_versoin: unknown field; did you mean 'node_version'?",
        "1 problem(s) in 2 contract(s)",
    ]


def test_validate_searches_folders_for_contracts() -> None:
    result = runner.invoke(app, ["contract", "validate", str(SAMPLES)])
    assert result.exit_code == 1  # impure_compute is wrong on purpose
    assert "impure_compute/contract.yaml:11: handler_routing.handlers.0.handler_class" in (
        result.stderr
    )
    assert result.stdout.count("ok ") == 5


def test_validate_with_nothing_to_check_fails(tmp_path: Path) -> None:
    result = runner.invoke(app, ["contract", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"no contract.yaml found in {tmp_path}\n"


def test_schema_writes_and_checks_the_json_schema(tmp_path: Path) -> None:
    out = tmp_path / "contracts" / "contract.schema.json"
    stale = runner.invoke(app, ["contract", "schema", "--out", str(out), "--check"])
    assert stale.exit_code == 1
    written = runner.invoke(app, ["contract", "schema", "--out", str(out)])
    assert written.exit_code == 0
    assert out.read_text() == render_contract_schema()
    fresh = runner.invoke(app, ["contract", "schema", "--out", str(out), "--check"])
    assert fresh.exit_code == 0
