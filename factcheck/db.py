"""Writes that Django's ORM makes costlier than they need to be."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field, Model, QuerySet

# Types psycopg sends as they are; any other (pgvector's halfvec) is sent as text and cast.
_SENT_AS_IS = ("bigint", "integer", "smallint", "double precision", "timestamp with time zone")


@contextmanager
def atomic_unflushed() -> Iterator[None]:
    """A transaction whose commit does not wait for PostgreSQL to flush its log to disk
    (`synchronous_commit = off`): for writes that are made again when a database crash loses
    them (an attempt count, a claim's embedding or placement). What commits is seen by every
    session at once; only its durability waits a fraction of a second, and the log is flushed
    in order, so nothing outlives what was committed before it. Waiting for the flush costs
    about 4 ms a commit on the benchmarks' disks."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def rows_update(model: type[Model], rows: Sequence[Model], fields: Sequence[str]) -> int:
    """Write `fields` of saved `rows` of `model` in one statement; how many rows it wrote.

    On PostgreSQL one `UPDATE ... FROM unnest(arrays)`: `bulk_update` writes a CASE expression
    with a branch per row and field, which costs more to build and plan than the write itself
    (18 rows of three fields: ~1 ms of Python and a plan per shape). Elsewhere `bulk_update`.
    """
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_update(rows, fields)
    meta = model._meta
    assert meta.pk is not None  # every model has one
    columns = [meta.pk, *(cast(Field, meta.get_field(name)) for name in fields)]
    quote = connection.ops.quote_name
    arrays = []
    for column in columns:
        kind = column.db_type(connection)
        arrays.append(f"%s::{kind}[]" if kind in _SENT_AS_IS else f"%s::text[]::{kind}[]")
    names = [quote(str(column.column)) for column in columns]
    sets = ", ".join(f"{name} = v.{name}" for name in names[1:])
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {sets} "
        f"FROM unnest({', '.join(arrays)}) AS v({', '.join(names)}) "
        f"WHERE t.{names[0]} = v.{names[0]}"
    )
    params = [
        [column.get_db_prep_value(getattr(row, column.attname), connection) for row in rows]
        for column in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@dataclass(frozen=True)
class Expired:
    deleted: int
    finished: bool  # False: stopped at its time budget with more to delete


def rows_expire(rows: QuerySet[Any], *, batch_size: int, seconds: float) -> Expired:
    """Delete `rows` a batch a statement and a transaction, for at most about `seconds`: a
    table's expiry that a periodic task runs within its time limit."""
    stop = time.monotonic() + seconds
    deleted = 0
    while time.monotonic() < stop:
        batch = rows.values("pk")[:batch_size]
        # `rows` again: a row brought up to date meanwhile is no longer one of them.
        count, _ = rows.filter(pk__in=batch).delete()
        deleted += count
        if count < batch_size:
            return Expired(deleted, finished=True)
    return Expired(deleted, finished=False)
