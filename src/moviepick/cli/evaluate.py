"""``moviepick evaluate``: fit models on the protocols' splits and print their leaderboards."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from moviepick.cli import render
from moviepick.data.dataset import Dataset
from moviepick.errors import ModelError, MoviepickError
from moviepick.evaluation.evaluate import FIT_SECONDS
from moviepick.evaluation.events import EvaluationEvent
from moviepick.evaluation.leaderboard import evaluate_or_reuse, rank_records
from moviepick.evaluation.protocols import (
    Protocol,
    models_for,
    protocol,
    protocols_for,
    supports,
)
from moviepick.services.child_process import EventWriter, serve_events
from moviepick.services.datasets import open_dataset
from moviepick.services.evaluate_process import done_record, result_record, skipped_record
from moviepick.services.leaderboards import model_label

OnEvent = Callable[[EvaluationEvent], None]


def evaluate(args: argparse.Namespace) -> int:
    if args.events:
        return _evaluate_with_events(args)
    dataset, plan = _plan(args)
    report = _ConsoleReport(quiet=args.json)
    leaderboards = [
        (spec, _leaderboard(args, dataset, spec, names, report)) for spec, names in plan
    ]
    if args.json:
        render.print_json([record for _, records in leaderboards for record in records])
        return 0
    for spec, records in leaderboards:
        _print_leaderboard(dataset, spec, records)
    return 0


def _evaluate_with_events(args: argparse.Namespace) -> int:
    """``evaluate --events``: JSON lines on stdout for :class:`EvaluateProcess`."""

    def job(writer: EventWriter) -> dict[str, Any]:
        report = _EventsReport(writer)
        dataset, plan = _plan(args)
        for spec, names in plan:
            _leaderboard(args, dataset, spec, names, report)
        return done_record()

    return serve_events(job)


def _plan(args: argparse.Namespace) -> tuple[Dataset, list[tuple[Protocol, list[str]]]]:
    """The dataset, and each protocol to evaluate on with its models."""
    if args.all == bool(args.models):
        raise MoviepickError("name the models to evaluate, or give --all (not both)")
    named = list(dict.fromkeys(args.models))
    # protocols asked for are checked before the data is read, so a mistake comes first
    plan = [
        (spec, _models_to_evaluate(named, spec, every_protocol=False))
        for spec in (protocol(name) for name in dict.fromkeys(args.protocol or []))
    ]
    dataset = open_dataset(args.data)
    if not plan:
        plan = [
            (spec, _models_to_evaluate(named, spec, every_protocol=True))
            for spec in (protocol(name) for name in protocols_for(dataset.name))
        ]
    return dataset, [(spec, names) for spec, names in plan if names]


def _models_to_evaluate(named: list[str], spec: Protocol, every_protocol: bool) -> list[str]:
    """The models to evaluate on ``spec``: every one that takes part without names; the named
    ones, which must take part when the protocol was asked for, else those that do."""
    if not named:
        return models_for(spec.name)
    unsupported = [name for name in named if not supports(name, spec.name)]
    if unsupported and not every_protocol:
        raise MoviepickError(
            f"{spec.name} scores predicted ratings; {', '.join(unsupported)} "
            "cannot predict ratings (try --protocol top-n or next-item)"
        )
    return [name for name in named if name not in unsupported]


def _leaderboard(
    args: argparse.Namespace,
    dataset: Dataset,
    spec: Protocol,
    names: list[str],
    report: _ConsoleReport | _EventsReport,
) -> list[dict[str, Any]]:
    """The records of ``names`` on ``spec``, best first; a model that refuses the data is
    skipped under ``--all``."""
    records = []
    for name in names:
        with report.evaluating(name, spec) as on_event:
            try:
                record, was_stored = evaluate_or_reuse(
                    name,
                    dataset,
                    spec.name,
                    retrain=args.retrain,
                    progress=on_event,
                    seed=args.seed,
                )
            except ModelError as error:
                if not args.all:
                    raise
                report.skipped(name, spec, error)
                continue
        record = {**record, "reused": was_stored}
        report.evaluated(record)
        records.append(record)
    if not records:
        raise MoviepickError(f"no model could be evaluated on {spec.name}")
    return rank_records(records, spec.name)


class _ConsoleReport:
    """Plain ``evaluate``: a progress bar per model (none under ``--json``), a skip warned."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    @contextlib.contextmanager
    def evaluating(self, name: str, spec: Protocol) -> Iterator[OnEvent]:
        with render.fit_progress(f"{name} {spec.name}", quiet=self.quiet) as report:
            yield lambda event: report(event.event, event.stage)

    def skipped(self, name: str, spec: Protocol, error: ModelError) -> None:
        render.errors.print(f"[yellow]skipped {name} on {spec.name}:[/] {error}")

    def evaluated(self, record: dict[str, Any]) -> None:
        """Printed with the leaderboard, once every model is evaluated."""


class _EventsReport:
    """``evaluate --events``: a line per progress event, skip and result."""

    def __init__(self, writer: EventWriter) -> None:
        self.writer = writer

    @contextlib.contextmanager
    def evaluating(self, name: str, spec: Protocol) -> Iterator[OnEvent]:
        def on_event(event: EvaluationEvent) -> None:
            self.writer.progress(event.event, model=name, protocol=spec.name, stage=event.stage)

        yield on_event

    def skipped(self, name: str, spec: Protocol, error: ModelError) -> None:
        self.writer.write(skipped_record(name, spec.name, str(error)))

    def evaluated(self, record: dict[str, Any]) -> None:
        self.writer.write(result_record(record))


def _print_leaderboard(dataset: Dataset, spec: Protocol, records: list[dict[str, Any]]) -> None:
    columns = ["model", *spec.metrics, FIT_SECONDS]
    rows = [
        [
            model_label(record),
            *(record.get(name) for name in spec.metrics),
            f"{record[FIT_SECONDS]:.2f}",
        ]
        for record in records
    ]
    folds = records[0]["folds"]
    mean_of = f", mean of {folds} folds" if folds > 1 else ""
    title = f"{spec.name} on {dataset.name}: {spec.description}{mean_of}"
    render.console.print(render.table(title, columns, rows))
    reused = [record["model"] for record in records if record["reused"]]
    if reused:
        render.console.print(
            f"[dim]stored results reused for {', '.join(reused)} (--retrain to evaluate again)"
        )
