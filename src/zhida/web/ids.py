"""Row ids in URLs (/users/{user_id}, /imports/{import_id}): positive 64-bit integers.

A larger number is a 422 before it reaches the store (SQLite raised OverflowError → 500).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="编号（正整数）")]
