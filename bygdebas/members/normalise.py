"""Swedish identifiers and names, cleaned the same way by forms, imports and duplicate detection."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bygdebas.core.numbers import ascii_digits

# Dashes people and word processors put in numbers: non-breaking, figure, en and full-width.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\uff0d", "-"))

_ORG_NUMBER = re.compile(r"^(?:16)?([0-9]{6})-?([0-9]{4})$", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by Swedish organisation and personal identity numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_org_number(value: str) -> str:
    """``NNNNNN-NNNN`` from the ways people write it; ValidationError when it is not valid.

    Accepts spaces, a missing hyphen and the ``16`` century prefix some registers print.
    """
    raw = ascii_digits(re.sub(r"\s", "", value or "")).translate(_DASHES)
    if not raw:
        return ""
    match = _ORG_NUMBER.match(raw)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not an organisation number: write ten digits, as 802412-3456."),
            code="format",
            params={"value": value},
        )
    digits = match.group(1) + match.group(2)
    if not luhn_ok(digits):
        raise ValidationError(
            _("“%(value)s” is not a valid organisation number: the check digit is wrong."),
            code="checksum",
            params={"value": value},
        )
    return f"{digits[:6]}-{digits[6:]}"


def normalise_phone(value: str) -> str:
    """A Swedish phone number in one written form: ``070-123 45 67``, ``019-12 34 56``, ``+46 …``.

    Numbers from abroad keep their ``+`` country code and are only stripped of punctuation.
    """
    raw = (value or "").strip()
    if not raw:
        return ""
    # Full-width and other decimal digits count as digits; "²" (which isdigit() accepts) not.
    digits = re.sub(r"[\s\-()./]", "", ascii_digits(raw).translate(_DASHES))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+46"):
        digits = "0" + digits[3:].lstrip("0")
    if digits.startswith("+"):
        if not _DIGITS.fullmatch(digits[1:]) or not 8 <= len(digits) <= 16:
            raise ValidationError(
                _("“%(value)s” is not a phone number."), code="phone", params={"value": value}
            )
        return digits
    if not _DIGITS.fullmatch(digits) or not digits.startswith("0") or not 7 <= len(digits) <= 11:
        raise ValidationError(
            _("“%(value)s” is not a Swedish phone number: start with 0 or +46."),
            code="phone",
            params={"value": value},
        )
    if digits.startswith("07") and len(digits) == 10:  # mobile: 070-123 45 67
        area, rest = digits[:3], digits[3:]
    elif digits.startswith("08"):  # Stockholm
        area, rest = digits[:2], digits[2:]
    elif digits[:3] in _THREE_DIGIT_AREAS:
        area, rest = digits[:3], digits[3:]
    else:
        area, rest = digits[:4], digits[4:]
    return f"{area}-{_group(rest)}"


# Three-digit area codes (with the leading 0); the rest are four digits, Stockholm is 08.
_THREE_DIGIT_AREAS = {
    "011", "013", "016", "018", "019", "021", "023", "026", "031", "033", "035", "036", "040",
    "042", "044", "046", "054", "060", "063", "090",
}  # fmt: skip


def _group(rest: str) -> str:
    """Swedish grouping of the subscriber number: 12 34 56, 123 45 67, 12 34 5…"""
    if len(rest) <= 3:
        return rest
    head = ""
    if len(rest) % 2:
        head, rest = rest[:3] + " ", rest[3:]
    return head + " ".join(rest[i : i + 2] for i in range(0, len(rest), 2))


# Words that make the same group look different on paper: "Byalaget i Ås" = "Ås byalag".
_NOISE_WORDS = {
    "byalaget", "byalag", "bygdeföreningen", "bygdeförening", "byförening", "byföreningen",
    "intresseförening", "intresseföreningen", "samhällsförening", "samhällsföreningen",
    "föreningen", "förening", "ek", "ekonomisk", "ekonomiska", "ideell", "ideella", "i", "för",
    "och", "&", "av", "the", "upa", "ef",
}  # fmt: skip


def name_key(name: str) -> str:
    """A key under which the same group's name, written differently, collides.

    Case, accents on Latin letters other than å/ä/ö, punctuation, extra whitespace, word order
    and the generic words of association names (Byalaget/Byalag, Föreningen…) do not count.
    """
    text = unicodedata.normalize("NFC", name or "").casefold()
    text = re.sub(r"[^\w\s&]", " ", text)
    words = [w for w in text.split() if w not in _NOISE_WORDS]
    if not words:  # a name made only of generic words is its own key
        words = text.split()
    return " ".join(sorted(words))
