"""A process writing the profile, killed (SIGKILL) at random moments: every change it saw
return is in the profile, the one it was making is in whole or not at all, and the profile
opens every time."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from moviepick.profile import Profile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

KILLS = 100

# Writes random changes for ever, printing each change before making it ("begin") and once
# the call has returned ("done"): a change is acknowledged by its "done". Each line goes out
# in one write, so a kill cannot cut one short.
WRITER = """
import json, random, sys
from moviepick.profile import Profile

def say(line):
    sys.stdout.write(line + "\\n")
    sys.stdout.flush()

profile = Profile(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
ids = [entry.entry_id for entry in profile.sequence()]
say("ready")
while True:
    movie = rng.randint(1, 30)
    kind = rng.choice(["rate", "unrate", "append", "move", "remove", "mark"])
    if kind in ("move", "remove") and len(ids) < 2:
        kind = "append"
    if kind == "rate":
        change = {"op": "rate", "movie": movie, "stars": rng.randint(1, 10) / 2}
    elif kind in ("unrate", "append"):
        change = {"op": kind, "movie": movie}
    elif kind == "move":
        index = rng.randrange(len(ids) - 1)
        change = {"op": "move", "index": index + 1, "offset": -1} if rng.random() < 0.5 else {
            "op": "move", "index": index, "offset": 1}
    elif kind == "remove":
        change = {"op": "remove", "index": rng.randrange(len(ids))}
    else:
        change = {"op": "mark", "list": rng.choice(["watchlist", "not_interested"]),
                  "movie": movie, "on": rng.random() < 0.7}
    say("begin " + json.dumps(change))
    op = change["op"]
    if op == "rate":
        profile.set_rating(movie, f"Movie {movie}", 2000, change["stars"])
    elif op == "unrate":
        profile.remove_rating(movie)
    elif op == "append":
        ids.append(profile.append_to_sequence(movie, f"Movie {movie}", 2000))
    elif op == "move":
        index, offset = change["index"], change["offset"]
        assert profile.move_in_sequence(ids[index], offset)
        ids.insert(index + offset, ids.pop(index))
    elif op == "remove":
        assert profile.remove_from_sequence(ids.pop(change["index"]))
    elif change["list"] == "watchlist":
        profile.set_watchlisted(movie, f"Movie {movie}", 2000, change["on"])
    else:
        profile.set_not_interested(movie, f"Movie {movie}", 2000, change["on"])
    say("done")
"""


@dataclass(frozen=True)
class State:
    """What the profile holds, as the writer changes it."""

    ratings: dict[int, float] = field(default_factory=dict)
    sequence: tuple[int, ...] = ()  # the movies, in sequence order
    watchlist: frozenset[int] = frozenset()
    not_interested: frozenset[int] = frozenset()


def read_state(path: Path) -> State:
    with Profile(path) as profile:
        return State(
            ratings={rating.movie_id: rating.stars for rating in profile.ratings()},
            sequence=tuple(entry.movie_id for entry in profile.sequence()),
            watchlist=frozenset(mark.movie_id for mark in profile.watchlist()),
            not_interested=frozenset(mark.movie_id for mark in profile.not_interested()),
        )


def apply(state: State, change: dict[str, Any]) -> State:
    op = change["op"]
    if op == "rate":
        return replace(state, ratings={**state.ratings, change["movie"]: change["stars"]})
    if op == "unrate":
        ratings = {
            movie: stars for movie, stars in state.ratings.items() if movie != change["movie"]
        }
        return replace(state, ratings=ratings)
    if op == "append":
        return replace(state, sequence=(*state.sequence, change["movie"]))
    if op in ("move", "remove"):
        sequence = list(state.sequence)
        movie = sequence.pop(change["index"])
        if op == "move":
            sequence.insert(change["index"] + change["offset"], movie)
        return replace(state, sequence=tuple(sequence))
    movie, chosen = change["movie"], change["list"]
    marks = {"watchlist": state.watchlist, "not_interested": state.not_interested}
    if change["on"]:  # on one list takes it off the other
        marks = {name: movies - {movie} for name, movies in marks.items()}
        marks[chosen] |= {movie}
    else:
        marks[chosen] -= {movie}
    return replace(state, watchlist=marks["watchlist"], not_interested=marks["not_interested"])


def run_and_kill(path: Path, seed: int, rng: random.Random) -> list[tuple[str, str]]:
    """Start the writer, kill it at a random moment (one time in ten before it has even opened
    the profile), and return what it printed: each ("begin", change) or ("done", "")."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(seed)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    if rng.random() < 0.1:
        time.sleep(rng.uniform(0, 0.05))
        lines = []
    else:
        lines = [writer.stdout.readline()]
        assert lines == ["ready\n"]
        time.sleep(rng.uniform(0, 0.05))
    writer.send_signal(signal.SIGKILL)
    lines += writer.stdout.readlines()
    writer.wait()
    assert writer.returncode == -signal.SIGKILL, "the writer ended before it was killed"
    words = [line.rstrip("\n").partition(" ") for line in lines if line != "ready\n"]
    return [(word, rest) for word, _, rest in words]


def test_no_acknowledged_change_is_lost_when_the_writer_is_killed(tmp_path):
    path = tmp_path / "profile.db"
    rng = random.Random(0)
    state = State()
    acknowledged = 0
    for seed in range(KILLS):
        said = run_and_kill(path, seed, rng)
        in_flight = None
        for word, rest in said:
            if word == "begin":
                in_flight = json.loads(rest)
            else:
                assert in_flight is not None
                state = apply(state, in_flight)
                acknowledged += 1
                in_flight = None
        found = read_state(path)  # opens after every kill
        if found != state and in_flight is not None:
            state = apply(state, in_flight)  # made, and killed before it could say so
        assert found == state, f"kill {seed}: the profile lost or half-made a change"
    assert acknowledged >= KILLS
