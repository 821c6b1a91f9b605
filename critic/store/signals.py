"""The signals of critic.signals, computed by DuckDB over the store's interactions."""

from __future__ import annotations

from critic.signals import SIGNALS


def signals_sql(ids_table: str = "label_ids") -> str:
    """SELECT id, one column per critic.signals.SIGNALS (0/1, or a count), for the ids in IDS_TABLE.

    Every column is 0 or more, never NULL, whatever optional field is missing: the end model reads them.
    """
    columns = ",\n            ".join(f"coalesce({s.sql}, 0) AS {s.name}" for s in SIGNALS)
    return f"""
        SELECT i.id,
            {columns}
        FROM interactions i JOIN {ids_table} USING (id)
    """
