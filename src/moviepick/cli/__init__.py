"""``moviepick``: the TUI with no subcommand, headless commands otherwise.

This module only parses arguments; each subcommand is a function in :mod:`commands`. With no
subcommand the app opens without that module or the full parser (:func:`_app_arguments`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from moviepick import __version__
from moviepick.errors import MoviepickError

if TYPE_CHECKING:
    from moviepick.evaluation.protocols import Protocol


def _data_option(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--data",
        metavar="PATH",
        default=default,
        help="MovieLens folder or zip, or a downloaded dataset's name (default: $MOVIEPICK_DATA, "
        "the config, then the downloaded ml-latest-small)",
    )


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _protocols_help() -> str:
    from moviepick.evaluation.protocols import PROTOCOLS

    def line(spec: Protocol) -> str:
        notes = ["rating models only"] if spec.needs_ratings else []
        notes += [f"only on {spec.only_on}"] if spec.only_on else []
        return f"{spec.name}: {spec.description}" + (f" ({', '.join(notes)})" if notes else "")

    return "; ".join(line(spec) for spec in PROTOCOLS.values())


def build_parser() -> argparse.ArgumentParser:
    from moviepick.cli import commands, evaluate, stats_command
    from moviepick.cli.params import add_param_flags
    from moviepick.evaluation.protocols import PROTOCOLS
    from moviepick.models.registry import model_class, model_names

    parser = argparse.ArgumentParser(
        prog="moviepick",
        description="Pick your next movie in the terminal; train and compare recommenders "
        "on MovieLens. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"moviepick {__version__}")
    _data_option(parser)
    parser.set_defaults(handler=_open_app)
    commands_parser = parser.add_subparsers(title="commands", metavar="COMMAND")

    # Subcommands repeat --data so it may come before or after them.
    def subcommand(name: str, help_text: str, **kwargs: object) -> argparse.ArgumentParser:
        sub = commands_parser.add_parser(name, help=help_text, description=help_text, **kwargs)
        _data_option(sub, default=argparse.SUPPRESS)
        return sub

    train = subcommand("train", "train a model on a dataset and save it")
    train_models = train.add_subparsers(title="models", metavar="MODEL", required=True)
    for name in model_names():
        cls = model_class(name)
        model_parser = train_models.add_parser(name, help=cls.description)
        _data_option(model_parser, default=argparse.SUPPRESS)
        add_param_flags(model_parser, cls)
        model_parser.add_argument("--name", help=f"save as NAME (default: {name}-DATASET)")
        model_parser.add_argument(
            "--valid-fraction",
            type=float,
            default=0.1,
            metavar="F",
            help="share of ratings held out to report validation figures (default: 0.1; "
            "a model of the order holds out each person's latest movie instead; 0: none)",
        )
        _json_option(model_parser)
        model_parser.add_argument(
            "--events",
            action="store_true",
            help="instead of the progress bar, print one JSON object a line as training goes: "
            "progress, then saved or error (what the app reads from its training process)",
        )
        model_parser.set_defaults(handler=commands.train, model=name)

    evaluate_parser = subcommand(
        "evaluate",
        "train and evaluate models on a seeded protocol and print the leaderboard; a result "
        "stored for the same model, parameters, dataset and seed is reused",
    )
    evaluate_parser.add_argument("models", nargs="*", metavar="MODEL", help="models to evaluate")
    evaluate_parser.add_argument(
        "--all", action="store_true", help="every model that takes part in the protocol"
    )
    evaluate_parser.add_argument(
        "--protocol",
        action="append",
        choices=list(PROTOCOLS),
        help=f"{_protocols_help()}. Repeat it for several; default: every protocol that "
        "applies to the data, each with the models that take part",
    )
    evaluate_parser.add_argument(
        "--retrain", action="store_true", help="evaluate again even where a result is stored"
    )
    evaluate_parser.add_argument("--seed", type=int, default=0, help="split seed (default: 0)")
    _json_option(evaluate_parser)
    evaluate_parser.add_argument(
        "--events",
        action="store_true",
        help="instead of progress bars and the leaderboard, print one JSON object a line: "
        "each model's progress and result, then done or error (what the app reads from its "
        "evaluation process)",
    )
    evaluate_parser.set_defaults(handler=evaluate.evaluate)

    recommend = subcommand(
        "recommend",
        "print picks for your profile: your ratings, watch sequence and marks (what you "
        "rated, watched, put on the watchlist or marked not interested is not picked)",
    )
    recommend.add_argument(
        "--model",
        metavar="MODEL",
        help=f"a model type ({', '.join(model_names())}), trained and saved when none is "
        "saved yet, or the name of a saved model (see `moviepick models list`); default: the "
        "newest model saved for the dataset, else the config's model",
    )
    recommend.add_argument("-n", type=int, default=20, help="how many (default: 20)")
    recommend.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="'TITLE=STARS'",
        help="rate a movie first and keep the rating (repeatable), e.g. --rate 'The Matrix=4.5'",
    )
    recommend.add_argument(
        "--genre",
        action="append",
        default=[],
        metavar="GENRE",
        help="only movies of this genre (repeatable: any of them)",
    )
    recommend.add_argument("--from-year", type=int, metavar="YEAR", help="only movies from YEAR")
    recommend.add_argument("--to-year", type=int, metavar="YEAR", help="only movies up to YEAR")
    recommend.add_argument(
        "--diversity",
        type=float,
        default=0.0,
        metavar="D",
        help="0 to 1: how much to favour picks unlike the ones above them (default: 0)",
    )
    recommend.add_argument(
        "--what-next",
        action="store_true",
        help="what to watch after your watch sequence, from the sequence alone",
    )
    _json_option(recommend)
    recommend.set_defaults(handler=commands.recommend)

    data = subcommand("data", "download and inspect MovieLens datasets")
    data_commands = data.add_subparsers(title="data commands", metavar="ACTION", required=True)
    download = data_commands.add_parser("download", help="download and verify a dataset")
    download.add_argument("name", metavar="NAME", help="a dataset name, see `moviepick data list`")
    download.set_defaults(handler=commands.data_download)
    data_list = data_commands.add_parser("list", help="the known datasets and which are installed")
    _json_option(data_list)
    data_list.set_defaults(handler=commands.data_list)
    info = data_commands.add_parser("info", help="summarise a dataset")
    _data_option(info, default=argparse.SUPPRESS)
    _json_option(info)
    info.set_defaults(handler=commands.data_info)

    models = subcommand("models", "list or delete saved models")
    models_commands = models.add_subparsers(title="models commands", metavar="ACTION")
    models.set_defaults(handler=commands.models_list, json=False)
    listing = models_commands.add_parser("list", help="list saved models")
    _json_option(listing)
    listing.set_defaults(handler=commands.models_list)
    delete = models_commands.add_parser("delete", help="delete a saved model")
    delete.add_argument("name", metavar="NAME")
    delete.set_defaults(handler=commands.models_delete)

    stats = subcommand(
        "stats",
        "the dataset's statistics (counts, spread, popular and top rated movies, ratings by "
        "stars, genre, release decade and time) and your ratings against everyone's",
    )
    _json_option(stats)
    stats.add_argument(
        "--plot",
        metavar="FILE.svg",
        help="write the rating distribution and a saved model's training curve and map of the "
        "movies to an SVG file, drawn as the app draws them",
    )
    stats.add_argument(
        "--model",
        metavar="NAME",
        help="the saved model (or model type) whose figures --plot draws (default: the newest "
        "trained on the dataset)",
    )
    stats.set_defaults(handler=stats_command.stats)
    return parser


def _open_app(args: argparse.Namespace) -> int:
    from moviepick.tui.app import run_app

    run_app(args.data)
    return 0


def _app_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """``argv`` parsed when it only opens the app (no command, no option but ``--data``), else
    None. The full parser is not built for the app: its commands import the core (numpy,
    scipy, the models), which the app imports only after its first paint."""
    if not argv:
        data = None
    elif len(argv) == 1 and argv[0].startswith("--data="):
        data = argv[0].removeprefix("--data=")
    elif len(argv) == 2 and argv[0] == "--data" and not argv[1].startswith("-"):
        data = argv[1]
    else:
        return None
    return argparse.Namespace(data=data, handler=_open_app)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    args = _app_arguments(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except MoviepickError as error:
        print(f"moviepick: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("moviepick: interrupted", file=sys.stderr)
        return 130
