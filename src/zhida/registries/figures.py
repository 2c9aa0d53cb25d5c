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
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from zhida.enterprises import industries, regions
from zhida.errors import ZhidaError
from zhida.registries.definition import Registry
from zhida.registries.tables import Membership, Target


def month_ends(end: date, months: int) -> list[date]:
    out = []
    y, m = end.year, end.month
    for _ in range(months):
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append(min(end, date.fromordinal(nxt.toordinal() - 1)))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return sorted(set(out))


def _industry(division: str) -> str:
    return industries.divisions().get(division) or division


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
    from zhida.registries.figures_cache import changed

    changed(session, reg.name)
    audit.record(session, actor=actor, actor_id=actor_id, action="registry_target", entity="registry",
                 entity_id=reg.name, before=before,
                 after={"region_code": region_code, "tier": tier, "year": year, "target": target})
    return row


@dataclass
class Figures:
    day: date
    tiers: dict[str, int]
    trend: list[dict]
    regions: list[dict]
    industries: list[dict]
    conversion: list[dict]
    progress: list[dict]


def _counted(rows, key, label) -> list[dict]:
    """(key, tier, count) rows → one dict per key with the tiers' counts and the total, largest first."""
    table: dict[str, Counter] = defaultdict(Counter)
    for k, tier, n in rows:
        table[key(k) or ""][tier] += int(n)
    out = [{"key": k, "label": label(k) if k else "未知", "total": sum(c.values()), **dict(c)} for k, c in table.items()]
    return sorted(out, key=lambda x: (-x["total"], x["key"]))


def _division(code: str | None) -> str | None:
    return code.lstrip("ABCDEFGHIJKLMNOPQRST")[:2] if code else None  # the 大类, with or without the 门类 letter


def figures(session: Session, reg: Registry, day: date, months: int = 12) -> Figures:
    """All figures, each one GROUP BY in the database (a scan of the registry's stays, never its
    rows in Python): counts per tier on ``day`` and on each month end, per district and industry,
    the conversion over the year to ``day``, progress against the targets of ``day``'s year."""
    codes = [t.code for t in reg.tiers]
    mine = Membership.registry_name == reg.name

    def valid(d: date):
        return and_(Membership.valid_from <= d, or_(Membership.valid_to.is_(None), Membership.valid_to >= d))

    days = month_ends(day, months)
    sums = [func.sum(case((valid(d), 1), else_=0)) for d in [day, *days]]
    per_tier = {tier: [int(x or 0) for x in counts]
                for tier, *counts in session.execute(select(Membership.tier, *sums).where(mine).group_by(Membership.tier))}

    def on(i: int) -> dict[str, int]:
        return {c: per_tier.get(c, [0] * (len(days) + 1))[i] for c in codes}

    trend_rows = [{"day": d.isoformat(), **on(i + 1)} for i, d in enumerate(days)]
    by_region = session.execute(select(Membership.region_code, Membership.tier, func.count()).where(mine, valid(day))
                                .group_by(Membership.region_code, Membership.tier)).all()
    by_industry = session.execute(select(Membership.industry_code, Membership.tier, func.count()).where(mine, valid(day))
                                  .group_by(Membership.industry_code, Membership.tier)).all()
    regions_out = [r | {c: r.get(c, 0) for c in codes} for r in _counted(by_region, lambda k: k, regions.label)]
    industries_out = [r | {c: r.get(c, 0) for c in codes} for r in _counted(by_industry, _division, _industry)]
    start = date(day.year - 1, day.month, min(day.day, 28))
    return Figures(day, on(0), trend_rows, regions_out, industries_out, _conversion(session, reg, start, day, valid),
                   _progress(session, reg, day, by_region))


def _conversion(session: Session, reg: Registry, start: date, end: date, valid) -> list[dict]:
    """Of the members of each tier on ``start``: moved up, stayed, left by ``end`` — per enterprise,
    its rank on each day (the highest stay valid then), counted in the database."""
    rank = case({t.code: i for i, t in enumerate(reg.tiers)}, value=Membership.tier)
    per = (select(func.max(case((valid(start), rank))).label("r0"), func.max(case((valid(end), rank))).label("r1"))
           .where(Membership.registry_name == reg.name, or_(valid(start), valid(end)))
           .group_by(Membership.uscc).subquery())
    moves = session.execute(select(per.c.r0, per.c.r1, func.count()).where(per.c.r0.is_not(None))
                            .group_by(per.c.r0, per.c.r1)).all()
    out = []
    for i, t in enumerate(reg.tiers):
        were = sum(n for r0, _, n in moves if r0 == i)
        up = sum(n for r0, r1, n in moves if r0 == i and r1 is not None and r1 > i)
        out.append({"tier": t.code, "label": t.label, "start": were, "up": up,
                    "same": sum(n for r0, r1, n in moves if r0 == i and r1 == i),
                    "left": sum(n for r0, r1, n in moves if r0 == i and r1 is None),
                    "rate": f"{up / were:.1%}" if were else "—"})
    return out


def _progress(session: Session, reg: Registry, day: date, by_region) -> list[dict]:
    counts = Counter({(k, tier): int(n) for k, tier, n in by_region})
    targets = session.scalars(select(Target).where(Target.registry_name == reg.name, Target.year == day.year)
                              .order_by(Target.region_code, Target.tier)).all()
    return [{"region_code": t.region_code, "region": regions.label(t.region_code), "tier": t.tier,
             "tier_label": reg.tier_label(t.tier), "target": t.target, "members": counts[(t.region_code, t.tier)],
             "share": f"{counts[(t.region_code, t.tier)] / t.target:.0%}" if t.target else "—"} for t in targets]


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
