"""What the enterprise pages and API share: loading with the guard, checkups, fact edits, imports.

Pages and API call these so both answer the same facts (and the same errors).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import anyio
from fastapi import Request, UploadFile
from sqlalchemy import select

from zhida.enterprises import fact_edit
from zhida.errors import DataError
from zhida.matching import checkup
from zhida.rules.vocabulary import fact_label, fact_value
from zhida import audit
from zhida.web import enterprise_data
from zhida.web.deps import Principal
from zhida.web.errors import Invalid, NotFound


ENGINE_REQUESTS = 2  # API requests that may run the engine in threads at once, per process


def engine_requests(state) -> anyio.CapacityLimiter:
    """The threads for API requests that run the engine (cold checkup, fact edit): a few, so that
    the others wait as coroutines on the event loop — not as 40 threads taking turns at the GIL
    with it, which delayed answers from the memo by ~0.2 s. Made in the event loop, per app."""
    limiter = getattr(state, "engine_requests", None)
    if limiter is None:
        limiter = state.engine_requests = anyio.CapacityLimiter(ENGINE_REQUESTS)
    return limiter


def as_of_of(request: Request, as_of: date | None = None) -> date:
    return as_of or request.app.state.as_of


def load(request: Request, uscc: str) -> enterprise_data.StoredEnterprise:
    found = enterprise_data.get(request.app.state.store, uscc)
    if found is None:
        raise NotFound(f"企业库中没有统一社会信用代码为 {uscc} 的企业", field="uscc")
    return found


def memoized_checkup(request: Request, uscc: str, as_of: date | None = None,
                     explain: bool = True) -> checkup.Checkup | None:
    """The memoized checkup of the enterprise's current profile, or None: one narrow indexed query
    for the profile revision, no profile loading (cheap enough to ask from the event loop).
    ``explain=False``: the brief checkup (no reasons, no near-misses), memoized apart."""
    revision = enterprise_data.revision(request.app.state.store, uscc)
    if revision is None:
        return None
    return request.app.state.checkups.get(checkup.memo_key(uscc, revision, as_of_of(request, as_of), explain))


def run_checkup(request: Request, uscc: str, as_of: date | None = None, explain: bool = True) -> checkup.Checkup:
    found = memoized_checkup(request, uscc, as_of, explain)
    if found is not None:
        return found
    return checkup.run(load(request, uscc), as_of_of(request, as_of), request.app.state.checkups, explain)


def supply_fact(request: Request, principal: Principal, uscc: str, fact: str, raw_value: str,
                as_of: date | None = None, *,
                expected_revision: str | tuple[str, ...] | None = None) -> checkup.Checkup:
    """Parse, apply, validate and store one fact (audited), then re-check at once.

    The edit is applied to the profile as stored at the moment of writing, under the row's lock
    (enterprise_data.edit_profile), so simultaneous edits of other facts are kept. With
    ``expected_revision`` the edit is refused (StaleRevision) if the profile changed since."""
    day = as_of_of(request, as_of)
    try:
        value = fact_edit.parse_value(fact, raw_value)
    except DataError as exc:
        raise _invalid(fact, exc) from None

    def change(profile):
        try:
            return fact_edit.supply(profile, fact, value, day)
        except DataError as exc:
            raise _invalid(fact, exc) from None

    updated = enterprise_data.edit_profile(request.app.state.store, principal, uscc, change, action="supply_fact",
                                           detail=f"补充“{fact_label(fact)}”：{fact_value(fact, value)[:200]}（评估日 {day}）",
                                           expected_revision=expected_revision)
    return checkup.run(updated, day, request.app.state.checkups)


def _invalid(fact: str, exc: DataError) -> Invalid:
    field = fact_edit.field_for(fact)
    return Invalid(f"{field.label if field else fact}：{exc.reason}", field=fact)


async def start_import(request: Request, principal: Principal, upload: UploadFile):
    """Save and check an uploaded CSV/XLSX/JSON, then import it in the background (import_jobs);
    a file that cannot be imported is refused at once (Invalid) and stores nothing."""
    from zhida.web import import_jobs

    return await import_jobs.start(request.app.state.store, principal, upload)


def audit_export(request: Request, principal: Principal, uscc: str, kind: str, as_of: date | None = None) -> None:
    audit.by(request.app.state.store, principal, "export", "enterprise", uscc,
             detail=f"导出政策体检 {kind.upper()}（评估日 {as_of_of(request, as_of)}）")


def rejects_csv(request: Request, principal: Principal, import_id: int) -> bytes:
    """The rejects of an import ``principal`` may see (job_scope); any other id is "not found"."""
    from zhida.enterprises.tables import EnterpriseImport, ImportReject
    from zhida.web import job_scope

    with request.app.state.store.sessions() as session:
        if session.get(EnterpriseImport, import_id) is None or not job_scope.may_see_import(
                request.app.state.store, principal, import_id):
            raise NotFound(f"导入记录 #{import_id} 不存在", field="import_id")
        rows = session.scalars(select(ImportReject).where(ImportReject.import_id == import_id)
                               .order_by(ImportReject.row, ImportReject.id)).all()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["row", "field", "value", "reason"])
        for r in rows:
            writer.writerow([r.row, r.field, _safe_cell(r.value), _safe_cell(r.reason)])
    return buffer.getvalue().encode("utf-8-sig")


def _safe_cell(value: str | None) -> str:
    # A cell starting with = + - @ would run as a formula when the CSV is opened in Excel.
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def download_name(uscc: str, suffix: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="checkup-{uscc}.{suffix}"'}


def judge(request: Request, principal: Principal, uscc: str, criterion: str, met: bool, by: str | None,
          on: date | None, note: str | None) -> tuple[checkup.Checkup, dict]:
    """Record a responsible unit's judgement of open criterion ``criterion`` in the profile
    (audited, under the row's lock) and re-check at once; Invalid if no measure has that criterion."""
    from zhida.enterprises import judgements
    from zhida.matching.match import load_default_policies

    try:
        ident = judgements.open_criterion(criterion, load_default_policies())
    except DataError as exc:
        raise Invalid(exc.reason, field="criterion") from None
    judged = judgements.judgement(met, by, on, note, judge=principal.username,
                                  units=tuple(getattr(principal, "units", None) or ()))
    verdict = "满足" if met else "不满足"
    updated = enterprise_data.edit_profile(request.app.state.store, principal, uscc,
                                           lambda profile: judgements.with_judgement(profile, ident, judged),
                                           action="judge_open_criterion",
                                           detail=f"认定{fact_label('open.' + ident)}：{verdict}（{judged.by}）")
    return checkup.run(updated, as_of_of(request), request.app.state.checkups), judged.model_dump()
