"""The app's collector policy: full collections only once input has been still."""

from __future__ import annotations

import gc
from types import SimpleNamespace

import pytest

from moviepick.tui import collector
from moviepick.tui.collector import (
    EVERY_SECONDS,
    MIDDLE_THRESHOLD,
    MOST_SECONDS,
    PUT_OFF_THRESHOLD,
    QUIET_SECONDS,
    YOUNG_THRESHOLD,
    IdleCollector,
)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    now = SimpleNamespace(t=1000.0)
    monkeypatch.setattr(collector, "time", SimpleNamespace(monotonic=lambda: now.t))
    return now


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    monkeypatch.setattr(collector.gc, "collect", lambda: made.append(1))
    monkeypatch.setattr(collector.gc, "freeze", lambda: None)
    return made


def test_start_puts_off_full_collections_and_stop_gives_the_thresholds_back():
    before = gc.get_threshold()
    idle = IdleCollector()
    idle.start()
    try:
        assert gc.get_threshold() == (YOUNG_THRESHOLD, MIDDLE_THRESHOLD, PUT_OFF_THRESHOLD)
    finally:
        idle.stop()
    assert gc.get_threshold() == before


def test_a_full_collection_waits_for_still_input(clock, collections):
    idle = IdleCollector()
    clock.t += EVERY_SECONDS
    idle.saw_input()
    idle.tick()
    assert collections == []  # someone is typing
    clock.t += QUIET_SECONDS
    idle.tick()
    assert collections == [1]
    clock.t += QUIET_SECONDS
    idle.tick()
    assert collections == [1]  # not again so soon


def test_typing_for_long_still_gets_its_collection(clock, collections):
    idle = IdleCollector()
    for _ in range(int(MOST_SECONDS) + 1):
        clock.t += 1.0
        idle.saw_input()
        idle.tick()
    assert collections == [1]
