"""Tabular input (CSV/XLSX) → profiles: the column mapping and cell parsing.

Headers are matched after normalization (blanks removed, full-width brackets made half-width).
A unit in the header is applied exactly: '营业收入(万元)' 12.5 → Decimal('125000') yuan.
A 'YYYY年' prefix sets the figures' year ('2021年营业收入(万元)'); otherwise a 年度 column, or
``year:`` in the mapping file. The full mapping is documented in docs/enterprise-profile.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from zhida.enterprises import industries, regions, uscc, validation_reasons
from zhida.enterprises.profile import SIZE_WORDS, EnterpriseProfile, value_reason
from zhida.enterprises.validation_reasons import quoted, sentence
from zhida.errors import DataError

IDENTITY_FIELDS = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "USCC"),
    "name": ("企业名称", "名称", "单位名称", "主体名称", "企业(单位)名称"),
    "region_code": ("所属区", "所属区县", "区县", "所在区", "所在区县", "行政区划代码", "行政区划", "注册地", "所属地区", "区域"),
    "special_zone": ("功能区", "所在功能区", "开发区", "特殊功能区"),
    "subdistrict_code": ("所属街道", "所属街道(乡镇)", "街道(乡镇)", "街道", "乡镇", "所属乡镇", "街道代码"),
    "industry_code": ("行业代码", "国民经济行业代码", "所属行业代码", "行业"),
    "entity_type": ("主体类型", "市场主体类型", "企业类型"),
    "ownership": ("所有制", "所有制类型", "经济类型", "登记注册类型"),
    "taxpayer_type": ("纳税人类型", "增值税纳税人类型", "纳税人资格"),
    "established": ("成立日期", "注册日期", "登记日期"),
    "listing_status": ("上市状态",),
    "restricted_industry": ("从事限制和禁止行业", "限制和禁止行业"),
    "core_ip": ("拥有核心知识产权", "核心知识产权"),
    # 是: the qualification columns (and 资质(JSON)) name every qualification held; blank/否: a type
    # left blank is unknown (a 否 cell is always "not held")
    "qualifications_complete": ("资质清单完整", "资质已列全", "资质已全部列出"),
}
MONEY_FIGURES = {
    "revenue": ("营业收入",),
    "total_assets": ("资产总额", "总资产"),
    "taxable_income": ("应纳税所得额",),
    "rd_expense": ("研发费用", "研发投入"),
    "unemployment_insurance_paid": ("失业保险费", "实际缴纳失业保险费", "缴纳失业保险费"),
}
COUNT_FIGURES = {
    "employees": ("从业人员", "从业人员数", "职工人数", "员工人数", "从业人数"),
    "graduates_hired": ("招用高校毕业生人数", "招用高校毕业生"),
}
FLAG_FIGURES = {"above_designated_size": ("规模以上工业企业", "规上企业", "是否规上企业", "规模以上")}
QUALIFICATIONS = {
    "high_tech": ("高新技术企业",),
    "tech_sme": ("科技型中小企业",),
    "zjtx_sme": ("专精特新中小企业", "专精特新"),
    "little_giant": ("专精特新小巨人", "小巨人", "专精特新“小巨人”"),
    "innovative_sme": ("创新型中小企业",),
    "single_champion": ("制造业单项冠军", "单项冠军"),
}
# Extra Chinese headers for catalogue facts (any catalogue fact is also accepted by its name or label_zh).
CATALOGUE_ALIASES = {"承租国有房屋": "premises_state_owned", "是否承租国有房屋": "premises_state_owned",
                     "月租金": "monthly_rent"}
SIZE_HEADERS = ("size_class", "size", "企业规模", "规模", "企业划型", "规模类型", "企业规模类型", "划型")
YEAR_HEADERS = ("year", "年度", "统计年度", "数据年度", "年份")
JSON_HEADERS = {"qualifications": ("资质(JSON)",), "events": ("事件(JSON)",)}
_VALID_TO_SUFFIXES = ("有效期至", "到期日", "有效期截止日")

MONEY_UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "百万元": Decimal(10) ** 6,
               "亿元": Decimal(10) ** 8, "yuan": Decimal(1)}
ENTITY_TYPES = {
    "企业": "enterprise", "公司": "enterprise", "有限责任公司": "enterprise", "股份有限公司": "enterprise",
    "合伙企业": "enterprise", "个人独资企业": "enterprise", "农民专业合作社": "enterprise",
    "个体工商户": "individual_business", "个体户": "individual_business", "个体": "individual_business",
    "自然人": "individual", "事业单位": "institution", "社会组织": "social_organization",
    "社会团体": "social_organization", "民办非企业单位": "social_organization", "基金会": "social_organization",
    "商会": "social_organization", "协会": "social_organization", "机关": "government",
}
OWNERSHIP = {"国有": "state", "国有控股": "state", "国有及国有控股": "state", "集体": "collective",
             "民营": "private", "私营": "private", "外商投资": "foreign", "外资": "foreign",
             "港澳台投资": "hmt", "港澳台": "hmt", "其他": "other"}
TAXPAYER = {"一般纳税人": "general", "小规模纳税人": "small_scale", "小规模": "small_scale", "一般": "general"}
LISTING = {"未上市": "unlisted", "境内上市": "listed_domestic", "境外上市": "listed_overseas",
           "新三板": "neeq", "新三板挂牌": "neeq"}
LEVELS = {"国家级": "national", "国家": "national", "省级": "provincial", "市级": "provincial",
          "北京市级": "provincial", "省": "provincial", "地市级": "municipal", "地级": "municipal"}
TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "t"}
FALSE = {"否", "无", "n", "no", "false", "0", "×", "f"}
# USCC authority+type → entity type, used when no 主体类型 column is given.
_ENTITY_FROM_USCC = {"91": "enterprise", "92": "individual_business", "93": "enterprise",
                     "11": "government", "12": "institution", "51": "social_organization",
                     "52": "social_organization", "53": "social_organization"}

# '[2021年]营业收入[(万元)][_2021|_2022Q2|_2022-04]': a year prefix or a period suffix, and a unit
_HEADER = re.compile(r"^(?:(\d{4})年度?)?(.+?)(?:\(([^()]*)\))?(?:_(\d{4}(?:[Qq][1-4]|-\d{2})?))?$")


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    kind: str  # field | money | count | flag | qualification | valid_to | json | year | size | ignored
    target: str = ""
    factor: Decimal = Decimal(1)
    year: int | str | None = None  # the figures' period: a year, or '2022Q2' / '2022-04'


def normalize_header(text: Any) -> str:
    value = "".join(str(text or "").split())
    return value.translate(str.maketrans("（）【】", "()[]"))


def _lookup(name: str, table: dict[str, tuple[str, ...]]) -> str | None:
    for target, aliases in table.items():
        if name == target or name in aliases:
            return target
    return None


def load_mapping(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        where = f"（第 {exc.problem_mark.line + 1} 行附近）" if getattr(exc, "problem_mark", None) else ""
        raise DataError(str(path), f"无法读取列映射文件{where}：" + ("不是有效的 YAML" if isinstance(exc, yaml.YAMLError)
                                                                 else "文件不存在或无法打开")) from None
    if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
        raise DataError(str(path), "列映射文件应为 YAML 映射：`columns: {表头: 字段}`，可选 `year:`")
    return data


def plan_columns(headers: list[Any], mapping: dict) -> tuple[list[Column], list[str]]:
    """Decide what each column is; warnings name every column that will not be read."""
    explicit = {normalize_header(k): v for k, v in (mapping.get("columns") or {}).items()}
    plan, warnings = [], []
    for index, raw in enumerate(headers):
        header = normalize_header(raw)
        if not header:
            continue
        column = _plan_one(index, header, explicit.get(header))
        if column.kind == "ignored":
            warnings.append(f"列“{header}”未导入：不是可识别的字段")  # the CLI adds its --mapping hint
        plan.append(column)
    seen: dict[tuple, str] = {}
    for c in plan:
        if c.kind == "ignored":
            continue
        key = (c.kind, c.target, c.year)
        if key in seen:
            raise DataError(f"列“{c.header}”", f"列“{c.header}”与列“{seen[key]}”是同一字段、同一期间，只能保留一列")
        seen[key] = c.header
    return plan, warnings


def _plan_one(index: int, header: str, explicit) -> Column:
    if explicit is not None:
        spec = explicit if isinstance(explicit, dict) else {"field": explicit}
        field, unit = str(spec.get("field")), spec.get("unit")
        year = spec.get("year")
        column = _plan_one(index, field if unit is None else f"{field}({unit})", None)
        if column.kind == "ignored":
            raise DataError(f"列映射“{header}”", f"列映射中“{header}”对应的字段“{field}”无法识别")
        return Column(index, header, column.kind, column.target, column.factor, year or column.year)
    if header.lower() in SIZE_HEADERS or header in SIZE_HEADERS:
        return Column(index, header, "size")
    if header.lower() in YEAR_HEADERS or header in YEAR_HEADERS:
        return Column(index, header, "year")
    for target, aliases in JSON_HEADERS.items():
        if header == target or header in aliases:
            return Column(index, header, "json", target)
    target = _lookup(header, IDENTITY_FIELDS)
    if target:
        return Column(index, header, "field", target)
    for suffix in _VALID_TO_SUFFIXES:
        if header.endswith(suffix):
            qual = _lookup(header[: -len(suffix)], QUALIFICATIONS)
            if qual:
                return Column(index, header, "valid_to", qual)
    qual = _lookup(header, QUALIFICATIONS)
    if qual:
        return Column(index, header, "qualification", qual)
    match = _HEADER.match(header)
    year, name, unit = (int(match.group(1)) if match.group(1) else None), match.group(2), match.group(3)
    if match.group(4):  # per-period column: 营业收入_2021, 营业收入(万元)_2022Q2
        from zhida.rules.periods import parse_period

        period = parse_period(match.group(4))
        year = int(period.key) if period.kind == "year" else period.key
    if (target := _lookup(name, MONEY_FIGURES)) is not None:
        if unit is not None and unit not in MONEY_UNITS:
            raise DataError(f"列“{header}”", _unknown_unit(header, unit))
        return Column(index, header, "money", target, MONEY_UNITS[unit or "元"], year)
    if (target := _lookup(name, COUNT_FIGURES)) is not None:
        if unit not in (None, "人"):
            raise DataError(f"列“{header}”", f"列“{header}”的单位“{unit}”不适用于人数（只能是“人”）")
        return Column(index, header, "count", target, Decimal(1), year)
    if (target := _lookup(name, FLAG_FIGURES)) is not None:
        return Column(index, header, "flag", target, Decimal(1), year)
    fact = _catalogue_fact(name)
    if fact is not None:
        factor = Decimal(1)
        if fact.type == "money":
            if unit is not None and unit not in MONEY_UNITS:
                raise DataError(f"列“{header}”", _unknown_unit(header, unit))
            factor = MONEY_UNITS[unit or "元"]
        return Column(index, header, "catalogue", fact.name, factor, year)
    return Column(index, header, "ignored")


def _unknown_unit(header: str, unit: str) -> str:
    return f"列“{header}”的金额单位“{unit}”无法识别（可用：元、千元、万元、百万元、亿元）"


def _catalogue_fact(name: str):
    from zhida.enterprises.facts import catalogue

    cat = catalogue()
    name = CATALOGUE_ALIASES.get(name, name)
    fact = cat.get(name)
    if fact is None:
        fact = next((f for f in cat.facts.values() if f.label_zh == name), None)
    if fact is None or fact.event or fact.temporal == "event":
        return None
    return fact


# --- cells -------------------------------------------------------------------------------------

class CellError(ValueError):
    """Why a cell is refused, in Chinese: “值”不是… (or a sentence); the column's name goes before it."""


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel gives 110105.0 for a code typed as a number
    return str(value).strip()


TOO_LARGE = Decimal(10) ** 18


def number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"{quoted(value)}不是数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        result = Decimal(repr(value))  # shortest exact decimal of what Excel stored
    else:
        cleaned = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
        try:
            result = Decimal(cleaned)
        except InvalidOperation:
            raise CellError(f"{quoted(value)}不是数字") from None
    if not result.is_finite():
        raise CellError(f"{quoted(value)}不是有限的数字")
    if abs(result) >= TOO_LARGE:  # 1e400 was stored, then every page reading it failed (a 500)
        raise CellError(f"{quoted(value)}数值过大，超出可处理的范围")
    return result


def boolean(value: Any) -> bool:
    key = text(value).lower()
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise CellError(f"{quoted(text(value))}不是“是/否”")


def day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", raw)
    if not match:
        raise CellError(f"{quoted(raw)}不是日期（应为 YYYY-MM-DD）")
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise CellError(f"{quoted(raw)}不是有效的日期（没有这一天）") from None


def _code(value: Any, table: dict[str, str], allowed: tuple[str, ...]) -> str:
    raw = text(value)
    if raw in allowed:
        return raw
    if raw in table:
        return table[raw]
    raise CellError(f"{quoted(raw)}不是可选值（可填：{'、'.join(table)}）")


# --- a row -------------------------------------------------------------------------------------

Reject = tuple[str, str, str]  # (field, value, reason)


def row_to_profile(cells: list[Any], plan: list[Column], default_year: int | None
                   ) -> tuple[EnterpriseProfile | None, list[Reject]]:
    """Build one profile; on any problem return (None, every problem found)."""
    errors: list[Reject] = []
    data: dict[str, Any] = {}
    figures: dict[int, dict[str, Any]] = {}
    quals: dict[str, dict[str, Any]] = {}

    def cell(c: Column):
        return cells[c.index] if c.index < len(cells) else None

    year = default_year
    for c in plan:
        if c.kind == "year" and not blank(cell(c)):
            try:
                value = number(cell(c))
                if value != value.to_integral_value() or not 1949 <= value <= 2100:
                    raise CellError("not a year")  # worded for the user below
                year = int(value)
            except CellError:
                errors.append((c.header, text(cell(c)), f"{c.header}{quoted(text(cell(c)))}不是年份（1949–2100）"))
    for c in plan:
        value = cell(c)
        if c.kind in ("ignored", "year") or blank(value):
            continue
        if c.kind == "size":  # a declared class, used only where the figures cannot decide (300号)
            if text(value) not in SIZE_WORDS and text(value) not in SIZE_WORDS.values():
                errors.append((c.header, text(value), f"{c.header}{quoted(text(value))}不是可选值"
                                                      "（可填：大型、中型、小型、微型）"))
                continue
            data["declared_size"] = {"size_class": text(value), "source": f"导入表格“{c.header}”列"}
            continue
        try:
            _read(c, value, data, figures, quals, year)
        except CellError as exc:
            errors.append((c.header, text(value), sentence(c.header, str(exc))))
    _require(data, plan, errors)
    if errors:
        return None, errors
    if quals:
        data["qualifications"] = [*(data.get("qualifications") or []),
                                  *({"type": t, **q} for t, q in quals.items())]  # 否: held false
    if figures:
        data["figures"] = figures
    if "entity_type" not in data:
        data["entity_type"] = _ENTITY_FROM_USCC.get(data["uscc"][:2], "enterprise")
    try:
        return EnterpriseProfile.model_validate(data), []
    except ValidationError as exc:
        return None, validation_reasons.rejects(exc, _short, "row")


def _short(value: Any) -> str:
    value = "" if value is None else str(value)
    return value if len(value) <= 80 else value[:77] + "…"


NO_YEAR = "缺少年度（请加“年度”列、在表头前写“2021年”，或在列映射文件中写 year:）"


def _finer_than_fen(value: Any, yuan: Decimal) -> str:
    return f"{quoted(text(value))}折合 {yuan.normalize():f} 元，细于 1 分（单位是否有误？）"


def _read(c: Column, value: Any, data: dict, figures: dict, quals: dict, year: int | None) -> None:
    if c.kind == "field":
        data[c.target] = _field(c.target, value)
    elif c.kind in ("money", "count", "flag"):
        when = c.year or year
        if when is None:
            raise CellError(NO_YEAR)
        if c.kind == "money":
            amount = number(value) * c.factor
            if amount != amount.quantize(Decimal("0.01")):
                raise CellError(_finer_than_fen(value, amount))
            if amount < 0 and c.target != "taxable_income":
                raise CellError(f"{quoted(text(value))}为负数，金额不能为负")
            figures.setdefault(when, {})[c.target] = amount.quantize(Decimal("0.01"))
        elif c.kind == "count":
            count = number(value)
            if count != count.to_integral_value() or count < 0:
                raise CellError(f"{quoted(text(value))}不是非负整数（人数）")
            figures.setdefault(when, {})[c.target] = int(count)
        else:
            figures.setdefault(when, {})[c.target] = boolean(value)
    elif c.kind == "qualification":
        raw = text(value)
        if raw in LEVELS:
            quals.setdefault(c.target, {})["level"] = LEVELS[raw]
        elif raw in ("national", "provincial", "municipal"):
            quals.setdefault(c.target, {})["level"] = raw
        elif not _held(raw):
            quals.setdefault(c.target, {})["held"] = False
        else:
            quals.setdefault(c.target, {})
    elif c.kind == "valid_to":
        quals.setdefault(c.target, {})["valid_to"] = day(value)
    elif c.kind == "catalogue":
        _read_catalogue(c, value, data, figures, year)
    elif c.kind == "json":
        try:
            parsed = json.loads(text(value))
        except json.JSONDecodeError as exc:
            raise CellError(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列附近有语法错误）") from None
        if not isinstance(parsed, list):
            raise CellError("应为 JSON 列表（[…]）")
        data[c.target] = parsed


def _held(raw: str) -> bool:
    try:
        return boolean(raw)
    except CellError:
        raise CellError(f"{quoted(raw)}不是“是/否”或认定层级（国家级、省级、市级、地市级）") from None


def _read_catalogue(c: Column, value: Any, data: dict, figures: dict, year: int | None) -> None:
    from zhida.enterprises.facts import catalogue
    from zhida.errors import RuleError

    fact = catalogue().get(c.target)
    if fact.type == "money":
        parsed = number(value) * c.factor
        if parsed != parsed.quantize(Decimal("0.01")):
            raise CellError(_finer_than_fen(value, parsed))
    elif fact.type == "boolean":
        parsed = boolean(value)
    elif fact.type == "date":
        parsed = day(value)
    elif fact.type in ("integer", "decimal", "percent"):
        parsed = number(value)
    else:
        parsed = text(value)
    try:
        parsed = catalogue().check_value(fact.name, parsed)
    except RuleError:
        raise CellError(value_reason(fact, text(value))) from None
    if fact.temporal == "yearly":
        when = c.year or year
        if when is None:
            raise CellError(NO_YEAR)
        figures.setdefault(when, {}).setdefault("other", {})[fact.name] = parsed
    else:
        data.setdefault("other_facts", {})[fact.name] = parsed


def _field(target: str, value: Any) -> Any:
    if target == "uscc":
        try:
            return uscc.validate(text(value))
        except uscc.USCCError as exc:
            raise CellError(f"{quoted(text(value))}{exc.why}") from None
    if target == "region_code":
        try:
            regions.resolve(text(value))
        except KeyError as exc:
            raise CellError(exc.args[0]) from None
        return text(value)
    if target == "special_zone":
        raw = text(value)
        if raw in ("无", "否", "none"):
            return None
        try:
            return regions.zone_code(raw)
        except KeyError as exc:
            raise CellError(exc.args[0]) from None
    if target == "industry_code":
        try:
            return industries.normalize(text(value))
        except KeyError as exc:
            raise CellError(exc.args[0]) from None
    if target == "entity_type":
        return _code(value, ENTITY_TYPES, ("enterprise", "individual_business", "individual", "institution",
                                           "social_organization", "government"))
    if target == "ownership":
        return _code(value, OWNERSHIP, ("state", "collective", "private", "foreign", "hmt", "other"))
    if target == "taxpayer_type":
        return _code(value, TAXPAYER, ("general", "small_scale"))
    if target == "listing_status":
        return _code(value, LISTING, ("unlisted", "listed_domestic", "listed_overseas", "neeq"))
    if target == "established":
        return day(value)
    if target in ("restricted_industry", "core_ip", "qualifications_complete"):
        return boolean(value)
    return text(value)


def _require(data: dict, plan: list[Column], errors: list[Reject]) -> None:
    for field, label in (("uscc", "统一社会信用代码"), ("name", "企业名称"), ("region_code", "所属区"),
                         ("industry_code", "行业代码")):
        if field not in data and not any(e[0] == _header_of(plan, field) for e in errors):
            name = _header_of(plan, field) or label
            errors.append((name, "", f"{name}为必填项：本行为空或文件中没有这一列"))


def _header_of(plan: list[Column], field: str) -> str | None:
    return next((c.header for c in plan if c.kind == "field" and c.target == field), None)
