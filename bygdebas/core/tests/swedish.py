"""English left in the Swedish interface: which strings a Swedish page must not show.

A page rendered in Swedish is read as a person sees it (text, and the labels of buttons and
regions); a piece of it that is an English message of Bygdebas or Django whose Swedish
translation differs is a leftover. ``leftovers(html)`` lists them; the permission matrix reads
every page with it (``MatrixMixin.test_every_page_reads_in_swedish``).
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

from django.utils.translation import trans_real

# English that no catalogue holds as a message of its own but Django shows: the empty choice of
# a select ("- Select an option -" since Django 6.1) and the old dashes.
KNOWN_ENGLISH = frozenset({"- Select an option -"})
_PLACEHOLDER = re.compile(r"%(\(\w+\))?[sd]|\{\w*\}")
_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}


@functools.cache
def english_messages() -> frozenset[str]:
    """Every English message with a different Swedish translation, in all catalogues in use,
    but for those that are also Swedish words ("Register" is a button and a Swedish noun)."""
    catalogue = trans_real.translation("sv")._catalog
    found = set(KNOWN_ENGLISH)
    swedish = {" ".join(str(value).split()) for _key, value in catalogue.items()}
    for key, value in catalogue.items():
        if isinstance(key, tuple):
            key = key[0]
        if not key or "\x04" in key or key == value or _PLACEHOLDER.search(key):
            continue
        message = " ".join(key.split())
        if message not in swedish:
            found.add(message)
    return frozenset(found)


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _Reader(HTMLParser):
    """The Swedish text a person reads: text nodes and the labels of elements; not scripts or
    styles, and not what is marked as another language (the switch to "English")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._open: list[tuple[str, bool]] = []  # tag, whether its content is skipped

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        lang = attributes.get("lang")
        skip = tag in {"script", "style", "template"} or (
            lang is not None and not (lang or "").startswith("sv")
        )
        if not skip and not self._skipping():
            self.pieces.extend(value for name, value in attrs if name in _ATTRIBUTES and value)
        if tag not in _VOID:
            self._open.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching tag (HTML lets some end tags be left out).
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.pieces.append(data)


def leftovers(html: str) -> list[str]:
    """The English messages ``html`` shows: a piece of text that is one, or holds one of three
    words or more."""
    reader = _Reader()
    reader.feed(html)
    english = english_messages()
    long_ones = [message for message in english if message.count(" ") >= 2]
    found = []
    for piece in reader.pieces:
        text = " ".join(piece.split())
        if not text:
            continue
        if text in english or text.rstrip(":") in english:
            found.append(text)
        else:
            found.extend(message for message in long_ones if message in text)
    return found
