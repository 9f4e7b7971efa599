"""Route each envelope to every dispatcher registered for it and collect what they did."""

import asyncio
import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import translate
from typing import TypeVar, cast

from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_spi import ProtocolMessageDispatcher

from omnibase_infra.enums import EnumDispatchStatus
from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.models.dispatch import ModelDispatchReport, ModelDispatchResult

PayloadT = TypeVar("PayloadT")
_RouteKey = tuple[str | None, EnumMessageCategory, str]
# Topics and message types are few; the bound only guards against unbounded topic names.
_MAX_CACHED_KEYS = 4096


@dataclass(frozen=True, slots=True)
class _Route:
    name: str
    dispatcher: ProtocolMessageDispatcher
    message_types: frozenset[str] | None
    category: EnumMessageCategory | None
    topic: re.Pattern[str] | None

    def matches(self, topic: str | None, category: EnumMessageCategory, message_type: str) -> bool:
        if self.category is not None and self.category is not category:
            return False
        if self.message_types is not None and message_type not in self.message_types:
            return False
        return self.topic is None or (topic is not None and self.topic.fullmatch(topic) is not None)


class MessageDispatchEngine:
    """Fan each envelope out to every matching dispatcher, concurrently, and report per dispatcher.

    A dispatcher matches when its category, message types and topic pattern (each optional,
    at least one given) all accept the envelope. The engine adds no resilience of its own:
    no breaker, no retry. A dispatcher that raises is recorded as a failure in the report
    and the others still run; cancellation is never swallowed.
    """

    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self._table: dict[_RouteKey, tuple[_Route, ...]] = {}

    def register(
        self,
        dispatcher: ProtocolMessageDispatcher,
        *,
        message_types: Iterable[str] | None = None,
        category: EnumMessageCategory | None = None,
        topic_pattern: str | None = None,
        name: str | None = None,
    ) -> None:
        """Send matching envelopes to `dispatcher`; `topic_pattern` is a glob (`*.onex.evt.*`)."""
        name = name or type(dispatcher).__name__
        types = None if message_types is None else frozenset(message_types)
        _check_registration(dispatcher, name, types, category, topic_pattern, self._routes)
        topic = None if topic_pattern is None else re.compile(translate(topic_pattern))
        self._routes.append(_Route(name, dispatcher, types, category, topic))
        self._table.clear()

    @property
    def dispatcher_names(self) -> tuple[str, ...]:
        """The registered dispatchers, in registration order."""
        return tuple(route.name for route in self._routes)

    async def dispatch(
        self, envelope: ModelEventEnvelope[PayloadT], topic: str | None = None
    ) -> ModelDispatchReport:
        """Run every dispatcher matching `envelope` (read from `topic`) and report the outcome."""
        routes = self._routes_for(topic, envelope.category, envelope.message_type)
        message = cast(ModelEventEnvelope[object], envelope)
        if len(routes) == 1:
            results = {routes[0].name: await _run(routes[0], message)}
        elif routes:
            outcomes = await asyncio.gather(*(_run(route, message) for route in routes))
            results = {route.name: outcome for route, outcome in zip(routes, outcomes, strict=True)}
        else:
            results = {}
        return ModelDispatchReport(envelope=message, topic=topic, results=results)

    def _routes_for(
        self, topic: str | None, category: EnumMessageCategory, message_type: str
    ) -> tuple[_Route, ...]:
        key = (topic, category, message_type)
        routes = self._table.get(key)
        if routes is None:
            if len(self._table) >= _MAX_CACHED_KEYS:
                self._table.clear()
            routes = tuple(r for r in self._routes if r.matches(topic, category, message_type))
            self._table[key] = routes
        return routes


async def _run(route: _Route, envelope: ModelEventEnvelope[object]) -> ModelDispatchResult:
    try:
        result = await route.dispatcher.handle(envelope)
        if isinstance(result, ModelDispatchResult):
            return result
        return ModelDispatchResult(
            status=EnumDispatchStatus.SUCCESS if result.succeeded else EnumDispatchStatus.FAILED,
            outputs=tuple(result.outputs),
        )
    except Exception as error:  # recorded in the report, never lost: see raise_for_errors()
        return ModelDispatchResult.failure(error)


def _check_registration(
    dispatcher: object,
    name: str,
    message_types: frozenset[str] | None,
    category: EnumMessageCategory | None,
    topic_pattern: str | None,
    routes: list[_Route],
) -> None:
    problem = None
    if not inspect.iscoroutinefunction(getattr(dispatcher, "handle", None)):
        problem = "it has no `async def handle(self, envelope)` method"
    elif message_types is None and category is None and topic_pattern is None:
        problem = "give at least one of message_types, category or topic_pattern"
    elif message_types is not None and not message_types:
        problem = "message_types is empty: it would never match (use None for all types)"
    elif any(route.name == name for route in routes):
        problem = f"the name {name!r} is already registered: pass a distinct name="
    if problem is not None:
        raise ProtocolConfigurationError(f"cannot register dispatcher {name!r}: {problem}")
