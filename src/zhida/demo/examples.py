"""The demo's steps, one per mechanism (see ``zhida.demo``). Each returns its console line."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

ACTOR = "cli:demo"
MONITORED = 600  # manufacturing enterprises given monthly indicators
CHAOYANG = "110105"


@dataclass(frozen=True)
class Operator:
    """The demo acts as the administrator, like every command run on the server by its operator."""

    user_id: int | None = None
    username: str = ACTOR
    role: str = "admin"
    units: tuple[str, ...] = ()
    uscc: str | None = None
    region: str | None = None


def supervision(store, as_of: date, now: datetime) -> str:
    from zhida.store.schema import Document
    from zhida.supervision import tasks

    with store.transaction() as session:
        keys = session.scalars(select(Document.key).order_by(Document.key)).all()
        drafted = [t for key in keys for t in tasks.draft_stored(session, key, actor=ACTOR, actor_id=None, now=now)]
        for task in drafted:
            tasks.confirm(session, Operator(), task.id, now=now)
    return f"督办：{len(keys)} 份文件起草并确认 {len(drafted)} 项任务（已有的不重复）"


def _months(as_of: date) -> list[str]:
    """The 13 months ending with the evaluation date's month (so the last one has a year-earlier month)."""
    y, m = as_of.year, as_of.month
    out = []
    for back in range(12, -1, -1):
        yy, mm = divmod(y * 12 + m - 1 - back, 12)
        out.append(f"{yy:04d}-{mm + 1:02d}")
    return out


# a few parks per district (重点园区运行情况); an enterprise of a district not listed is in none
PARKS = {
    "东城区": ["中关村东城园"], "西城区": ["中关村西城园"],
    "朝阳区": ["中关村朝阳园", "北京电子城科技园", "金盏国际合作服务区"],
    "海淀区": ["中关村科技园区海淀园", "中关村软件园", "永丰产业基地"],
    "丰台区": ["中关村丰台园", "丽泽金融商务区"], "石景山区": ["中关村石景山园"], "门头沟区": ["中关村门头沟园"],
    "房山区": ["中关村房山园", "北京高端制造业基地"], "通州区": ["中关村通州园", "光机电一体化产业基地"],
    "顺义区": ["中关村顺义园", "天竺综合保税区"], "昌平区": ["中关村昌平园", "未来科学城"],
    "大兴区": ["北京经济技术开发区", "中关村大兴生物医药产业基地"], "怀柔区": ["怀柔科学城", "雁栖经济开发区"],
    "平谷区": ["中关村平谷园", "马坊工业园区"], "密云区": ["中关村密云园", "密云经济开发区"],
    "延庆区": ["中关村延庆园", "八达岭经济开发区"],
}


def indicator_file(enterprises: list[tuple[str, str, str]], months: list[str], seed: int = 2022) -> bytes:
    """A statistics file (the columns an import reads) for ``(uscc, region name, industry)`` rows:
    a steady trend with noise, one enterprise in eight falling sharply in the last month, a few
    months not reported; four in five in one of their district's parks."""
    rng = random.Random(seed)
    parks = random.Random(seed + 1)  # its own draws, so the figures stay those of earlier demos
    out = io.StringIO()
    put = csv.writer(out)
    put.writerow(["统一社会信用代码", "月份", "所在区", "所在园区", "行业代码", "工业总产值", "营业收入", "用电量", "用工人数",
                  "在手订单"])
    for uscc, region, industry in enterprises:
        choices = PARKS.get(region)
        park = parks.choice(choices) if choices and parks.random() < 0.8 else ""
        base = Decimal(rng.randint(200, 20000))
        workers = rng.randint(20, 800)
        falls = rng.random() < 0.125
        for i, month in enumerate(months):
            if rng.random() < 0.03:
                continue
            trend = Decimal(1) + Decimal(i) / 100 + Decimal(rng.randint(-5, 5)) / 100
            if falls and i == len(months) - 1:
                trend *= Decimal("0.6")
            output = (base * trend).quantize(Decimal("0.01"))
            put.writerow([uscc, month, region, park, industry, output, (output * Decimal("1.08")).quantize(Decimal("0.01")),
                          (base / 12 * trend).quantize(Decimal("0.01")), workers if not (falls and i == 12) else workers * 3 // 4,
                          (output * 2).quantize(Decimal("0.01"))])
    return out.getvalue().encode("utf-8")


def resumption_file(usccs: list[str], days: list[date], seed: int = 2023) -> bytes:
    """开复工 reports for ``days`` (a holiday's first working days): most enterprises back on the
    1st or 2nd day, a few later, some not within the days; about one report in twenty missing."""
    rng = random.Random(seed)
    out = io.StringIO()
    put = csv.writer(out)
    put.writerow(["统一社会信用代码", "日期", "开复工"])
    for uscc in usccs:
        back = rng.choices(range(1, len(days) + 2), weights=[60, 20, 8, 4, 3, 5][:len(days) + 1])[0]
        for i, day in enumerate(days, 1):
            if rng.random() < 0.05:
                continue
            put.writerow([uscc, day.isoformat(), "是" if i >= back else "否"])
    return out.getvalue().encode("utf-8")


def monitoring(store, as_of: date, now: datetime) -> str:
    from zhida.enterprises.regions import name_of
    from zhida.enterprises.tables import Enterprise
    from zhida.monitoring import alerts, analysis, indicators

    months = _months(as_of)
    with store.transaction() as session:
        rows = session.execute(select(Enterprise.uscc, Enterprise.region_code, Enterprise.industry_code)
                               .where(Enterprise.industry_code.like("C%")).where(Enterprise.entity_type == "enterprise")
                               .order_by(Enterprise.id).limit(MONITORED)).all()
        data = indicator_file([(u, name_of(r) or r, i) for u, r, i in rows], months)
        result = indicators.import_file(session, data, source_name="演示统计月报.csv", actor=ACTOR)
    if not result.ok:
        return f"运行监测：演示统计文件未导入（{len(result.rejects)} 行有误）"
    from zhida.monitoring import resumption

    # the latest holiday whose working days are all past, so the 开复工 page has a holiday to show
    past = [h for y in (as_of.year - 1, as_of.year) for h in resumption.holidays(y) if h.working_days()[-1] <= as_of]
    holiday = past[-1] if past else None
    if holiday is not None:
        with store.transaction() as session:
            resumed = indicators.import_file(session, resumption_file([u for u, _, _ in rows], holiday.working_days()),
                                             source_name="演示节后开复工.csv", actor=ACTOR)
    with store.transaction() as session:
        fired = alerts.run(session, months[-1], actor=ACTOR, now=now)
        analysis.generate(session, alerts.DeskActor(None, ACTOR, "admin", ()), months[-1], now=now)
    return (f"运行监测：{len(rows)} 家制造业企业 {months[0]}至{months[-1]} 指标（新增 {result.added} 行）；"
            f"{months[-1]} 预警 {fired.fired} 条（新 {fired.new}，转接诉即办）；运行分析草稿已生成"
            + (f"；{holiday.label}后开复工 {resumed.added} 条" if holiday is not None else ""))


PROJECTS = [
    # code, name, total investment (元), new paid-in capital (元), land (亩), strategic, agency
    ("DEMO-P01", "智能网联汽车零部件研发制造基地", 3_200_000_000, 600_000_000, 120, "是", "北京某投资促进咨询有限公司"),
    ("DEMO-P02", "高端医疗器械产业化项目", 1_500_000_000, 300_000_000, 60, "否", ""),
    ("DEMO-P03", "工业互联网平台总部", 800_000_000, 200_000_000, 0, "否", ""),
    ("DEMO-P04", "集成电路封装测试扩产项目", 12_000_000_000, 5_500_000_000, 200, "是", "北京某产业服务有限公司"),
    ("DEMO-P05", "新型储能系统集成项目", 95_000_000, 20_000_000, 15, "否", ""),
]
PARCELS = [
    # code, name, kind, lon, lat, area (亩), industries
    ("DEMO-L01", "电子城北扩区工业用地一号地块", "工业用地", "116.505", "40.005", "150", "C39,C40"),
    ("DEMO-L02", "黑庄户工业用地二号地块", "工业用地", "116.585", "39.835", "80", "C35,C36"),
    ("DEMO-L03", "酒仙桥科技园标准厂房", "厂房楼宇", "116.493", "39.968", "20", "C39,I65"),
]
STANDARDS = [{"id": "intensity", "label": "投资强度不低于1500万元/亩", "expr": "project_investment_intensity >= 1500"},
             {"id": "output", "label": "地均产出不低于1000万元/亩", "expr": "project_output_per_mu >= 1000"}]
PRODUCTS = [
    {"code": "DEMO-BOB-ZJTX", "name": "专精特新贷", "lender": "北京银行", "kind": "srdi", "amount_min": "1000000",
     "amount_max": "30000000", "term_min": 6, "term_max": 36, "rate_min": "3.2", "rate_max": "4.5",
     "conditions": [{"id": "beijing", "label": "注册在北京", "expr": "LEFT(region_code, 2) = '11'"},
                    {"id": "employees", "label": "从业人员不少于20人", "expr": "employees >= 20"}]},
    {"code": "DEMO-BRCB-XYD", "name": "信易贷·小微快贷", "lender": "北京农商银行", "kind": "xinyidai",
     "amount_min": "100000", "amount_max": "3000000", "term_min": 3, "term_max": 12, "rate_min": "3.45", "rate_max": "4.2",
     "conditions": [{"id": "beijing", "label": "注册在北京", "expr": "LEFT(region_code, 2) = '11'"}]},
    {"code": "DEMO-ICBC-ML", "name": "中长期项目贷", "lender": "中国工商银行北京市分行", "kind": "mid_long",
     "amount_min": "50000000", "term_min": 36, "term_max": 120},
]


def projects(store, as_of: date, now: datetime) -> str:
    from zhida.enterprises.tables import Enterprise
    from zhida.projects import imports

    with store.transaction() as session:
        owners = session.scalars(select(Enterprise.uscc).where(Enterprise.region_code == CHAOYANG)
                                 .where(Enterprise.entity_type == "enterprise").order_by(Enterprise.id)
                                 .limit(len(PROJECTS))).all()
        rows = [{"项目编号": code, "项目名称": name, "业主统一社会信用代码": owner, "所在区": "朝阳区",
                 "总投资（元）": str(total), "在京新增实缴资本（元）": str(paid), "用地需求（亩）": str(mu),
                 "全局性战略性": strategic, "第三方机构": agency, "第三方机构全程服务": "是" if agency else ""}
                for (code, name, total, paid, mu, strategic, agency), owner in zip(PROJECTS, owners, strict=False)]
        made = imports.import_projects(session, Operator(), rows, now=now)
        lands = [{"code": code, "name": name, "kind": {"工业用地": "land", "厂房楼宇": "building"}[kind],
                  "region_code": CHAOYANG, "lon": lon, "lat": lat, "area_mu": mu, "industries": industries,
                  "status": "available", "standards": STANDARDS}
                 for code, name, kind, lon, lat, mu, industries in PARCELS]
        placed = imports.import_parcels(session, Operator(), lands, now=now)
    return (f"项目库：示例项目 新增 {made.created}、未变 {made.unchanged}；产业地图地块 新增 {placed.created}、"
            f"未变 {placed.unchanged}（朝阳区）")


def finance(store, as_of: date, now: datetime) -> str:
    from zhida.finance import products

    created = 0
    with store.transaction() as session:
        for row in PRODUCTS:
            _, made = products.save(session, Operator(), dict(row), now=now)
            created += made
    return f"融资对接：金融产品 {len(PRODUCTS)} 个（新增 {created}）"


STEPS = (supervision, projects, finance, monitoring)
