"""Finding a plan's activities by what their text says: the one way every app does it.

An app that logs its work against "the plan's newsletter activity" or "the infrastructure
activity" names it by words, in tiers, strongest first; the first tier that matches any
activity wins::

    from bygdebas.plan.matching import find_activities

    NEWSLETTER = (("nyhetsbrev", "newsletter"), ("information från medlemmar",))
    activities = find_activities(network, 2025, tiers=NEWSLETTER)

A term is one or more words (a phrase: the words in a row). Matching is case-insensitive and
word-aware, never inside another word:

- a plain word matches itself and its inflections: "nyhetsbrev" matches "nyhetsbrevet",
  "medlem" matches "medlemmar", "kris" matches "krisen" but not "kristen", "väg" matches
  "vägar" but not "vägra";
- a word ending in ``*`` matches every word that starts with it, compounds too:
  "kollektivtrafik*" matches "kollektivtrafiksfrågor", "rekryt*" matches "rekrytera".

Words are runs of letters and digits, so "LEADER-områdena" is the two words "leader områdena".
The plan importer's target proposals (``plan.proposals``) use the same terms.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bygdebas.core.search import stem
from bygdebas.plan.models import Activity

if TYPE_CHECKING:
    from bygdebas.core.models import Network

_WORD = re.compile(r"[^\W_]+")
_TERM_WORD = re.compile(r"[^\W_]+\*?")
# A star not right after a letter or digit, or with one right after it.
_MISPLACED_STAR = re.compile(r"(?<![^\W_])\*|\*(?=[^\W_])")
# Swedish (and English) endings of inflected forms: a plain word also matches itself plus one of
# these, with its last consonant doubled or not ("medlem" → "medlemmar"). The stemmer alone
# would miss some ("medlem" is "medlem", "medlemmar" is "medlemm").
_ENDINGS = (
    "", "s", "n", "t", "a", "e", "en", "et", "er", "ar", "or", "na", "ne", "ns", "ens", "ets",
    "ers", "ars", "ors", "ena", "enas", "arna", "erna", "orna", "arnas", "ernas", "ornas",
    "ande", "ende", "ade", "ad", "at", "es", "ed", "ing", "ings", "ingen", "ingar", "ingarna",
)  # fmt: skip
_VOWELS = frozenset("aeiouyåäö")

type Tiers = Sequence[Sequence[str]]


@dataclass(frozen=True)
class TermWord:
    word: str
    is_prefix: bool

    def matches(self, word: str) -> bool:
        if self.is_prefix:
            return word.startswith(self.word)
        return word in _inflections(self.word) or stem(word) == stem(self.word)


@functools.cache
def _inflections(word: str) -> frozenset[str]:
    forms = {word + ending for ending in _ENDINGS}
    if word[-1] not in _VOWELS and not word[-1].isdigit():
        forms |= {word + word[-1] + ending for ending in _ENDINGS if ending}
    return frozenset(forms)


@functools.cache
def parse_term(term: str) -> tuple[TermWord, ...]:
    """The words of ``term``; ValueError for a term without words or with a misplaced ``*``."""
    cleaned = term.strip().lower()
    words = _TERM_WORD.findall(cleaned)
    if not words:
        raise ValueError(f"The term {term!r} has no words.")
    if _MISPLACED_STAR.search(cleaned):
        raise ValueError(f"In {term!r}, '*' may only end a word (e.g. 'landsbygd*').")
    return tuple(TermWord(word.rstrip("*"), word.endswith("*")) for word in words)


def words_of(text: str) -> list[str]:
    """The lower-case words of ``text``, in order."""
    return [match.group().lower() for match in _WORD.finditer(text)]


def _phrase_in(words: Sequence[str], phrase: Sequence[TermWord]) -> bool:
    length = len(phrase)
    for start in range(len(words) - length + 1):
        if all(part.matches(words[start + i]) for i, part in enumerate(phrase)):
            return True
    return False


def text_matches(text: str, terms: Iterable[str]) -> bool:
    """Whether ``text`` contains any of ``terms`` (see the module's rules)."""
    words = words_of(text)
    return any(_phrase_in(words, parse_term(term)) for term in terms)


def _as_tiers(tiers: Tiers | Sequence[str]) -> list[Sequence[str]]:
    if isinstance(tiers, str):
        raise TypeError("Give the terms in tiers: (('nyhetsbrev', 'newsletter'),).")
    tiers = list(tiers)
    # One flat tuple of terms is one tier.
    if tiers and all(isinstance(tier, str) for tier in tiers):
        return [tiers]  # type: ignore[list-item]  # the check above: a sequence of str
    return tiers


def match_tiers[T](items: Sequence[T], texts: Sequence[str], tiers: Tiers) -> list[T]:
    """The items whose text matches the first tier that matches any; [] when none does."""
    for tier in _as_tiers(tiers):
        for term in tier:
            parse_term(term)  # a bad term is an error even when an earlier one matched
        found = [item for item, text in zip(items, texts, strict=True) if text_matches(text, tier)]
        if found:
            return found
    return []


def find_activities(network: Network | int, year: int, tiers: Tiers) -> list[Activity]:
    """The activities of ``network``'s plan for ``year`` that the first matching tier names.

    In the plan's order (area, then activity); one query.
    """
    activities = list(
        Activity.objects.for_network(network)
        .for_year(year)
        .select_related("area__plan")
        .order_by("area__order", "area_id", "order", "pk")
    )
    return match_tiers(activities, [activity.text for activity in activities], tiers)
