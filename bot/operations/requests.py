"""Which request a log line or a figure belongs to, across the ack and the lazy work.

A request gets an id when it arrives; the id and the request's kind live in a context
variable. Bolt runs lazy listeners in a thread pool, and a plain pool does not carry context
variables into its threads, so the app's listener executor is a `CarryingExecutor`: each task
runs in a copy of the context it was submitted from, under the same request id.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, replace
from typing import Any, ParamSpec, TypeVar

from bot.operations import metrics

log = logging.getLogger("netvaerk.requests")

_P = ParamSpec("_P")
_T = TypeVar("_T")


@dataclass
class RequestInfo:
    id: str
    kind: str  # command, action, view, event, shortcut, options, other
    failed: bool = False  # a handler failed (and the person got the apology)


_current: ContextVar[RequestInfo | None] = ContextVar("netvaerk_request", default=None)


def new_id() -> str:
    return secrets.token_hex(6)


def current() -> RequestInfo | None:
    return _current.get()


@contextmanager
def request_scope(kind: str, request_id: str | None = None) -> Iterator[RequestInfo]:
    """Everything logged inside belongs to one request."""
    info = RequestInfo(request_id or new_id(), kind)
    token = _current.set(info)
    try:
        yield info
    finally:
        _current.reset(token)


def mark_failed() -> None:
    """The request at hand failed; its figures and log line say so."""
    info = _current.get()
    if info is not None:
        info.failed = True


def _lazy(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Run lazy work under its request's id, timed, with its own success flag."""
    parent = _current.get()
    if parent is None:
        return fn(*args, **kwargs)
    info = replace(parent, failed=False)
    _current.set(info)  # this task runs in its own copy of the context
    started = time.perf_counter()
    try:
        return fn(*args, **kwargs)
    except BaseException:
        info.failed = True
        raise
    finally:
        seconds = time.perf_counter() - started
        result = "error" if info.failed else "ok"
        metrics.lazy_work(info.kind, result, seconds)
        log.info(
            "lazy work done",
            extra={"duration_ms": round(seconds * 1000, 1), "result": result},
        )


class CarryingExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks keep the request context they were submitted in."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        context = copy_context()

        def run() -> _T:
            return context.run(lambda: _lazy(fn, *args, **kwargs))

        return super().submit(run)
