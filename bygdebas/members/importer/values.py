"""One cell to one value: each parser returns the value to save or raises ValidationError.

The messages name the value that was wrong, since they are shown next to a row number and a
column of a file staff did not necessarily write themselves.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bygdebas.core.models import Municipality
from bygdebas.core.numbers import ascii_digits, parse_decimal
from bygdebas.members.importer.reading import Cell, cell_text
from bygdebas.members.models import Engagement, Membership, Organisation, Person, current_year
from bygdebas.members.normalise import normalise_org_number, normalise_phone

_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])
# Addresses of this plain form are valid for EmailValidator too (a strict subset of what it
# accepts: dot-atoms of these characters, an ASCII host name and a letters-only top domain), so
# only the others are sent through it.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_NOT_WORD = re.compile(r"[^\w]+")
_SPACE = re.compile(r"\s")
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_TAG_SEPARATOR = re.compile(r"[,;]")
_AMOUNT_NOISE = re.compile(r"(?i)\s|kr|sek|:-")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_YEAR = re.compile(r"[0-9]{1,4}", re.ASCII)


def _key(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def choice_lookup(
    choices: type[TextChoices], extra: Mapping[str, Iterable[str]] | None = None
) -> dict[str, str]:
    """Value by every way of writing it: the key, the label in English and Swedish, synonyms."""
    lookup: dict[str, str] = {}
    for value, label in zip(choices.values, choices.labels, strict=True):
        lookup[_key(value)] = value
        for language in ("en", "sv"):
            with translation.override(language):
                lookup.setdefault(_key(str(label)), value)
    for value, words in (extra or {}).items():
        for word in words:
            lookup[_key(word)] = value
    return lookup


KIND_WORDS: dict[str, tuple[str, ...]] = {
    Organisation.Kind.LOCAL_GROUP: (
        "lokal utvecklingsgrupp", "utvecklingsgrupp", "lug", "bygdegrupp", "local group",
    ),
    Organisation.Kind.VILLAGE: (
        "byalag", "byalaget", "byförening", "bygdeförening", "samhällsförening", "village",
    ),
    Organisation.Kind.ASSOCIATION: ("förening", "ideell förening", "association"),
    Organisation.Kind.STUDY: ("studieförbund", "studieförbundet", "study association"),
    Organisation.Kind.MUNICIPALITY: ("kommun", "kommunen"),
    Organisation.Kind.REGION: ("region", "regionen", "landsting"),
    Organisation.Kind.COUNTY_BOARD: ("länsstyrelse", "länsstyrelsen"),
    Organisation.Kind.COMPANY: ("företag", "ab", "aktiebolag", "enskild firma", "företaget"),
    Organisation.Kind.OTHER: ("annan", "annat", "övrig", "övrigt", "other"),
}  # fmt: skip
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    Engagement.Role.CONTACT: ("kontakt", "kontaktperson", "contact"),
    Engagement.Role.CHAIR: ("ordförande", "ordf", "chair", "chairperson", "chairman"),
    Engagement.Role.VICE_CHAIR: ("vice ordförande", "vice ordf", "v ordf", "vice chair"),
    Engagement.Role.SECRETARY: ("sekreterare", "sekr", "secretary"),
    Engagement.Role.TREASURER: ("kassör", "kassor", "kassaförvaltare", "treasurer"),
    Engagement.Role.BOARD: ("ledamot", "styrelseledamot", "styrelse", "suppleant", "board"),
    Engagement.Role.OTHER: ("övrig", "annan", "medlem", "other"),
}  # fmt: skip
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    Membership.Status.ACTIVE: ("aktiv", "medlem", "ja", "x", "1", "betald", "active", "yes"),
    Membership.Status.APPLIED: ("ansökt", "ansökan", "sökt", "applied"),
    Membership.Status.RENEWAL_REQUESTED: ("förnyelse", "förnyelse begärd", "renewal"),
    Membership.Status.LAPSED: ("förfallen", "förfallit", "ej förnyad", "lapsed"),
    Membership.Status.ENDED: ("avslutad", "utträtt", "utträde", "slutat", "ended"),
    Membership.Status.DECLINED: ("avslagen", "nekad", "avböjd", "declined"),
}  # fmt: skip

TRUE_WORDS = {"ja", "j", "x", "1", "yes", "y", "true", "sant"}
FALSE_WORDS = {"nej", "n", "0", "no", "false", "falskt", "-"}


class Lookups:
    """What the parsers look values up in: municipalities and the choice words.

    Built once per import (one query for the municipalities).
    """

    def __init__(self) -> None:
        self.municipalities: dict[str, int] = {}
        self.municipality_names: dict[int, str] = {}
        for pk, code, name in Municipality.objects.values_list("pk", "code", "name"):
            self.municipality_names[pk] = name
            self.municipalities[code] = pk
            self.municipalities[_key(name)] = pk
            self.municipalities[_key(f"{name} kommun")] = pk
            # "Örebro kommun" and "Örebro läns kommun"-like spellings, and the genitive.
            self.municipalities.setdefault(_key(f"{name}s kommun"), pk)
        self.kinds = choice_lookup(Organisation.Kind, KIND_WORDS)
        self.roles = choice_lookup(Engagement.Role, ROLE_WORDS)
        self.statuses = choice_lookup(Membership.Status, STATUS_WORDS)
        self.this_year = current_year()
        self.next_year = self.this_year + 1


def text(max_length: int, *, multiline: bool = False) -> Callable[[Cell, Lookups], str]:
    def parse(value: Cell, lookups: Lookups) -> str:
        result = cell_text(value) if multiline else " ".join(cell_text(value).split())
        if len(result) > max_length:
            raise ValidationError(
                _("The text is %(length)s characters long; at most %(max)s fit.")
                % {"length": len(result), "max": max_length}
            )
        return result

    return parse


def org_number(value: Cell, lookups: Lookups) -> str:
    return normalise_org_number(cell_text(value))


def municipality(value: Cell, lookups: Lookups) -> int | None:
    raw = cell_text(value)
    if not raw:
        return None
    digits = ascii_digits(raw)
    code = digits.zfill(4) if _DIGITS.fullmatch(digits) else None
    pk = lookups.municipalities.get(code or "") or lookups.municipalities.get(_key(raw))
    if pk is None:
        raise ValidationError(
            _("“%(value)s” is not a municipality Bygdebas knows. Write its name or its code.")
            % {"value": raw}
        )
    return pk


def email(value: Cell, lookups: Lookups) -> str:
    raw = cell_text(value).lower()
    if raw.startswith("mailto:"):
        raw = raw[len("mailto:") :]
    if raw and not (len(raw) <= 254 and _PLAIN_EMAIL.fullmatch(raw)):
        try:
            _email(raw)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not an e-mail address.") % {"value": cell_text(value)}
            ) from None
    if len(raw) > (Person._meta.get_field("email").max_length or 254):
        raise ValidationError(_("The e-mail address is too long."))
    return raw


def phone(value: Cell, lookups: Lookups) -> str:
    raw = cell_text(value)
    # Excel drops the leading zero of a number typed as a number: 701234567 → 0701234567.
    if isinstance(value, int | float) and _DIGITS.fullmatch(raw) and not raw.startswith("0"):
        raw = "0" + raw
    try:
        return normalise_phone(raw)
    except ValidationError as error:
        raise ValidationError(error.messages[0]) from None


def website(value: Cell, lookups: Lookups) -> str:
    raw = cell_text(value)
    if not raw:
        return ""
    if not _SCHEME.match(raw):
        raw = "https://" + raw
    try:
        _url(raw)
    except ValidationError:
        raise ValidationError(
            _("“%(value)s” is not a web address.") % {"value": cell_text(value)}
        ) from None
    if len(raw) > 200:
        raise ValidationError(_("The web address is too long."))
    return raw


def year(low: int, high: int | None = None) -> Callable[[Cell, Lookups], int | None]:
    def parse(value: Cell, lookups: Lookups) -> int | None:
        raw = cell_text(value)
        if not raw:
            return None
        if isinstance(value, datetime.date):
            return value.year
        top = high or lookups.next_year
        # "19²9" passes str.isdigit() but not int(): only decimal digits make a year.
        digits = ascii_digits(raw)
        number = int(digits) if _YEAR.fullmatch(digits) else None
        if number is None or not low <= number <= top:
            raise ValidationError(
                _("“%(value)s” is not a year between %(low)s and %(high)s.")
                % {"value": raw, "low": low, "high": top}
            )
        return number

    return parse


def boolean(value: Cell, lookups: Lookups) -> bool:
    if isinstance(value, bool):
        return value
    raw = cell_text(value).casefold().rstrip(".")
    if not raw or raw in FALSE_WORDS:
        return False
    if raw in TRUE_WORDS:
        return True
    raise ValidationError(
        _("“%(value)s” is neither yes nor no: write ja or nej.") % {"value": cell_text(value)}
    )


def _choice(
    lookup_of: Callable[[Lookups], dict[str, str]], message: Any
) -> Callable[[Cell, Lookups], str]:
    def parse(value: Cell, lookups: Lookups) -> str:
        raw = cell_text(value)
        if not raw:
            return ""
        found = lookup_of(lookups).get(_key(raw))
        if found is None:
            raise ValidationError(str(message) % {"value": raw})
        return found

    return parse


kind = _choice(
    lambda lookups: lookups.kinds,
    gettext_lazy(
        "“%(value)s” is not a kind of organisation: write e.g. byalag, lokal utvecklingsgrupp, "
        "förening, studieförbund, kommun or företag."
    ),
)
role = _choice(
    lambda lookups: lookups.roles,
    gettext_lazy(
        "“%(value)s” is not a role: write e.g. kontaktperson, ordförande, sekreterare, kassör or "
        "ledamot."
    ),
)
membership_status = _choice(
    lambda lookups: lookups.statuses,
    gettext_lazy(
        "“%(value)s” is not a membership status: write aktiv, ansökt, förfallen, avslutad or "
        "avslagen."
    ),
)


def tags(value: Cell, lookups: Lookups) -> list[str]:
    names = [" ".join(part.split()) for part in _TAG_SEPARATOR.split(cell_text(value))]
    result = [name for name in names if name]
    for name in result:
        if len(name) > 60:
            raise ValidationError(_("The tag “%(value)s” is too long.") % {"value": name[:60]})
    return result


def postal_code(value: Cell, lookups: Lookups) -> str:
    raw = ascii_digits(_SPACE.sub("", cell_text(value)))
    if raw.upper().startswith("SE-"):
        raw = raw[3:]
    if not raw:
        return ""
    if not (_DIGITS.fullmatch(raw) and len(raw) == 5):
        raise ValidationError(
            _("“%(value)s” is not a postal code: write five digits, as 702 11.")
            % {"value": cell_text(value)}
        )
    return f"{raw[:3]} {raw[3:]}"


_MAX_AMOUNT = Decimal("10000000")


def decimal(value: Cell, lookups: Lookups) -> Decimal | None:
    not_an_amount = ValidationError(
        _("“%(value)s” is not an amount.") % {"value": cell_text(value)}
    )
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise not_an_amount
        number: Decimal | None = Decimal(str(value))
    else:
        raw = _AMOUNT_NOISE.sub("", cell_text(value))
        if not raw:
            return None
        number = parse_decimal(raw)
    # Checked before rounding: rounding a huge number to öre raises instead of rounding.
    if number is None or not 0 <= number < _MAX_AMOUNT:
        raise not_an_amount
    return number.quantize(Decimal("0.01"))


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m %Y")


def date(value: Cell, lookups: Lookups) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = cell_text(value)
    if not raw:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, pattern).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date: write it as 2025-03-31.") % {"value": raw})


def coordinate(low: float, high: float) -> Callable[[Cell, Lookups], float | None]:
    def parse(value: Cell, lookups: Lookups) -> float | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            raw = cell_text(value)
            if not raw:
                return None
            parsed = parse_decimal(raw)
            number = float(parsed) if parsed is not None else float("nan")
        if not low <= number <= high:
            raise ValidationError(
                _("“%(value)s” is not a coordinate in Sweden (%(low)s–%(high)s).")
                % {"value": cell_text(value), "low": low, "high": high}
            )
        return number

    return parse


def _max_length(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


PARSERS: dict[str, Callable[[Cell, Lookups], Any]] = {
    "name": text(_max_length(Organisation, "name")),
    "org_number": org_number,
    "kind": kind,
    "municipality": municipality,
    "locality": text(_max_length(Organisation, "locality")),
    "street_address": text(_max_length(Organisation, "street_address")),
    "postal_code": postal_code,
    "postal_town": text(_max_length(Organisation, "postal_town")),
    "email": email,
    "phone": phone,
    "website": website,
    "founded_year": year(1800),
    "is_youth_led": boolean,
    "tags": tags,
    "notes": text(10_000, multiline=True),
    "latitude": coordinate(54.0, 70.0),
    "longitude": coordinate(9.0, 25.0),
    "contact_name": text(_max_length(Person, "name")),
    "contact_email": email,
    "contact_phone": phone,
    "role": role,
    "birth_year": year(1900),
    "membership_year": year(2000, 2100),
    "membership_status": membership_status,
    "fee": decimal,
    "invoiced_on": date,
    "paid_on": date,
}


class Memo:
    """A parser that remembers what it made of each distinct cell, for one import.

    Most columns of a registry export repeat a few values (municipality, kind, role, year,
    fee, dates, tags, postal town), and each is parsed once. Columns where values rarely
    repeat (names, e-mail addresses, numbers) stop being remembered after ``TRIAL`` cells with
    fewer than half of them repeats, so they cost no memory.
    """

    TRIAL = 1000

    def __init__(self, parse: Callable[[Cell, Lookups], Any]) -> None:
        self.parse = parse
        # Text cells by themselves, others with their type (True == 1 == 1.0, "1" is not).
        self.known: dict[Any, tuple[bool, Any]] | None = {}
        self.calls = self.hits = 0

    def __call__(self, value: Cell, lookups: Lookups) -> Any:
        known = self.known
        if known is None:
            return self.parse(value, lookups)
        key = value if type(value) is str else (type(value), value)
        found = known.get(key)
        self.calls += 1
        if found is not None:
            self.hits += 1
            ok, result = found
            if not ok:
                raise ValidationError(result)
            return list(result) if type(result) is list else result
        if self.calls == self.TRIAL and self.hits * 2 < self.calls:
            self.known = None
        try:
            result = self.parse(value, lookups)
        except ValidationError as error:
            known[key] = (False, error.messages)
            raise
        known[key] = (True, result)
        return list(result) if type(result) is list else result


def memoised_parsers() -> dict[str, Callable[[Cell, Lookups], Any]]:
    """``PARSERS``, each with a ``Memo`` of its own: for one import."""
    return {key: Memo(parse) for key, parse in PARSERS.items()}
