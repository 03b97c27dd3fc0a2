"""Numbers typed by people and copied from documents, read strictly.

``str.isdigit()`` is true for "²" and "١", and ``int()`` accepts "١" but not "²": a check with
the one and a conversion with the other crashes on a superscript. Here, decimal digits of any
script (full-width "１", Arabic-Indic "١") are read as the digits they are, everything else that
looks like a digit (superscripts, fractions, Roman numerals) is not a digit; spaces of every
kind group thousands ("1 200", with a non-breaking or thin space), and the Unicode minus and
the full-width signs are signs. The parsers return None for text that is not a number, so that
the caller gives its own error.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_SIGNS = str.maketrans({"\u2212": "-", "\uff0d": "-", "\ufe63": "-", "\uff0b": "+"})
_SPACES = re.compile(r"\s+")
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)", re.ASCII)
# Longer than any count, amount or year a form or a file has reason to hold; also far below
# Python's limit on the digits int() converts (4,300), beyond which it raises.
MAX_DIGITS = 30


# Dashes people and word processors put in numbers: non-breaking, figure, en, minus, full-width.
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\uff0d", "-"))


def ascii_digits(text: str) -> str:
    """``"１９２９"`` → ``"1929"``: decimal digits of any script as ASCII; nothing else changes."""
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char
        for char in text
    )


def number_text(text: str) -> str:
    """The text of a number without spaces, its digits in ASCII and its signs plain."""
    return _SPACES.sub("", ascii_digits(text).translate(_SIGNS))


def parse_int(text: str) -> int | None:
    """A whole number ("1 200", "−3", "１９２９"), or None."""
    raw = number_text(text)
    if len(raw) > MAX_DIGITS or not _INTEGER.fullmatch(raw):
        return None
    return int(raw)


def parse_decimal(text: str) -> Decimal | None:
    """A decimal number with a comma or a point ("1 200,50", "59.27"), or None."""
    raw = number_text(text)
    if len(raw) > MAX_DIGITS or not _DECIMAL.fullmatch(raw):
        return None
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        return None
