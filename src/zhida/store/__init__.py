"""The policy store: documents, their versions and clauses, and Chinese full-text search.

SQLite (default, a file in ZHIDA_HOME) or PostgreSQL (ZHIDA_DATABASE_URL). The schema is
owned by Alembic migrations in ``migrations/``; ``open_store`` brings a store to head.
"""

from zhida.store.database import Store, open_store, upgrade
from zhida.store.ingest import IngestResult, ingest_document, ingest_paths
from zhida.store.search import SearchHit, search

__all__ = [
    "IngestResult",
    "SearchHit",
    "Store",
    "ingest_document",
    "ingest_paths",
    "open_store",
    "search",
    "upgrade",
]
