"""Shown when no dataset can be opened: offers the download, or says how to pass --data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, ProgressBar, Static

if TYPE_CHECKING:
    from moviepick.tui.app import MoviepickApp
    from moviepick.tui.state import Download


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


class NoDatasetScreen(Screen[Path | None]):
    """Dismissed with the folder of the downloaded dataset, or None when the person quits.

    The app downloads; this screen shows how far its download got (``MoviepickApp.download``).
    """

    app: MoviepickApp

    def __init__(self, reason: str, dataset: str) -> None:
        super().__init__()
        self.reason = reason
        self.dataset = dataset

    def compose(self) -> ComposeResult:
        from moviepick.data.registry import spec
        from moviepick.paths import datasets_dir

        size = _megabytes(spec(self.dataset).zip_bytes)
        with Vertical(id="no-dataset"):
            yield Static("No MovieLens dataset yet", classes="title")
            yield Static(self.reason, id="reason")
            yield Static(
                f"moviepick can download {self.dataset} (about {size}) from GroupLens into "
                f"{datasets_dir()}."
            )
            with Horizontal(id="choices"):
                yield Button(f"Download {self.dataset}", id="download", variant="primary")
                yield Button("Quit", id="quit")
            with Horizontal(id="download-progress"):
                yield ProgressBar(id="download-bar", show_eta=False)
                yield Label(id="download-status")
            yield Static(
                "Or quit and start moviepick with --data PATH, a MovieLens folder or zip "
                "you already have.",
                classes="muted",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#download-progress").display = False
        self.query_one("#download", Button).focus()
        self.watch(self.app, "download", self._show_download, init=False)

    @on(Button.Pressed, "#download")
    def _download_pressed(self) -> None:
        self.query_one("#download", Button).disabled = True
        self.query_one("#download-progress").display = True
        self.query_one("#download-status", Label).update("Connecting…")
        self.app.start_download()

    @on(Button.Pressed, "#quit")
    def _quit_pressed(self) -> None:
        self.dismiss(None)

    def _show_download(self, download: Download | None) -> None:
        if download is None:
            return
        if download.installed is not None:
            self.dismiss(download.installed)
        elif download.failed:
            self.query_one("#download", Button).disabled = False
            self.query_one("#download-progress").display = False
        else:
            self.query_one("#download-bar", ProgressBar).update(
                total=download.total, progress=download.done
            )
            total = f" of {_megabytes(download.total)}" if download.total else ""
            self.query_one("#download-status", Label).update(
                f"Downloaded {_megabytes(download.done)}{total}"
            )
