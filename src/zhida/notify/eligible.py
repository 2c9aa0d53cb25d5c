"""Newly eligible after a batch run: the (enterprise, measure) pairs the latest complete run finds
eligible that the previous complete run of the same input did not. Each subscribed enterprise
account gets one message listing its new measures; each subscribed staff account one summary
(how many enterprises newly qualify for each of its measures — in its district, for a staff
member limited to one; enterprises not in the store have no known district and count city-wide only). Idempotent per run and account
(dedupe key); the first run of an input has nothing to compare with and publishes nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from zhida.notify import audience
from zhida.notify.publish import publish
from zhida.notify.recipients import Recipient
from zhida.notify.tables import Message

LISTED = 10  # measures named in one message; the rest are counted


def runs(session):
    """(latest complete run, the complete run before it of the same input) or (run, None)."""
    from zhida.batch.tables import COMPLETE, BatchRun

    latest = audience.latest_run(session)
    if latest is None:
        return None, None
    previous = session.scalars(select(BatchRun).where(
        BatchRun.status == COMPLETE, BatchRun.input == latest.input, BatchRun.id != latest.id,
        BatchRun.finished_at <= latest.finished_at).order_by(BatchRun.finished_at.desc(), BatchRun.id.desc())
        .limit(1)).first()
    return latest, previous


def _new_pairs(latest_id: int, previous_id: int):
    from zhida.batch.tables import BatchResult

    before = aliased(BatchResult)
    return and_(BatchResult.run_id == latest_id, ~exists().where(
        before.run_id == previous_id, before.measure_id == BatchResult.measure_id, before.uscc == BatchResult.uscc))


def run(store, *, now: datetime, policies=None) -> str:
    from zhida.batch.tables import BatchResult
    from zhida.enterprises.tables import Enterprise

    if policies is None:
        from zhida.matching.match import load_default_policies

        policies = load_default_policies()

    def work(session):
        latest, previous = runs(session)
        if latest is None:
            return "新符合条件：还没有完成的批量测算"
        if previous is None:
            return f"新符合条件：批量测算 {latest.run_key} 是该数据的第一次测算，没有可比较的上一次"
        prefix = f"eligible.new:{latest.run_key}:"
        people = audience.accounts(session)
        enterprise = [a for a in people if a.role == "enterprise" and a.uscc]
        staff = [a for a in people if a.role == "staff"]
        new_pairs = _new_pairs(latest.id, previous.id)
        by_uscc: dict[str, list[str]] = defaultdict(list)
        usccs = sorted({a.uscc for a in enterprise})
        for start in range(0, len(usccs), 500):
            for uscc, measure_id in session.execute(select(BatchResult.uscc, BatchResult.measure_id).where(
                    new_pairs, BatchResult.uscc.in_(usccs[start:start + 500])).order_by(BatchResult.measure_id)):
                by_uscc[uscc].append(measure_id)
        per_measure: dict[str, int] = defaultdict(int)  # new pairs per measure, city-wide
        per_district: dict[tuple[str, str], int] = defaultdict(int)  # … per measure and district / special zone
        for measure_id, region, zone, n in session.execute(
                select(BatchResult.measure_id, Enterprise.region_code, Enterprise.special_zone, func.count())
                .select_from(BatchResult).outerjoin(Enterprise, Enterprise.uscc == BatchResult.uscc)
                .where(new_pairs).group_by(BatchResult.measure_id, Enterprise.region_code, Enterprise.special_zone)):
            per_measure[measure_id] += n
            for code in {region, zone} - {None}:
                per_district[(measure_id, code)] += n
        sent = 0
        for account in enterprise:
            measures = [policies.measures[m] for m in by_uscc.get(account.uscc, ()) if m in policies.measures]
            wanted = [m for m in measures if account.wants(m)]
            if wanted:
                sent += _tell_enterprise(session, account.user_id, wanted, f"{prefix}{account.user_id}", now)
        for account in staff:
            counts = [(policies.measures[m], per_district.get((m, account.region), 0) if account.region else n)
                      for m, n in sorted(per_measure.items())
                      if m in policies.measures and account.wants(policies.measures[m])]
            counts = [(m, n) for m, n in counts if n]
            if counts:
                sent += _tell_staff(session, account.user_id, counts, f"{prefix}{account.user_id}", latest, now)
        pairs = sum(per_measure.values())
        return f"新符合条件：批量测算 {latest.run_key} 比上一次新增 {pairs} 个符合条件的企业×政策，新发送 {sent} 条通知"

    return store.retrying(work)


def _first_time(session, key: str) -> bool:
    return session.scalar(select(Message.id).where(Message.dedupe_key == key)) is None


def _tell_enterprise(session, user_id: int, measures: list, key: str, now: datetime) -> int:
    if not _first_time(session, key):
        return 0
    lines = [f"· {m.title}" for m in measures[:LISTED]]
    if len(measures) > LISTED:
        lines.append(f"……另有 {len(measures) - LISTED} 项")
    body = "根据最新一次批量测算，贵企业新符合以下政策的条件：\n" + "\n".join(lines) + "\n请到“我的政策”查看依据、金额和申报方式。"
    publish(session, event="eligible.new", recipients=[Recipient.user(user_id)],
            title=f"您有 {len(measures)} 项新符合条件的政策", body=body, link="/my", dedupe_key=key, at=now)
    return 1


def _tell_staff(session, user_id: int, counts: list, key: str, run, now: datetime) -> int:
    if not _first_time(session, key):
        return 0
    total = sum(n for _, n in counts)
    lines = [f"· {m.title}：新增 {n} 家" for m, n in counts[:LISTED]]
    if len(counts) > LISTED:
        lines.append(f"……另有 {len(counts) - LISTED} 项政策")
    body = f"批量测算（数据日期 {audience.zh_day(run.as_of)}）与上一次相比：\n" + "\n".join(lines) + "\n可在“精准推送”导出名单。"
    publish(session, event="eligible.new", recipients=[Recipient.user(user_id)],
            title=f"{len(counts)} 项政策新增 {total} 家符合条件的企业", body=body, link="/push", dedupe_key=key, at=now)
    return 1
