"""What of imports and batch jobs a user may see: the row scope of staff beyond enterprises.

- An import (its rejects, its job) belongs to who uploaded it — found from its audit entry
  (action ``import``, ``actor_id``), or, before that entry exists, from its web job's starter.
  An admin sees every import; a staff user their own and those of staff of the same district;
  anything else answers 404 (the ids are sequential: a refusal must not tell that one exists).
- A batch run covers every enterprise of the city; a staff user limited to a district sees its
  results — job summary and per-measure counts — counted over that district only.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from zhida.enterprises import regions
from zhida.store.schema import WebJob
from zhida.web.deps import Principal
from zhida.web.tables import AuditEntry, User


def import_owner(session, import_id: int) -> int | None:
    """The user id of who uploaded import ``import_id`` (None: the command line, or unknown)."""
    owner = session.scalar(select(AuditEntry.actor_id).where(
        AuditEntry.action == "import", AuditEntry.entity == "enterprise_import",
        AuditEntry.entity_id == str(import_id)).order_by(AuditEntry.id).limit(1))
    if owner is not None:
        return owner
    from zhida.enterprises.tables import EnterpriseImport

    job_id = session.scalar(select(EnterpriseImport.job_id).where(EnterpriseImport.id == import_id))
    if job_id is None:
        return None
    return session.scalar(select(WebJob.created_by_id).where(WebJob.id == job_id))


def may_see_upload(session, principal: Principal, owner_id: int | None) -> bool:
    """Whether ``principal`` may see an upload (import, its rejects, its job) made by ``owner_id``."""
    if principal.role == "admin":
        return True
    if owner_id is None or principal.role != "staff":
        return False
    if owner_id == principal.user_id:
        return True
    if not principal.district_scoped:
        return False
    owner = session.get(User, owner_id)
    return (owner is not None and owner.role == "staff" and bool(owner.region)
            and regions.scope_code_or_none(owner.region) == principal.region_code)


def may_see_import(store, principal: Principal, import_id: int) -> bool:
    with store.sessions() as session:
        return may_see_upload(session, principal, import_owner(session, import_id))


# --- batch results by district ------------------------------------------------------------

_COUNTS: dict[tuple[str, str], tuple[int, dict[str, dict[str, int]]]] = {}
_COUNTS_LOCK = threading.Lock()
_COUNTS_SIZE = 64


def district_counts(run, code: str) -> tuple[int, dict[str, dict[str, int]]]:
    """(enterprises in the district, measure id → {eligible, ineligible, undetermined}) of a
    complete run, counted over enterprises whose district or special zone is ``code``. A run
    never changes once complete, so the answer is kept per (run, district)."""
    key = (str(run.path), code)
    with _COUNTS_LOCK:
        found = _COUNTS.get(key)
    if found is not None:
        return found
    from zhida.batch.engines import STATUS_CODES
    from zhida.batch.packed import counts_sql
    from zhida.batch.summary import connect

    enterprises = run.enterprises_glob().replace("'", "''")
    sql, names = counts_sql(run.results_glob(), run.manifest["measures"],
                            join=f"JOIN read_parquet('{enterprises}') e ON e.uscc = r.uscc",
                            where="e.region_code = ? OR e.special_zone = ?")
    con = connect()
    try:
        total = con.execute(f"SELECT count(*) FROM read_parquet('{enterprises}') e "
                            "WHERE e.region_code = ? OR e.special_zone = ?", [code, code]).fetchone()[0]
        row = con.execute(sql, [code, code]).fetchone()
    finally:
        con.close()
    ids = [m["id"] for m in run.manifest["measures"]]
    counts = {m: {s: 0 for s in STATUS_CODES} for m in ids}
    for (measure, part), n in zip(names, row):
        if part in STATUS_CODES:
            counts[ids[measure]][part] = int(n)
    found = (int(total), counts)
    with _COUNTS_LOCK:
        if len(_COUNTS) >= _COUNTS_SIZE:
            _COUNTS.pop(next(iter(_COUNTS)))
        _COUNTS[key] = found
    return found


def scoped_counts(principal: Principal, result) -> tuple[int, dict[str, dict[str, int]]]:
    """(enterprises, measure counts) of a batch result as ``principal`` may see them."""
    if principal.district_scoped:
        return district_counts(result.run, principal.region_code)
    return result.enterprises, result.counts


def scoped_view(principal: Principal, view: dict[str, Any], result) -> dict[str, Any]:
    """A batch job's view with its summary counted over the staff user's district. ``result``:
    the job's complete run when it is still available (None: the district cannot be counted,
    so the city-wide figures are withheld)."""
    if not principal.district_scoped or not view.get("summary"):
        return view
    summary = {k: v for k, v in view["summary"].items() if k not in ("enterprises", "eligible_pairs")}
    summary["region"] = principal.region_label
    if result is not None:
        enterprises, counts = district_counts(result.run, principal.region_code)
        summary["enterprises"] = enterprises
        summary["eligible_pairs"] = sum(c["eligible"] for c in counts.values())
    return {**view, "summary": summary}
