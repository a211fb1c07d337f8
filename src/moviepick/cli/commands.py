"""One function per subcommand: call the library, render the result."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from moviepick.cli import render
from moviepick.cli.params import collect_params
from moviepick.config import load_config
from moviepick.data.dataset import Dataset
from moviepick.errors import MoviepickError
from moviepick.models.base import Recommender
from moviepick.models.registry import create_model, model_class
from moviepick.profile import Profile
from moviepick.services.child_process import EventWriter, serve_events
from moviepick.services.datasets import open_dataset
from moviepick.services.model_choice import check_model_choice
from moviepick.services.picks import Picker, PickFilters
from moviepick.services.saved_models import load_or_train, train_and_save
from moviepick.services.train_process import saved_record
from moviepick.store import ModelInfo, ModelStore, curve_records
from moviepick.training.events import Progress


def train(args: argparse.Namespace) -> int:
    if args.events:
        return _train_with_events(args)
    dataset, params = _train_inputs(args)
    with render.fit_progress(f"{args.model} on {dataset.name}", quiet=args.json) as report:
        model, info = _train_and_save(args, dataset, params, report)
    device = getattr(model, "device_used", None)  # torch models say where they trained
    if args.json:
        render.print_json(
            {
                "name": info.name,
                "model": info.model,
                "dataset": info.dataset,
                "path": str(info.path),
                "params": info.params,
                "metrics": info.metrics,
                **({"device": device} if device else {}),
            }
        )
    else:
        if device:
            render.console.print(f"trained on {device}")
        render.console.print(
            f"saved [bold]{info.name}[/] to {info.path}  {render.format_metrics(info.metrics)}"
        )
    return 0


def _train_inputs(args: argparse.Namespace) -> tuple[Dataset, dict[str, Any]]:
    params = collect_params(args, model_class(args.model))
    create_model(args.model, **params)  # a hyper-parameter it refuses is said before any work
    return open_dataset(args.data), params


def _train_and_save(
    args: argparse.Namespace, dataset: Dataset, params: dict[str, Any], progress: Progress
) -> tuple[Recommender, ModelInfo]:
    return train_and_save(
        dataset,
        args.model,
        params,
        save_as=args.name,
        valid_fraction=args.valid_fraction,
        progress=progress,
    )


def _train_with_events(args: argparse.Namespace) -> int:
    """``train --events``: JSON lines on stdout for :class:`TrainProcess`."""

    def job(writer: EventWriter) -> dict[str, Any]:
        dataset, params = _train_inputs(args)
        _, info = _train_and_save(args, dataset, params, writer)
        return saved_record(info)

    return serve_events(job)


def recommend(args: argparse.Namespace) -> int:
    config = load_config()
    dataset = open_dataset(args.data, config)
    filters = _pick_filters(args, dataset.catalog.genre_names)
    if args.model is not None:
        check_model_choice(args.model, dataset)
    with Profile() as profile:
        picker = Picker(dataset, profile)
        for text in args.rate:
            title, stars = _parse_rate(text)
            item = picker.find(title)
            picker.rate(item, stars)
            if not args.json:
                render.errors.print(f"rated {dataset.catalog.label(item)}: {stars:g}")
        label = f"training {args.model or config.model}"
        with render.fit_progress(label, quiet=args.json) as report:
            model, info = load_or_train(dataset, args.model, config.model, progress=report)
        ask = picker.what_next if args.what_next else picker.recommend
        picks = ask(model, args.n, filters)
        unmatched = picker.unmatched()
    catalog = dataset.catalog
    if args.json:
        render.print_json(
            [
                {
                    "rank": rank,
                    "movieId": int(catalog.movie_ids[pick.item]),
                    "title": catalog.titles[pick.item],
                    "year": catalog.year(pick.item),
                    "genres": catalog.genres_of(pick.item),
                    "score": round(pick.score, 4),
                    "reason": pick.reason,
                }
                for rank, pick in enumerate(picks, 1)
            ]
        )
        return 0
    for entry in unmatched:
        year = f" ({entry.year})" if entry.year else ""
        render.errors.print(f"[yellow]not in {dataset.name}, ignored:[/] {entry.title}{year}")
    rows = [
        (
            str(rank),
            catalog.titles[pick.item],
            str(catalog.year(pick.item) or "–"),
            ", ".join(catalog.genres_of(pick.item)),
            pick.score,
            pick.reason,
        )
        for rank, pick in enumerate(picks, 1)
    ]
    heading = "What next, by" if args.what_next else "Recommended by"
    title = f"{heading} {info.name} ({info.model}, {dataset.name})"
    columns = ["#", "title", "year", "genres", "score", "why"]
    render.console.print(render.table(title, columns, rows))
    return 0


def _pick_filters(args: argparse.Namespace, genre_names: tuple[str, ...]) -> PickFilters:
    """The filters the recommend flags ask for; a MoviepickError for a genre the dataset lacks
    (genres match whatever their case) or a diversity outside 0..1."""
    by_key = {name.casefold(): name for name in genre_names}
    unknown = [genre for genre in args.genre if genre.casefold() not in by_key]
    if unknown:
        raise MoviepickError(
            f"no genre {unknown[0]!r} in this dataset; its genres: {', '.join(genre_names)}"
        )
    if not 0.0 <= args.diversity <= 1.0:
        raise MoviepickError(f"--diversity goes from 0 to 1, not {args.diversity:g}")
    return PickFilters(
        genres=frozenset(by_key[genre.casefold()] for genre in args.genre),
        year_from=args.from_year,
        year_to=args.to_year,
        diversity=args.diversity,
    )


def _parse_rate(text: str) -> tuple[str, float]:
    title, separator, value = text.rpartition("=")
    if not separator or not title.strip():
        raise MoviepickError(f"--rate wants TITLE=STARS, e.g. 'The Matrix=4.5', not {text!r}")
    try:
        stars = float(value)
    except ValueError:
        raise MoviepickError(f"--rate {text!r}: {value!r} is not a number of stars") from None
    if not 0.5 <= stars <= 5 or stars * 2 != int(stars * 2):
        raise MoviepickError(f"--rate {text!r}: stars go from 0.5 to 5 in half steps")
    return title.strip(), stars


def data_download(args: argparse.Namespace) -> int:
    from moviepick.data.download import download_dataset

    with render.download_progress(args.name) as report:
        path = download_dataset(args.name, progress=report)
    render.console.print(f"installed {args.name} in {path}")
    return 0


def data_list(args: argparse.Namespace) -> int:
    from moviepick.data.download import installed_datasets
    from moviepick.data.registry import registry

    installed = set(installed_datasets())
    specs = registry().values()
    if args.json:
        render.print_json(
            [{"name": s.name, "url": s.url, "installed": s.name in installed} for s in specs]
        )
        return 0
    rows = [
        (
            s.name,
            _approx(s.ratings, s.counts_approx),
            _approx(s.users, s.counts_approx),
            _approx(s.movies, s.counts_approx),
            _approx_mb(s.zip_bytes, s.size_approx),
            "yes" if s.name in installed else "",
        )
        for s in specs
    ]
    columns = ["name", "ratings", "users", "movies", "download", "installed"]
    render.console.print(render.table("MovieLens datasets", columns, rows))
    return 0


def _approx(count: int, approximate: bool) -> str:
    return f"~{count:,}" if approximate else f"{count:,}"


def _approx_mb(size: int, approximate: bool) -> str:
    return f"{'~' if approximate else ''}{size / 1e6:.1f} MB"


def data_info(args: argparse.Namespace) -> int:
    from moviepick.data.summary import summarize

    summary = summarize(open_dataset(args.data))
    if args.json:
        render.print_json(summary.as_record())
        return 0
    render.console.print(render.summary_panel(summary))
    return 0


FIT_SECONDS = "fit seconds"
FIGURES = "figures"


def models_list(args: argparse.Namespace) -> int:
    infos = ModelStore().list()
    if args.json:
        render.print_json(
            [
                {
                    "name": i.name,
                    "model": i.model,
                    "dataset": i.dataset,
                    "created": i.created_text,
                    "params": i.params,
                    "metrics": i.metrics,
                    "curve": curve_records(i.curve),
                }
                for i in infos
            ]
        )
        return 0
    if not infos:
        render.console.print("no saved models yet: try `moviepick train als`")
        return 0
    figures = [_Items(_figure_items(info)) for info in infos]
    table = _models_table(infos, figures)
    console = render.console
    width = Measurement.get(console, console.options.update_width(sys.maxsize), table).maximum
    if not console.is_terminal:
        # Piped: as wide as the content needs, so a script or a file gets whole lines rather
        # than ones wrapped at 80 columns.
        Console(width=width, file=console.file).print(table)
    elif width - _figures_slack(figures) <= console.width:
        console.print(table)
    else:
        console.print(_models_blocks(infos, figures))
    return 0


def _figure_items(info: ModelInfo) -> list[str]:
    return [
        f"{name} {_figure(value)}" for name, value in info.metrics.items() if name != FIT_SECONDS
    ]


def _models_table(infos: list[ModelInfo], figures: list[_Items]) -> Table:
    table = Table(title="Saved models", title_justify="left", header_style="bold")
    for column in ("name", "model", "dataset", "trained"):
        table.add_column(column, no_wrap=True)
    table.add_column("fit", no_wrap=True, justify="right")
    table.add_column(FIGURES)
    for info, items in zip(infos, figures, strict=True):
        table.add_row(
            info.name,
            info.model,
            info.dataset,
            info.created_text,
            _duration(info.metrics.get(FIT_SECONDS)),
            items,
        )
    return table


def _figures_slack(figures: list[_Items]) -> int:
    """How much narrower than its natural width the figures column can be with whole items."""
    natural = max(len(FIGURES), *(item.measure().maximum for item in figures))
    narrowest = max(len(FIGURES), *(item.measure().minimum for item in figures))
    return natural - narrowest


def _models_blocks(infos: list[ModelInfo], figures: list[_Items]) -> Group:
    """For a terminal too narrow for the table: each model on a line, its figures below."""
    blocks: list[RenderableType] = [Text("Saved models", style="italic")]
    for info, items in zip(infos, figures, strict=True):
        fit = _duration(info.metrics.get(FIT_SECONDS))
        about = f"  {info.model} on {info.dataset}, trained {info.created_text}, fit {fit}"
        blocks += [
            Text.assemble((info.name, "bold"), about),
            Padding(items, (0, 0, 0, 2), expand=False),
        ]
    return Group(*blocks)


def _figure(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float):
        return "–"
    if seconds < 60:
        return f"{seconds:.3g} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class _Items:
    """Short texts side by side, two spaces apart, that break onto a new line only between
    items (rich would break inside one, between a metric's name and its value)."""

    def __init__(self, items: list[str]) -> None:
        self.items = items

    def measure(self) -> Measurement:
        widest = max((cell_len(item) for item in self.items), default=0)
        return Measurement(widest, cell_len("  ".join(self.items)))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return self.measure()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines: list[str] = []
        for item in self.items:
            if lines and cell_len(f"{lines[-1]}  {item}") <= options.max_width:
                lines[-1] = f"{lines[-1]}  {item}"
            else:
                lines.append(item)
        yield Text("\n".join(lines), overflow="fold")


def models_delete(args: argparse.Namespace) -> int:
    ModelStore().delete(args.name)
    render.console.print(f"deleted {args.name}")
    return 0
