"""Carrying out a plan: everything in bulk, in the caller's transaction, with the audit log.

The registry services (``members.services.registry``) save one row at a time; an import of tens
of thousands of rows writes the same rows and the same audit entries in batches instead:

- ``organisation.created`` for each new organisation, ``organisation.changed`` with the changed
  fields as [old, new] for each changed one;
- ``person.created`` with every personal field, ``person.changed`` with the changed ones;
- ``person.role_added`` for each new role, and ``person.consent`` with a Consent (source import,
  the file name as detail) for each person the import creates;

all with source ``import`` and the importing user as actor.

Rows are built as tuples straight from the plan and written by ``writing`` (COPY on
PostgreSQL, multi-row INSERT elsewhere); of the rows already there only the columns the import
compares are read, with one query per table for the whole network when many are concerned.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.core.models import AuditEntry
from bygdebas.core.tenancy import network_q
from bygdebas.members.importer import writing
from bygdebas.members.importer.plan import ORGANISATION_ATTRS, PERSON_ATTRS, Plan
from bygdebas.members.models import Consent, Engagement, Membership, Organisation, Person, Tag
from bygdebas.members.normalise import name_key
from bygdebas.members.services.registry import ORGANISATION_FIELDS, PERSON_FIELDS

if TYPE_CHECKING:
    from bygdebas.core.models import Network, User

CHUNK = 2000  # primary keys per IN (…) query; with more, the network's rows are read instead

ORGANISATION_COLUMNS = tuple(dict.fromkeys(ORGANISATION_ATTRS.values()))
PERSON_COLUMNS = tuple(dict.fromkeys(PERSON_ATTRS.values()))
MEMBERSHIP_COLUMNS = ("status", "fee", "invoiced_on", "paid_on")


@dataclass
class SaveCounts:
    created: int = 0
    updated: int = 0
    people_created: int = 0
    people_updated: int = 0
    roles_added: int = 0
    memberships_created: int = 0
    memberships_updated: int = 0
    changed_pks: set[int] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)  # per step, for the benchmark


def _chunks[T](items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _defaults(model: type[models.Model], attnames: Iterable[str]) -> dict[str, Any]:
    meta = model._meta
    fields: dict[str, Any] = {f.attname: f for f in meta.concrete_fields}
    return {name: fields[name].get_default() for name in attnames}


def _rows_of(
    network_rows: models.QuerySet[Any], key: str, pks: Iterable[int], *columns: str
) -> Iterator[tuple[Any, ...]]:
    """``columns`` of the rows whose ``key`` is in ``pks``: by ``IN`` lists when they are few,
    otherwise the whole network's rows in one query, filtered here."""
    wanted = sorted(set(pks))
    if not wanted:
        return
    rows = network_rows.order_by()
    if len(wanted) <= CHUNK:
        yield from rows.filter(**{f"{key}__in": wanted}).values_list(key, *columns)
        return
    keep = set(wanted)
    for row in rows.values_list(key, *columns).iterator(chunk_size=10_000):
        if row[0] in keep:
            yield row


class _Audit:
    """The audit entries, as ``core.services.record_audit`` writes them, with source import."""

    COLUMNS = (
        "network_id", "actor_id", "verb", "source", "content_type_id", "object_id", "object_repr",
        "changes",
    )  # fmt: skip

    def __init__(self, network: Network, actor: User | None) -> None:
        self.head = (network.pk, actor.pk if actor else None)
        self.rows: list[tuple[Any, ...]] = []
        types = ContentType.objects.get_for_models(Organisation, Person)
        self.organisation = types[Organisation].pk
        self.person = types[Person].pk
        self._dumps = json.JSONEncoder().encode

    def add(
        self, verb: str, content_type: int, pk: int, name: str, changes: dict | None = None
    ) -> None:
        self.rows.append(
            (
                *self.head,
                verb,
                AuditEntry.Source.IMPORT.value,
                content_type,
                str(pk),
                name[:200],
                self._dumps(changes) if changes else "{}",
            )
        )

    def save(self, now: Any) -> None:
        writing.insert(AuditEntry, self.COLUMNS, self.rows, now=now)


@dataclass
class _Saved:
    """Primary key and name of each organisation and person of the plan, by id(target)."""

    organisations: dict[int, tuple[int, str]] = field(default_factory=dict)
    people: dict[int, int] = field(default_factory=dict)


def save_plan(plan: Plan, *, network: Network, actor: User | None, filename: str) -> SaveCounts:
    """Write the plan; call inside a transaction (``run_import`` does)."""
    counts = SaveCounts()
    audit = _Audit(network, actor)
    saved = _Saved()
    now = timezone.now()
    started = time.perf_counter()

    def done(step: str) -> None:
        nonlocal started
        counts.seconds[step] = time.perf_counter() - started
        started = time.perf_counter()

    _save_organisations(plan, network, audit, counts, saved, now)
    done("organisations")
    _save_tags(plan, network, saved, counts)
    done("tags")
    _save_people(plan, network, audit, counts, saved, filename, now)
    done("people")
    _save_engagements(plan, network, saved, audit, counts, now)
    done("roles")
    _save_memberships(plan, network, saved, counts, now)
    done("memberships")
    audit.save(now)
    done("audit")
    counts.updated = len(counts.changed_pks)
    return counts


def _save_organisations(
    plan: Plan, network: Network, audit: _Audit, counts: SaveCounts, saved: _Saved, now: Any
) -> None:
    new_targets = plan.new_organisations()
    defaults = _defaults(Organisation, ORGANISATION_COLUMNS)
    rows = []
    for target in new_targets:
        values = defaults | target.fields
        rows.append(
            (network.pk, name_key(values["name"]), *(values[c] for c in ORGANISATION_COLUMNS))
        )
    keys = writing.insert(
        Organisation, ("network_id", "name_key", *ORGANISATION_COLUMNS), rows, now=now,
        returning=True,
    )  # fmt: skip
    for target, pk in zip(new_targets, keys, strict=True):
        name = target.fields["name"]
        saved.organisations[id(target)] = (pk, name)
        audit.add("organisation.created", audit.organisation, pk, name)
    counts.created = len(keys)

    changed_targets = plan.changed_organisations()
    attrs = sorted({"name", *(a for t in changed_targets for a in t.fields)})
    existing = {
        row[0]: dict(zip(attrs, row[1:], strict=True))
        for row in _rows_of(
            Organisation.objects.for_network(network),
            "pk",
            (t.existing_pk for t in changed_targets if t.existing_pk is not None),
            *attrs,
        )
    }
    changed: list[dict[str, Any]] = []
    update_attrs: set[str] = set()
    for target in changed_targets:
        assert target.existing_pk is not None
        values = existing[target.existing_pk]
        changes: dict[str, list[str]] = {}
        for attr, value in target.fields.items():
            old = values[attr]
            if old != value:
                field_name = "municipality" if attr == "municipality_id" else attr
                changes[field_name] = [
                    _display(plan, field_name, old),
                    _display(plan, field_name, value),
                ]
                values[attr] = value
                update_attrs.add(attr)
        saved.organisations[id(target)] = (target.existing_pk, values["name"])
        if changes:
            values["pk"] = target.existing_pk
            changed.append(values)
            counts.changed_pks.add(target.existing_pk)
            ordered = {name: changes[name] for name in ORGANISATION_FIELDS if name in changes}
            audit.add(
                "organisation.changed", audit.organisation, target.existing_pk, values["name"],
                ordered,
            )  # fmt: skip
    columns = sorted(update_attrs)
    writing.update(
        Organisation,
        [*columns, "name_key", "updated_at"],
        [(*(v[c] for c in columns), name_key(v["name"]), now, v["pk"]) for v in changed],
    )


def _display(plan: Plan, attr: str, value: Any) -> str:
    if attr == "municipality":
        return str(plan.lookups.municipality_names.get(value) if value else None)
    return str(value)


def _save_tags(plan: Plan, network: Network, saved: _Saved, counts: SaveCounts) -> None:
    wanted = {tag for target in plan.targets for tag in target.tags}
    if not wanted:
        return
    tags = {
        name.casefold(): pk
        for pk, name in Tag.objects.for_network(network).order_by().values_list("pk", "name")
    }
    missing: dict[str, Tag] = {}
    for name in wanted:
        if name.casefold() not in tags and name.casefold() not in missing:
            missing[name.casefold()] = Tag(network=network, name=name)
    Tag.objects.bulk_create(list(missing.values()))
    tags.update({key: tag.pk for key, tag in missing.items()})
    through = Organisation.tags.through
    have: set[tuple[int, int]] = set(
        _rows_of(
            through.objects.filter(network_q(Organisation, network, via="organisation")),
            "organisation_id",
            (t.existing_pk for t in plan.targets if t.existing_pk is not None and t.tags),
            "tag_id",
        )
    )
    links: list[tuple[int, int]] = []
    for target in plan.targets:
        organisation_pk = saved.organisations[id(target)][0]
        for name in target.tags:
            pair = (organisation_pk, tags[name.casefold()])
            if pair not in have:
                have.add(pair)
                links.append(pair)
                if target.existing_pk is not None:
                    counts.changed_pks.add(target.existing_pk)
    writing.insert(through, ("organisation_id", "tag_id"), links, now=None)


def _save_people(
    plan: Plan,
    network: Network,
    audit: _Audit,
    counts: SaveCounts,
    saved: _Saved,
    filename: str,
    now: Any,
) -> None:
    new_targets = [p for p in plan.people if p.existing_pk is None]
    # Every personal field of a new person, for its audit entry: the defaults, then the file's.
    defaults = _defaults(Person, {*PERSON_COLUMNS, *PERSON_FIELDS})
    new_values = [defaults | p.fields for p in new_targets]
    keys = writing.insert(
        Person,
        ("network_id", *PERSON_COLUMNS),
        [(network.pk, *(v[c] for c in PERSON_COLUMNS)) for v in new_values],
        now=now,
        returning=True,
    )
    consents = []
    purpose = _("Contact person of the organisation in the network's registry")
    text = _("Imported from the file %(file)s.") % {"file": filename}
    consent_change = {"consent": ["", purpose]}
    for target, values, pk in zip(new_targets, new_values, keys, strict=True):
        saved.people[id(target)] = pk
        audit.add(
            "person.created",
            audit.person,
            pk,
            values["name"],
            {name: ["", str(values[name] or "")] for name in PERSON_FIELDS},
        )
        consents.append((pk, purpose, text, Consent.Source.IMPORT.value, filename[:200], now))
        audit.add("person.consent", audit.person, pk, values["name"], consent_change)
    writing.insert(
        Consent,
        ("person_id", "purpose", "text", "source", "source_detail", "given_at"),
        consents,
        now=now,
    )
    counts.people_created = len(keys)

    changed_targets = [p for p in plan.people if p.existing_pk is not None]
    attrs = sorted({"name", *(a for p in changed_targets for a in p.fields)})
    existing = {
        row[0]: dict(zip(attrs, row[1:], strict=True))
        for row in _rows_of(
            Person.objects.for_network(network),
            "pk",
            (p.existing_pk for p in changed_targets if p.existing_pk is not None),
            *attrs,
        )
    }
    changed: list[dict[str, Any]] = []
    update_attrs: set[str] = set()
    for target in changed_targets:
        assert target.existing_pk is not None
        saved.people[id(target)] = target.existing_pk
        values = existing[target.existing_pk]
        changes = {}
        for attr, value in target.fields.items():
            old = values[attr]
            if old != value:
                changes[attr] = [str(old), str(value)]
                values[attr] = value
                update_attrs.add(attr)
        if changes:
            values["pk"] = target.existing_pk
            changed.append(values)
            audit.add(
                "person.changed",
                audit.person,
                target.existing_pk,
                values["name"],
                {name: changes[name] for name in PERSON_FIELDS if name in changes},
            )
    columns = sorted(update_attrs)
    writing.update(
        Person,
        [*columns, "updated_at"],
        [(*(v[c] for c in columns), now, v["pk"]) for v in changed],
    )
    counts.people_updated = len(changed)


def _save_engagements(
    plan: Plan, network: Network, saved: _Saved, audit: _Audit, counts: SaveCounts, now: Any
) -> None:
    have: set[tuple[int, int, str]] = {
        (person, organisation, role)
        for organisation, person, role in _rows_of(
            Engagement.objects.for_network(network),
            "organisation_id",
            (t.existing_pk for t in plan.targets if t.existing_pk is not None and t.engagements),
            "person_id",
            "role",
        )
    }
    labels = {value: str(label) for value, label in Engagement.Role.choices}
    rows: list[tuple[int, int, str]] = []
    for target in plan.targets:
        organisation_pk, organisation_name = saved.organisations[id(target)]
        for person_target, role in target.engagements:
            person_pk = saved.people[id(person_target)]
            if (person_pk, organisation_pk, role) in have:
                continue
            have.add((person_pk, organisation_pk, role))
            rows.append((person_pk, organisation_pk, role))
            audit.add(
                "person.role_added",
                audit.person,
                person_pk,
                person_target.fields["name"],  # every row with a person names them
                {"role": ["", f"{labels.get(role, role)}, {organisation_name}"]},
            )
            if target.existing_pk is not None:
                counts.changed_pks.add(target.existing_pk)
    writing.insert(Engagement, ("person_id", "organisation_id", "role"), rows, now=now)
    counts.roles_added = len(rows)


def _save_memberships(
    plan: Plan, network: Network, saved: _Saved, counts: SaveCounts, now: Any
) -> None:
    wanted = [
        (target, year, fields)
        for target in plan.targets
        for year, fields in target.memberships.items()
    ]
    if not wanted:
        return
    attrs = sorted({a for _t, _y, fields in wanted for a in fields})
    have: dict[tuple[int, int], dict[str, Any]] = {}
    years = {year for _t, year, _f in wanted}
    for organisation_pk, year, pk, *values in _rows_of(
        Membership.objects.for_network(network).filter(year__in=years),
        "organisation_id",
        (t.existing_pk for t, _y, _f in wanted if t.existing_pk is not None),
        "year",
        "pk",
        *attrs,
    ):
        have[(organisation_pk, year)] = {"pk": pk, **dict(zip(attrs, values, strict=True))}
    defaults = _defaults(Membership, MEMBERSHIP_COLUMNS)
    new: list[tuple[Any, ...]] = []
    changed: list[dict[str, Any]] = []
    update_attrs: set[str] = set()
    for target, year, fields in wanted:
        organisation_pk = saved.organisations[id(target)][0]
        found = have.get((organisation_pk, year))
        if found is None:
            filled = defaults | fields
            new.append((organisation_pk, year, *(filled[c] for c in MEMBERSHIP_COLUMNS)))
            if target.existing_pk is not None:
                counts.changed_pks.add(target.existing_pk)
            continue
        differs = {attr for attr, value in fields.items() if found[attr] != value}
        if differs:
            found.update({attr: fields[attr] for attr in differs})
            update_attrs |= differs
            changed.append(found)
            counts.changed_pks.add(organisation_pk)
    writing.insert(Membership, ("organisation_id", "year", *MEMBERSHIP_COLUMNS), new, now=now)
    columns = sorted(update_attrs)
    writing.update(
        Membership,
        [*columns, "updated_at"],
        [(*(m[c] for c in columns), now, m["pk"]) for m in changed],
    )
    counts.memberships_created = len(new)
    counts.memberships_updated = len(changed)
