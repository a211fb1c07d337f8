"""Lab: the trained models, training with live curves, evaluation and the leaderboard, and two
models compared on your taste; every job runs in a child process, one after another."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from moviepick.tui.screens.base import AppScreen


class LabScreen(AppScreen):
    MODE = "lab"

    def compose_body(self) -> ComposeResult:
        yield Static("The model lab", id="lab-body")
