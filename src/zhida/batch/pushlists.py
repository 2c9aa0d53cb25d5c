"""精准推送名单: per-measure push lists of eligible enterprises, grouped by responsible unit, as XLSX.

Layout, chosen for a district service officer (区级服务专员): ONE WORKBOOK PER DISTRICT (or
special zone, e.g. 北京经济技术开发区), so each officer opens only their area's file;
inside, a 汇总 sheet (unit × measure: enterprises, estimated amount) and ONE SHEET PER
RESPONSIBLE UNIT listing, measure by measure, the eligible enterprises (USCC, name, district,
industry, amount and what the amount means, how to apply, the document, clause id and the
quote the measure rests on, and any criterion the unit still has to judge). A measure with
several units appears on each unit's sheet, marked 牵头 (first listed) or 配合. A sheet past
Excel's 1,048,576 rows continues on "<unit> (2)".
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from zhida.batch.summary import connect
from zhida.money_format import money, pending

AUTO_LIMIT = 200_000  # `zhida batch` writes push lists itself up to this many eligible pairs
MAX_ROWS = 1_048_575  # Excel's limit, minus the header row
NO_UNIT = "未注明责任单位"
HEADER = ["措施编号", "措施名称", "牵头/配合", "统一社会信用代码", "企业名称", "区县", "行业代码", "行业",
          "预计金额(元)", "金额说明", "申报方式", "政策文件", "条款", "政策原文", "需责任单位判断"]
WIDTHS = [30, 30, 8, 22, 30, 16, 8, 24, 16, 22, 10, 26, 10, 60, 30]
AMOUNT_NOTE = {"exact": "按政策测算", "maximum": "最高额（不超过）", "minimum": "最低额（不低于）",
               "range": "区间下限", "not_stated": "政策未明确金额", None: "非资金类措施"}


def area_of(region_code: str | None, special_zone: str | None) -> str:
    return special_zone if special_zone not in (None, "", "none") else (region_code or "unknown")


def area_name(code: str) -> str:
    from zhida.enterprises import regions

    try:
        return regions.name_of(code)
    except KeyError:
        return code


def industry_name(code: str | None) -> str:
    from zhida.enterprises import industries

    if not code:
        return ""
    try:
        return industries.name_of(industries.normalize(code)) or ""
    except (KeyError, ValueError):
        return ""


def sheet_title(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "sheet"
    title, n = base, 2
    while title in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def industry_clause(code: str) -> tuple[str, list]:
    """SQL (over ``e.industry_code``, the catalogue's digits) and parameters for a GB/T 4754 code
    prefix with or without its 门类 letter: ``C``, ``C39``, ``391``; anything else matches nothing."""
    from zhida.enterprises import industries

    found = re.fullmatch(r"([A-T])?(\d{0,4})", "".join(code.split()).upper())
    if not found or not any(found.groups()):
        return "FALSE", []
    letter, digits = found.groups()
    parts, params = [], []
    if letter:
        divisions = sorted(d for d, s in industries.section_of_division().items() if s == letter)
        if not divisions:
            return "FALSE", []
        parts.append(f"left(e.industry_code, 2) IN ({', '.join(repr(d) for d in divisions)})")
    if digits:
        parts.append("e.industry_code LIKE ?")
        params.append(digits + "%")
    return " AND ".join(parts), params


def _eligible_where(measures: list[int], district: str | None, industry: str | None) -> tuple[str, list]:
    """WHERE over eligible pairs ``r`` (``_joined``) joined with enterprises ``e``: these measures,
    in a district (its code, or a special zone's) and an industry (``industry_clause``)."""
    where = f"r.measure IN ({', '.join(map(str, measures))})"
    params: list = []
    if district:
        where += " AND (e.region_code = ? OR e.special_zone = ?)"
        params += [district, district]
    if industry:
        clause, more = industry_clause(industry)
        where += f" AND {clause}"
        params += more
    return where, params


def _joined(con, run, measures: list[int]) -> str:
    """The eligible pairs of these measures (indexes) ``r`` joined with their enterprises ``e``."""
    from zhida.batch.engines import STATUS_CODES
    from zhida.batch.packed import pairs_sql

    pairs = pairs_sql(con, run.results_glob(), run.manifest["measures"], (STATUS_CODES["eligible"],), measures)
    enterprises = run.enterprises_glob().replace("'", "''")
    return f"{pairs} r JOIN read_parquet('{enterprises}') e ON e.uscc = r.uscc"


def measure_lists(run, measure_ids: list[str], district: str | None = None, industry: str | None = None,
                  limit: int | None = None, offset: int = 0) -> dict[str, dict]:
    """Per measure id (those with eligible enterprises): ``count`` and ``total`` (Decimal sum of known
    amounts, None if none) of the eligible enterprises in the district / industry, and ``rows``
    (largest amount first, from ``offset``, at most ``limit``): uscc, name, region_code, special_zone,
    industry_code, amount, upper (a range's upper end), least (the known part of a sum whose amount
    is unknown), open (criteria a unit still judges) — what a screen of push lists shows, without
    reading the whole run."""
    index = {m["id"]: i for i, m in enumerate(run.manifest["measures"])}
    wanted = [index[m] for m in measure_ids if m in index]
    if not wanted:
        return {}
    where, params = _eligible_where(wanted, district, industry)
    window = [f"n > {int(offset)}"] if offset else []
    if limit:
        window.append(f"n <= {int(offset) + int(limit)}")
    cap = ("WHERE " + " AND ".join(window)) if window else ""
    con = connect()
    rows = con.execute(
        f"SELECT * FROM (SELECT r.measure, r.uscc, e.name, e.region_code, e.special_zone, e.industry_code, r.amount, "
        f"r.upper, r.least, r.open, row_number() OVER w AS n, count(*) OVER (PARTITION BY r.measure) AS hits, "
        f"sum(r.amount) OVER (PARTITION BY r.measure) AS total FROM {_joined(con, run, wanted)} WHERE {where} "
        f"WINDOW w AS (PARTITION BY r.measure ORDER BY r.amount DESC NULLS LAST, r.uscc)) {cap} ORDER BY measure, n",
        params).fetchall()
    ids = [m["id"] for m in run.manifest["measures"]]
    out: dict[str, dict] = {}
    for i, uscc, name, region, zone, industry, amount, upper, least, open_, _n, hits, total in rows:
        entry = out.setdefault(ids[i], {"count": int(hits), "total": total, "rows": []})
        entry["rows"].append({"uscc": uscc, "name": name, "region_code": region, "special_zone": zone,
                              "industry_code": industry, "amount": amount, "upper": upper, "least": least,
                              "open": int(open_ or 0)})
    return out


def measure_figures(run, measure_ids: list[str], district: str | None = None,
                    industry: str | None = None) -> dict[str, dict]:
    """Per measure id with eligible enterprises in the district / industry: ``count``; ``decided``,
    those whose amount is known and wait for no unit's judgement, with ``amount`` (sum of their
    amounts) and ``upper`` (sum of a range's upper ends, else the amount); ``pending``, the others
    (待认定), with ``pending_known`` (sum of what is known of their amounts, or None)."""
    index = {m["id"]: i for i, m in enumerate(run.manifest["measures"])}
    wanted = [index[m] for m in measure_ids if m in index]
    if not wanted:
        return {}
    where, params = _eligible_where(wanted, district, industry)
    decided = "r.open = 0 AND r.amount IS NOT NULL"
    con = connect()
    rows = con.execute(
        f"SELECT r.measure, count(*), count(*) FILTER ({decided}), sum(r.amount) FILTER ({decided}), "
        f"sum(coalesce(r.upper, r.amount)) FILTER ({decided}), sum(coalesce(r.amount, r.least)) FILTER (NOT ({decided})) "
        f"FROM {_joined(con, run, wanted)} WHERE {where} GROUP BY r.measure", params).fetchall()
    ids = [m["id"] for m in run.manifest["measures"]]
    return {ids[i]: {"count": int(n), "decided": int(d), "amount": amount, "upper": upper, "pending": int(n) - int(d),
                     "pending_known": known}
            for i, n, d, amount, upper, known in rows}


def population(run, district: str | None = None) -> int:
    """Enterprises of the run in a district (its code, or a special zone's); all without one."""
    where, params = ("WHERE e.region_code = ? OR e.special_zone = ?", [district, district]) if district else ("", [])
    glob = run.enterprises_glob().replace("'", "''")
    return int(connect().execute(f"SELECT count(*) FROM read_parquet('{glob}') e {where}", params).fetchone()[0])


def _row(m: dict, r: dict, role: str) -> list:
    source = m["sources"][0] if m["sources"] else {}
    note = AMOUNT_NOTE.get(m["amount_kind"], "")
    if m["amount_kind"] == "range" and r["upper"] is not None:
        note = f"区间 {money(r['amount'])} 至 {money(r['upper'])}"
    if m["amount_kind"] not in (None, "not_stated") and r["amount"] is None:
        note = pending("缺少计算金额所需信息")
    judge = "；".join(o["label"] for o in m["open_criteria"])
    return [m["id"], m["title"], role, r["uscc"], r["name"], area_name(r["area"]), r["industry"],
            industry_name(r["industry"]), r["amount"], note, m["application"],
            m.get("document_citation") or m["doc_number"] or m["document"],
            "；".join(s.get("article") or s["clause"] for s in m["sources"]), source.get("quote", ""),
            judge]


def write_pushlists(run, out_dir: Path, district: str | None = None, unit: str | None = None) -> list[Path]:
    """One XLSX per district / zone under out_dir; returns the files written (pushlist_workbooks)."""
    from zhida.batch.pushlist_workbooks import write

    return write(run, Path(out_dir), district, unit)
