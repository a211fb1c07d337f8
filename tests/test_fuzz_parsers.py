"""Hostile files for every MovieLens layout: nothing escapes but a one-line DatasetError.

Each layout gets 10,000 generated folders: random bytes, and rows of the layout's shape whose
fields are valid values, huge or negative numbers, NaN and infinity spellings, quotes, blanks
or random text, with rows missing or adding columns, CRLF line ends, a BOM, a header or not,
and empty files. Each folder is parsed and assembled into a Dataset (no cache).
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moviepick.data.build import build_dataset
from moviepick.data.sources import MovieLensFiles
from moviepick.errors import DatasetError

pytestmark = pytest.mark.fuzz

EXAMPLES = 10_000
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE_FIELDS = st.sampled_from(
    ["", " ", "0", "-1", "-0", "1e400", "9" * 25, str(1 << 63), str(-(1 << 63)), "NaN", "NAN",
     "nan", "+nan", "inf", "-Infinity", "null", "N/A", '"', '""', '"a,b"', "\ufeff", "\x00",
     "::", "|", "\t", ",", "1.5.5", "0x10", "²", "١", "5.0", "0.5", "4", "(no genres listed)",
     "Misérables, Les (1995)", "Toy Story (1995)", "Action|Comedy", "unknown"]
)  # fmt: skip
FIELDS = st.one_of(
    HOSTILE_FIELDS,
    st.integers(min_value=-(1 << 70), max_value=1 << 70).map(str),
    st.integers(min_value=0, max_value=20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12),
)
# u.item's 19 genre flags: cheaper to draw than FIELDS, and what matters there.
FLAGS = st.sampled_from(["0", "1", "", "2", "-1", "300", "x", "1.0", "NaN"])
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])
ENCODINGS = st.sampled_from(["utf-8", "iso-8859-1", "utf-16"])


@st.composite
def text_file(
    draw: st.DrawFn,
    separator: str,
    columns: int,
    valid: str,
    header: str | None = None,
    flags: int = 0,
) -> bytes:
    """Random bytes, or rows of about ``columns`` fields (the last ``flags`` of them flags),
    often with a ``valid`` row among them."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    widths = st.one_of(st.just(columns), st.integers(0, columns + 2))
    rows = draw(st.lists(widths, max_size=6))
    lines = [separator.join(draw(row_of(width, columns - flags))) for width in rows]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), valid)
    if header is not None and draw(st.booleans()):
        lines.insert(0, header)
    text = draw(LINE_ENDS).join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text.encode(draw(ENCODINGS), errors="replace")


def row_of(width: int, head: int) -> st.SearchStrategy[list[str]]:
    """``width`` fields: FIELDS up to ``head``, FLAGS after."""
    head = min(width, head)
    return st.tuples(
        st.lists(FIELDS, min_size=head, max_size=head),
        st.lists(FLAGS, min_size=width - head, max_size=width - head),
    ).map(lambda parts: parts[0] + parts[1])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(autouse=True, scope="module")
def quiet_decoding_warnings() -> Iterator[None]:
    """Thousands of undecodable files each warn once; the warnings are not under test here."""
    logger = logging.getLogger("moviepick.data.text")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def assert_parses_or_refuses(
    folder: Path, layout: str, files: dict[str, bytes], in_zip: bool = False
) -> None:
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    location = folder
    if in_zip:
        location = folder.with_suffix(".zip")
        with zipfile.ZipFile(location, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
    source = MovieLensFiles(location, "", layout, frozenset(files), is_zip=in_zip)
    try:
        dataset = build_dataset(source)
    except DatasetError as error:
        assert "\n" not in str(error) and str(error)
        return
    assert len(dataset.interactions) > 0
    assert dataset.interactions.ratings.min() > 0 and dataset.interactions.ratings.max() <= 5


@FUZZ
@given(
    ratings=text_file("\t", 4, valid="1\t1\t5\t881250949"),
    movies=text_file(
        "|", 24, valid="1|Toy Story (1995)|01-Jan-1995||http://x" + "|0" * 19, flags=19
    ),
)
def test_ml_100k_layout(folder: Path, ratings: bytes, movies: bytes) -> None:
    assert_parses_or_refuses(folder / "ml-100k", "100k", {"u.data": ratings, "u.item": movies})


@FUZZ
@given(
    ratings=text_file("::", 4, valid="1::1::5::978300760"),
    movies=text_file("::", 3, valid="1::Misérables, Les (1995)::Drama|War"),
    name=st.sampled_from(["ml-1m", "ml-10M100K", "export"]),
)
def test_dat_layout(folder: Path, ratings: bytes, movies: bytes, name: str) -> None:
    assert_parses_or_refuses(folder / name, "dat", {"ratings.dat": ratings, "movies.dat": movies})


@FUZZ
@given(
    ratings=text_file(",", 4, valid="1,1,4.5,964982703", header="userId,movieId,rating,timestamp"),
    movies=text_file(",", 3, valid='1,"Matrix, The (1999)",Action', header="movieId,title,genres"),
    links=st.none() | text_file(",", 3, valid="1,0114709,862", header="movieId,imdbId,tmdbId"),
    in_zip=st.booleans(),
)
def test_csv_layout(
    folder: Path, ratings: bytes, movies: bytes, links: bytes | None, in_zip: bool
) -> None:
    files = {"ratings.csv": ratings, "movies.csv": movies}
    if links is not None:
        files["links.csv"] = links
    assert_parses_or_refuses(folder / "ml-latest-small", "csv", files, in_zip)
