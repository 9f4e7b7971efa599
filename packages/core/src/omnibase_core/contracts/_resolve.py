"""Import the classes a contract names: handlers, message models, dependency protocols."""

import importlib
import inspect
from dataclasses import dataclass, field

from pydantic import BaseModel

from omnibase_core.contracts._purity import impurities
from omnibase_core.contracts._refs import short_name
from omnibase_core.contracts.model_contract import ModelContract
from omnibase_core.enums import EnumNodeKind
from omnibase_core.errors.contract_field_error import ContractFieldError

Loc = tuple[str | int, ...]
# Where bare message names are looked up after the node's own `models` module.
CORE_MESSAGES = "omnibase_core.models.events"
_PURE = (EnumNodeKind.COMPUTE, EnumNodeKind.REDUCER)


@dataclass
class ResolvedContract:
    """The Python classes behind a contract's names, keyed by message class name."""

    messages: dict[str, type[BaseModel]] = field(default_factory=dict)
    handlers: dict[str, type] = field(default_factory=dict)
    actions: dict[str, type] = field(default_factory=dict)  # workflow action -> handler class
    dependencies: tuple[type, ...] = ()


def resolve_contract(
    contract: ModelContract, package: str | None
) -> tuple[ResolvedContract, list[ContractFieldError]]:
    """Import every class the contract names; collect a problem for each one missing."""
    resolved, problems = ResolvedContract(), list[ContractFieldError]()
    for section in ("consumes", "produces"):
        for index, binding in enumerate(getattr(contract, section)):
            loc: Loc = (section, index, "message")
            model = _model(binding.message, package, loc, problems)
            if model is not None:
                resolved.messages[binding.message_name] = model
    routes = contract.handler_routing.handlers if contract.handler_routing else ()
    for index, route in enumerate(routes):
        loc = ("handler_routing", "handlers", index, "handler_class")
        handler = _handler(route.handler_class, package, loc, problems)
        if handler is not None and contract.node_type in _PURE:
            problems += [_impure(handler, contract, loc, what) for what in impurities(handler)]
        if handler is not None:
            resolved.handlers[short_name(route.event_model)] = handler
    steps = contract.workflow.steps if contract.workflow else ()
    for index, step in enumerate(steps):
        loc = ("workflow", "steps", index, "action")
        action = _handler(step.action, package, loc, problems)
        if action is not None:
            resolved.actions[step.action] = action
    dependencies = []
    for index, ref in enumerate(contract.dependencies):
        found = _find(ref, None, (), ("dependencies", index), problems)
        if found is not None:
            dependencies.append(found)
    resolved.dependencies = tuple(dependencies)
    return resolved, problems


def _impure(handler: type, contract: ModelContract, loc: Loc, what: str) -> ContractFieldError:
    kind = contract.node_type
    return ContractFieldError(
        loc,
        f"{handler.__name__} must be pure in a {kind} node, but {what}; "
        "time arrives inside events, I/O belongs in an EFFECT node",
    )


def _model(
    ref: str, package: str | None, loc: Loc, problems: list[ContractFieldError]
) -> type[BaseModel] | None:
    found = _find(ref, package, ("models", None), loc, problems)
    if found is not None and not issubclass(found, BaseModel):
        problems.append(ContractFieldError(loc, f"{ref} is not a Pydantic model"))
        return None
    return found


def _handler(
    ref: str, package: str | None, loc: Loc, problems: list[ContractFieldError]
) -> type | None:
    found = _find(ref, package, ("handlers",), loc, problems)
    if found is None:
        return None
    if not inspect.iscoroutinefunction(getattr(found, "handle", None)):
        reason = f"{found.__name__} has no `async def handle(self, envelope, context)` method"
        problems.append(ContractFieldError(loc, reason))
        return None
    if not _takes_one_argument(found):
        reason = f"{found.__name__} must be built as {found.__name__}(container)"
        problems.append(ContractFieldError(loc, f"{reason}: give __init__ one container argument"))
        return None
    return found


def _takes_one_argument(cls: type) -> bool:
    try:
        inspect.signature(cls).bind(None)
    except TypeError:
        return False
    except ValueError:  # no signature to inspect (a builtin): let construction decide
        return True
    return True


def _find(
    ref: str,
    package: str | None,
    submodules: tuple[str | None, ...],
    loc: Loc,
    problems: list[ContractFieldError],
) -> type | None:
    """Import `ref`: dotted as given, bare from `<package>.<submodule>` (None = core messages)."""
    if "." in ref:
        module_name, _, name = ref.rpartition(".")
        candidates = [module_name]
    else:
        name = ref
        candidates = [f"{package}.{sub}" if sub else CORE_MESSAGES for sub in submodules]
        candidates = [c for c in candidates if not c.startswith("None.")]
    for module_name in candidates:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name is not None and module_name.startswith(error.name):
                continue  # the module itself is missing: try the next place
            problems.append(ContractFieldError(loc, f"importing {module_name} failed: {error}"))
            return None
        except Exception as error:  # a broken module: say why, keep checking the rest
            reason = f"importing {module_name} failed: {type(error).__name__}: {error}"
            problems.append(ContractFieldError(loc, reason))
            return None
        found = getattr(module, name, None)
        if isinstance(found, type):
            return found
    where = " or ".join(candidates) or "the node's package (none found: use a dotted name)"
    hint = f"define it there or give its dotted path (package.module.{name})"
    problems.append(ContractFieldError(loc, f"class {name} not found in {where}; {hint}"))
    return None
