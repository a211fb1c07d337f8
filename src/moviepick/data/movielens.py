"""One reader per MovieLens layout: the ratings and the movies as they stand in the files.

Ratings go through pyarrow's multi-threaded CSV reader; the ``::`` of ml-1m and ml-10m is
replaced by a tab first, since no CSV reader takes a two-character separator. pyarrow is
imported inside the functions: the TUI imports the data layer before its first paint.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from moviepick.data.registry import registry
from moviepick.data.sources import MovieLensFiles
from moviepick.data.text import LATIN_1, UTF_8, decode, looks_like_utf8
from moviepick.errors import DatasetError

if TYPE_CHECKING:
    import pyarrow as pa

# u.item's 19 genre flags, in file order (the same list as u.genre).
ML100K_GENRES = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
    "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
# Placeholders that mean "no genre", and old spellings of the genres the newer files use.
_NO_GENRE = {"unknown", "(no genres listed)"}
_GENRE_SPELLING = {"Children's": "Children"}

_RATING_COLUMNS = ("userId", "movieId", "rating", "timestamp")
_RATING_TYPES = {"userId": "int64", "movieId": "int64", "rating": "float32", "timestamp": "int64"}
# How each layout's ratings file reads once "::" is replaced by a tab; csv has a header.
_RATINGS_FORMAT: dict[str, dict[str, Any]] = {
    "100k": {"delimiter": "\t", "shown_delimiter": "tabs", "names": _RATING_COLUMNS},
    "dat": {"delimiter": "\t", "shown_delimiter": "'::'", "names": _RATING_COLUMNS},
    "csv": {"delimiter": ",", "shown_delimiter": "commas"},
}
_MOVIE_TYPES = {"movieId": "int64", "title": "string", "genres": "string"}
_LINK_TYPES = {"movieId": "int64", "imdbId": "int64", "tmdbId": "int64"}
_MAX_RATING = 5.0
_INT64_END = 1 << 63


@dataclass(frozen=True, eq=False)
class RatingTable:
    """The ratings file's rows, ids as MovieLens numbers them."""

    user_ids: np.ndarray  # int64
    movie_ids: np.ndarray  # int64
    ratings: np.ndarray  # float32
    timestamps: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.ratings)


@dataclass(frozen=True, eq=False)
class MovieTable:
    """The movies file's rows (plus links.csv's ids where the layout has them)."""

    movie_ids: np.ndarray  # int64
    titles: list[str]  # raw MovieLens titles
    genre_names: tuple[str, ...]  # sorted; placeholders such as "(no genres listed)" dropped
    genres: np.ndarray  # bool, (n_movies, n_genres)
    imdb_ids: np.ndarray  # int64, 0 where unknown
    tmdb_ids: np.ndarray  # int64, 0 where unknown

    def __len__(self) -> int:
        return len(self.movie_ids)


def read_ratings(files: MovieLensFiles) -> RatingTable:
    ratings_file = files.ratings_file
    where, path = files.describe(ratings_file), files.path(ratings_file)
    read_format = _RATINGS_FORMAT[files.layout]
    if files.layout == "dat":
        source = files.read_bytes(ratings_file).replace(b"::", b"\t")
        table = _arrow_csv(source, where, types=_RATING_TYPES, **read_format)
    elif path is not None:  # pyarrow reads the file itself, in parallel
        table = _arrow_csv(str(path), where, types=_RATING_TYPES, **read_format)
    else:
        with files.open(ratings_file) as stream:
            table = _arrow_csv(stream, where, types=_RATING_TYPES, **read_format)
    if table.num_rows == 0:
        raise DatasetError(f"{where}: no ratings in the file")
    user_ids, movie_ids, ratings, timestamps = (
        _column(table, name, where) for name in _RATING_COLUMNS
    )
    not_numbers = int(np.isnan(ratings).sum())
    if not_numbers:
        raise DatasetError(f"{where}: {not_numbers} rows have NaN for a rating")
    low, high = float(ratings.min()), float(ratings.max())
    if low <= 0 or high > _MAX_RATING:
        raise DatasetError(f"{where}: ratings run from {low:g} to {high:g}, not within 0.5-5")
    return RatingTable(user_ids, movie_ids, ratings, timestamps)


def read_movies(files: MovieLensFiles) -> MovieTable:
    movies_file = files.movies_file
    data, where = files.read_bytes(movies_file), files.describe(movies_file)
    if files.layout == "100k":
        return parse_u_item(data, where)
    if files.layout == "dat":
        return parse_movies_dat(data, where, dat_encoding(data, files.folder_name))
    movies = parse_movies_csv(data, where)
    if files.has("links.csv"):
        movies = _with_links(movies, files.read_bytes("links.csv"), files.describe("links.csv"))
    return movies


def read_movies_file(path: Path) -> MovieTable:
    """One movies file on its own (``u.item``, ``movies.dat`` or ``movies.csv``)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"{path}: cannot read ({error.strerror})") from None
    if path.name == "u.item":
        return parse_u_item(data, str(path))
    if path.name == "movies.dat":
        return parse_movies_dat(data, str(path), dat_encoding(data, path.parent.name))
    return parse_movies_csv(data, str(path))


def dat_encoding(data: bytes, folder_name: str) -> str:
    """ml-1m's ``.dat`` files are ISO-8859-1, ml-10m's UTF-8: known by the folder's name, else
    guessed from the bytes."""
    folder = folder_name.lower()
    for dataset in registry().values():
        if dataset.layout == "dat" and folder in (dataset.name, dataset.folder.lower()):
            return dataset.encoding
    return UTF_8 if looks_like_utf8(data) else LATIN_1


def parse_u_item(data: bytes, where: str) -> MovieTable:
    """ml-100k ``u.item``: ``id|title|release|video release|IMDb URL|19 genre flags``."""
    flag_names = [f"genre{index}" for index in range(len(ML100K_GENRES))]
    names = ("movieId", "title", "release", "video_release", "url", *flag_names)
    types = {"movieId": "int64", "title": "string"} | dict.fromkeys(flag_names, "int8")
    text = decode(data, LATIN_1, where)
    table = _arrow_csv(text.encode(), where, delimiter="|", names=names, types=types, quoted=False)
    flags = np.column_stack([_column(table, name, where) for name in flag_names]).astype(bool)
    genre_names, genres = _clean_genres(ML100K_GENRES, flags)
    ids = _column(table, "movieId", where)
    return MovieTable(ids, _strings(table, "title"), genre_names, genres, *_no_links(ids))


def parse_movies_dat(data: bytes, where: str, encoding: str) -> MovieTable:
    """ml-1m / ml-10m ``movies.dat``: ``MovieID::Title::Genres``.

    Split by hand rather than by a CSV reader: a title may itself hold a ``:`` next to the
    separator, so the id ends at the first ``::`` and the genres start after the last.
    """
    movie_ids, titles, genre_lists = [], [], []
    for number, line in enumerate(decode(data, encoding, where).splitlines(), start=1):
        if not line.strip():
            continue
        movie_id, id_separator, rest = line.partition("::")
        title, genre_separator, genres = rest.rpartition("::")
        if not (id_separator and genre_separator and _is_movie_id(movie_id)):
            raise DatasetError(f"{where}: line {number} is not MovieID::Title::Genres: {line!r}")
        movie_ids.append(int(movie_id))
        titles.append(title)
        genre_lists.append(genres.split("|") if genres else [])
    if not movie_ids:
        raise DatasetError(f"{where}: no movies in the file")
    ids = np.array(movie_ids, dtype=np.int64)
    return MovieTable(ids, titles, *_genres_from_lists(genre_lists), *_no_links(ids))


def parse_movies_csv(data: bytes, where: str) -> MovieTable:
    """``movies.csv``: ``movieId,title,genres`` with a header; titles with commas are quoted."""
    table = _arrow_csv(decode(data, UTF_8, where).encode(), where, types=_MOVIE_TYPES)
    if table.num_rows == 0:
        raise DatasetError(f"{where}: no movies in the file")
    genre_lists = [genres.split("|") if genres else [] for genres in _strings(table, "genres")]
    ids = _column(table, "movieId", where)
    titles = _strings(table, "title")
    return MovieTable(ids, titles, *_genres_from_lists(genre_lists), *_no_links(ids))


def _with_links(movies: MovieTable, data: bytes, where: str) -> MovieTable:
    """Add links.csv's IMDb and TMDb ids; ``imdbId`` is zero-padded text, read as a number."""
    table = _arrow_csv(data, where, types=_LINK_TYPES)
    if table.num_rows == 0:
        return movies
    link_ids = _column(table, "movieId", where)
    order = np.argsort(link_ids, kind="stable")
    slots = np.searchsorted(link_ids, movies.movie_ids, sorter=order)
    rows = order[np.minimum(slots, len(order) - 1)]
    found = link_ids[rows] == movies.movie_ids
    imdb_ids, tmdb_ids = (
        _column(table, name, where, missing=0)[rows] for name in ("imdbId", "tmdbId")
    )
    return MovieTable(
        movies.movie_ids,
        movies.titles,
        movies.genre_names,
        movies.genres,
        np.where(found, imdb_ids, 0),
        np.where(found, tmdb_ids, 0),
    )


def _is_movie_id(text: str) -> bool:
    """ASCII digits that fit an int64 ("²" is a digit to Python, not to MovieLens)."""
    text = text.strip()
    return text.isascii() and text.isdigit() and int(text) < _INT64_END


def _genres_from_lists(genre_lists: list[list[str]]) -> tuple[tuple[str, ...], np.ndarray]:
    """Multi-hot genres from each movie's genre names."""
    names = sorted({genre for genres in genre_lists for genre in genres})
    column_of = {name: column for column, name in enumerate(names)}
    lengths = np.fromiter((len(genres) for genres in genre_lists), dtype=np.int64)
    columns = np.fromiter(
        (column_of[genre] for genres in genre_lists for genre in genres),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    flags = np.zeros((len(genre_lists), len(names)), dtype=bool)
    flags[np.repeat(np.arange(len(genre_lists)), lengths), columns] = True
    return _clean_genres(names, flags)


def _clean_genres(names: Sequence[str], flags: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """Drop the "no genre" placeholders, respell old names, merge duplicates, sort by name."""
    merged: dict[str, np.ndarray] = {}
    for name, column in zip(names, flags.T, strict=True):
        if name in _NO_GENRE:
            continue
        name = _GENRE_SPELLING.get(name, name)
        merged[name] = merged[name] | column if name in merged else column
    ordered = sorted(merged)
    matrix = np.zeros((len(flags), len(ordered)), dtype=bool)
    for index, name in enumerate(ordered):
        matrix[:, index] = merged[name]
    return tuple(ordered), matrix


def _no_links(movie_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(len(movie_ids), dtype=np.int64), np.zeros(len(movie_ids), dtype=np.int64)


def _arrow_csv(
    source: bytes | str | BinaryIO,
    where: str,
    *,
    types: dict[str, str],
    delimiter: str = ",",
    shown_delimiter: str | None = None,
    names: Sequence[str] | None = None,
    include: Sequence[str] | None = None,
    quoted: bool = True,
) -> pa.Table:
    """Read CSV text (bytes, a file's path or a stream) with pyarrow.

    ``names`` are the columns of a file without a header; ``include`` (default: the keys of
    ``types``, when the file has a header) the columns to keep. ``types`` are pyarrow aliases.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    if include is None and names is None:
        include = tuple(types)
    read_options = pa_csv.ReadOptions(column_names=list(names) if names else None)
    parse_options = pa_csv.ParseOptions(delimiter=delimiter, quote_char='"' if quoted else False)
    convert_options = pa_csv.ConvertOptions(
        column_types={name: pa.type_for_alias(alias) for name, alias in types.items()},
        include_columns=list(include) if include else None,
    )
    data = pa.BufferReader(source) if isinstance(source, bytes) else source
    try:
        return pa_csv.read_csv(
            data,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError) as error:
        explanation = _explain(str(error), shown_delimiter or repr(delimiter), names)
        raise DatasetError(f"{where}: {explanation}") from None


_WRONG_WIDTH = re.compile(r"Expected (\d+) columns, got (\d+): (.*)", re.DOTALL)
_NOT_A_NUMBER = re.compile(r"column #(\d+): CSV conversion error to \w+: invalid value '(.*)'")
_NO_COLUMN = re.compile(r"Column '(.*)' in include_columns does not exist")


def _explain(message: str, delimiter: str, names: Sequence[str] | None) -> str:
    """pyarrow's error as one line a person can act on."""
    if match := _WRONG_WIDTH.search(message):
        row = match[3].splitlines()[0][:60] if match[3] else ""
        return f"expected {match[1]} columns separated by {delimiter}, found {match[2]} in {row!r}"
    if match := _NOT_A_NUMBER.search(message):
        column = int(match[1])
        label = names[column] if names and column < len(names) else column + 1
        return f"column {label} holds {match[2]!r}, not a number"
    if match := _NO_COLUMN.search(message):
        return f"no {match[1]} column in the header"
    if "Empty CSV file" in message:
        return "the file is empty"
    return message.splitlines()[0] if message else "unreadable"


def _column(table: pa.Table, name: str, where: str, *, missing: int | None = None) -> np.ndarray:
    """A numeric column as numpy; blanks become ``missing``, or an error when it is None."""
    column = table.column(name)
    if column.null_count:
        if missing is None:
            raise DatasetError(f"{where}: {column.null_count} rows have no {name}")
        column = column.fill_null(missing)
    return column.to_numpy()


def _strings(table: pa.Table, name: str) -> list[str]:
    return [value or "" for value in table.column(name).to_pylist()]
