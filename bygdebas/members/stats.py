"""Member statistics: members per year, municipality and kind, growth, youth-led share, coverage
and the renewal round.

Everything is counted with grouped aggregations in the database, so ``member_statistics`` makes the
same number of queries (five) for ten organisations or ten thousand. A "member" in a year is an
organisation with an ACTIVE membership that year; the plan's targets count the same way
(``members.metrics``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q

from bygdebas.core.models import Municipality
from bygdebas.members.models import Membership, Organisation

if TYPE_CHECKING:
    from bygdebas.core.models import Network
    from bygdebas.members.models import MembershipQuerySet

YEARS_SHOWN = 5
LOCALITIES_SHOWN = 100


def active_memberships(network: Network) -> MembershipQuerySet:
    return Membership.objects.for_network(network).active()


def _previous_year_active() -> Exists:
    return Exists(
        Membership.objects.filter(
            organisation=OuterRef("organisation"),
            year=OuterRef("year") - 1,
            status=Membership.Status.ACTIVE,
        )
    )


# --- Single counts, for the plan's targets ------------------------------------------------------


def count_members(network: Network, year: int) -> int:
    return active_memberships(network).filter(year=year).count()


def count_new_members(network: Network, year: int) -> int:
    """Members in ``year`` that were not members the year before."""
    return (
        active_memberships(network)
        .filter(year=year)
        .annotate(was_member=_previous_year_active())
        .filter(was_member=False)
        .count()
    )


def count_youth_led_members(network: Network, year: int) -> int:
    return active_memberships(network).filter(year=year, organisation__is_youth_led=True).count()


def count_municipalities_covered(network: Network, year: int) -> int:
    """Municipalities with at least one member organisation in ``year``."""
    return (
        active_memberships(network)
        .filter(year=year, organisation__municipality__isnull=False)
        .aggregate(n=Count("organisation__municipality", distinct=True))["n"]
    )


# --- The statistics page ------------------------------------------------------------------------


def _growth(now: int, before: int) -> float | None:
    """The change in per cent against ``before``; None when there was nothing before."""
    return round((now - before) / before * 100, 1) if before else None


@dataclass(frozen=True)
class YearRow:
    year: int
    members: int
    youth_led: int
    new: int
    change: int | None  # against the year before; None for the first year shown
    growth: float | None  # per cent

    @property
    def youth_led_share(self) -> float | None:
        return round(self.youth_led / self.members * 100, 1) if self.members else None


@dataclass(frozen=True)
class GroupRow:
    """Members of one municipality or kind: this year, last year, and registered in all."""

    key: str
    label: str
    members: int
    previous: int
    registered: int = 0
    population: int | None = None
    municipality: Municipality | None = None

    @property
    def change(self) -> int:
        return self.members - self.previous

    @property
    def growth(self) -> float | None:
        return _growth(self.members, self.previous)

    @property
    def per_10000(self) -> float | None:
        """Members per 10,000 inhabitants."""
        return round(self.members / self.population * 10_000, 2) if self.population else None


@dataclass(frozen=True)
class Renewal:
    """The renewal round of a year: its memberships by where they stand."""

    renewed: int  # active, with the renewal confirmed
    pending: int  # asked to renew, not yet answered
    lapsed: int  # never confirmed
    new: int  # active without a renewal: joined this year by application
    applied: int  # applications waiting for a decision

    @property
    def requested(self) -> int:
        return self.renewed + self.pending + self.lapsed

    @property
    def renewed_share(self) -> float | None:
        return round(self.renewed / self.requested * 100, 1) if self.requested else None


@dataclass
class MemberStatistics:
    year: int
    years: list[YearRow]
    municipalities: list[GroupRow]
    kinds: list[GroupRow]
    renewal: Renewal
    localities_without_members: list[tuple[str, str]] = field(default_factory=list)
    localities_without_members_count: int = 0
    unplaced_members: int = 0  # members without a municipality
    outside_members: int = 0  # members in municipalities outside the network's county

    @property
    def current(self) -> YearRow:
        return self.years[-1]

    @property
    def members(self) -> int:
        return self.current.members

    @property
    def previous_members(self) -> int:
        return self.years[-2].members if len(self.years) > 1 else 0

    @property
    def change(self) -> int:
        return self.members - self.previous_members

    @property
    def growth(self) -> float | None:
        return _growth(self.members, self.previous_members)

    @property
    def youth_led(self) -> int:
        return self.current.youth_led

    @property
    def youth_led_share(self) -> float | None:
        return self.current.youth_led_share

    @property
    def municipalities_without_members(self) -> list[GroupRow]:
        return [row for row in self.municipalities if row.municipality and not row.members]

    @property
    def municipalities_covered(self) -> int:
        return sum(1 for row in self.municipalities if row.municipality and row.members)


# (year, kind, municipality id, youth-led, member the year before) -> active memberships
type Counts = dict[tuple[int, str, int | None, bool, bool], int]


def _active_counts(network: Network, year: int) -> Counts:
    """Active memberships from the year before the first year shown to ``year``, counted by year,
    kind, municipality, youth-led and whether the organisation was a member the year before.

    One grouped query for what the year, kind and municipality tables show (at most a few
    thousand groups, however many organisations).
    """
    first = year - YEARS_SHOWN + 1
    rows = (
        active_memberships(network)
        .filter(year__gte=first - 1, year__lte=year)
        .annotate(was_member=_previous_year_active())
        .values_list(
            "year",
            "organisation__kind",
            "organisation__municipality_id",
            "organisation__is_youth_led",
            "was_member",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        (y, kind, municipality, bool(youth), bool(was)): n
        for y, kind, municipality, youth, was, n in rows
    }


def _years(counts: Counts, year: int) -> list[YearRow]:
    first = year - YEARS_SHOWN + 1
    members: dict[int, int] = defaultdict(int)
    youth_led: dict[int, int] = defaultdict(int)
    new: dict[int, int] = defaultdict(int)
    for (y, _kind, _municipality, youth, was_member), n in counts.items():
        members[y] += n
        if youth:
            youth_led[y] += n
        if not was_member:
            new[y] += n
    return [
        YearRow(
            year=y,
            members=members[y],
            youth_led=youth_led[y],
            new=new[y],
            change=members[y] - members[y - 1],
            growth=_growth(members[y], members[y - 1]),
        )
        for y in range(first, year + 1)
    ]


def _by(counts: Counts, year: int, position: int) -> dict[Any, dict[int, int]]:
    """{kind or municipality id (``position`` 1 or 2 of the key): {year: members}} for ``year``
    and the year before."""
    result: dict[Any, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, n in counts.items():
        if key[0] in (year - 1, year):
            result[key[position]][key[0]] += n
    return result


def _registered(network: Network) -> tuple[dict[str, int], dict[int | None, int]]:
    """The network's organisations counted by kind and by municipality, in one query."""
    by_kind: dict[str, int] = defaultdict(int)
    by_municipality: dict[int | None, int] = defaultdict(int)
    rows = (
        Organisation.objects.for_network(network)
        .values_list("kind", "municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for kind, municipality, n in rows:
        by_kind[kind] += n
        by_municipality[municipality] += n
    return by_kind, by_municipality


def _municipality_rows(
    network: Network,
    year: int,
    counts: Counts,
    registered: dict[int | None, int],
    stats: MemberStatistics,
) -> list[GroupRow]:
    members = _by(counts, year, 2)
    municipalities = (
        (
            Municipality.objects.filter(county_id=network.county_id)
            if network.county_id
            else Municipality.objects.filter(pk__in=[k for k in members if k])
        )
        .defer("boundary")
        .order_by("name")
    )
    rows = []
    for municipality in municipalities:
        by_year = members.pop(municipality.pk, {})
        rows.append(
            GroupRow(
                key=municipality.code,
                label=municipality.name,
                members=by_year.get(year, 0),
                previous=by_year.get(year - 1, 0),
                registered=registered.get(municipality.pk, 0),
                population=municipality.population,
                municipality=municipality,
            )
        )
    stats.unplaced_members = members.pop(None, {}).get(year, 0)
    stats.outside_members = sum(by_year.get(year, 0) for by_year in members.values())
    return rows


def _kind_rows(year: int, counts: Counts, registered: dict[str, int]) -> list[GroupRow]:
    members = _by(counts, year, 1)
    return [
        GroupRow(
            key=kind.value,
            label=str(kind.label),
            members=members[kind.value][year] if kind.value in members else 0,
            previous=members[kind.value][year - 1] if kind.value in members else 0,
            registered=registered.get(kind.value, 0),
        )
        for kind in Organisation.Kind
        if kind.value in members or registered.get(kind.value)
    ]


def _localities_without_members(network: Network, year: int) -> list[tuple[str, str]]:
    """(municipality, locality) where organisations are registered but none is a member."""
    rows = (
        Organisation.objects.for_network(network)
        .exclude(locality="")
        # Joined to the year's active membership only (one row at most), not to every year's.
        .annotate(
            active=FilteredRelation(
                "memberships",
                condition=Q(memberships__year=year, memberships__status=Membership.Status.ACTIVE),
            )
        )
        .values_list("municipality__name", "locality")
        .annotate(members=Count("active"))
        .filter(members=0)
        .order_by("municipality__name", "locality")
    )
    return [(municipality or "", locality) for municipality, locality, _ in rows]


def _renewal(network: Network, year: int) -> Renewal:
    status = Membership.Status
    counts = (
        Membership.objects.for_network(network)
        .filter(year=year)
        .aggregate(
            renewed=Count("pk", filter=Q(status=status.ACTIVE, renewal_confirmed_at__isnull=False)),
            new=Count("pk", filter=Q(status=status.ACTIVE, renewal_confirmed_at__isnull=True)),
            pending=Count("pk", filter=Q(status=status.RENEWAL_REQUESTED)),
            lapsed=Count("pk", filter=Q(status=status.LAPSED)),
            applied=Count("pk", filter=Q(status=status.APPLIED)),
        )
    )
    return Renewal(**counts)


def member_statistics(network: Network, year: int) -> MemberStatistics:
    """The statistics page's figures for ``year`` (five queries, whatever the data size)."""
    counts = _active_counts(network, year)
    registered_by_kind, registered_by_municipality = _registered(network)
    stats = MemberStatistics(
        year=year,
        years=_years(counts, year),
        municipalities=[],
        kinds=_kind_rows(year, counts, registered_by_kind),
        renewal=_renewal(network, year),
    )
    stats.municipalities = _municipality_rows(
        network, year, counts, registered_by_municipality, stats
    )
    localities = _localities_without_members(network, year)
    stats.localities_without_members = localities[:LOCALITIES_SHOWN]
    stats.localities_without_members_count = len(localities)
    return stats
