"""Phone numbers in one written form, for every form and import that takes one.

Parsing and validation are Google's libphonenumber (the ``phonenumbers`` package, region SE), so
area codes are right however the number was written: ``010-123 45 67``, ``08-123 456 78``,
``019-12 34 56``, ``0587-123 45``. Swedish numbers are written in the national form with the
area code, a hyphen and the subscriber number in groups (Svensk standard SS 014221); numbers from
abroad keep their country code, in the international form (``+47 22 12 34 56``).
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bygdebas.core.numbers import DASHES, ascii_digits

# As long as the phone fields of the registry (organisations, people, prospects) allow.
MAX_LENGTH = 24
_PUNCTUATION = re.compile(r"[\s\-–()./]")
# libphonenumber writes the shared-cost (077x) and 0200 freephone numbers with a two-digit
# prefix, 077-156 75 67 and 020-012 34 56; in Sweden they are 0771-56 75 67 and 0200-12 34 56.
_FOUR_DIGIT_SERVICE_PREFIXES = ("77", "200")


def normalise_phone(value: str) -> str:
    """``value`` as one written form (``070-123 45 67``, ``+47 22 12 34 56``); "" for blank.

    Raises ValidationError for anything that is not a phone number in use.
    """
    # Full-width and other decimal digits count as digits, "²" (which isdigit() accepts) does not;
    # typographic dashes are hyphens.
    raw = ascii_digits((value or "").strip()).translate(DASHES)
    if not raw:
        return ""
    compact = _PUNCTUATION.sub("", raw)
    if not any(char in "0123456789" for char in compact):
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="phone", params={"value": value}
        )
    if not compact.startswith(("0", "+")):
        raise ValidationError(
            _("“%(value)s” is not a Swedish phone number: start with 0 or +46."),
            code="phone",
            params={"value": value},
        )
    try:
        number = phonenumbers.parse(raw, "SE")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="phone", params={"value": value}
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number in use: check the area code and the number "
                "of digits."
            ),
            code="phone",
            params={"value": value},
        )
    written = _written(number)
    if len(written) > MAX_LENGTH:
        raise ValidationError(
            _("“%(value)s” is too long for a phone number."), code="phone", params={"value": value}
        )
    return written


def _written(number: phonenumbers.PhoneNumber) -> str:
    if number.country_code != 46:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    digits = phonenumbers.national_significant_number(number)
    if digits.startswith(_FOUR_DIGIT_SERVICE_PREFIXES) and len(digits) == 9:
        written = f"0{digits[:3]}-{_pairs(digits[3:])}"
        return f"{written} ext. {number.extension}" if number.extension else written
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _pairs(digits: str) -> str:
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
