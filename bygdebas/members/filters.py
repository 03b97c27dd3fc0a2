"""Searching, filtering and sorting the registry's lists: one place for the page, the map and exports.

The list pages, the map's JSON and the exports all call ``filter_organisations`` or
``filter_people`` with the same cleaned filter values, so what an export holds is exactly what
the page shows. Searching ignores case, also for å, ä and ö (SQLite gets a Unicode ``lower`` from
core.apps).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Lower, Replace

from bygdebas.members.models import Engagement, Membership, Organisation, Person

if TYPE_CHECKING:
    from bygdebas.core.models import Network
    from bygdebas.members.models import OrganisationQuerySet, PersonQuerySet

# Membership filter values besides the statuses: no membership row at all in the year.
NO_MEMBERSHIP = "none"

# Sort key in the query string -> ordering; "-key" sorts the other way.
ORGANISATION_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "pk"),
    "municipality": ("municipality__name", "name", "pk"),
    "kind": ("kind", "name", "pk"),
    "founded": ("founded_year", "name", "pk"),
    "updated": ("updated_at", "pk"),
}
PERSON_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "pk"),
    "updated": ("updated_at", "pk"),
}


def ordering(sort: str, sorts: Mapping[str, tuple[str, ...]]) -> list[Any]:
    """The ordering for ``sort`` ("name", "-updated"…); the first sort when unknown.

    Empty values (no founded year, no municipality) come last in both directions.
    """
    descending = sort.startswith("-")
    fields = sorts.get(sort.lstrip("-")) or next(iter(sorts.values()))
    return [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in fields
    ]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _containing[Q_S: QuerySet[Any]](queryset: Q_S, needle: str, *fields: str) -> tuple[Q_S, Q]:
    """The queryset and a condition: any of ``fields`` contains the lower-case ``needle``,
    ignoring case.

    As ``LOWER(field) LIKE '%needle%'``, which on PostgreSQL the trigram indexes of migration
    0002 answer. SQLite's ``lower()`` is Python's (core.apps), called for every row; its own
    LIKE already ignores the case of ASCII letters, so an ASCII needle is matched with it
    directly (the same rows: only such oddities as the Kelvin sign lower-case to ASCII).
    """
    if connections[queryset.db].vendor == "sqlite" and needle.isascii():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__contains": needle})
        return queryset, condition
    aliases = {f"_lower_{field}": Lower(field) for field in fields}
    condition = Q()
    for field in fields:
        condition |= Q(**{f"_lower_{field}__contains": needle})
    return queryset.alias(**aliases), condition


def search_organisations(queryset: OrganisationQuerySet, text: str) -> OrganisationQuerySet:
    """Name, locality, organisation number or e-mail containing ``text``, ignoring case."""
    needle = text.strip().lower()
    if not needle:
        return queryset
    queryset, condition = _containing(queryset, needle, "name", "locality")
    condition |= Q(email__contains=needle)  # stored lower-cased
    digits = _digits(needle)
    if len(digits) >= 4 and len(digits) >= len(needle.replace(" ", "")) - 1:
        # "8024123450" finds "802412-3450": the number as stored has a hyphen after six digits.
        written = digits if len(digits) <= 6 else f"{digits[:6]}-{digits[6:]}"
        condition |= Q(org_number__contains=written)
    return queryset.filter(condition)


def filter_organisations(
    network: Network, values: Mapping[str, Any], *, year: int
) -> OrganisationQuerySet:
    """The network's organisations matching the cleaned filter ``values``, sorted.

    Keys (all optional): ``q``, ``kind``, ``municipality`` (a Municipality), ``status`` (a
    membership status or "none") for ``year``, ``tag`` (a Tag), ``youth_led`` ("yes"/"no"),
    ``sort``.
    """
    organisations = Organisation.objects.for_network(network)
    if text := values.get("q"):
        organisations = search_organisations(organisations, text)
    if kind := values.get("kind"):
        organisations = organisations.filter(kind=kind)
    if municipality := values.get("municipality"):
        organisations = organisations.filter(municipality=municipality)
    if status := values.get("status"):
        in_year = Membership.objects.filter(organisation=OuterRef("pk"), year=year)
        if status == NO_MEMBERSHIP:
            organisations = organisations.filter(~Exists(in_year))
        else:
            organisations = organisations.filter(Exists(in_year.filter(status=status)))
    if tag := values.get("tag"):
        organisations = organisations.filter(
            Exists(Organisation.tags.through.objects.filter(organisation=OuterRef("pk"), tag=tag))
        )
    youth_led = values.get("youth_led")
    if youth_led in {"yes", "no"}:
        organisations = organisations.filter(is_youth_led=youth_led == "yes")
    return organisations.order_by(*ordering(values.get("sort") or "name", ORGANISATION_SORTS))


def with_membership_status(queryset: OrganisationQuerySet, year: int) -> OrganisationQuerySet:
    """Annotate ``year_status``: the organisation's membership status in ``year`` (or None)."""
    # One row at most (one membership a year); no ordering, which would join the organisation.
    in_year = Membership.objects.filter(organisation=OuterRef("pk"), year=year).order_by()
    return queryset.annotate(year_status=Subquery(in_year.values("status")[:1]))


# Between tag names in ``with_tag_names``: a character no name has (names come from a
# comma-separated field and are stripped).
TAG_SEPARATOR = "\x1f"


def with_tag_names(queryset: OrganisationQuerySet) -> OrganisationQuerySet:
    """Annotate ``tag_names_joined``: the organisation's tag names joined by ``TAG_SEPARATOR``.

    A subquery in the row itself, so a page of organisations needs no second query for its tags.
    In no particular order (SQLite before 3.44 cannot order an aggregate): see ``tag_names``.
    """
    tags = (
        Organisation.tags.through.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(names=StringAgg("tag__name", Value(TAG_SEPARATOR)))
        .values("names")  # type: ignore[misc]  # an annotation the stubs do not see
    )
    return queryset.annotate(tag_names_joined=Subquery(tags))


def tag_names(joined: str | None) -> list[str]:
    """The names of ``with_tag_names``, sorted."""
    return sorted(joined.split(TAG_SEPARATOR), key=str.casefold) if joined else []


def _phone_digits(field: str) -> Any:
    stripped: Any = F(field)
    for char in ("-", " ", "+"):
        stripped = Replace(stripped, Value(char), Value(""))
    return stripped


def search_people(queryset: PersonQuerySet, text: str) -> PersonQuerySet:
    """Name, e-mail or phone containing ``text``; phones compare by their digits."""
    needle = text.strip().lower()
    if not needle:
        return queryset
    queryset, condition = _containing(queryset, needle, "name")
    condition |= Q(email__contains=needle)
    digits = _digits(needle)
    if len(digits) >= 4:
        if digits.startswith("46") and needle.lstrip().startswith("+"):
            digits = "0" + digits[2:]
        condition |= Q(_phone_digits__contains=digits)
    return queryset.alias(_phone_digits=_phone_digits("phone")).filter(condition)


def filter_people(network: Network, values: Mapping[str, Any]) -> PersonQuerySet:
    """The network's people (never erased ones) matching the cleaned filter ``values``, sorted.

    Keys (all optional): ``q``, ``role`` (an Engagement role), ``municipality`` (of one of the
    person's organisations), ``organisation``, ``sort``.
    """
    people = Person.objects.for_network(network).not_erased()
    if text := values.get("q"):
        people = search_people(people, text)
    role, municipality = values.get("role"), values.get("municipality")
    organisation = values.get("organisation")
    if role or municipality or organisation:
        engagements = Engagement.objects.filter(person=OuterRef("pk"))
        if role:
            engagements = engagements.filter(role=role)
        if municipality:
            engagements = engagements.filter(organisation__municipality=municipality)
        if organisation:
            engagements = engagements.filter(organisation=organisation)
        people = people.filter(Exists(engagements))
    return people.order_by(*ordering(values.get("sort") or "name", PERSON_SORTS))
