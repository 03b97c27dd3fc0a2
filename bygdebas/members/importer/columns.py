"""The fields an import row can fill, and which column header means which field.

Headers are recognised in Swedish and English, as people write them ("Org.nr", "Föreningens
namn", "Kontaktpersonens e-post"…): case, punctuation and extra spaces do not count. Staff can
correct the guess on the preview page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise
    group: str  # "organisation", "person" or "membership"
    aliases: tuple[str, ...]


ORGANISATION, PERSON, MEMBERSHIP = "organisation", "person", "membership"

FIELDS: tuple[Field, ...] = (
    Field("name", _("Name of the organisation"), ORGANISATION, (
        "namn", "föreningens namn", "föreningsnamn", "förening", "organisation",
        "organisationens namn", "organisationsnamn", "organisation namn", "name",
        "organisation name", "organization", "organization name", "group", "grupp",
    )),
    Field("org_number", _("Organisation number"), ORGANISATION, (
        "organisationsnummer", "org nr", "orgnr", "org nummer", "organisationsnr", "org number",
        "organisation number", "organization number", "orgno", "org no", "reg nr",
    )),
    Field("kind", _("Kind"), ORGANISATION, (
        "typ", "organisationstyp", "typ av organisation", "kategori", "sort", "kind", "type",
        "category",
    )),
    Field("municipality", _("Municipality (name or code)"), ORGANISATION, (
        "kommun", "kommunkod", "kommun kod", "kommunnamn", "municipality", "municipality code",
    )),
    Field("locality", _("Locality"), ORGANISATION, (
        "ort", "by", "bygd", "orten", "locality", "village", "place",
    )),
    Field("street_address", _("Street address"), ORGANISATION, (
        "adress", "gatuadress", "utdelningsadress", "besöksadress", "address", "street address",
        "street",
    )),
    Field("postal_code", _("Postal code"), ORGANISATION, (
        "postnummer", "postnr", "post nr", "postal code", "zip", "zip code", "postcode",
    )),
    Field("postal_town", _("Postal town"), ORGANISATION, (
        "postort", "postal town", "city", "town",
    )),
    Field("email", _("E-mail of the organisation"), ORGANISATION, (
        "e post", "epost", "e mail", "email", "mail", "mejl", "e postadress",
        "föreningens e post", "organisationens e post",
    )),
    Field("phone", _("Phone of the organisation"), ORGANISATION, (
        "telefon", "tel", "telefonnummer", "telefonnr", "phone", "telephone",
        "föreningens telefon",
    )),
    Field("website", _("Website"), ORGANISATION, (
        "webbplats", "webbsida", "hemsida", "webb", "webbadress", "website", "web", "url",
        "homepage",
    )),
    Field("founded_year", _("Founded (year)"), ORGANISATION, (
        "grundad", "grundades", "grundår", "bildad", "bildades", "år grundad", "startår",
        "founded", "year founded",
    )),
    Field("is_youth_led", _("Youth-led"), ORGANISATION, (
        "ungdomsledd", "ungdomsledd förening", "ungdomsstyrd", "youth led", "youth-led",
    )),
    Field("tags", _("Tags (separated by commas)"), ORGANISATION, (
        "taggar", "tagg", "etiketter", "nyckelord", "tags", "tag",
    )),
    Field("notes", _("Notes"), ORGANISATION, (
        "anteckningar", "anteckning", "kommentar", "kommentarer", "övrigt", "notes", "note",
        "comment", "comments",
    )),
    Field("latitude", _("Latitude"), ORGANISATION, ("latitud", "lat", "latitude")),
    Field("longitude", _("Longitude"), ORGANISATION, ("longitud", "lon", "lng", "longitude")),
    Field("contact_name", _("Contact person"), PERSON, (
        "kontaktperson", "kontakt", "kontaktpersonens namn", "namn kontaktperson",
        "kontaktperson namn", "contact", "contact person", "contact name", "person",
    )),
    Field("contact_email", _("Contact person's e-mail"), PERSON, (
        "kontaktpersonens e post", "kontaktperson e post", "e post kontaktperson",
        "kontakt e post", "kontaktens e post", "contact email", "contact e mail",
        "contact person email", "contact person e mail",
    )),
    Field("contact_phone", _("Contact person's phone"), PERSON, (
        "kontaktpersonens telefon", "kontaktperson telefon", "telefon kontaktperson",
        "kontakt telefon", "kontaktens telefon", "mobil", "mobiltelefon", "mobilnummer",
        "contact phone", "contact person phone", "mobile",
    )),
    Field("role", _("Role"), PERSON, (
        "roll", "befattning", "uppdrag", "funktion", "role", "position",
    )),
    Field("birth_year", _("Birth year"), PERSON, (
        "födelseår", "född", "födelse år", "birth year", "year of birth", "born",
    )),
    Field("membership_year", _("Membership year"), MEMBERSHIP, (
        "medlemsår", "år", "medlem år", "medlemskap år", "membership year", "year",
    )),
    Field("membership_status", _("Membership status"), MEMBERSHIP, (
        "medlemsstatus", "status", "medlemskap", "membership status", "membership",
    )),
    Field("fee", _("Fee"), MEMBERSHIP, (
        "avgift", "medlemsavgift", "belopp", "fee", "membership fee", "amount",
    )),
    Field("invoiced_on", _("Invoiced (date)"), MEMBERSHIP, (
        "fakturerad", "faktureringsdatum", "fakturadatum", "invoiced", "invoiced on",
    )),
    Field("paid_on", _("Paid (date)"), MEMBERSHIP, (
        "betald", "betalt", "betaldatum", "betalningsdatum", "betalad", "paid", "paid on",
        "date paid",
    )),
)  # fmt: skip

FIELDS_BY_KEY = {field.key: field for field in FIELDS}
MEMBERSHIP_KEYS = tuple(f.key for f in FIELDS if f.group == MEMBERSHIP)
PERSON_KEYS = tuple(f.key for f in FIELDS if f.group == PERSON)

# Column index -> field key. A field is filled from at most one column.
Mapping = dict[int, str]


def normalise_header(header: str) -> str:
    """``"Org.nr"`` → ``"org nr"``, ``"E-post "`` → ``"e post"``: letters and digits only."""
    text = (header or "").casefold().replace("\u00a0", " ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


_ALIASES = {normalise_header(alias): field.key for field in FIELDS for alias in field.aliases}
_CONTACT_WORDS = ("kontakt", "contact")


def guess_field(header: str) -> str | None:
    """The field a column header most likely means, or None."""
    text = normalise_header(header)
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    compact = text.replace(" ", "")
    for alias, key in _ALIASES.items():
        if alias.replace(" ", "") == compact:
            return key
    # "E-post till kontaktperson", "Kontakt (mobil)"…
    if any(word in text for word in _CONTACT_WORDS):
        if "post" in text or "mail" in text or "mejl" in text:
            return "contact_email"
        if "tel" in text or "phone" in text or "mobil" in text:
            return "contact_phone"
        return "contact_name"
    return None


def guess_mapping(headers: list[str]) -> Mapping:
    """Each recognised column's field; when two columns look like one field, the first wins."""
    mapping: Mapping = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = guess_field(header)
        if key and key not in taken:
            mapping[index] = key
            taken.add(key)
    return mapping
