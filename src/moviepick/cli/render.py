"""Rich output for the headless commands: tables, summaries and a training progress bar."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from moviepick.data.summary import DatasetSummary
from moviepick.training.events import FitEvent

console = Console()
errors = Console(stderr=True)


def print_json(data: Any) -> None:
    """Plain JSON on stdout, for scripts (no colour, no wrapping)."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def format_metrics(metrics: Mapping[str, float]) -> str:
    return "  ".join(f"{name} {value:.4f}" for name, value in metrics.items())


@contextmanager
def _bar(progress: Progress, description: str, **fields: Any) -> Iterator[Callable[..., None]]:
    """Yields ``update(**task_fields)`` for one task. The bar appears with the first update, so
    work that ends before any (a saved model loaded, an early error) draws nothing."""
    task = progress.add_task(description, total=None, **fields)

    def update(**changes: Any) -> None:
        if not progress.live.is_started:
            progress.start()
        progress.update(task, **changes)

    try:
        yield update
    finally:
        progress.stop()


@contextmanager
def fit_progress(description: str, quiet: bool = False) -> Iterator[Callable[..., None]]:
    """A progress bar fed with ``FitEvent``s; yields ``report(event, stage="")``."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[metrics]}"),
        console=errors,
        disable=quiet,
    )
    with _bar(progress, description, metrics="") as update:

        def report(event: FitEvent, stage: str = "") -> None:
            update(
                description=f"{description} {stage}".rstrip(),
                completed=event.step,
                total=event.total,
                metrics=format_metrics(event.metrics),
            )

        yield report


@contextmanager
def download_progress(name: str) -> Iterator[Callable[[int, int | None], None]]:
    """A byte progress bar; yields a ``(done, total)`` callback."""
    progress = Progress(
        TextColumn(f"[bold]{name}"),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=errors,
    )
    with _bar(progress, name) as update:

        def report(done: int, total: int | None) -> None:
            update(completed=done, total=total)

        yield report


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    result = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        result.add_column(column, overflow="fold")
    for row in rows:
        result.add_row(*(cell if isinstance(cell, str) else _cell(cell) for cell in row))
    return result


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 100 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def summary_panel(summary: DatasetSummary) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    step = "half stars" if summary.rating_step == 0.5 else "whole stars"
    low, high = summary.rating_scale
    dates = f"{summary.first_rating} to {summary.last_rating}" if summary.first_rating else "–"
    facts.add_row("source", str(summary.source))
    facts.add_row("ratings", f"{summary.n_ratings:,}")
    facts.add_row("users", f"{summary.n_users:,}")
    facts.add_row("movies", f"{summary.n_movies:,} listed, {summary.n_rated_movies:,} rated")
    facts.add_row("scale", f"{low:g} to {high:g}, {step}; mean {summary.mean_rating:.2f}")
    facts.add_row("density", f"{summary.density:.2%}")
    facts.add_row("dates", dates)
    genres = ", ".join(f"{genre} ({count:,})" for genre, count in summary.top_genres)
    facts.add_row("top genres", genres or "–")
    return Panel(facts, title=f"[bold]{summary.name}", title_align="left", expand=False)
