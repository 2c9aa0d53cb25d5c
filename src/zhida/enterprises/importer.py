"""`zhida enterprises import FILE`: validate rows, store the valid ones, report every reject.

Atomic per batch (one transaction stores the batch's profiles, its rejects and the checkpoint),
so an interruption loses at most the batch in flight; ``resume=True`` continues after the last
committed batch. Identical file content already imported is not imported again.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from zhida.enterprises import columns, file_checks, import_sources, regions
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.size_class import derive_size_class, size_classes
from zhida.enterprises.tables import Enterprise, EnterpriseImport, ImportReject
from zhida.errors import DataError
from zhida.store.database import Store

BATCH_SIZE = 10_000
_LOOKUP_CHUNK = 500  # SQLite's bound-parameter limit is far above; keeps statements small


@dataclass
class ImportResult:
    import_id: int
    source: str
    rows_read: int = 0
    stored: int = 0
    rejected_rows: int = 0
    blank_rows: int = 0
    expected_rows: int = 0  # counted before parsing (progress); 0 when unknown
    resumed_from_batch: int = 0
    already_imported: bool = False
    report: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.source}: already imported (import #{self.import_id}); nothing to do"
        parts = [f"{self.source}: {self.rows_read:,} rows read, {self.stored:,} stored, "
                 f"{self.rejected_rows:,} rejected"]
        if self.report is not None:
            parts.append(f" (report: {self.report})")
        if self.blank_rows:
            parts.append(f", {self.blank_rows:,} blank rows skipped")
        if self.resumed_from_batch:
            parts.append(f", resumed after batch {self.resumed_from_batch}")
        if self.warnings:
            parts.append(f", {len(self.warnings)} warning(s)")
        return "".join(parts)


Progress = Callable[[ImportResult], None]


# --- reading (import_sources.py) -------------------------------------------------------------

def read_rows(path: Path, limits: file_checks.Limits | None = None):
    """(header, data rows) of a CSV or XLSX file; DataError naming the file if unreadable."""
    return import_sources.read_rows(Path(path), limits)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- importing ---------------------------------------------------------------------------------

def import_file(path: Path, store: Store, *, mapping_path: Path | None = None, resume: bool = False,
                batch_size: int = BATCH_SIZE, report_path: Path | None = None, progress: Progress | None = None,
                limits: file_checks.Limits | None = None, source_name: str | None = None,
                job_id: str | None = None, write_report: bool = True,
                region_code: str | None = None) -> ImportResult:
    """Import ``path`` (CSV, XLSX or JSON profiles), committing every ``batch_size`` rows.

    ``progress(result)`` is called after each committed batch (a web job's progress and
    heartbeat; raising from it stops the import, resumable). ``source_name`` is what the import
    is recorded as (an upload's own file name), ``job_id`` the web job running it. With
    ``region_code`` (a district staff user's upload: a GB/T 2260 code or a zone code, as
    regions.scope_code gives) rows of enterprises outside that district go to the rejects."""
    path = Path(path)
    limits = limits or file_checks.Limits.from_env()
    source = import_sources.open_source(path, columns.load_mapping(mapping_path), limits)
    sha = file_sha256(path)
    record = _start(store, path, sha, resume, batch_size, source_name or str(path), job_id)
    result = ImportResult(record.id, source_name or str(path), warnings=source.warnings,
                          resumed_from_batch=record.batches_committed, expected_rows=source.total)
    if record.status == "completed":
        result.already_imported = True
        return result
    skip_rows = record.batches_committed * record.batch_size
    seen = _stored_by_this_import(store, record.id)  # in-file duplicates across a resume
    batch: list[tuple[int, Any]] = []
    batch_no = record.batches_committed

    def commit() -> None:
        nonlocal batch_no, batch
        batch_no += 1
        result.stored, result.rejected_rows = _commit_batch(store, record.id, batch_no, batch, source.convert, seen,
                                                            region_code)
        batch = []
        if progress is not None:
            progress(result)

    for row_no, item in source.items:
        if source.blank(item):
            result.blank_rows += 1
            continue
        result.rows_read += 1
        if result.rows_read <= skip_rows:
            continue
        batch.append((row_no, item))
        if len(batch) == record.batch_size:
            commit()
    if batch:
        commit()
    def complete(session):
        rec = session.get(EnterpriseImport, record.id)
        rec.status, rec.finished_at = "completed", datetime.now(UTC)
        return rec.rows_stored, rec.rows_rejected

    result.stored, result.rejected_rows = store.retrying(complete)  # other processes may be writing
    if write_report:
        with store.sessions() as session:
            rejects = session.scalars(select(ImportReject).where(ImportReject.import_id == record.id)
                                      .order_by(ImportReject.row, ImportReject.id)
                                      .execution_options(yield_per=2_000))  # streamed, not all in memory
            result.report = write_reject_report(rejects, report_path or _default_report(path))
    return result


def _default_report(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def _start(store: Store, path: Path, sha: str, resume: bool, batch_size: int, name: str,
           job_id: str | None) -> EnterpriseImport:
    return store.retrying(lambda session: _started(session, path, sha, resume, batch_size, name, job_id))


def _started(session, path: Path, sha: str, resume: bool, batch_size: int, name: str,
             job_id: str | None) -> EnterpriseImport:
    previous = session.scalars(select(EnterpriseImport).where(EnterpriseImport.source_sha256 == sha)
                               .order_by(EnterpriseImport.id.desc())).first()
    if previous is not None and previous.status == "completed":
        return previous
    if previous is not None and previous.status in ("running", "interrupted"):
        if not resume:
            raise DataError(str(path), f"此文件的导入 #{previous.id} 在第 {previous.batches_committed} 批后中断："
                                       "加 --resume 从中断处继续")
        previous.status, previous.job_id = "running", job_id or previous.job_id
        return previous
    record = EnterpriseImport(source_name=name[:1024], source_sha256=sha, batch_size=batch_size,
                              batches_committed=0, rows_stored=0, rows_rejected=0, status="running",
                              started_at=datetime.now(UTC), job_id=job_id)
    session.add(record)
    session.flush()
    return record


def outside_district(profile: EnterpriseProfile, region_code: str) -> tuple[str, Any, str]:
    """The reject of a row whose 所属区 is not the importing staff user's district."""
    return ("所属区", regions.label(profile.region_code),
            f"所属区 {regions.label(profile.region_code)} 不在您负责的地区（{regions.label(region_code)}），未导入")


def _stored_by_this_import(store: Store, import_id: int) -> dict[str, int]:
    with store.transaction() as session:
        return dict(session.execute(select(Enterprise.uscc, Enterprise.source_row)
                                    .where(Enterprise.import_id == import_id)).all())


def _commit_batch(store: Store, import_id: int, batch_no: int, batch: list[tuple[int, Any]], convert,
                  seen: dict[str, int], region_code: str | None = None) -> tuple[int, int]:
    """Store one batch (profiles, rejects, checkpoint) in one transaction; (stored, rejected) so far."""
    rejects: list[dict] = []
    valid: list[tuple[int, EnterpriseProfile]] = []
    batch_seen: dict[str, int] = {}
    for row_no, item in batch:
        profile, errors = convert(item)
        if profile is not None and region_code and region_code not in (profile.region_code, profile.special_zone):
            errors, profile = [outside_district(profile, region_code)], None
        if profile is not None:
            first = seen.get(profile.uscc) or batch_seen.get(profile.uscc)
            if first is not None:
                errors = [("uscc", profile.uscc, f"统一社会信用代码与本文件第 {first} 行重复（文件内重复，未导入）")]
            else:
                batch_seen[profile.uscc] = row_no
                valid.append((row_no, profile))
        rejects += [{"import_id": import_id, "row": row_no, "field": str(f)[:128],
                     "value": file_checks.clip(v), "reason": file_checks.clip(r, 1000)} for f, v, r in errors]
    base_rejects = list(rejects)

    def work(session):
        """Profiles, rejects and checkpoint in one transaction (retried whole while the database is busy)."""
        rejects[:] = base_rejects
        dropped.clear()
        existing = _existing(session, [p.uscc for _, p in valid])
        now = datetime.now(UTC)
        fresh = []
        for row_no, profile in valid:
            if profile.uscc in existing:
                other_import, other_row = existing[profile.uscc]
                rejects.append({"import_id": import_id, "row": row_no, "field": "uscc", "value": profile.uscc,
                                "reason": already_stored(other_import, other_row)})
                dropped.append(profile.uscc)
                continue
            fresh.append((row_no, profile))
        new_rows = enterprise_rows(fresh, import_id, now)
        if new_rows:
            session.execute(insert(Enterprise), new_rows)
        if rejects:
            session.execute(insert(ImportReject), rejects)
        record = session.get(EnterpriseImport, import_id)
        record.batches_committed = batch_no
        record.rows_stored += len(new_rows)
        record.rows_rejected += len({r["row"] for r in rejects})
        return record.rows_stored, record.rows_rejected

    dropped: list[str] = []
    totals = store.retrying(work)
    for code in dropped:
        del batch_seen[code]
    seen.update(batch_seen)  # only after the commit: a failed batch leaves no trace
    return totals


def already_stored(import_id: int | None, row: int | None) -> str:
    where = "、".join(part for part in (f"导入记录 #{import_id}" if import_id is not None else "",
                                        f"第 {row} 行" if row is not None else "") if part)
    return f"统一社会信用代码已在库中{f'（{where}）' if where else ''}，未重复导入"


def _existing(session, usccs: list[str]) -> dict[str, tuple[int | None, int | None]]:
    found = {}
    for start in range(0, len(usccs), _LOOKUP_CHUNK):
        chunk = usccs[start:start + _LOOKUP_CHUNK]
        query = select(Enterprise.uscc, Enterprise.import_id, Enterprise.source_row).where(Enterprise.uscc.in_(chunk))
        found.update({u: (i, r) for u, i, r in session.execute(query)})
    return found


def sized_figures(profile: EnterpriseProfile):
    """(year, figures) of the latest year that has any of the 300号 indicators, or (None, None)."""
    sized = [y for y, f in profile.figures.items() if isinstance(y, int)  # whole years (not quarters/months)
             and (f.employees is not None or f.revenue is not None or f.total_assets is not None)]
    if not sized:
        return None, None
    year = max(sized)
    return year, profile.figures[year]


def enterprise_rows(entries: list[tuple[int | None, EnterpriseProfile]], import_id: int | None, now) -> list[dict]:
    """Rows of the enterprises table for (source row, profile) pairs; the size classes of the
    whole batch come from one set-based query."""
    years, wanted = [], []
    for _, profile in entries:
        year, f = sized_figures(profile)
        years.append(year)
        if year is not None:
            wanted.append((profile.industry_code, f.employees, f.revenue, f.total_assets))
    derived = iter(size_classes(wanted))
    return [_enterprise_row(profile, import_id, row_no, now, next(derived) if year is not None else None)
            for (row_no, profile), year in zip(entries, years, strict=True)]


_DERIVE = object()  # "size not given": derive it for this one profile


def _enterprise_row(profile: EnterpriseProfile, import_id: int | None, row_no: int | None, now,
                    size: str | None | object = _DERIVE) -> dict:
    # The size class of the latest year that has any of the 300号 indicators.
    year, f = sized_figures(profile)
    if year is None:
        size = None
    elif size is _DERIVE:
        size = derive_size_class(profile.industry_code, f.employees, f.revenue, f.total_assets)
    return {
        "uscc": profile.uscc, "name": profile.name, "region_code": profile.region_code,
        "special_zone": profile.special_zone, "industry_code": profile.industry_code,
        "entity_type": profile.entity_type, "size_class": size, "size_class_year": year,
        "schema_version": profile.schema_version,
        "profile_json": profile.model_dump(mode="json", exclude_none=True),
        "import_id": import_id, "source_row": row_no, "created_at": now,
    }


def write_reject_report(rejects, path: Path) -> Path:
    """CSV (UTF-8 with BOM, so Excel shows the Chinese) or XLSX, by the path's suffix."""
    header = ["row", "field", "value", "reason"]
    rows = ([r.row, r.field, file_checks.clip(r.value), r.reason] for r in rejects)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("rejects")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(temporary)
    else:
        with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    temporary.replace(path)  # never a half-written report
    return path
