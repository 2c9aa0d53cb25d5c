"""Find one enterprise profile by what a user types: a profile .json file or a USCC in the store."""

from __future__ import annotations

from pathlib import Path

from zhida.enterprises.profile import EnterpriseProfile
from zhida.errors import DataError


def load_profile(ref: str) -> EnterpriseProfile:
    """A profile .json file, or a USCC looked up in the store (enterprises table)."""
    path = Path(ref)
    if path.suffix.lower() == ".json" or path.is_file():
        try:
            return EnterpriseProfile.from_json(path.read_bytes())
        except OSError as exc:
            raise DataError(ref, f"cannot read ({exc.strerror})") from None
        except ValueError as exc:
            lines = str(exc).splitlines()
            raise DataError(ref, " ".join(lines[1:3]).strip() or lines[0]) from None
    from sqlalchemy import select

    from zhida.enterprises import uscc
    from zhida.enterprises.tables import Enterprise
    from zhida.store import open_store

    store = open_store()
    try:
        with store.transaction() as session:
            row = session.scalars(select(Enterprise).where(Enterprise.uscc == uscc.normalize(ref))).first()
            if row is None:
                raise DataError(ref, "no enterprise with this USCC in the store (or give a profile .json file)")
            return EnterpriseProfile.model_validate(row.profile_json)
    finally:
        store.close()
