"""Swedish identifiers and names, cleaned the same way by forms, imports and duplicate detection."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Phone numbers are cleaned by the one function in core, for every app; imported here too for
# the registry's forms, services and import, which take their normalisers from this module.
from bygdebas.core.numbers import DASHES, ascii_digits
from bygdebas.core.phone import normalise_phone

__all__ = ["luhn_ok", "name_key", "normalise_org_number", "normalise_phone"]

_ORG_NUMBER = re.compile(r"^(?:16)?([0-9]{6})-?([0-9]{4})$", re.ASCII)


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
    raw = ascii_digits(re.sub(r"\s", "", value or "")).translate(DASHES)
    if not raw:
        return ""
    match = _ORG_NUMBER.match(raw)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not an organisation number: write ten digits, as 802412-3450."),
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
