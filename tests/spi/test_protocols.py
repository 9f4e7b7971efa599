"""The SPI: protocols only, importing only omnibase_core, matched by the real implementations."""

import ast
import inspect
import sys
from pathlib import Path
from typing import Protocol

import omnibase_spi
import pytest
from omnibase_core.fsm import FsmEngine, ModelFsmEvent, ModelFsmState, ModelFsmStep
from omnibase_core.nodes import ProtocolNodeHandler
from omnibase_infra.models.dispatch import ModelDispatchResult
from omnibase_spi import (
    ProtocolDispatchResult,
    ProtocolMessageDispatcher,
    ProtocolReducer,
)

SPI_ROOT = Path(omnibase_spi.__file__).parent
PROTOCOL_NAMES = [
    name
    for name in omnibase_spi.__all__
    if getattr(omnibase_spi, name).__module__.startswith("omnibase_spi.protocol_")
]


def _imported_top_level_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(SPI_ROOT.glob("*.py")), ids=lambda p: p.name)
def test_spi_imports_only_the_standard_library_core_and_itself(path: Path) -> None:
    allowed = set(sys.stdlib_module_names) | {"omnibase_core", "omnibase_spi"}
    assert _imported_top_level_packages(path) <= allowed


def test_each_protocol_lives_in_its_own_protocol_module() -> None:
    modules = {p.stem for p in SPI_ROOT.glob("protocol_*.py")}
    for name in PROTOCOL_NAMES:
        protocol = getattr(omnibase_spi, name)
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
        assert protocol.__module__ == f"omnibase_spi.{snake}"
        assert snake in modules
    assert len(modules) == len(PROTOCOL_NAMES)


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
def test_every_export_is_a_runtime_checkable_protocol_with_docs(name: str) -> None:
    protocol = getattr(omnibase_spi, name)
    assert issubclass(protocol, Protocol)
    assert getattr(protocol, "_is_runtime_protocol", False)
    assert inspect.getdoc(protocol)


def test_the_node_handler_protocol_is_core_s_re_exported() -> None:
    assert omnibase_spi.ProtocolNodeHandler is ProtocolNodeHandler


def test_the_core_fsm_engine_is_a_reducer() -> None:
    assert isinstance(FsmEngine.__new__(FsmEngine), ProtocolReducer)
    # Static conformance: mypy checks this assignment.
    reducer: type[ProtocolReducer[ModelFsmState, ModelFsmEvent, ModelFsmStep]] = FsmEngine
    assert reducer is FsmEngine


def test_the_infra_dispatch_result_matches_the_protocol() -> None:
    result: ProtocolDispatchResult = ModelDispatchResult()
    assert isinstance(result, ProtocolDispatchResult)
    assert result.succeeded
    assert list(result.outputs) == []


def test_an_object_without_async_handle_is_not_a_dispatcher() -> None:
    class Handles:
        async def handle(self, envelope: object) -> ModelDispatchResult:
            return ModelDispatchResult()

    assert isinstance(Handles(), ProtocolMessageDispatcher)
    assert not isinstance(object(), ProtocolMessageDispatcher)
