"""Carrying out a plan: everything in bulk, in the caller's transaction, with the audit log.

The registry services (``members.services.registry``) save one row at a time; an import of tens
of thousands of rows writes the same rows and the same audit entries in batches instead:

- ``organisation.created`` for each new organisation, ``organisation.changed`` with the changed
  fields as [old, new] for each changed one;
- ``person.created`` with every personal field, ``person.changed`` with the changed ones;
- ``person.role_added`` for each new role, and ``person.consent`` with a Consent (source import,
  the file name as detail) for each person the import creates;

all with source ``import`` and the importing user as actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.core.models import AuditEntry
from bygdebas.members.importer.plan import Plan, Target
from bygdebas.members.models import Consent, Engagement, Membership, Organisation, Person, Tag
from bygdebas.members.normalise import name_key
from bygdebas.members.services.registry import ORGANISATION_FIELDS, PERSON_FIELDS

if TYPE_CHECKING:
    from bygdebas.core.models import Network, User

BATCH = 1000
CHUNK = 2000  # primary keys per IN (…) query


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


def _chunks[T](items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_bulk[M](model: type[M], pks: Iterable[int]) -> dict[int, M]:
    result: dict[int, M] = {}
    for chunk in _chunks(sorted(set(pks))):
        result.update({obj.pk: obj for obj in model.objects.filter(pk__in=chunk)})  # type: ignore[attr-defined]
    return result


# Field types whose Python values the database adapter cannot take as they are.
_PREPARED_TYPES = {
    "DateTimeField",
    "DateField",
    "TimeField",
    "DecimalField",
    "JSONField",
    "UUIDField",
}


def _insert(model: type[models.Model], rows: list[dict[str, Any]], now: Any) -> None:
    """INSERT many rows with ``executemany``, without model instances or primary keys back.

    Several times faster than ``bulk_create`` for the rows nobody needs afterwards (audit
    entries, consents, roles, tag links). Every concrete column is written: missing values get
    the field's default, ``auto_now``/``auto_now_add`` fields ``now``, so a field added to one of
    these models later keeps working as long as it has a default or is nullable.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    constants: dict[str, Any] = {}
    prepared: list[Any] = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constants[f.attname] = f.get_db_prep_save(now, connection)
        else:
            constants[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        prepared.append(f if f.get_internal_type() in _PREPARED_TYPES else None)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column or f.attname) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = []
    for row in rows:
        values = []
        for f, prepare in zip(fields, prepared, strict=True):
            if f.attname in row:
                value = row[f.attname]
                values.append(prepare.get_db_prep_save(value, connection) if prepare else value)
            else:
                values.append(constants[f.attname])
        params.append(values)
    with connection.cursor() as cursor:
        for chunk in _chunks(params, 5 * BATCH):
            cursor.executemany(sql, chunk)


def _create[M: models.Model](objects: list[M], now: Any) -> None:
    """INSERT model instances, setting their primary keys: ``bulk_create`` without its overhead.

    One multi-row ``INSERT … RETURNING`` per batch, the primary keys assigned in order, as
    ``bulk_create`` itself does on PostgreSQL and SQLite ≥ 3.35. ``auto_now`` fields get ``now``.
    """
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    auto = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    prepared = [f.get_internal_type() in _PREPARED_TYPES for f in fields]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(meta.db_table), ", ".join(quote(f.column or f.attname) for f in fields)
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {quote(meta.pk.column or meta.pk.attname)}"
    size = max(1, min(500, 30000 // len(fields)))
    with connection.cursor() as cursor:
        for batch in _chunks(objects, size):
            params: list[Any] = []
            for obj in batch:
                for attname in auto:
                    setattr(obj, attname, now)
                for f, prepare in zip(fields, prepared, strict=True):
                    value = getattr(obj, f.attname)
                    params.append(f.get_db_prep_save(value, connection) if prepare else value)
            cursor.execute(head + ", ".join([one] * len(batch)) + returning, params)
            for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias


def _update[M: models.Model](objects: list[M], attnames: Iterable[str]) -> None:
    """UPDATE the given fields of each instance: one ``executemany``, not ``bulk_update``'s CASE."""
    if not objects:
        return
    meta = type(objects[0])._meta
    fields: list[Any] = [meta.get_field(name) for name in sorted(attnames)]
    prepared = [f.get_internal_type() in _PREPARED_TYPES for f in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(str(meta.pk.column)),
    )
    params = []
    for obj in objects:
        values = []
        for f, prepare in zip(fields, prepared, strict=True):
            value = getattr(obj, f.attname)
            values.append(f.get_db_prep_save(value, connection) if prepare else value)
        params.append([*values, obj.pk])
    with connection.cursor() as cursor:
        for chunk in _chunks(params, 5 * BATCH):
            cursor.executemany(sql, chunk)


class _Audit:
    def __init__(self, network: Network, actor: User | None) -> None:
        self.network = network
        self.actor = actor
        self.entries: list[dict[str, Any]] = []
        self.types = {
            Organisation: ContentType.objects.get_for_model(Organisation).pk,
            Person: ContentType.objects.get_for_model(Person).pk,
        }

    def add(self, verb: str, obj: Organisation | Person, changes: dict | None = None) -> None:
        """The same entry ``core.services.record_audit`` writes, with source import."""
        self.entries.append(
            {
                "network_id": self.network.pk,
                "actor_id": self.actor.pk if self.actor else None,
                "verb": verb,
                "source": AuditEntry.Source.IMPORT,
                "content_type_id": self.types[type(obj)],
                "object_id": str(obj.pk),
                "object_repr": str(obj)[:200],
                "changes": changes or {},
            }
        )

    def save(self, now: Any) -> None:
        _insert(AuditEntry, self.entries, now)


def save_plan(plan: Plan, *, network: Network, actor: User | None, filename: str) -> SaveCounts:
    """Write the plan; call inside a transaction (``run_import`` does)."""
    counts = SaveCounts()
    audit = _Audit(network, actor)
    now = timezone.now()
    organisations = _save_organisations(plan, network, audit, counts, now)
    _save_tags(plan, network, organisations, counts)
    people = _save_people(plan, network, audit, counts, filename, now)
    _save_engagements(plan, organisations, people, audit, counts)
    _save_memberships(plan, organisations, counts, now)
    audit.save(now)
    counts.updated = len(counts.changed_pks)
    return counts


def _display(plan: Plan, attr: str, value: Any) -> str:
    if attr == "municipality":
        return str(plan.lookups.municipality_names.get(value) if value else None)
    return str(value)


def _save_organisations(
    plan: Plan, network: Network, audit: _Audit, counts: SaveCounts, now: Any
) -> dict[int, Organisation]:
    """Create and change the organisations; returns them by id(target)."""
    result: dict[int, Organisation] = {}
    new_targets = plan.new_organisations()
    new = [
        Organisation(network=network, name_key=name_key(t.fields["name"]), **t.fields)
        for t in new_targets
    ]
    _create(new, now)
    for target, organisation in zip(new_targets, new, strict=True):
        result[id(target)] = organisation
        audit.add("organisation.created", organisation)
    counts.created = len(new)

    changed_targets = plan.changed_organisations()
    existing = _in_bulk(Organisation, (t.existing_pk for t in changed_targets if t.existing_pk))
    to_update: list[Organisation] = []
    update_fields: set[str] = set()
    for target in changed_targets:
        assert target.existing_pk is not None
        organisation = existing[target.existing_pk]
        result[id(target)] = organisation
        changes: dict[str, list[str]] = {}
        for attr, value in target.fields.items():
            old = getattr(organisation, attr)
            if old != value:
                field_name = "municipality" if attr == "municipality_id" else attr
                changes[field_name] = [
                    _display(plan, field_name, old),
                    _display(plan, field_name, value),
                ]
                setattr(organisation, attr, value)
                update_fields.add(attr)
        if changes:
            organisation.name_key = name_key(organisation.name)
            organisation.updated_at = now
            to_update.append(organisation)
            counts.changed_pks.add(organisation.pk)
            ordered = {name: changes[name] for name in ORGANISATION_FIELDS if name in changes}
            audit.add("organisation.changed", organisation, ordered)
    if to_update:
        _update(to_update, update_fields | {"name_key", "updated_at"})
    return result


def _save_tags(
    plan: Plan, network: Network, organisations: dict[int, Organisation], counts: SaveCounts
) -> None:
    wanted = {tag for target in plan.targets for tag in target.tags}
    if not wanted:
        return
    tags = {
        tag.name.casefold(): tag for tag in Tag.objects.filter(network=network).only("pk", "name")
    }
    missing: dict[str, Tag] = {}
    for name in wanted:
        if name.casefold() not in tags and name.casefold() not in missing:
            missing[name.casefold()] = Tag(network=network, name=name)
    Tag.objects.bulk_create(list(missing.values()), batch_size=BATCH)
    tags.update(missing)
    through = Organisation.tags.through
    existing_pks = [t.existing_pk for t in plan.targets if t.existing_pk is not None and t.tags]
    have: set[tuple[int, int]] = set()
    for chunk in _chunks(existing_pks):
        have.update(
            through.objects.filter(organisation_id__in=chunk).values_list(
                "organisation_id", "tag_id"
            )
        )
    links = []
    for target in plan.targets:
        organisation = organisations[id(target)]
        for name in target.tags:
            pair = (organisation.pk, tags[name.casefold()].pk)
            if pair not in have:
                have.add(pair)
                links.append(through(organisation_id=pair[0], tag_id=pair[1]))
                if target.existing_pk is not None:
                    counts.changed_pks.add(target.existing_pk)
    _insert(
        through, [{"organisation_id": x.organisation_id, "tag_id": x.tag_id} for x in links], None
    )


def _save_people(
    plan: Plan, network: Network, audit: _Audit, counts: SaveCounts, filename: str, now: Any
) -> dict[int, Person]:
    """Create and change the people; returns them by id(person target)."""
    result: dict[int, Person] = {}
    new_targets = [p for p in plan.people if p.existing_pk is None]
    new = [Person(network=network, **p.fields) for p in new_targets]
    _create(new, now)
    consents: list[dict[str, Any]] = []
    purpose = _("Contact person of the organisation in the network's registry")
    text = _("Imported from the file %(file)s.") % {"file": filename}
    for target, person in zip(new_targets, new, strict=True):
        result[id(target)] = person
        audit.add(
            "person.created",
            person,
            {name: ["", str(getattr(person, name) or "")] for name in PERSON_FIELDS},
        )
        consents.append(
            {
                "person_id": person.pk,
                "purpose": purpose,
                "text": text,
                "source": Consent.Source.IMPORT,
                "source_detail": filename[:200],
                "given_at": now,
            }
        )
        audit.add("person.consent", person, {"consent": ["", purpose]})
    _insert(Consent, consents, now)
    counts.people_created = len(new)

    changed_targets = [p for p in plan.people if p.existing_pk is not None]
    existing = _in_bulk(Person, (p.existing_pk for p in changed_targets if p.existing_pk))
    to_update = []
    update_fields: set[str] = set()
    for target in changed_targets:
        assert target.existing_pk is not None
        person = existing[target.existing_pk]
        result[id(target)] = person
        changes = {}
        for attr, value in target.fields.items():
            old = getattr(person, attr)
            if old != value:
                changes[attr] = [str(old), str(value)]
                setattr(person, attr, value)
                update_fields.add(attr)
        if changes:
            person.updated_at = now
            to_update.append(person)
            audit.add(
                "person.changed",
                person,
                {name: changes[name] for name in PERSON_FIELDS if name in changes},
            )
    if to_update:
        _update(to_update, update_fields | {"updated_at"})
    counts.people_updated = len(to_update)
    return result


def _save_engagements(
    plan: Plan,
    organisations: dict[int, Organisation],
    people: dict[int, Person],
    audit: _Audit,
    counts: SaveCounts,
) -> None:
    existing_pks = [
        t.existing_pk for t in plan.targets if t.existing_pk is not None and t.engagements
    ]
    have: set[tuple[int, int, str]] = set()
    for chunk in _chunks(existing_pks):
        have.update(
            Engagement.objects.filter(organisation_id__in=chunk).values_list(
                "person_id", "organisation_id", "role"
            )
        )
    new: list[tuple[Engagement, Target]] = []
    for target in plan.targets:
        organisation = organisations[id(target)]
        for person_target, role in target.engagements:
            person = people[id(person_target)]
            if (person.pk, organisation.pk, role) in have:
                continue
            have.add((person.pk, organisation.pk, role))
            new.append((Engagement(person=person, organisation=organisation, role=role), target))
    _insert(
        Engagement,
        [
            {"person_id": e.person_id, "organisation_id": e.organisation_id, "role": e.role}
            for e, _t in new
        ],
        timezone.now(),
    )
    for engagement, target in new:
        audit.add(
            "person.role_added",
            engagement.person,
            {"role": ["", f"{engagement.get_role_display()}, {engagement.organisation.name}"]},
        )
        if target.existing_pk is not None:
            counts.changed_pks.add(target.existing_pk)
    counts.roles_added = len(new)


def _save_memberships(
    plan: Plan, organisations: dict[int, Organisation], counts: SaveCounts, now: Any
) -> None:
    wanted = [
        (target, year, fields)
        for target in plan.targets
        for year, fields in target.memberships.items()
    ]
    if not wanted:
        return
    existing_pks = [t.existing_pk for t, _y, _f in wanted if t.existing_pk is not None]
    have: dict[tuple[int, int], Membership] = {}
    for chunk in _chunks(sorted(set(existing_pks))):
        for membership in Membership.objects.filter(organisation_id__in=chunk):
            have[(membership.organisation_id, membership.year)] = membership
    new: list[Membership] = []
    changed: list[Membership] = []
    update_fields: set[str] = set()
    for target, year, fields in wanted:
        organisation = organisations[id(target)]
        found = have.get((organisation.pk, year))
        if found is None:
            new.append(Membership(organisation=organisation, year=year, **fields))
            if target.existing_pk is not None:
                counts.changed_pks.add(target.existing_pk)
            continue
        differs = {attr for attr, value in fields.items() if getattr(found, attr) != value}
        if differs:
            for attr in differs:
                setattr(found, attr, fields[attr])
            found.updated_at = now
            update_fields |= differs
            changed.append(found)
            counts.changed_pks.add(organisation.pk)
    _create(new, now)
    if changed:
        _update(changed, update_fields | {"updated_at"})
    counts.memberships_created = len(new)
    counts.memberships_updated = len(changed)
