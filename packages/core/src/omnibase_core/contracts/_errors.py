"""Turn Pydantic validation errors into contract issues with lines and hints."""

import difflib
import types
from typing import Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from omnibase_core.contracts._yaml import Loc, YamlDocument
from omnibase_core.errors.contract_checks_error import ContractChecksError
from omnibase_core.errors.contract_field_error import ContractFieldError
from omnibase_core.errors.model_contract_issue import ModelContractIssue


def issues_from_validation(
    error: ValidationError, model: type[BaseModel], document: YamlDocument, file: str
) -> list[ModelContractIssue]:
    """One issue per Pydantic error (and per problem inside a ContractChecksError)."""
    issues = []
    details = error.errors(include_url=False)
    for detail in details:
        loc = _clean(detail["loc"])
        if detail["type"] == "too_short" and _has_deeper(details, detail["loc"]):
            continue  # "at least 1 item" only because an item failed: the item says why
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, ContractChecksError):
            issues += [issue_at(file, document, (*loc, *p.loc), p.reason) for p in cause.problems]
        elif isinstance(cause, ContractFieldError):
            issues.append(issue_at(file, document, (*loc, *cause.loc), cause.reason))
        else:
            issues.append(_from_detail(detail, loc, model, document, file))
    return issues


def _has_deeper(details: list[ErrorDetails], loc: tuple[str | int, ...]) -> bool:
    return any(len(d["loc"]) > len(loc) and d["loc"][: len(loc)] == loc for d in details)


def issue_at(
    file: str, document: YamlDocument, loc: Loc, reason: str, hint: str | None = None
) -> ModelContractIssue:
    """An issue at `loc`, with the line of `loc` (or of its nearest parent) in the file."""
    field = ".".join(str(part) for part in loc) or "(contract)"
    return ModelContractIssue(
        file=file, line=document.line_of(loc), field=field, reason=reason, hint=hint
    )


def _from_detail(
    detail: ErrorDetails, loc: Loc, model: type[BaseModel], document: YamlDocument, file: str
) -> ModelContractIssue:
    kind = detail["type"]
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return issue_at(file, document, loc, "unknown field", hint)
    if kind == "missing":
        return issue_at(file, document, loc, "required field is missing", f"add '{loc[-1]}:'")
    message = detail["msg"].removeprefix("Value error, ")
    return issue_at(file, document, loc, message[:1].lower() + message[1:])


def _clean(loc: tuple[str | int, ...]) -> Loc:
    # Pydantic adds validator and union tags such as 'function-after[...]' to locations.
    return tuple(part for part in loc if isinstance(part, int) or "[" not in part)


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The YAML keys allowed in the mapping at `loc` (empty when unknown)."""
    current: object = model
    for part in loc:
        current = _model_in(current)
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = next(
            (f for name, f in current.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return []
        current = field.annotation
    current = _model_in(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _model_in(annotation: object) -> object:
    """The model inside `X | None`, `tuple[X, ...]`, `list[X]` or `dict[str, X]`."""
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            models = [a for a in get_args(annotation) if a is not type(None)]
            annotation = models[0] if len(models) == 1 else annotation
            if len(models) != 1:
                return annotation
        elif origin in (tuple, list, dict):
            annotation = get_args(annotation)[-1 if origin is dict else 0]
        else:
            return annotation
