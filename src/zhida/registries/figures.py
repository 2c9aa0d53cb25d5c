"""梯度培育 figures from membership history: counts per tier over time, per district and per
industry on a day, conversion up the ladder between two days, progress against district targets;
and the same as an XLSX workbook."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from zhida.enterprises import industries, regions
from zhida.errors import ZhidaError
from zhida.registries.definition import Registry
from zhida.registries.tables import Membership, Target


def _on(day: date):
    return (Membership.valid_from <= day, or_(Membership.valid_to.is_(None), Membership.valid_to >= day))


def by_tier(session: Session, reg: Registry, day: date) -> dict[str, int]:
    rows = session.execute(select(Membership.tier, func.count()).where(Membership.registry_name == reg.name, *_on(day))
                           .group_by(Membership.tier))
    got = dict(rows.all())
    return {t.code: int(got.get(t.code, 0)) for t in reg.tiers}


def trend(session: Session, reg: Registry, days: list[date]) -> list[dict]:
    """[{day, tier → count}] — the count of each tier on each day (history, not today's list)."""
    return [{"day": d.isoformat(), **by_tier(session, reg, d)} for d in days]


def month_ends(end: date, months: int) -> list[date]:
    out = []
    y, m = end.year, end.month
    for _ in range(months):
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append(min(end, date.fromordinal(nxt.toordinal() - 1)))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return sorted(set(out))


def grouped(session: Session, reg: Registry, day: date, column: str) -> list[dict]:
    """Counts per tier grouped by district (``region_code``) or industry division (first 2 digits)."""
    key = Membership.region_code if column == "region" else Membership.industry_code
    rows = session.execute(select(key, Membership.tier, func.count()).where(Membership.registry_name == reg.name, *_on(day))
                           .group_by(key, Membership.tier))
    table: dict[str, Counter] = defaultdict(Counter)
    for k, tier, n in rows:
        if column != "region" and k:
            k = k.lstrip("ABCDEFGHIJKLMNOPQRST")[:2]  # the 大类 (division), with or without the 门类 letter
        table[k or ""][tier] += n
    out = []
    for k, counts in sorted(table.items(), key=lambda kv: -sum(kv[1].values())):
        label = (regions.label(k) if k else "未知") if column == "region" else (_industry(k) if k else "未知")
        out.append({"key": k, "label": label, "total": sum(counts.values()), **{t.code: counts[t.code] for t in reg.tiers}})
    return out


def _industry(division: str) -> str:
    return industries.divisions().get(division) or division


def conversion(session: Session, reg: Registry, start: date, end: date) -> list[dict]:
    """Of the members of each tier on ``start``: still there, moved up, left, by ``end``."""
    if end < start:
        raise ZhidaError("end", "结束日期早于开始日期")
    first = dict(session.execute(select(Membership.uscc, Membership.tier).where(Membership.registry_name == reg.name,
                                                                               *_on(start))).all())
    last = dict(session.execute(select(Membership.uscc, Membership.tier).where(Membership.registry_name == reg.name,
                                                                              *_on(end))).all())
    out = []
    for t in reg.tiers:
        were = [u for u, tier in first.items() if tier == t.code]
        up = sum(1 for u in were if u in last and reg.rank(last[u]) > reg.rank(t.code))
        same = sum(1 for u in were if last.get(u) == t.code)
        left = sum(1 for u in were if u not in last)
        out.append({"tier": t.code, "label": t.label, "start": len(were), "up": up, "same": same, "left": left,
                    "rate": f"{up / len(were):.1%}" if were else "—"})
    return out


def set_target(session: Session, reg: Registry, *, region_code: str, tier: str, year: int, target: int,
               actor: str, actor_id: int | None = None) -> Target:
    from zhida import audit

    if target < 0:
        raise ZhidaError("target", "目标数不能为负")
    tier = reg.tier(tier).code
    row = session.scalar(select(Target).where(Target.registry_name == reg.name, Target.region_code == region_code,
                                              Target.tier == tier, Target.year == year))
    before = None if row is None else {"target": row.target}
    if row is None:
        row = Target(registry_name=reg.name, region_code=region_code, tier=tier, year=year, target=target)
        session.add(row)
    row.target = target
    session.flush()
    audit.record(session, actor=actor, actor_id=actor_id, action="registry_target", entity="registry",
                 entity_id=reg.name, before=before,
                 after={"region_code": region_code, "tier": tier, "year": year, "target": target})
    return row


def progress(session: Session, reg: Registry, year: int, day: date) -> list[dict]:
    """Each target of ``year`` with the members of that district and tier on ``day``."""
    targets = session.scalars(select(Target).where(Target.registry_name == reg.name, Target.year == year)
                              .order_by(Target.region_code, Target.tier)).all()
    counts = Counter(session.execute(select(Membership.region_code, Membership.tier).where(
        Membership.registry_name == reg.name, *_on(day))).all())
    out = []
    for t in targets:
        have = counts[(t.region_code, t.tier)]
        out.append({"region_code": t.region_code, "region": regions.label(t.region_code), "tier": t.tier,
                    "tier_label": reg.tier_label(t.tier), "target": t.target, "members": have,
                    "share": f"{have / t.target:.0%}" if t.target else "—"})
    return out


@dataclass
class Figures:
    day: date
    tiers: dict[str, int]
    trend: list[dict]
    regions: list[dict]
    industries: list[dict]
    conversion: list[dict]
    progress: list[dict]


def _stays(session: Session, reg: Registry) -> list[tuple]:
    """Every stay of the registry, fetched once: (uscc, tier, region, industry, from, to)."""
    return session.execute(select(Membership.uscc, Membership.tier, Membership.region_code, Membership.industry_code,
                                  Membership.valid_from, Membership.valid_to)
                           .where(Membership.registry_name == reg.name)).all()


def _valid(rows, day: date):
    return [r for r in rows if r[4] <= day and (r[5] is None or r[5] >= day)]


def figures(session: Session, reg: Registry, day: date, months: int = 12) -> Figures:
    """All figures from one read of the registry's stays (each grouping over the same rows in
    memory: one scan instead of one query per month, district and tier)."""
    rows = _stays(session, reg)
    codes = [t.code for t in reg.tiers]

    def counts(valid) -> dict[str, int]:
        c = Counter(r[1] for r in valid)
        return {k: c[k] for k in codes}

    now = _valid(rows, day)
    trend_rows = [{"day": d.isoformat(), **counts(_valid(rows, d))} for d in month_ends(day, months)]

    def group(key, label) -> list[dict]:
        table: dict[str, Counter] = defaultdict(Counter)
        for r in now:
            table[key(r) or ""][r[1]] += 1
        out = [{"key": k, "label": label(k) if k else "未知", "total": sum(c.values()), **{t: c[t] for t in codes}}
               for k, c in table.items()]
        return sorted(out, key=lambda x: -x["total"])

    division = lambda r: r[3].lstrip("ABCDEFGHIJKLMNOPQRST")[:2] if r[3] else None  # noqa: E731
    start = date(day.year - 1, day.month, min(day.day, 28))
    first = {r[0]: r[1] for r in _valid(rows, start)}
    last = {r[0]: r[1] for r in now}
    conv = []
    for t in reg.tiers:
        were = [u for u, tier in first.items() if tier == t.code]
        up = sum(1 for u in were if u in last and reg.rank(last[u]) > reg.rank(t.code))
        conv.append({"tier": t.code, "label": t.label, "start": len(were), "up": up,
                     "same": sum(1 for u in were if last.get(u) == t.code), "left": sum(1 for u in were if u not in last),
                     "rate": f"{up / len(were):.1%}" if were else "—"})
    return Figures(day, counts(now), trend_rows, group(lambda r: r[2], regions.label), group(division, _industry),
                   conv, progress(session, reg, day.year, day))


def xlsx(reg: Registry, f: Figures) -> bytes:
    """The figures as a workbook: 层级、趋势、分区、分行业、转化、目标 sheets."""
    wb = Workbook()
    labels = [t.label for t in reg.tiers]

    def sheet(title, header, rows):
        ws = wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append(r)
        ws.freeze_panes = "A2"

    wb.remove(wb.active)
    sheet("层级", ["层级", f"{f.day.isoformat()}企业数"], [[t.label, f.tiers[t.code]] for t in reg.tiers])
    sheet("趋势", ["日期", *labels], [[r["day"], *(r[t.code] for t in reg.tiers)] for r in f.trend])
    sheet("分区", ["区", "合计", *labels], [[r["label"], r["total"], *(r[t.code] for t in reg.tiers)] for r in f.regions])
    sheet("分行业", ["行业", "合计", *labels],
          [[r["label"], r["total"], *(r[t.code] for t in reg.tiers)] for r in f.industries])
    sheet("转化", ["层级", "期初企业数", "升级", "保持", "退出", "升级率"],
          [[r["label"], r["start"], r["up"], r["same"], r["left"], r["rate"]] for r in f.conversion])
    sheet("目标", ["区", "层级", "目标", "现有", "完成率"],
          [[r["region"], r["tier_label"], r["target"], r["members"], r["share"]] for r in f.progress])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
