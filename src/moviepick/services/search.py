"""Fuzzy, typo-tolerant movie search over one catalogue, fast enough to run on every keystroke.

Every title and alias is folded to lowercase ASCII words followed by the year ("the matrix
1999"). A query first gathers candidates from a character-trigram index (the names that share
most trigrams with it), and only those are scored: half rapidfuzz ``WRatio`` on the whole name,
half how well each query word matches a word of the name (so every word the person typed
counts, and "1999" matches the year). Popularity breaks ties and near-ties so the famous film
comes first.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from moviepick.data.catalog import Catalog
from moviepick.services.matching import title_key

# Folded names hold only these characters; a trigram is a number in [0, len(ALPHABET) ** 3).
ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789"
_BASE = len(ALPHABET)
_N_TRIGRAMS = _BASE**3
_CODES = np.zeros(256, dtype=np.int64)
_CODES[np.frombuffer(ALPHABET.encode(), dtype=np.uint8)] = np.arange(_BASE)

POPULARITY_WEIGHT = 6.0  # points of fuzzy score the most popular film gains over an unrated one
EXACT_BONUS = 6.0  # the query is the whole title (with or without the year)
PREFIX_BONUS = 2.0  # the title starts with the query, leading article aside
LEADING_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l", "il", "el", "die", "der"})
MIN_SCORE = 55.0  # fuzzy scores below this are noise, not matches
MIN_CANDIDATES = 400  # names scored per query, at least


def _trigram_codes(text: str) -> np.ndarray:
    """The trigram numbers of a folded string (only ``ALPHABET`` characters), by position."""
    chars = _CODES[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    if len(chars) < 3:
        return np.empty(0, dtype=np.int64)
    return chars[:-2] * _BASE * _BASE + chars[1:-1] * _BASE + chars[2:]


class TrigramIndex:
    """Which names contain each character trigram (an inverted index in CSC-like arrays)."""

    def __init__(self, names: list[str]) -> None:
        padded = [f" {name} " for name in names]
        lengths = np.fromiter((len(text) for text in padded), dtype=np.int64, count=len(padded))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        codes = _trigram_codes("".join(padded))
        owners = np.repeat(np.arange(len(names)), lengths)[: len(codes)]
        # A trigram starting in the last two characters of a name runs into the next name.
        inside = np.arange(len(codes)) <= (starts + lengths - 3)[owners]
        pairs = np.sort(codes[inside] * len(names) + owners[inside])
        pairs = pairs[np.diff(pairs, prepend=-1) != 0]
        codes, owners = pairs // max(len(names), 1), pairs % max(len(names), 1)
        self.n_names = len(names)
        self.rows = owners  # sorted by trigram, then by name
        self.offsets = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=_N_TRIGRAMS))))

    def shared_counts(self, text: str) -> np.ndarray:
        """For every name, how many distinct trigrams of ``" " + text`` it contains.

        No trailing space is added to the query: its last word may still be half typed.
        """
        codes = np.unique(_trigram_codes(f" {text}"))
        if len(codes) == 0:
            return self.word_prefix_counts(text)
        postings = [self.rows[self.offsets[code] : self.offsets[code + 1]] for code in codes]
        return np.bincount(np.concatenate(postings), minlength=self.n_names)

    def word_prefix_counts(self, letter: str) -> np.ndarray:
        """1 for names with a word starting with ``letter`` (a one-character query), else 0."""
        first = (_CODES[ord(" ")] * _BASE + _CODES[ord(letter[0])]) * _BASE
        found = self.rows[self.offsets[first] : self.offsets[first + _BASE]]
        counts = np.zeros(self.n_names, dtype=np.int64)
        counts[found] = 1
        return counts


class MovieSearch:
    """Find movies of one catalogue by (misspelt, partial, accented) title, alias or year."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        titles: list[str] = []  # folded title or alias, one per name
        names: list[str] = []  # the same with the year, as scored: "the matrix 1999"
        owners: list[int] = []
        for item in range(len(catalog)):
            year = catalog.year(item)
            spellings = (catalog.titles[item], *catalog.aliases[item])
            for key in dict.fromkeys(title_key(spelling) for spelling in spellings):
                titles.append(key)
                names.append(f"{key} {year}".strip() if year else key)
                owners.append(item)
        self._titles = titles
        self._names = names
        self._owners = np.asarray(owners, dtype=np.int64)
        self._index = TrigramIndex(names)
        self._words = _WordTable(names)
        counts = np.asarray(catalog.rating_count, dtype=np.float64)
        popularity = np.log1p(counts) / max(float(np.log1p(counts.max(initial=0.0))), 1.0)
        self._popularity = popularity
        self._name_popularity = popularity[self._owners]
        self._by_popularity = np.lexsort((-np.asarray(catalog.score), -counts))

    def search(self, text: str, limit: int = 100) -> list[int]:
        """Item indices that match ``text``, best first; the most popular films for no text."""
        query = title_key(text)
        if not query:
            return self._by_popularity[:limit].tolist()
        candidates = self._candidates(query, max(MIN_CANDIDATES, 4 * limit))
        if len(candidates) == 0:
            return []
        choices = [self._names[i] for i in candidates]
        whole = process.cdist([query], choices, scorer=fuzz.WRatio, dtype=np.float32)[0]
        words = self._words.coverage(query.split(), candidates)
        scores = (whole + words) / 2
        keep = scores >= MIN_SCORE
        candidates, scores = candidates[keep], scores[keep]
        items = self._owners[candidates]
        ranking = (
            scores + self._bonus(query, candidates) + POPULARITY_WEIGHT * self._popularity[items]
        )
        best = np.full(len(self.catalog), -np.inf)
        np.maximum.at(best, items, ranking)
        found = np.flatnonzero(np.isfinite(best))
        order = np.lexsort((found, -best[found]))[:limit]
        return found[order].tolist()

    def _candidates(self, query: str, n: int) -> np.ndarray:
        """The ``n`` names sharing most trigrams with ``query``; popularity breaks ties."""
        shared = self._index.shared_counts(query) + 0.5 * self._name_popularity
        matching = np.flatnonzero(shared >= 1.0)
        if len(matching) > n:
            matching = matching[np.argpartition(-shared[matching], n - 1)[:n]]
        return matching

    def _bonus(self, query: str, candidates: np.ndarray) -> np.ndarray:
        """Extra points where the title is the query, or starts with it (as typed so far);
        a leading article is optional ("matrix" is the whole title of "The Matrix")."""
        bonus = np.zeros(len(candidates))
        for position, name in enumerate(candidates):
            title = self._titles[name]
            bare = _drop_article(title)
            if query in (title, bare, self._names[name]):
                bonus[position] = EXACT_BONUS
            elif title.startswith(query) or bare.startswith(query):
                bonus[position] = PREFIX_BONUS
        return bonus


def _drop_article(title: str) -> str:
    first, _, rest = title.partition(" ")
    return rest if first in LEADING_ARTICLES and rest else title


class _WordTable:
    """The words of every name, to score how well each query word is covered by a name's words."""

    def __init__(self, names: list[str]) -> None:
        vocabulary: dict[str, int] = {}
        ids: list[int] = []
        lengths: list[int] = []
        for name in names:
            words = name.split() or [""]
            ids.extend(vocabulary.setdefault(word, len(vocabulary)) for word in words)
            lengths.append(len(words))
        self.vocabulary = list(vocabulary)
        self.ids = np.asarray(ids, dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)

    def coverage(self, query_words: list[str], names: np.ndarray) -> np.ndarray:
        """For each name, the length-weighted mean over query words of their best match.

        A word matches a name word by ``fuzz.ratio``; the last query word may be half typed, so
        it also matches the start of a name word ("godf" matches "godfather" fully).
        """
        starts, ends = self.offsets[names], self.offsets[names + 1]
        lengths = ends - starts
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            lengths.sum()
        )
        unique, inverse = np.unique(self.ids[positions], return_inverse=True)
        words = [self.vocabulary[i] for i in unique]
        similarity = process.cdist(query_words, words, scorer=fuzz.ratio, dtype=np.float32)
        last = query_words[-1]
        prefixes = [word[: len(last)] for word in words]
        similarity[-1] = np.maximum(
            similarity[-1], process.cdist([last], prefixes, scorer=fuzz.ratio, dtype=np.float32)[0]
        )
        segment_starts = np.cumsum(lengths) - lengths
        best = np.maximum.reduceat(similarity[:, inverse], segment_starts, axis=1)
        weights = np.asarray([len(word) for word in query_words], dtype=np.float32)
        return weights @ best / weights.sum()
