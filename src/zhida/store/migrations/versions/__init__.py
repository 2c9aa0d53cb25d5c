"""Revision scripts, applied in order by Alembic."""
