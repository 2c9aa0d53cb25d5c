"""Alembic migrations of the store (run by zhida.store.database.upgrade)."""
