"""Import of statistics files (CSV or XLSX, first row = Chinese headers) into indicators per
enterprise and month, or 开复工 status per enterprise and day.

All or nothing: every row is checked first; if any is bad, the reject report names each bad row
and field and nothing is written. Importing the same rows again changes nothing (a row whose
values equal the stored ones is counted unchanged; a blank cell never overwrites a stored value
with a missing one — it is left as it was)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.enterprises.uscc import is_valid
from zhida.errors import ZhidaError
from zhida.monitoring.tables import MonImport, MonIndicator, MonResumption

# header → (field, kind, Chinese label)
INDICATOR_COLUMNS = {
    "统一社会信用代码": "uscc", "月份": "month", "所在区": "region_code", "行业代码": "industry_code",
    "所在园区": "park", "园区": "park",
    "工业总产值": "output_value", "工业产值": "output_value", "营业收入": "revenue", "用电量": "electricity",
    "用工人数": "employees", "在手订单": "orders", "订单": "orders", "日期": "day", "开复工": "resumed",
    "是否复工": "resumed",
}
METRICS = {"output_value": "工业总产值", "revenue": "营业收入", "electricity": "用电量", "employees": "用工人数",
           "orders": "在手订单"}
YES = {"是", "已复工", "已开工", "复工", "1", "true", "TRUE", "Y", "y"}
NO = {"否", "未复工", "未开工", "0", "false", "FALSE", "N", "n"}
PARK_MAX = 64  # characters of a park's name (mon_indicators.park)
MONTH = re.compile(r"^(\d{4})[-/年.](\d{1,2})月?$")


@dataclass
class ImportResult:
    kind: str = "indicators"
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    rejects: list[dict] = field(default_factory=list)
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.rejects


def read_table(data: bytes, name: str) -> list[tuple[int, dict]]:
    """Rows of a statistics file as (row number, {field: value})."""
    return read_table_with(data, name, INDICATOR_COLUMNS)


def read_table_with(data: bytes, name: str, columns: dict[str, str], *, key: str = "uscc",
                    key_label: str = "统一社会信用代码") -> list[tuple[int, dict]]:
    """Rows of a CSV (UTF-8, with or without BOM, or GB18030) or XLSX file whose Chinese headers
    are the keys of ``columns``, as (row number, {field: value})."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:  # openpyxl raises many kinds for a file that is not XLSX
            raise ZhidaError("file", "不是可读取的 XLSX 文件") from None
        rows = list(ws.iter_rows(values_only=True))
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ZhidaError("file", "CSV 文件编码无法识别（应为 UTF-8 或 GB18030）")
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ZhidaError("file", "文件为空")
    header = [str(h or "").strip() for h in rows[0]]
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise ZhidaError("file", f"无法识别的列：{'、'.join(unknown)}")
    keys = [columns.get(h) for h in header]
    if key not in keys:
        raise ZhidaError("file", f"第一行须有“{key_label}”列")
    out = []
    for n, values in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") and str(v).strip() for v in values):
            continue
        out.append((n, {k: v for k, v in zip(keys, values) if k}))
    return out


def region(text: str | None) -> str | None:
    """A district as its code (朝阳区 → 110105) when known, so staff scoped by district find it."""
    from zhida.enterprises.regions import scope_code_or_none

    return (scope_code_or_none(text) or text) if text else None


def month_key(value) -> str:
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    m = MONTH.match(str(value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"月份“{value or ''}”应为 YYYY-MM")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip().replace("/", "-"))
    except ValueError:
        raise ValueError(f"日期“{value or ''}”应为 YYYY-MM-DD") from None


def _number(value, label: str, integer: bool = False):
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}“{value}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{label}“{value}”应为非负数")
    if integer:
        if number != number.to_integral_value():
            raise ValueError(f"{label}“{value}”应为整数")
        return int(number)
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(f"{label}“{value}”最多两位小数")
    return number.quantize(Decimal("0.01"))


def _park(value) -> str | None:
    """A park's name, trimmed (inner runs of spaces made one, so 中关村  软件园 and 中关村 软件园
    are the same park); blank = not stated."""
    text = " ".join(str(value or "").split())
    if len(text) > PARK_MAX:
        raise ValueError(f"所在园区“{text[:20]}…”超过 {PARK_MAX} 个字符")
    return text or None


def _parse(n: int, row: dict, kind: str) -> dict:
    uscc = str(row.get("uscc") or "").strip().upper()
    if not is_valid(uscc):
        raise ValueError(f"统一社会信用代码“{uscc}”校验不通过")
    if kind == "resumption":
        text = str(row.get("resumed") or "").strip()
        if text not in YES | NO:
            raise ValueError(f"开复工“{text}”应为“是”或“否”")
        return {"uscc": uscc, "day": _day(row.get("day")), "resumed": text in YES}
    out = {"uscc": uscc, "month": month_key(row.get("month"))}
    for name in ("region_code", "industry_code"):
        text = str(row.get(name) or "").strip()
        out[name] = text or None
    out["region_code"] = region(out["region_code"])
    out["park"] = _park(row.get("park"))
    for name, label in METRICS.items():
        out[name] = _number(row.get(name), label, integer=name == "employees")
    if all(out[name] is None for name in METRICS):
        raise ValueError("本行没有任何指标值")
    return out


def import_file(session: Session, data: bytes, *, source_name: str, actor: str,
                actor_id: int | None = None) -> ImportResult:
    """Check every row; write all of them (in the caller's transaction) or none."""
    rows = read_table(data, source_name)
    keys = {k for _, row in rows for k in row}
    kind = "resumption" if "day" in keys or "resumed" in keys else "indicators"
    if kind == "resumption" and not {"day", "resumed"} <= keys:
        raise ZhidaError("file", "开复工文件须有“日期”和“开复工”列")
    if kind == "indicators" and "month" not in keys:
        raise ZhidaError("file", "指标文件须有“月份”列")
    result = ImportResult(kind=kind)
    parsed, seen = [], {}
    for n, row in rows:
        try:
            item = _parse(n, row, kind)
        except ValueError as exc:
            result.rejects.append({"row": n, "uscc": str(row.get("uscc") or ""), "reason": str(exc)})
            continue
        key = (item["uscc"], item.get("month") or item.get("day"))
        if key in seen:
            result.rejects.append({"row": n, "uscc": item["uscc"], "reason": f"与第 {seen[key]} 行重复（同一企业同一期）"})
            continue
        seen[key] = n
        parsed.append(item)
    if result.rejects:
        return result  # nothing written
    touched = (_indicators if kind == "indicators" else _resumptions)(session, parsed, result)
    if not touched:
        return result  # the same file again: nothing changes, not even the import log
    record = MonImport(source_name=source_name[:1024], source_sha256=hashlib.sha256(data).hexdigest(), kind=kind,
                       rows_added=result.added, rows_changed=result.changed, rows_unchanged=result.unchanged,
                       actor=actor[:128], at=datetime.now(UTC))
    session.add(record)
    session.flush()
    for row in touched:
        row.import_id = record.id
    result.import_id = record.id
    if kind == "indicators":  # the figures of the touched months (and a year later) follow, in this transaction
        from zhida.monitoring.figures import refresh

        session.flush()
        refresh(session, {row.month for row in touched})
    audit.record(session, actor=actor, actor_id=actor_id, action="monitoring_import", entity="mon_import",
                 entity_id=str(record.id), before=None,
                 after={"kind": kind, "added": result.added, "changed": result.changed, "unchanged": result.unchanged,
                        "source": source_name, "sha256": record.source_sha256})
    return result


def _indicators(session: Session, parsed: list[dict], result: ImportResult) -> list:
    months = {p["month"] for p in parsed}
    stored = {}
    for chunk in _chunks(sorted(months)):
        for row in session.scalars(select(MonIndicator).where(MonIndicator.month.in_(chunk))):
            stored[(row.uscc, row.month)] = row
    now, touched = datetime.now(UTC), []
    for item in parsed:
        row = stored.get((item["uscc"], item["month"]))
        if row is None:
            touched.append(MonIndicator(**item, updated_at=now))
            session.add(touched[-1])
            result.added += 1
            continue
        changes = {k: v for k, v in item.items() if v is not None and k not in ("uscc", "month") and getattr(row, k) != v}
        if not changes:
            result.unchanged += 1
            continue
        for k, v in changes.items():
            setattr(row, k, v)
        row.updated_at = now
        touched.append(row)
        result.changed += 1
    return touched


def _resumptions(session: Session, parsed: list[dict], result: ImportResult) -> list:
    days = {p["day"] for p in parsed}
    stored = {}
    for chunk in _chunks(sorted(days)):
        for row in session.scalars(select(MonResumption).where(MonResumption.day.in_(chunk))):
            stored[(row.uscc, row.day)] = row
    touched = []
    for item in parsed:
        row = stored.get((item["uscc"], item["day"]))
        if row is None:
            touched.append(MonResumption(**item))
            session.add(touched[-1])
            result.added += 1
        elif row.resumed == item["resumed"]:
            result.unchanged += 1
        else:
            row.resumed = item["resumed"]
            touched.append(row)
            result.changed += 1
    return touched


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def reject_report(result: ImportResult | list[dict]) -> str:
    """The reject report as lines: 第 n 行（USCC）：reason."""
    rejects = result if isinstance(result, list) else result.rejects
    return "\n".join(f"第 {r['row']} 行（{r['uscc'] or '无代码'}）：{r['reason']}" for r in rejects)
