"""Find the nodes to document (services/*, examples/*) and import their message models."""

import importlib
from dataclasses import dataclass
from pathlib import Path

from omnibase_core.contracts import ModelContract, load_contract
from pydantic import BaseModel

from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.runtime.host import load_node_class

CONTRACT_FILE = "contract.yaml"
# Where nodes live, relative to the project root: a service keeps its node in its package.
NODE_GLOBS = (
    "services/*/contract.yaml",
    "services/*/src/*/contract.yaml",
    "examples/*/contract.yaml",
)
# Where the runtime looks up a bare message name after the node's own `models` module.
CORE_MESSAGES = "omnibase_core.models.events"


@dataclass(frozen=True)
class DocumentedNode:
    """A node's contract, where it was read from, and the classes behind its message names."""

    contract_path: Path
    contract: ModelContract
    messages: dict[str, type[BaseModel]]

    def source(self, root: Path) -> str:
        """The contract's path relative to the project root, with forward slashes."""
        return self.contract_path.resolve().relative_to(root.resolve()).as_posix()


def find_node_contracts(root: Path) -> list[Path]:
    """The contract.yaml of every service and example node under `root`, in path order."""
    found = {path for pattern in NODE_GLOBS for path in root.glob(pattern)}
    return sorted(path for path in found if (path.parent / "node.py").is_file())


def load_documented_node(contract_path: Path) -> DocumentedNode:
    """Load and check the contract, then import each message model it names."""
    node_class = load_node_class(contract_path.parent)  # also makes the node's package importable
    package = node_class.__module__.rpartition(".")[0]
    contract = load_contract(contract_path, package=package)
    messages = {
        binding.message_name: _message_model(binding.message, package)
        for binding in (*contract.consumes, *contract.produces)
    }
    return DocumentedNode(contract_path, contract, messages)


def _message_model(ref: str, package: str) -> type[BaseModel]:
    """The model a contract names: dotted as given, bare from `<package>.models` or core."""
    module_names = [ref.rpartition(".")[0]] if "." in ref else [f"{package}.models", CORE_MESSAGES]
    name = ref.rpartition(".")[2]
    for module_name in module_names:
        try:
            found = getattr(importlib.import_module(module_name), name, None)
        except ModuleNotFoundError:
            continue
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    # load_contract already resolved every name the same way, so this means the two disagree.
    raise ProtocolConfigurationError(
        f"message model {ref} not found in {' or '.join(module_names)}", setting="message"
    )
