"""Database triggers that keep :class:`~jifen.ledger.models.PersonHead` current, on SQLite and
PostgreSQL.

Whatever writes a person's row, a membership or an exemption — a service, a bulk import with
COPY, a raw fix in a database shell — gives the person a new ``v`` from one clock, in the same
transaction. A branch's stored summary compares sums of ``v`` over its people with the ones it
was computed from (``jifen.ledger.stored_units``), so a transfer, a leave, an exemption or a
change of name or category outdates it without any service having to say so.

The clock: on PostgreSQL a sequence (concurrent writers never wait for each other); on SQLite,
which has one writer at a time, the highest ``v`` so far plus one (an index makes that a lookup).
A new value is always higher than every value a reader could have summed before, so a person
who joins a branch raises its sum even when another leaves it.

Organization codes, which the engine also reads, are never changed by Jifen (there is no service
that edits a code; docs/decisions.md), so no trigger watches them.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper

HEAD = "ledger_personhead"
# (table, the column that names the person, the events that change what the engine is told)
WATCHED = (
    ("orgs_membership", "person_id", ("INSERT", "UPDATE", "DELETE")),
    ("orgs_exemption", "person_id", ("INSERT", "UPDATE", "DELETE")),
    # A new person has no membership yet; their first membership touches them.
    ("orgs_person", "id", ("UPDATE",)),
)


def _sqlite_touch(row: str, column: str) -> str:
    # Names from this module's constants, never from input.
    return (
        f"INSERT INTO {HEAD} (person_id, v) VALUES ({row}.{column}, "  # noqa: S608
        f"(SELECT COALESCE(MAX(v), 0) + 1 FROM {HEAD})) "
        "ON CONFLICT (person_id) DO UPDATE SET v = excluded.v;"
    )


def _sqlite(table: str, column: str, events: tuple[str, ...]) -> list[str]:
    statements = []
    for event in events:
        rows = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}[event]
        body = " ".join(_sqlite_touch(row, column) for row in rows)
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {table}_touch_{event.lower()} AFTER {event} ON {table} "
            f"BEGIN {body} END;"
        )
    return statements


# Names from this module's constants, never from input.
POSTGRES_FUNCTIONS = [
    f"CREATE SEQUENCE IF NOT EXISTS {HEAD}_clock;",
    f"CREATE OR REPLACE FUNCTION {HEAD}_touch(pid bigint) RETURNS void AS $$ "  # noqa: S608
    f"INSERT INTO {HEAD} (person_id, v) VALUES (pid, nextval('{HEAD}_clock')) "
    "ON CONFLICT (person_id) DO UPDATE SET v = EXCLUDED.v; $$ LANGUAGE sql;",
]


def _postgres(table: str, column: str, events: tuple[str, ...]) -> list[str]:
    function = f"{table}_touch"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN PERFORM {HEAD}_touch(OLD.{column}); END IF; "
        f"IF TG_OP <> 'DELETE' THEN PERFORM {HEAD}_touch(NEW.{column}); END IF; "
        "RETURN NULL; END; $$ LANGUAGE plpgsql;",
        f"DROP TRIGGER IF EXISTS {function} ON {table};",
        f"CREATE TRIGGER {function} AFTER {' OR '.join(events)} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}();",
    ]


def install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [s for table, column, events in WATCHED for s in _sqlite(table, column, events)]
    if vendor == "postgresql":
        return POSTGRES_FUNCTIONS + [
            s for table, column, events in WATCHED for s in _postgres(table, column, events)
        ]
    raise NotImplementedError(f"person-head triggers for {vendor} are not written yet")


def remove_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_touch_{event.lower()};"
            for table, _, events in WATCHED
            for event in events
        ]
    return [
        *(f"DROP TRIGGER IF EXISTS {table}_touch ON {table};" for table, _, _ in WATCHED),
        *(f"DROP FUNCTION IF EXISTS {table}_touch();" for table, _, _ in WATCHED),
        f"DROP FUNCTION IF EXISTS {HEAD}_touch(bigint);",
        f"DROP SEQUENCE IF EXISTS {HEAD}_clock;",
    ]


def installed(connection: BaseDatabaseWrapper) -> bool:
    """Whether every trigger is in place (``jifen scores verify`` says so when one is not)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            wanted = {f"{t}_touch_{e.lower()}" for t, _, events in WATCHED for e in events}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            names = {row[0] for row in cursor.fetchall()}
            wanted = {f"{t}_touch" for t, _, _ in WATCHED}
    return wanted <= names


def migration_operation() -> migrations.RunPython:
    def forward(apps: Any, schema_editor: Any) -> None:
        with schema_editor.connection.cursor() as cursor:
            for statement in install_sql(schema_editor.connection.vendor):
                cursor.execute(statement)

    def backward(apps: Any, schema_editor: Any) -> None:
        with schema_editor.connection.cursor() as cursor:
            for statement in remove_sql(schema_editor.connection.vendor):
                cursor.execute(statement)

    return migrations.RunPython(forward, backward)
