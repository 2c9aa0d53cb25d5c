"""重点园区运行情况: a month's figures per park (园区, the name the statistics file gives in
“所在园区”), within the district a person sees — enterprises reporting, the sums of 工业总产值,
营业收入, 用电量 and 用工人数, their 同比 (同口径, as zhida.monitoring.figures computes it for the
districts) and the 1月至当月 cumulative — and the enterprises of one park.

A park is a name within a district (中关村科技园区 has a part in several districts), so the key is
(district, park). One grouping query (figures.rows_query by park) over January … the month; rows
without a park are one line “未填园区”, so the parks add up to the district."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.monitoring import figures as figs
from zhida.monitoring import views
from zhida.monitoring.indicators import month_key
from zhida.monitoring.tables import MonIndicator
from zhida.workflow import NotAllowed

UNKNOWN = "未填园区"


@dataclass
class Park:
    region: str | None  # district code
    name: str | None  # None: rows that state no park
    line: figs.Line

    @property
    def label(self) -> str:
        return self.name or UNKNOWN


def scope(person, requested: str | None) -> str:
    """The district whose parks a person sees ('' = the city): district staff their own only;
    enterprises none (a park's figures are other enterprises' data)."""
    if person.role == "enterprise":
        raise NotAllowed("park", "企业用户不能查看园区运行情况")
    return views.region_scope(person, requested)


def park_figures(session: Session, person, month: str, region: str | None = None) -> list[Park]:
    """Every park reporting in January … ``month`` within the person's scope, the largest 产值
    first, “未填园区” last."""
    month, district = month_key(month), scope(person, region)
    rows = session.execute(figs.rows_query(figs.year_to_month(month), district or None, by_park=True))
    lines = figs.lines_by(rows, month, lambda r: (r.region, r.park))
    parks = []
    for (code, name), line in lines.items():
        line.key, line.label = f"{code or ''}/{name or ''}", name or UNKNOWN
        parks.append(Park(code, name, line))
    return sorted(parks, key=lambda p: (p.name is None, -(p.line.value["output_value"] or 0), p.region or "",
                                        p.name or ""))


def park_enterprises(session: Session, person, month: str, park: str, region: str | None = None) -> list[figs.Line]:
    """The enterprises that reported ``month`` under ``park`` (in the person's scope; a district
    given narrows it to that district's part of the park), each with its figures
    (``Line.key`` = USCC, ``label`` = the enterprise's name when stored)."""
    from zhida.enterprises.tables import Enterprise

    month, district = month_key(month), scope(person, region)
    q = select(MonIndicator.uscc).where(MonIndicator.month == month, MonIndicator.park == park.strip())
    if district:
        q = q.where(MonIndicator.region_code == district)
    usccs = sorted(set(session.scalars(q)))
    lines = figs.enterprise_lines(session, month, usccs)
    names = {}
    for i in range(0, len(usccs), 500):
        names.update(session.execute(select(Enterprise.uscc, Enterprise.name)
                                     .where(Enterprise.uscc.in_(usccs[i:i + 500]))).all())
    for line in lines:
        line.label = names.get(line.key) or line.key
    return lines


def _dec(v) -> str | None:
    return None if v is None else str(v)


def line_json(line: figs.Line) -> dict:
    """A line as JSON (amounts as decimal text, None = no data), keyed like analysis.build_figures."""
    return {"key": line.key, "label": line.label, "reporting": line.reporting,
            **{f"{k}__{s}": _dec(getattr(line, k)[s]) for k in ("value", "yoy", "cumulative", "cumulative_yoy")
               for s in figs.SERIES}}


def figures_json(session: Session, person, month: str, region: str | None = None, park: str | None = None) -> dict:
    """The parks of ``month`` (and, when ``park`` is named, its enterprises) as the API, the page and
    the XLSX show them."""
    from zhida.enterprises import regions

    month, district = month_key(month), scope(person, region)
    found = park_figures(session, person, month, district)
    out = {"month": month, "scope": district, "scope_label": regions.label(district) if district else "全市",
           "parks": [{**line_json(p.line), "park": p.name, "region": p.region,
                      "region_label": regions.label(p.region) if p.region else "未填区域"} for p in found]}
    if park:
        out["park"] = park.strip()
        out["enterprises"] = [line_json(x) for x in park_enterprises(session, person, month, park, district)]
    return out
