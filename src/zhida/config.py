"""Where zhida keeps its state. One place, read from the environment.

ZHIDA_HOME          directory for the embedded store and outputs (default ./var)
ZHIDA_DATABASE_URL  SQLAlchemy URL; default is a SQLite file in ZHIDA_HOME.
                    PostgreSQL: postgresql+psycopg://user@host:5432/dbname
ZHIDA_SEARCH_DIR    where PostgreSQL stores keep their clause search index (default
                    ZHIDA_HOME/search); a SQLite store keeps it beside its file (<file>.search)
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
POLICIES_DIR = PROJECT_ROOT / "policies"
SOURCES_DIR = POLICIES_DIR / "sources"

MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a policy document over 50 MB is not a policy document


def home() -> Path:
    path = Path(os.environ.get("ZHIDA_HOME") or PROJECT_ROOT / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    url = os.environ.get("ZHIDA_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'zhida.sqlite3'}"


def search_dir() -> Path:
    return Path(os.environ.get("ZHIDA_SEARCH_DIR") or home() / "search")
