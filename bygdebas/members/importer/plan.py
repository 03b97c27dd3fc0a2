"""From a table and a column mapping to a plan: parsed rows, errors, and who matches whom.

Every row is one organisation, optionally with one contact person (with a role) and one year's
membership. A row is the same organisation as an existing one (or as an earlier row of the file)
when it has the same organisation number, or, failing that, the same name key
(``normalise.name_key``: case, whitespace, word order and "Byalaget"-words do not count) in the
same municipality and no conflicting organisation number. People are the same by e-mail, or by
name within the same organisation when one of them has no e-mail.

Nothing is written here: ``saving.save_plan`` carries a plan out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bygdebas.core.models import Network
from bygdebas.members.importer.columns import MEMBERSHIP_KEYS, Mapping
from bygdebas.members.importer.reading import Table
from bygdebas.members.importer.values import PARSERS, Lookups, memoised_parsers
from bygdebas.members.models import Engagement, Membership, Organisation, Person
from bygdebas.members.normalise import name_key

MERGE, SKIP = "merge", "skip"
Action = Literal["create", "merge", "skip", "error"]

ORGANISATION_KEYS = (
    "name", "org_number", "kind", "municipality", "locality", "street_address", "postal_code",
    "postal_town", "email", "phone", "website", "founded_year", "is_youth_led", "notes",
    "latitude", "longitude",
)  # fmt: skip
# Field key in the file → attribute of the model.
ORGANISATION_ATTRS = {key: key for key in ORGANISATION_KEYS} | {"municipality": "municipality_id"}
PERSON_ATTRS = {"contact_name": "name", "contact_email": "email", "contact_phone": "phone",
                "birth_year": "birth_year"}  # fmt: skip
MEMBERSHIP_ATTRS = {"membership_status": "status", "fee": "fee", "invoiced_on": "invoiced_on",
                    "paid_on": "paid_on"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass(slots=True)
class ParsedRow:
    line: int
    organisation: dict[str, Any] = field(default_factory=dict)  # model attributes
    tags: list[str] = field(default_factory=list)
    person: dict[str, Any] = field(default_factory=dict)  # model attributes
    role: str = ""
    membership: dict[str, Any] = field(default_factory=dict)  # model attributes, and "year"
    errors: list[RowError] = field(default_factory=list)
    _match_key: tuple[str, int | None] | None = field(default=None, repr=False)

    @property
    def match_key(self) -> tuple[str, int | None]:
        """(name key, municipality): what the organisation is matched by without a number."""
        if self._match_key is None:
            self._match_key = (
                name_key(self.organisation["name"]),
                self.organisation.get("municipality_id"),
            )
        return self._match_key


@dataclass(eq=False, slots=True)  # identity: two new people with the same fields are still two
class PersonTarget:
    """One person the import creates or changes."""

    existing_pk: int | None
    fields: dict[str, Any]
    existing_email: str = ""


@dataclass(
    eq=False, slots=True
)  # identity: two new organisations with the same fields are still two
class Target:
    """One organisation the import creates or changes, with what every row adds to it."""

    existing_pk: int | None
    first_line: int
    existing_name: str = ""
    existing_org_number: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    engagements: list[tuple[PersonTarget, str]] = field(default_factory=list)
    memberships: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def org_number(self) -> str:
        return self.fields.get("org_number") or self.existing_org_number


@dataclass(slots=True)
class PlannedRow:
    parsed: ParsedRow
    action: Action
    target: Target | None = None
    # Set for a duplicate: the existing organisation's name, or the earlier row it repeats.
    duplicate_of_name: str = ""
    duplicate_of_line: int | None = None

    @property
    def line(self) -> int:
        return self.parsed.line

    @property
    def is_duplicate(self) -> bool:
        return bool(self.duplicate_of_name or self.duplicate_of_line)


@dataclass
class Plan:
    rows: list[PlannedRow]
    targets: list[Target]
    people: list[PersonTarget]
    lookups: Lookups

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.parsed.errors]

    @property
    def duplicates(self) -> int:
        return sum(1 for row in self.rows if row.is_duplicate)

    @property
    def skipped(self) -> int:
        return sum(1 for row in self.rows if row.action == "skip")

    def new_organisations(self) -> list[Target]:
        return [t for t in self.targets if t.existing_pk is None]

    def changed_organisations(self) -> list[Target]:
        return [t for t in self.targets if t.existing_pk is not None]


# --- Parsing ------------------------------------------------------------------------------------


def parse_row(
    line: int,
    cells: list[Any],
    mapping: Mapping,
    lookups: Lookups,
    parsers: dict[str, Callable[[Any, Lookups], Any]] = PARSERS,
) -> ParsedRow:
    row = ParsedRow(line=line)
    values: dict[str, Any] = {}
    count = len(cells)
    for index, key in mapping.items():
        if index >= count:
            continue
        raw = cells[index]
        if raw is None or raw == "":
            continue
        try:
            value = parsers[key](raw, lookups)
        except ValidationError as error:
            row.errors.append(RowError(line, key, " ".join(error.messages)))
            continue
        if value is not None and value != "" and value != []:
            values[key] = value
    organisation, person, membership = row.organisation, row.person, row.membership
    for key, value in values.items():
        if key in ORGANISATION_ATTRS:
            organisation[ORGANISATION_ATTRS[key]] = value
        elif key in PERSON_ATTRS:
            person[PERSON_ATTRS[key]] = value
        elif key in MEMBERSHIP_ATTRS:
            membership[MEMBERSHIP_ATTRS[key]] = value
    row.tags = values.get("tags", [])
    row.role = values.get("role", "")
    if not row.errors:  # the usual case; the same rules as below, with no errors to look at
        if "name" not in values:
            row.errors.append(RowError(line, "name", _("The organisation has no name.")))
        if (person or row.role) and "name" not in person:
            row.errors.append(
                RowError(line, "contact_name", _("There is contact information but no name."))
            )
    else:
        if "name" not in values and not any(e.field == "name" for e in row.errors):
            row.errors.append(RowError(line, "name", _("The organisation has no name.")))
        has_person = (
            person
            or row.role
            or any(e.field in {"contact_email", "contact_phone", "birth_year", "role"}
                   for e in row.errors)
        )  # fmt: skip
        if (
            has_person
            and "name" not in person
            and "contact_name" not in {e.field for e in row.errors}
        ):
            row.errors.append(
                RowError(line, "contact_name", _("There is contact information but no name."))
            )
    if row.person and not row.role:
        row.role = Engagement.Role.CONTACT
    if row.membership or "membership_year" in values:
        row.membership["year"] = values.get("membership_year") or lookups.this_year
        row.membership.setdefault("status", Membership.Status.ACTIVE)
    return row


# --- Matching -----------------------------------------------------------------------------------


class Index:
    """The network's organisations and people, and those the file adds, by what matches them."""

    def __init__(self, network: Network) -> None:
        self.by_number: dict[str, Target] = {}
        self.by_name: dict[tuple[str, int | None], list[Target]] = {}
        self.targets_by_pk: dict[int, Target] = {}
        self._existing_orgs: dict[int, tuple[str, str, str, int | None]] = {}
        self._existing_by_number: dict[str, int] = {}
        self._existing_by_name: dict[tuple[str, int | None], list[int]] = {}
        rows = Organisation.objects.for_network(network).values_list(
            "pk", "name", "name_key", "org_number", "municipality_id"
        )
        for pk, name, key, number, municipality in rows.order_by("pk"):
            self._existing_orgs[pk] = (name, key, number, municipality)
            if number:
                self._existing_by_number[number] = pk
            self._existing_by_name.setdefault((key, municipality), []).append(pk)
        # People: by e-mail, and by (organisation, name) for those without one.
        self.people_by_email: dict[str, PersonTarget] = {}
        self.people_by_org_name: dict[tuple[int, str], PersonTarget] = {}
        self._existing_people: dict[str, tuple[int, str]] = {
            email: (pk, email)
            for pk, email in Person.objects.for_network(network)
            .exclude(email="")
            .order_by()
            .values_list("pk", "email")
        }
        self._existing_people_in_org: dict[tuple[int, str], tuple[int, str]] = {}
        # In the default order within an organisation (by role), without sorting by its name.
        engaged = (
            Engagement.objects.for_network(network)
            .order_by("organisation_id", "role")
            .values_list("organisation_id", "person_id", "person__name", "person__email")
        )
        for organisation_id, person_id, name, email in engaged:
            self._existing_people_in_org.setdefault(
                (organisation_id, name.casefold()), (person_id, email)
            )
        self.people: list[PersonTarget] = []
        self._listed: set[int] = set()

    def _existing_target(self, pk: int, line: int) -> Target:
        if pk not in self.targets_by_pk:
            name, _key, number, _municipality = self._existing_orgs[pk]
            self.targets_by_pk[pk] = Target(
                existing_pk=pk, first_line=line, existing_name=name, existing_org_number=number
            )
        return self.targets_by_pk[pk]

    def find(self, row: ParsedRow) -> Target | None:
        """The organisation (existing or earlier in the file) this row is, or None."""
        number = row.organisation.get("org_number", "")
        if number:
            if number in self.by_number:
                return self.by_number[number]
            if number in self._existing_by_number:
                return self._existing_target(self._existing_by_number[number], row.line)
        key = row.match_key
        for target in self.by_name.get(key, []):
            if not number or not target.org_number or target.org_number == number:
                return target
        for pk in self._existing_by_name.get(key, []):
            existing_number = self._existing_orgs[pk][2]
            if not number or not existing_number or existing_number == number:
                return self._existing_target(pk, row.line)
        return None

    def register(self, target: Target, row: ParsedRow) -> None:
        """Make later rows find ``target`` by this row's number and name."""
        if number := row.organisation.get("org_number"):
            self.by_number.setdefault(number, target)
        key = row.match_key
        bucket = self.by_name.setdefault(key, [])
        if target not in bucket:
            bucket.append(target)

    def person(self, target: Target, fields: dict[str, Any]) -> PersonTarget:
        """The person these fields describe, in the organisation ``target``: found or new."""
        email = fields.get("email", "")
        name = fields["name"].casefold()
        org_key = target.existing_pk if target.existing_pk is not None else -id(target)
        found: PersonTarget | None = None
        if email:
            found = self.people_by_email.get(email)
            if found is None and email in self._existing_people:
                found = PersonTarget(existing_pk=self._existing_people[email][0], fields={})
                found.existing_email = email
        if found is None:
            candidate = self.people_by_org_name.get((org_key, name))
            if candidate is not None and (
                not email or not candidate.fields.get("email") or candidate.fields["email"] == email
            ):
                found = candidate
            elif (org_key, name) in self._existing_people_in_org:
                pk, existing_email = self._existing_people_in_org[(org_key, name)]
                if not email or not existing_email or existing_email == email:
                    found = PersonTarget(existing_pk=pk, fields={}, existing_email=existing_email)
        if found is None:
            found = PersonTarget(existing_pk=None, fields={})
        if id(found) not in self._listed:
            self._listed.add(id(found))
            self.people.append(found)
        if found.existing_email and "email" in fields:
            fields = {k: v for k, v in fields.items() if k != "email"}
        found.fields.update(fields)
        if found.fields.get("email"):
            self.people_by_email[found.fields["email"]] = found
        if found.existing_email:
            self.people_by_email[found.existing_email] = found
        self.people_by_org_name.setdefault((org_key, name), found)
        return found


def make_plan(
    *,
    network: Network,
    table: Table,
    mapping: Mapping,
    on_duplicate: str = MERGE,
    decisions: dict[int, str] | None = None,
    lookups: Lookups | None = None,
) -> Plan:
    """Parse every row, find duplicates and decide what each row does; writes nothing."""
    lookups = lookups or Lookups()
    decisions = decisions or {}
    index = Index(network)
    parsers = memoised_parsers()
    planned: list[PlannedRow] = []
    targets: list[Target] = []
    listed: set[int] = set()
    for line, cells in table.rows:
        row = parse_row(line, cells, mapping, lookups, parsers)
        matchable = "name" in row.organisation and not any(
            e.field in {"name", "org_number", "municipality"} for e in row.errors
        )
        if not matchable:
            planned.append(PlannedRow(parsed=row, action="error"))
            continue
        target = index.find(row)
        item = PlannedRow(parsed=row, action="create")
        if target is not None:
            if target.existing_pk is not None:
                item.duplicate_of_name = target.existing_name
            if target.first_line != line:  # an earlier row of the file is (or matched) it
                item.duplicate_of_line = target.first_line
            item.action = "merge"
            if decisions.get(line, on_duplicate) == SKIP:
                item.action = "skip"
                planned.append(item)
                continue
        else:
            target = Target(existing_pk=None, first_line=line)
        if id(target) not in listed:
            listed.add(id(target))
            targets.append(target)
        item.target = target
        _add(index, target, row)
        if row.errors:
            item.action = "error"
        planned.append(item)
    return Plan(rows=planned, targets=targets, people=index.people, lookups=lookups)


def _add(index: Index, target: Target, row: ParsedRow) -> None:
    """What ``row`` adds to ``target``: later rows fill and overwrite, blanks never erase."""
    target.fields.update(row.organisation)
    index.register(target, row)
    for tag in row.tags:
        if tag.casefold() not in {t.casefold() for t in target.tags}:
            target.tags.append(tag)
    if row.person and "name" in row.person:
        person = index.person(target, dict(row.person))
        if (person, row.role) not in target.engagements:
            target.engagements.append((person, row.role))
    if row.membership:
        fields = dict(row.membership)
        year = fields.pop("year")
        target.memberships.setdefault(year, {}).update(fields)


__all__ = ["MEMBERSHIP_KEYS", "Plan", "PlannedRow", "RowError", "make_plan"]
