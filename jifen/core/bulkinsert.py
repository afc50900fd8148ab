"""Inserting many rows of a model in a few statements, without Django's per-value machinery.

``QuerySet.bulk_create`` spends most of a 10,000-row insert preparing each value through
several layers of field and expression code (about 20 µs a value, seconds for a roster). Here
each column's conversion is chosen once — plain values (text, numbers, keys) pass as they are,
anything else (dates, JSON, addresses) through the field's own ``get_db_prep_save`` — and the
rows go in as multi-row ``INSERT … VALUES`` statements, returning the new ids where asked.
The instances must be new and complete: ``auto_now``/``auto_now_add`` fields are filled here as
``save()`` would, and no signals are sent (as with ``bulk_create``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection, models, transaction

# Columns whose Python value is already what both engines store.
_PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)
# Bound parameters per statement on SQLite: its historical limit (999), which every build
# accepts. Rows per statement on PostgreSQL, where a column is one parameter (an array).
_SQLITE_PARAMETERS = 999
_UNNEST_ROWS = 5000


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    if kind in _PLAIN:
        return lambda value: value
    if kind == "JSONField":  # unhashable values
        return lambda value: field.get_db_prep_save(value, connection)
    # A batch repeats its dates and its timestamp thousands of times: convert each once.
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value not in memo:
            memo[value] = field.get_db_prep_save(value, connection)
        return memo[value]

    return convert


def rows_insert(objs: Sequence[models.Model]) -> None:
    """INSERT ``objs`` (new instances of one model with an automatic primary key) and set their
    ``pk``, in the order given."""
    if not objs:
        return
    meta = objs[0]._meta
    pk = meta.pk
    assert pk is not None  # noqa: S101 — every model has one
    fields = [f for f in meta.concrete_fields if f is not pk]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objs:
        for field in stamped:
            field.pre_save(obj, add=True)
    converters = [(f.attname, _converter(f)) for f in fields]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    key = connection.ops.quote_name(str(pk.column))
    with _cursor() as cursor:
        for batch, values, params in _statements(objs, fields, converters):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) {values} RETURNING {key}",
                params,
            )
            # Both engines return the ids in the order of the rows given — neither promises it
            # in its documentation, both do it, and bulk_create relies on the same
            # (tests/core/test_bulkinsert.py checks it on each engine).
            for obj, (new_id,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = new_id
                obj._state.adding = False
                obj._state.db = connection.alias


def _cursor() -> Any:
    """Django's cursor; on PostgreSQL a server-binding psycopg cursor on the same connection
    (and so in the same transaction): Django's own binds on the client, quoting every element
    of the arrays into the SQL text in Python — seconds for a roster — where this one sends
    them as parameters."""
    cursor = connection.cursor()
    if connection.vendor != "postgresql":
        return cursor
    cursor.close()
    return psycopg.Cursor(connection.connection)


def _statements(
    objs: Sequence[models.Model],
    fields: list[models.Field[Any, Any]],
    converters: list[tuple[str, Callable[[Any], Any]]],
) -> Iterator[tuple[Sequence[models.Model], str, list[Any]]]:
    """(rows, the VALUES part, its parameters) per statement. PostgreSQL takes each column as
    one array (``SELECT * FROM UNNEST(…)``, as bulk_create does there): a short statement that
    psycopg parses once, where 10,000 rows of placeholders take it seconds to scan. SQLite
    takes multi-row VALUES within its limit of bound parameters."""
    if connection.vendor == "postgresql":
        types = ", ".join(f"%s::{f.db_type(connection).split('(')[0]}[]" for f in fields)  # type: ignore[union-attr]
        for start in range(0, len(objs), _UNNEST_ROWS):
            batch = objs[start : start + _UNNEST_ROWS]
            arrays = [
                [convert(getattr(obj, name)) for obj in batch] for name, convert in converters
            ]
            yield batch, f"SELECT * FROM UNNEST({types})", arrays  # noqa: S608 — the model's types
        return
    per_statement = max(1, _SQLITE_PARAMETERS // len(fields))
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for start in range(0, len(objs), per_statement):
        batch = objs[start : start + per_statement]
        params = [convert(getattr(obj, name)) for obj in batch for name, convert in converters]
        yield batch, f"VALUES {', '.join([row] * len(batch))}", params


@contextmanager
def secondary_indexes_deferred(model: type[models.Model]) -> Iterator[None]:
    """PostgreSQL: drop ``model``'s non-unique indexes for a bulk load and build them again
    after it, in one savepoint of the caller's transaction. Maintaining the ledger's nine
    non-unique indexes row by row made inserting 604,747 rows take 19.5 s; without them 1.4 s,
    and building them afterwards about 4 s. Unique indexes (the primary key, the chain's
    (organization, seq), the hash) stay and check every row; triggers are not touched. The
    indexes come back with their own names and definitions, so the schema is as migrated; on
    an error the savepoint's rollback restores them. The table's deferred foreign-key checks
    run before the build (PostgreSQL requires it) rather than at commit: the same checks.

    DROP INDEX locks the table against readers until the transaction ends, and building
    reads the whole table: only for a load that dwarfs what the table holds (the caller
    decides). SQLite: nothing (its inserts into sorted indexes cost little; measured 1.2 s
    with them, 2.3 s dropping and building)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = to_regclass(%s) AND NOT i.indisunique AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        # PostgreSQL builds no index on a table with deferred checks pending: its foreign keys
        # (Django's are checked at commit) are checked here instead, then deferred again.
        cursor.execute(
            "SELECT conname FROM pg_constraint"
            " WHERE conrelid = to_regclass(%s) AND contype = 'f' AND condeferred",
            [model._meta.db_table],
        )
        keys = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
        if keys:
            cursor.execute(f"SET CONSTRAINTS {keys} IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        if keys:
            cursor.execute(f"SET CONSTRAINTS {keys} DEFERRED")
