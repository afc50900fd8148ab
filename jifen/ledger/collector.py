"""Pausing Python's cyclic garbage collector around a burst of short-lived, acyclic objects
(a branch's year scored): ``collector_paused``."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pause_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block that allocates many short-lived,
    acyclic objects (a branch's year: 10,000 facts and their results). Reference counting still
    frees every one of them; what is saved is the collector's full passes over the whole process
    heap that such a burst of allocations triggers midway (50–150 ms each, for nothing to
    collect). The collector resumes when the last paused block in the process ends (threads
    count their pauses under a lock, so none leaves it off for good)."""
    global _pauses, _resume  # noqa: PLW0603 (one collector per process)
    with _pause_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
