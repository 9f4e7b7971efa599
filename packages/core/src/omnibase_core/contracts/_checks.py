"""Checks across contract sections; every problem is collected, none stops the others."""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from omnibase_core.contracts._refs import short_name
from omnibase_core.enums import EnumMessageCategory, EnumNodeKind
from omnibase_core.errors.contract_checks_error import ContractChecksError
from omnibase_core.errors.contract_field_error import ContractFieldError

if TYPE_CHECKING:
    from omnibase_core.contracts.model_contract import ModelContract

SUPPORTED_MAJOR = 1
Problems = Iterator[ContractFieldError]

_SECTION_KIND = {"fsm": EnumNodeKind.REDUCER, "workflow": EnumNodeKind.ORCHESTRATOR}
_PRODUCES = {
    EnumNodeKind.REDUCER: {EnumMessageCategory.INTENT},
    EnumNodeKind.ORCHESTRATOR: {EnumMessageCategory.EVENT, EnumMessageCategory.COMMAND},
    EnumNodeKind.EFFECT: {EnumMessageCategory.EVENT},
    EnumNodeKind.COMPUTE: {EnumMessageCategory.EVENT},
}


def cross_check(contract: "ModelContract") -> None:
    """Raise ContractChecksError listing every cross-section problem of `contract`."""
    problems = [
        *_version(contract),
        *_sections(contract),
        *_messages(contract),
        *_routes(contract),
        *_fsm_triggers(contract),
        *_effects(contract),
    ]
    if problems:
        raise ContractChecksError(problems)


def _version(contract: "ModelContract") -> Problems:
    if contract.contract_version.major != SUPPORTED_MAJOR:
        yield ContractFieldError(
            ("contract_version", "major"),
            f"this ONEX reads contract format {SUPPORTED_MAJOR}.x, not {contract.contract_version}",
        )


def _sections(contract: "ModelContract") -> Problems:
    kind = contract.node_type
    for section, owner in _SECTION_KIND.items():
        if getattr(contract, section) is not None and kind is not owner:
            reason = f"only {owner} nodes declare {section}, not {kind}"
            yield ContractFieldError((section,), reason)
    if contract.effects and kind is not EnumNodeKind.EFFECT:
        yield ContractFieldError(("effects",), f"only EFFECT nodes declare effects, not {kind}")
    if contract.dependencies and kind in (EnumNodeKind.COMPUTE, EnumNodeKind.REDUCER):
        yield ContractFieldError(
            ("dependencies",),
            f"{kind} nodes perform no I/O and take no dependencies; move the I/O to an EFFECT node",
        )
    if kind is EnumNodeKind.REDUCER and contract.fsm and contract.handler_routing:
        yield ContractFieldError(
            ("handler_routing",),
            "a reducer with an fsm folds every consumed message through it; remove handler_routing",
        )


def _messages(contract: "ModelContract") -> Problems:
    for section in ("consumes", "produces"):
        seen: set[str] = set()
        for index, binding in enumerate(getattr(contract, section)):
            if binding.message_name in seen:
                reason = f"{binding.message_name} is listed twice; each message has one topic"
                yield ContractFieldError((section, index, "message"), reason)
            seen.add(binding.message_name)
    allowed = _PRODUCES[contract.node_type]
    for index, binding in enumerate(contract.produces):
        if binding.validated_by != "runtime":
            reason = "only consumed messages can be validated by their handler"
            yield ContractFieldError(("produces", index, "validated_by"), reason)
        if binding.category not in allowed:
            names = " or ".join(f"onex.{category.value}.*" for category in sorted(allowed))
            yield ContractFieldError(
                ("produces", index, "topic"),
                f"{contract.node_type} nodes do not emit {binding.category.name} messages; "
                f"use a {names} topic",
            )


def _routes(contract: "ModelContract") -> Problems:
    consumed = [binding.message_name for binding in contract.consumes]
    routing = contract.handler_routing
    routed: set[str] = set()
    for index, route in enumerate(routing.handlers if routing else ()):
        name = short_name(route.event_model)
        where = ("handler_routing", "handlers", index, "event_model")
        if name not in consumed:
            yield ContractFieldError(
                where, f"{name} is not consumed; add it to consumes (consumes: {_list(consumed)})"
            )
        elif name in routed:
            yield ContractFieldError(where, f"{name} already has a handler")
        routed.add(name)
    if contract.fsm is not None or contract.workflow is not None:
        return  # the fsm takes every message; the workflow runs for those without a handler
    for index, name in enumerate(consumed):
        if name not in routed:
            yield ContractFieldError(
                ("consumes", index, "message"),
                f"no handler takes {name}; add it to handler_routing.handlers",
            )


def _fsm_triggers(contract: "ModelContract") -> Problems:
    if contract.fsm is None:
        return
    consumed = [binding.message_name for binding in contract.consumes]
    triggers = {transition.trigger for transition in contract.fsm.transitions}
    for index, transition in enumerate(contract.fsm.transitions):
        if transition.trigger not in consumed:
            yield ContractFieldError(
                ("fsm", "transitions", index, "trigger"),
                f"trigger {transition.trigger!r} is not a consumed message "
                f"(consumes: {_list(consumed)})",
            )
    for index, name in enumerate(consumed):
        if name not in triggers:
            yield ContractFieldError(
                ("consumes", index, "message"),
                f"no fsm transition is triggered by {name}; add one or stop consuming it",
            )


def _effects(contract: "ModelContract") -> Problems:
    adapters = {*contract.dependencies, *(short_name(dep) for dep in contract.dependencies)}
    seen: set[str] = set()
    for index, effect in enumerate(contract.effects):
        if effect.adapter not in adapters:
            yield ContractFieldError(
                ("effects", index, "adapter"),
                f"{effect.adapter} is not in dependencies; list the protocol there",
            )
        if effect.operation in seen:
            yield ContractFieldError(
                ("effects", index, "operation"), f"{effect.operation} is declared twice"
            )
        seen.add(effect.operation)


def _list(names: list[str]) -> str:
    return ", ".join(names) or "nothing"
