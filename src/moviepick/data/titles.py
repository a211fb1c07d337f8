"""MovieLens title strings -> display title, year and alternate titles.

MovieLens spells titles as ``"Matrix, The (1999)"``: the leading article moved to the end, the
release year in the last parentheses, and alternate or original-language titles in parentheses of
their own before the year (``"City of Lost Children, The (Cité des enfants perdus, La) (1995)"``,
``"Seven (a.k.a. Se7en) (1995)"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Leading articles MovieLens moves to the end of a title, in the languages its catalogue uses.
_ARTICLES = {
    "English": ("The", "A", "An"),
    "French": ("Le", "La", "Les", "L'", "L’", "Un", "Une"),
    "Spanish": ("El", "Los", "Las", "Una"),
    "Italian": ("Il", "Lo", "Gli", "I", "Uno"),
    "German": ("Der", "Die", "Das", "Ein", "Eine"),
    "Dutch": ("De", "Het", "Een"),
    "Scandinavian": ("Den", "Det", "En", "Ett", "Et"),
    "Portuguese": ("O", "Os", "As", "Um", "Uma"),
}
_ARTICLE_PATTERN = "|".join(re.escape(a) for articles in _ARTICLES.values() for a in articles)
_MOVED_ARTICLE = re.compile(rf"^(?P<body>.*\S),\s+(?P<article>{_ARTICLE_PATTERN})$")
# "(1995)", "(2007-)", "(2006–2007)"; ml-100k marks a few video releases "(1995) (V)".
_YEAR = re.compile(r"\s*\((?P<year>\d{4})(?:\s*[-–]\s*(?:\d{4})?)?\)(?:\s*\((?:V|TV)\))?$")
_AKA = re.compile(r"^(?:a\.k\.a\.|aka)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedTitle:
    title: str  # "The Matrix"
    year: int | None
    aliases: tuple[str, ...]  # alternate titles, articles restored: ("La Cité des enfants perdus",)


def parse_title(raw: str) -> ParsedTitle:
    """Split a MovieLens title into its display title, year and alternate titles."""
    text = raw.strip()
    year = None
    match = _YEAR.search(text)
    if match and match.start() > 0:
        year = int(match["year"])
        text = text[: match.start()]
    main, groups = _split_trailing_groups(text)
    aliases = (restore_article(_AKA.sub("", group).strip()) for group in groups)
    return ParsedTitle(restore_article(main), year, tuple(alias for alias in aliases if alias))


def restore_article(title: str) -> str:
    """Move a trailing article back to the front: "Misérables, Les" -> "Les Misérables"."""
    match = _MOVED_ARTICLE.match(title)
    if not match:
        return title
    article = match["article"]
    separator = "" if article.endswith(("'", "’")) else " "
    return f"{article}{separator}{match['body']}"


def _split_trailing_groups(text: str) -> tuple[str, list[str]]:
    """``"Seven (a.k.a. Se7en)"`` -> ``("Seven", ["a.k.a. Se7en"])``; never empties the title.

    A group stands after a space, so "Frontière(s)" keeps its "(s)".
    """
    groups: list[str] = []
    while text.endswith(")"):
        start = _matching_open_paren(text)
        if not start or not text[start - 1].isspace() or not text[:start].strip():
            break
        groups.insert(0, text[start + 1 : -1].strip())
        text = text[:start].rstrip()
    return text, groups


def _matching_open_paren(text: str) -> int | None:
    """Index of the "(" that closes with the final ")" of ``text``, or None when unbalanced."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                return index
    return None
