"""Keyword rules for watched entries, on the plan's word matching (``plan.matching``).

A rule is a list of terms (words or phrases) and a list of exclusions. An entry matches when a
term occurs in its title or summary and no exclusion does. The words follow ``plan.matching``:

- case-insensitive, whole words only ("väg" never matches "vägra");
- a plain word matches itself and its inflections ("kollektivtrafik" → "kollektivtrafiken");
- a word ending in ``*`` matches the words that start with it ("landsbygd*" →
  "landsbygdsprogrammet", "LANDSBYGDSRÅDET");
- å, ä and ö are letters of their own ("väg" is not "vag"), but é, è and other accents are not:
  "kafé", "kafè" and "kafe" are one word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bygdebas.plan.matching import TermWord, parse_term, words_of

_OWN_LETTERS = frozenset("åäöÅÄÖ")


def fold(text: str) -> str:
    """``text`` with accents removed from every letter but å, ä and ö."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    out = []
    for char in text:
        if char in _OWN_LETTERS or char.isascii():
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)) or char)
    return "".join(out)


def _phrase_in(words: Sequence[str], phrase: Sequence[TermWord]) -> bool:
    length = len(phrase)
    return any(
        all(part.matches(words[start + i]) for i, part in enumerate(phrase))
        for start in range(len(words) - length + 1)
    )


def check_term(term: str) -> None:
    """ValueError for a term without words or with a ``*`` that does not end a word."""
    parse_term(fold(term))


@dataclass(frozen=True)
class Rules:
    """A source's keyword rules, parsed once; ``Rules.of(terms, exclusions)``."""

    terms: tuple[tuple[str, tuple[TermWord, ...]], ...]
    exclusions: tuple[tuple[TermWord, ...], ...] = field(default=())

    @classmethod
    def of(cls, terms: Iterable[str], exclusions: Iterable[str] = ()) -> Rules:
        """Parse ``terms`` and ``exclusions``; ValueError for a bad one."""
        return cls(
            terms=tuple((term.strip(), parse_term(fold(term))) for term in terms),
            exclusions=tuple(parse_term(fold(term)) for term in exclusions),
        )

    def matched_terms(self, *texts: str) -> list[str]:
        """The terms found in ``texts``; [] when none is, or when an exclusion is found.

        Without terms, everything matches (a source kept whole) unless an exclusion is found.
        """
        # A phrase never runs from the title into the summary.
        texts_words = [words_of(fold(text)) for text in texts]

        def found(phrase: Sequence[TermWord]) -> bool:
            return any(_phrase_in(words, phrase) for words in texts_words)

        if any(found(phrase) for phrase in self.exclusions):
            return []
        if not self.terms:
            return ["*"]
        return [term for term, phrase in self.terms if found(phrase)]

    def matches(self, *texts: str) -> bool:
        return bool(self.matched_terms(*texts))
