from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from moviepick.data.catalog import Catalog
from moviepick.data.dataset import Dataset
from moviepick.data.loader import load_dataset
from moviepick.data.movielens import read_movies_file
from moviepick.errors import DatasetError

FIXTURES = Path(__file__).parent / "fixtures"


def load(source: Path | str) -> Dataset:
    return load_dataset(source, use_cache=False)


def copy_fixture(name: str, destination: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / name, destination / name))


def zip_folder(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for path in sorted(folder.iterdir()):
            handle.write(path, f"{folder.name}/{path.name}")
    return archive


def item(dataset: Dataset, movie_id: int) -> int:
    index = dataset.catalog.index_of(movie_id)
    assert index is not None
    return index


def test_ml_100k_layout() -> None:
    dataset = load(FIXTURES / "ml-100k")
    catalog, interactions = dataset.catalog, dataset.interactions
    assert dataset.name == "ml-100k"
    assert dataset.rating_step == 1.0
    assert dataset.user_ids.tolist() == [1, 2, 7]
    assert catalog.movie_ids.tolist() == [1, 2, 3, 4, 5]
    assert catalog.raw_titles[1] == "Misérables, Les (1995)"
    assert catalog.titles == [
        "Toy Story",
        "Les Misérables",
        "Seven",
        "unknown",
        "Land Before Time III: The Time of the Great Giving",
    ]
    assert catalog.aliases[2] == ("Se7en",)
    assert catalog.years.tolist() == [1995, 1995, 1995, 0, 1995]
    assert catalog.year(3) is None
    assert catalog.genres_of(0) == ["Animation", "Children", "Comedy"]
    assert catalog.genres_of(3) == []  # "unknown" is no genre
    assert "unknown" not in catalog.genre_names
    first_rating = (interactions.users[0], interactions.items[0], interactions.ratings[0])
    assert first_rating == (2, 0, 5.0)  # user 7 is the third user; movie 1 the first item
    assert interactions.timestamps[0] == 881250949


def test_ml_1m_layout_reads_latin_1() -> None:
    dataset = load(FIXTURES / "ml-1m")
    catalog = dataset.catalog
    assert dataset.name == "ml-1m"
    assert dataset.rating_step == 1.0
    assert dataset.user_ids.tolist() == [3, 10, 6040]
    assert len(dataset.interactions) == 6
    assert catalog.label(item(dataset, 73)) == "Les Misérables (1995)"
    assert catalog.titles[item(dataset, 2571)] == "The Matrix"
    assert catalog.genres_of(item(dataset, 1)) == ["Animation", "Children", "Comedy"]
    unrated = item(dataset, 3883)
    assert catalog.rating_count[unrated] == 0
    assert catalog.rating_mean[unrated] == 0
    assert catalog.score[unrated] == pytest.approx(dataset.interactions.global_mean)


def test_ml_10m_layout_has_half_stars_and_unlisted_movies() -> None:
    dataset = load(FIXTURES / "ml-10M100K")
    catalog = dataset.catalog
    assert dataset.name == "ml-10m"
    assert dataset.rating_step == 0.5
    assert dataset.rating_scale == (0.5, 5.0)
    assert sorted(set(dataset.interactions.ratings.tolist())) == [0.5, 3.0, 3.5, 4.0, 4.5, 5.0]
    assert catalog.titles[item(dataset, 73)] == "Les Misérables"
    assert catalog.aliases[item(dataset, 47)] == ("Se7en",)
    assert catalog.genres_of(item(dataset, 8606)) == []  # "(no genres listed)"
    unlisted = item(dataset, 99999)
    assert catalog.raw_titles[unlisted] == ""
    assert catalog.titles[unlisted] == "Movie 99999"
    assert catalog.rating_count[unlisted] == 1


def test_csv_layout() -> None:
    dataset = load(FIXTURES / "ml-latest-small")
    catalog = dataset.catalog
    assert dataset.name == "ml-latest-small"
    assert dataset.rating_step == 0.5
    assert catalog.movie_ids.tolist() == [1, 29, 2571, 147250, 171749]
    lost_children = item(dataset, 29)
    assert catalog.titles[lost_children] == "The City of Lost Children"
    assert catalog.aliases[lost_children] == ("La Cité des enfants perdus",)
    no_year = item(dataset, 147250)
    assert catalog.label(no_year) == "The Adventures of Sherlock Holmes and Doctor Watson"
    assert catalog.genres_of(no_year) == []
    assert catalog.label(item(dataset, 171749)) == "Death Note: Desu nôto (2006)"
    assert catalog.imdb_ids.tolist() == [114709, 112682, 133093, 0, 877057]
    assert catalog.tmdb_ids.tolist() == [862, 902, 603, 0, 0]
    assert "(no genres listed)" not in catalog.genre_names


def test_rating_statistics() -> None:
    catalog = load(FIXTURES / "ml-latest-small").catalog
    assert catalog.rating_count.tolist() == [2, 1, 1, 0, 1]
    assert catalog.rating_mean.tolist() == pytest.approx([3.25, 0.5, 5.0, 0.0, 3.5])
    # Global mean 3.1; m = median count of rated movies = 1.
    assert catalog.score.tolist() == pytest.approx([(3.1 + 6.5) / 3, 1.8, 4.05, 3.1, 3.3])


def test_zip_is_read_without_extracting(tmp_path: Path) -> None:
    archive = zip_folder(FIXTURES / "ml-latest-small", tmp_path / "small.zip")
    dataset = load(archive)
    assert dataset.name == "ml-latest-small"
    assert dataset.source == archive.resolve()
    assert len(dataset.interactions) == 5
    assert sorted(path.name for path in tmp_path.iterdir()) == ["small.zip"]


def test_zip_without_a_top_folder_is_named_after_the_zip(tmp_path: Path) -> None:
    archive = tmp_path / "ml-1m.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted((FIXTURES / "ml-10M100K").iterdir()):
            handle.write(path, path.name)
    dataset = load(archive)
    assert dataset.name == "ml-1m"  # the zip's name wins over the half stars
    assert dataset.rating_step == 0.5


def test_folder_holding_one_movielens_folder(tmp_path: Path) -> None:
    copy_fixture("ml-1m", tmp_path)
    (tmp_path / "notes.txt").write_text("my datasets")
    dataset = load(tmp_path)
    assert dataset.name == "ml-1m"
    assert dataset.source == (tmp_path / "ml-1m").resolve()


def test_a_file_inside_the_folder_means_the_folder() -> None:
    assert load(FIXTURES / "ml-100k" / "u.data").source == (FIXTURES / "ml-100k").resolve()


def test_variant_name_falls_back_to_the_folder_name(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(FIXTURES / "ml-latest-small", tmp_path / "my-ratings"))
    assert load(folder).name == "my-ratings"
    dat_folder = Path(shutil.copytree(FIXTURES / "ml-10M100K", tmp_path / "export"))
    assert load(dat_folder).name == "ml-10m"  # half stars


def assert_one_line_error(source: Path, match: str, named: Path | None = None) -> None:
    with pytest.raises(DatasetError, match=match) as raised:
        load(source)
    message = str(raised.value)
    assert str(named or source) in message
    assert "\n" not in message


def test_missing_path(tmp_path: Path) -> None:
    assert_one_line_error(tmp_path / "nowhere", "no such file or folder")


def test_empty_ratings_file(tmp_path: Path) -> None:
    folder = copy_fixture("ml-100k", tmp_path)
    (folder / "u.data").write_bytes(b"")
    assert_one_line_error(folder, "empty", folder / "u.data")


def test_header_only_ratings_file(tmp_path: Path) -> None:
    folder = copy_fixture("ml-latest-small", tmp_path)
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n")
    assert_one_line_error(folder, "no ratings", folder / "ratings.csv")


def test_wrong_separator(tmp_path: Path) -> None:
    folder = copy_fixture("ml-100k", tmp_path)
    (folder / "u.data").write_text("1,1,5,881250949\n2,1,3,891717742\n")
    assert_one_line_error(folder, "expected 4 columns", folder / "u.data")


def test_wrong_separator_in_a_dat_file(tmp_path: Path) -> None:
    folder = copy_fixture("ml-1m", tmp_path)
    (folder / "ratings.dat").write_text("10,1,5,978300760\n")
    assert_one_line_error(folder, "separated by '::'", folder / "ratings.dat")


def test_csv_without_the_expected_columns(tmp_path: Path) -> None:
    folder = copy_fixture("ml-latest-small", tmp_path)
    (folder / "ratings.csv").write_text("userId;movieId;rating;timestamp\n1;1;4.0;964982703\n")
    assert_one_line_error(folder, "no userId column", folder / "ratings.csv")


def test_folder_that_is_not_movielens(tmp_path: Path) -> None:
    (tmp_path / "holiday.jpg").write_bytes(b"\xff\xd8")
    assert_one_line_error(tmp_path, "not a MovieLens folder")


def test_folder_with_ratings_but_no_movies(tmp_path: Path) -> None:
    folder = copy_fixture("ml-1m", tmp_path)
    (folder / "movies.dat").unlink()
    assert_one_line_error(folder, "has ratings.dat but no movies.dat")


def test_folder_holding_several_movielens_folders(tmp_path: Path) -> None:
    copy_fixture("ml-1m", tmp_path)
    copy_fixture("ml-100k", tmp_path)
    assert_one_line_error(tmp_path, "several MovieLens folders")


def test_truncated_zip(tmp_path: Path) -> None:
    archive = zip_folder(FIXTURES / "ml-latest-small", tmp_path / "small.zip")
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert_one_line_error(archive, "not a readable zip archive")


def test_zip_with_a_corrupt_member(tmp_path: Path) -> None:
    archive = tmp_path / "small.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as handle:
        for path in sorted((FIXTURES / "ml-latest-small").iterdir()):
            handle.write(path, f"ml-latest-small/{path.name}")
    data = archive.read_bytes()
    at = data.index(b"964982703")  # inside ratings.csv, stored uncompressed
    archive.write_bytes(data[:at] + b"999999999" + data[at + 9 :])
    assert_one_line_error(archive, "corrupt")


def test_zip_that_is_not_movielens(tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("photos/readme.txt", "no ratings here")
    assert_one_line_error(archive, "not a MovieLens zip")


def test_non_numeric_rating(tmp_path: Path) -> None:
    folder = copy_fixture("ml-latest-small", tmp_path)
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,four,964982703\n")
    assert_one_line_error(folder, "'four', not a number", folder / "ratings.csv")


def test_missing_rating_value(tmp_path: Path) -> None:
    folder = copy_fixture("ml-100k", tmp_path)
    (folder / "u.data").write_text("1\t1\t\t881250949\n")
    assert_one_line_error(folder, "1 rows have no rating", folder / "u.data")


def test_rating_out_of_range(tmp_path: Path) -> None:
    folder = copy_fixture("ml-1m", tmp_path)
    (folder / "ratings.dat").write_text("10::1::8::978300760\n")
    assert_one_line_error(folder, "not within 0.5-5", folder / "ratings.dat")


def test_malformed_movies_dat(tmp_path: Path) -> None:
    folder = copy_fixture("ml-1m", tmp_path)
    (folder / "movies.dat").write_text("1::Toy Story (1995)\n")
    assert_one_line_error(folder, "line 1 is not MovieID::Title::Genres", folder / "movies.dat")


def test_real_ml_100k(shared_data: Path) -> None:
    dataset = load(shared_data / "ml-100k")
    assert dataset.name == "ml-100k"
    assert (len(dataset.interactions), len(dataset.user_ids), len(dataset.catalog)) == (
        100_000,
        943,
        1_682,
    )
    assert dataset.rating_step == 1.0
    assert dataset.catalog.label(item(dataset, 1)) == "Toy Story (1995)"


@pytest.mark.parametrize("source", ["ml-latest-small", "ml-latest-small.zip"])
def test_real_ml_latest_small(shared_data: Path, source: str) -> None:
    dataset = load(shared_data / source)
    catalog = dataset.catalog
    assert dataset.name == "ml-latest-small"
    assert (len(dataset.interactions), len(dataset.user_ids), len(catalog)) == (
        100_836,
        610,
        9_742,
    )
    assert dataset.rating_step == 0.5
    matrix = item(dataset, 2571)
    assert catalog.label(matrix) == "The Matrix (1999)"
    assert catalog.imdb_ids[matrix] == 133093
    assert catalog.tmdb_ids[matrix] == 603
    assert int(catalog.rating_count.sum()) == 100_836
    assert np.all(np.diff(dataset.user_ids) > 0)


def test_real_ml_1m_movies(shared_data: Path) -> None:
    movies = read_movies_file(shared_data / "ml-1m-meta" / "movies.dat")
    assert len(movies) == 3_883
    assert "Children" in movies.genre_names
    assert "Children's" not in movies.genre_names
    assert movies.titles[list(movies.movie_ids).index(73)] == "Misérables, Les (1995)"


def test_real_ml_1m_movies_with_hand_written_ratings(shared_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    shutil.copy(shared_data / "ml-1m-meta" / "movies.dat", folder)
    (folder / "ratings.dat").write_text("1::1193::5::978300760\n2::73::4::978298413\n")
    dataset = load(folder)
    assert dataset.name == "ml-1m"
    assert len(dataset.catalog) == 3_883
    assert dataset.catalog.label(item(dataset, 73)) == "Les Misérables (1995)"
    assert int((dataset.catalog.rating_count > 0).sum()) == 2


def test_shared_data_folder_is_ambiguous(shared_data: Path) -> None:
    with pytest.raises(DatasetError, match="several MovieLens folders"):
        load(shared_data)


def test_a_stray_byte_in_a_utf8_file_garbles_only_itself(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = copy_fixture("ml-latest-small", tmp_path)
    movies = folder / "movies.csv"
    movies.write_bytes(movies.read_bytes() + b"5,Caf\xe9 Society (2016),Comedy\n")
    catalog = load(folder).catalog
    assert catalog.aliases[item_of(catalog, 29)] == ("La Cité des enfants perdus",)
    assert catalog.raw_titles[item_of(catalog, 171749)] == "Death Note: Desu nôto (2006–2007)"
    assert catalog.raw_titles[item_of(catalog, 5)] == "Caf\ufffd Society (2016)"
    assert [record.getMessage() for record in caplog.records] == [
        f"{movies}: line 7 holds bytes that are not UTF-8; they read as \ufffd"
    ]


def test_every_bad_line_is_counted_in_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = copy_fixture("ml-10M100K", tmp_path)
    movies = folder / "movies.dat"
    stray = b"8::Tom and Huck (1995)::Adventure\xff\n9::Sudden Death\xc3 (1995)::Action\n"
    movies.write_bytes(movies.read_bytes() + stray)
    catalog = load(folder).catalog
    assert catalog.titles[item_of(catalog, 73)] == "Les Misérables"
    assert catalog.titles[item_of(catalog, 9)] == "Sudden Death\ufffd"
    (message,) = [record.getMessage() for record in caplog.records]
    assert message.startswith(f"{movies}: line ") and "(and 1 more lines)" in message


def test_ml_1m_stays_latin_1_under_its_own_name(tmp_path: Path) -> None:
    folder = copy_fixture("ml-1m", tmp_path)
    movies = folder / "movies.dat"
    # A title that happens to form valid UTF-8 in Latin-1 ("Ã©") is still read as Latin-1.
    movies.write_bytes(movies.read_bytes() + "9::Ã© (1995)::Drama\n".encode("latin-1"))
    catalog = load(folder).catalog
    assert catalog.titles[item_of(catalog, 73)] == "Les Misérables"
    assert catalog.titles[item_of(catalog, 9)] == "Ã©"


@pytest.mark.parametrize("fixture", ["ml-1m", "ml-10M100K"])
def test_dat_encoding_of_an_unknown_folder_is_told_from_its_bytes(
    fixture: str, tmp_path: Path
) -> None:
    folder = Path(shutil.copytree(FIXTURES / fixture, tmp_path / "my-export"))
    catalog = load(folder).catalog
    assert catalog.titles[item_of(catalog, 73)] == "Les Misérables"


def test_nan_ratings_are_refused(tmp_path: Path) -> None:
    folder = copy_fixture("ml-latest-small", tmp_path)
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,NAN,964982703\n")
    assert_one_line_error(folder, "1 rows have NaN for a rating", folder / "ratings.csv")


@pytest.mark.parametrize("movie_id", ["²", "99999999999999999999"])
def test_movies_dat_id_that_is_no_int64_is_refused(movie_id: str, tmp_path: Path) -> None:
    folder = copy_fixture("ml-1m", tmp_path)
    (folder / "movies.dat").write_text(f"{movie_id}::Toy Story (1995)::Comedy\n")
    assert_one_line_error(folder, "line 1 is not MovieID::Title::Genres", folder / "movies.dat")


def test_ratings_stream_from_a_zip_member(tmp_path: Path) -> None:
    archive = zip_folder(FIXTURES / "ml-latest-small", tmp_path / "small.zip")
    assert (
        load(archive).interactions.ratings.tolist()
        == load(FIXTURES / "ml-latest-small").interactions.ratings.tolist()
    )


def item_of(catalog: Catalog, movie_id: int) -> int:
    index = catalog.index_of(movie_id)
    assert index is not None
    return index
