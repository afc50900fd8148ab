"""The collector pause around a branch's scoring: nested and threaded pauses never leave the
collector off, and a collector already off stays off."""

from __future__ import annotations

import gc
import threading

from jifen.ledger.scores import collector_paused


def test_the_collector_resumes_after_nested_pauses() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_the_collector_resumes_even_when_the_block_fails() -> None:
    try:
        with collector_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_collector_switched_off_elsewhere_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_in_threads_leave_the_collector_on() -> None:
    inside = threading.Barrier(2)
    leave = threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.wait()
            leave.wait()

    other = threading.Thread(target=hold)
    other.start()
    with collector_paused():
        inside.wait()
    assert not gc.isenabled()  # the other thread is still inside its block
    leave.set()
    other.join()
    assert gc.isenabled()
