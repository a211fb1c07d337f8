"""Shown when no dataset can be opened: offers the download, or says how to pass --data."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from moviepick.tui.messages import DatasetDownloaded, DownloadProgress, error_text


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


class NoDatasetScreen(Screen[Path | None]):
    """Dismissed with the folder of the downloaded dataset, or None when the person quits."""

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

    @on(Button.Pressed, "#download")
    def _download_pressed(self) -> None:
        self.query_one("#download", Button).disabled = True
        self.query_one("#download-progress").display = True
        self.query_one("#download-status", Label).update("Connecting…")
        self.download(self.dataset)

    @on(Button.Pressed, "#quit")
    def _quit_pressed(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="download")
    def download(self, name: str) -> None:
        from moviepick.data.download import download_dataset

        path = download_dataset(
            name, progress=lambda done, total: self.post_message(DownloadProgress(done, total))
        )
        self.post_message(DatasetDownloaded(path))

    def on_download_progress(self, message: DownloadProgress) -> None:
        self.query_one("#download-bar", ProgressBar).update(
            total=message.total, progress=message.done
        )
        total = f" of {_megabytes(message.total)}" if message.total else ""
        self.query_one("#download-status", Label).update(
            f"Downloaded {_megabytes(message.done)}{total}"
        )

    def on_dataset_downloaded(self, message: DatasetDownloaded) -> None:
        self.dismiss(message.path)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        self.query_one("#download", Button).disabled = False
        self.query_one("#download-progress").display = False
        self.notify(
            error_text(event.worker.error), title="Download failed", severity="error", timeout=15
        )
