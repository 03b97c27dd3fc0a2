"""Trigram indexes for the registry's searches, on PostgreSQL only.

The organisation and people lists search with ``LOWER(column) LIKE '%text%'`` (and e-mail,
organisation number and the phone's digits), which no B-tree index can answer: without these,
every search reads all of a network's rows. A GIN index of trigrams (``pg_trgm``) answers
``LIKE '%…%'`` directly. The indexed expressions are exactly those ``members.filters`` builds, so
the planner can match them. On SQLite (and any other database) this migration does nothing; the
searches are correct either way, these only make them fast.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (index name, table, indexed expression as members.filters builds it)
INDEXES = [
    ("members_org_name_trgm", "members_organisation", 'LOWER("name")'),
    ("members_org_locality_trgm", "members_organisation", 'LOWER("locality")'),
    ("members_org_email_trgm", "members_organisation", '"email"'),
    ("members_org_number_trgm", "members_organisation", '"org_number"'),
    ("members_person_name_trgm", "members_person", 'LOWER("name")'),
    ("members_person_email_trgm", "members_person", '"email"'),
    (
        "members_person_phone_trgm",
        "members_person",
        """REPLACE(REPLACE(REPLACE("phone", '-', ''), ' ', ''), '+', '')""",
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression}) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
