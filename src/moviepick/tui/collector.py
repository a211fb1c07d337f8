"""When the garbage collector walks everything: while nobody types.

A full collection walks every tracked object (the widgets of six screens and their render
caches: tens of thousands) and holds the event loop meanwhile: 35 ms on a quiet machine, over
200 ms while a training takes the other core, whenever the allocation counts say so, often in
the middle of typing. The app keeps the young generations' collections as they are (they are
short), puts off the full ones, and runs them itself once the keyboard and mouse have been
still for a moment.

Rendering leaves cyclic garbage all the time (Textual's strips and their caches, the rows of
a table refilled), about 10,000 objects a second of typing: put off for half a minute, one
collection of it took 420 ms. So the pauses are taken often, and a long burst of typing gets
its collection after MOST_SECONDS whatever the keys.
"""

from __future__ import annotations

import gc
import time

# Full collections wait for this many collections of the middle generation (Python's own
# default is 10); only :class:`IdleCollector` runs them before that.
PUT_OFF_THRESHOLD = 10_000
# Allocations between young collections (Python's default: 700). A table refilled per key
# lives a few hundred milliseconds: with the default it is promoted to the oldest generation
# before it dies, where only a full collection frees it.
YOUNG_THRESHOLD = 10_000
MIDDLE_THRESHOLD = 5  # young collections between middle ones: the middle stays under 50,000
QUIET_SECONDS = 0.5  # no input for this long: nobody is typing
EVERY_SECONDS = 1.5  # at most one full collection this often while input is still
MOST_SECONDS = 30.0  # never longer than this without one
FREEZES = 6  # the first collections freeze what survives them: the screens as they are built
CHECK_SECONDS = 0.25  # how often the app asks :meth:`IdleCollector.tick`


class IdleCollector:
    """Puts off the collector's full collections to moments without input."""

    def __init__(self) -> None:
        self._last_input = time.monotonic()
        self._last_full = time.monotonic()
        self._thresholds = gc.get_threshold()
        self._freezes = 0

    def start(self) -> None:
        gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, PUT_OFF_THRESHOLD)

    def stop(self) -> None:
        gc.set_threshold(*self._thresholds)

    def saw_input(self) -> None:
        self._last_input = time.monotonic()

    def tick(self) -> None:
        """Collect everything when input has been still for QUIET_SECONDS and the last full
        collection is EVERY_SECONDS old, or when it is MOST_SECONDS old."""
        now = time.monotonic()
        since_full = now - self._last_full
        quiet = now - self._last_input >= QUIET_SECONDS
        if quiet and since_full >= EVERY_SECONDS or since_full >= MOST_SECONDS:
            gc.collect()
            if self._freezes < FREEZES:
                gc.freeze()
                self._freezes += 1
            self._last_full = time.monotonic()
