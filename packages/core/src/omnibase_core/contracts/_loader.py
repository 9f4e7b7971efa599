"""Load a contract.yaml: parse, validate, import what it names; report every problem at once."""

import sys
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from omnibase_core.contracts._errors import issue_at, issues_from_validation
from omnibase_core.contracts._resolve import ResolvedContract, resolve_contract
from omnibase_core.contracts._yaml import YamlDocument, parse_yaml
from omnibase_core.contracts.model_contract import ModelContract
from omnibase_core.enums import EnumNodeKind
from omnibase_core.errors.contract_validation_error import ContractValidationError
from omnibase_core.errors.model_contract_issue import ModelContractIssue


def load_contract(
    path: str | Path, *, package: str | None = None, node_kind: EnumNodeKind | None = None
) -> ModelContract:
    """Load and fully check the contract at `path`.

    Bare class names are looked up in `package` (default: the Python package that holds the
    file). Raises ContractValidationError listing every problem as `file:LINE: field: reason`.
    """
    return load_node_contract(path, package=package, node_kind=node_kind)[0]


def check_contracts(paths: Iterable[str | Path]) -> list[ModelContractIssue]:
    """Every problem in the contracts at `paths` (empty when all are valid)."""
    issues: list[ModelContractIssue] = []
    for path in paths:
        try:
            load_contract(path)
        except ContractValidationError as error:
            issues += error.issues
    return issues


def load_node_contract(
    path: str | Path, *, package: str | None = None, node_kind: EnumNodeKind | None = None
) -> tuple[ModelContract, ResolvedContract]:
    """Like load_contract, and also return the imported handler and message classes."""
    file = str(path)
    document = _read(Path(path), file)
    try:
        contract = ModelContract.model_validate(document.data)
    except ValidationError as error:
        issues = issues_from_validation(error, ModelContract, document, file)
        issues = _duplicates(document, file) + issues
        raise ContractValidationError(sorted(issues, key=_by_line)) from None
    issues = _duplicates(document, file)
    if node_kind is not None and contract.node_type is not node_kind:
        reason = f"this node is a {node_kind} archetype but the contract says {contract.node_type}"
        hint = f"set node_type: {node_kind} or extend Node{contract.node_type.title()}"
        issues.append(issue_at(file, document, ("node_type",), reason, hint))
    resolved, problems = resolve_contract(contract, package or _package_of(Path(path)))
    issues += [issue_at(file, document, p.loc, p.reason) for p in problems]
    if issues:
        raise ContractValidationError(sorted(issues, key=_by_line))
    return contract, resolved


def _by_line(issue: ModelContractIssue) -> int:
    return issue.line or 0


def _read(path: Path, file: str) -> YamlDocument:
    def fail(line: int | None, reason: str, hint: str | None = None) -> ContractValidationError:
        issue = ModelContractIssue(file=file, line=line, field="(file)", reason=reason, hint=hint)
        return ContractValidationError([issue])

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise fail(None, f"cannot read the file ({error.strerror or error})") from None
    try:
        document = parse_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise fail(line, f"invalid YAML: {problem}") from None
    if not isinstance(document.data, dict):
        raise fail(1, "a contract is a YAML mapping", "start with 'name:' and 'node_type:'")
    return document


def _duplicates(document: YamlDocument, file: str) -> list[ModelContractIssue]:
    return [
        issue_at(file, document, loc, "key appears twice; the second would silently win")
        for loc in document.duplicates
    ]


def _package_of(path: Path) -> str | None:
    """The dotted package holding `path` (folders with __init__.py), made importable."""
    folder = path.resolve().parent
    parts: list[str] = []
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    if not parts:
        return None
    root = str(folder)
    if root not in sys.path:
        # The CLI may validate a contract whose package is not installed: let it import.
        sys.path.append(root)
    return ".".join(parts)
