# SPDX-License-Identifier: Apache-2.0
"""Writing a constant into SQL text, for the few places DuckDB takes no parameter (a table function's file
path, a pattern inside a composed query, a message inside a CASE). User values are always parameters."""

from __future__ import annotations


def literal(text: str) -> str:
    """TEXT as a SQL string literal: single-quoted, its quotes doubled."""
    return "'" + text.replace("'", "''") + "'"
