"""Load-time checks of a workflow: unique names, known dependencies, no cycles."""

from typing import TYPE_CHECKING

from omnibase_core.errors.contract_field_error import ContractFieldError

if TYPE_CHECKING:
    from omnibase_core.workflow.model_workflow_definition import ModelWorkflowDefinition


def check_workflow(workflow: "ModelWorkflowDefinition") -> None:
    """Raise ContractFieldError at the first problem found in `workflow`."""
    index_of: dict[str, int] = {}
    for index, step in enumerate(workflow.steps):
        if step.name in index_of:
            reason = f"step name {step.name!r} is already used by steps.{index_of[step.name]}"
            raise ContractFieldError(("steps", index, "name"), reason)
        index_of[step.name] = index
    for index, step in enumerate(workflow.steps):
        for position, dependency in enumerate(step.depends_on):
            if dependency not in index_of:
                known = ", ".join(index_of)
                reason = f"unknown step {dependency!r}; steps: {known}"
                raise ContractFieldError(("steps", index, "depends_on", position), reason)
            if dependency == step.name:
                raise ContractFieldError(
                    ("steps", index, "depends_on", position), "a step cannot depend on itself"
                )
    cycle = find_cycle({step.name: step.depends_on for step in workflow.steps})
    if cycle:
        reason = f"dependency cycle: {' -> '.join(cycle)}"
        raise ContractFieldError(("steps", index_of[cycle[0]], "depends_on"), reason)


def find_cycle(graph: dict[str, tuple[str, ...]]) -> list[str] | None:
    """Return one cycle as [a, b, ..., a] (a depends on b ...), or None."""
    done: set[str] = set()
    for start in graph:
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, next_child = stack.pop()
            children = graph[node]
            if next_child == 0:
                path.append(node)
                on_path.add(node)
            if next_child < len(children):
                stack.append((node, next_child + 1))
                child = children[next_child]
                if child in on_path:
                    return [*path[path.index(child) :], child]
                if child not in done:
                    stack.append((child, 0))
                continue
            path.pop()
            on_path.discard(node)
            done.add(node)
    return None
