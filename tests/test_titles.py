from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moviepick.data.titles import ParsedTitle, parse_title, restore_article


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Matrix, The (1999)", ParsedTitle("The Matrix", 1999, ())),
        ("Shawshank Redemption, The (1994)", ParsedTitle("The Shawshank Redemption", 1994, ())),
        ("Misérables, Les (1995)", ParsedTitle("Les Misérables", 1995, ())),
        ("American in Paris, An (1951)", ParsedTitle("An American in Paris", 1951, ())),
        ("Boot, Das (Boat, The) (1981)", ParsedTitle("Das Boot", 1981, ("The Boat",))),
        ("Enfer, L' (1994)", ParsedTitle("L'Enfer", 1994, ())),
        ("Vitelloni, I (a.k.a. The Young and the Passionate) (1953)",
         ParsedTitle("I Vitelloni", 1953, ("The Young and the Passionate",))),
        ("City of Lost Children, The (Cité des enfants perdus, La) (1995)",
         ParsedTitle("The City of Lost Children", 1995, ("La Cité des enfants perdus",))),
        ("Seven (a.k.a. Se7en) (1995)", ParsedTitle("Seven", 1995, ("Se7en",))),
        ("Seven (Se7en) (1995)", ParsedTitle("Seven", 1995, ("Se7en",))),
        ("Léon: The Professional (a.k.a. The Professional) (Léon) (1994)",
         ParsedTitle("Léon: The Professional", 1994, ("The Professional", "Léon"))),
        ("Godzilla 1985: The Legend Is Reborn (Gojira) (Godzilla) (Return of Godzilla, The) (1984)",
         ParsedTitle("Godzilla 1985: The Legend Is Reborn", 1984,
                     ("Gojira", "Godzilla", "The Return of Godzilla"))),
        ("Death Note: Desu nôto (2006–2007)", ParsedTitle("Death Note: Desu nôto", 2006, ())),
        ("Some Series (2007-)", ParsedTitle("Some Series", 2007, ())),
        ("Land Before Time III: The Time of the Great Giving (1995) (V)",
         ParsedTitle("Land Before Time III: The Time of the Great Giving", 1995, ())),
        ("Heidi Fleiss: Hollywood Madam (1995) ",
         ParsedTitle("Heidi Fleiss: Hollywood Madam", 1995, ())),
        ("Babylon 5", ParsedTitle("Babylon 5", None, ())),
        ("unknown", ParsedTitle("unknown", None, ())),
        ("(500) Days of Summer (2009)", ParsedTitle("(500) Days of Summer", 2009, ())),
        ("Frontière(s) (2007)", ParsedTitle("Frontière(s)", 2007, ())),
        ("Evangelion: 3.0 You Can (Not) Redo (2012)",
         ParsedTitle("Evangelion: 3.0 You Can (Not) Redo", 2012, ())),
        ("Paris, Texas (1984)", ParsedTitle("Paris, Texas", 1984, ())),
        ("1984 (1984)", ParsedTitle("1984", 1984, ())),
        ("(1995)", ParsedTitle("(1995)", None, ())),
        ("", ParsedTitle("", None, ())),
    ],
)  # fmt: skip
def test_parse_title(raw: str, expected: ParsedTitle) -> None:
    assert parse_title(raw) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Matrix, The", "The Matrix"),
        ("Uomo delle stelle, L'", "L'Uomo delle stelle"),
        ("Honey, I Shrunk the Kids", "Honey, I Shrunk the Kids"),
        ("Good, the Bad and the Ugly, The", "The Good, the Bad and the Ugly"),
        ("Strike, The Hairy Bird", "Strike, The Hairy Bird"),
        (", The", ", The"),
    ],
)
def test_restore_article(title: str, expected: str) -> None:
    assert restore_article(title) == expected


# Letters only: a group holding just digits reads as a year, and "aka" starts an alias.
_WORD = st.text(st.characters(categories=("L",)), min_size=1, max_size=8).filter(
    lambda word: word.casefold() != "aka"
)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
_ARTICLE = st.sampled_from(["The", "A", "An", "Les", "La", "Le", "Il", "Der", "Das", "El"])


@given(body=_NAME, article=_ARTICLE, year=st.integers(1874, 2030))
def test_moved_article_comes_back_to_the_front(body: str, article: str, year: int) -> None:
    assert parse_title(f"{body}, {article} ({year})") == ParsedTitle(f"{article} {body}", year, ())


@given(
    title=_NAME,
    aliases=st.lists(st.tuples(_NAME, st.booleans()), max_size=3),
    year=st.one_of(st.none(), st.integers(1874, 2030)),
)
def test_alternate_titles_become_aliases(
    title: str, aliases: list[tuple[str, bool]], year: int | None
) -> None:
    groups = "".join(f" ({'a.k.a. ' if aka else ''}{alias})" for alias, aka in aliases)
    raw = title + groups + (f" ({year})" if year else "")
    assert parse_title(raw) == ParsedTitle(title, year, tuple(alias for alias, _ in aliases))


@given(st.text())
def test_any_text_parses_to_a_title_when_it_has_one(raw: str) -> None:
    parsed = parse_title(raw)
    assert bool(parsed.title) == bool(raw.strip())
    assert parsed.year is None or 1000 <= parsed.year <= 9999
