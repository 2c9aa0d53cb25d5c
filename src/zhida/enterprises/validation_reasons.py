"""A profile's validation errors as reject rows whose reasons a user reads: one Chinese line each.

Pydantic words its own checks in English; they are translated here by error *type* (not by
matching the text). The profile's own validators raise Chinese reasons that start with the
quoted value (“X”不是…) or are whole sentences: the field's name is put before them.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

_LABELS = {"declared_size": "企业规模", "declared_size.size_class": "企业规模", "qualifications": "资质",
           "events": "事件", "figures": "分期数据", "other_facts": "其他事实", "judgements": "认定",
           "registries": "名单", "schema_version": "画像版本"}


def label(loc: tuple) -> str:
    """What a user calls the field at ``loc``: 统一社会信用代码, 营业收入_2021, 资质.0.level."""
    from zhida.enterprises.import_report import field_label

    path = ".".join(str(p) for p in loc)
    if not path:
        return "企业画像"
    named = field_label(path)
    if named != path:
        return named
    for size in range(len(loc), 0, -1):  # the longest known prefix, the rest as written
        head = ".".join(str(p) for p in loc[:size])
        if head in _LABELS:
            return ".".join([_LABELS[head], *(str(p) for p in loc[size:])])
    return path


def sentence(name: str, why: str) -> str:
    """``name`` and ``why`` as one line: 行业代码“X”不是… or 所属街道：所属区县…没有…"""
    return f"{name}{why}" if why.startswith("“") else f"{name}：{why}"


def quoted(value: Any, limit: int = 80) -> str:
    if value is None:
        return "“”"
    value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return f"“{value if len(value) <= limit else value[:limit - 1] + '…'}”"


def why(error: dict) -> str:
    """The reason of one pydantic error, in Chinese, without the field's name."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, quoted(error.get("input"))
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", "")).removeprefix("Value error, ") or "取值无效"
    if kind == "missing":
        return "缺少此项（必填）"
    if kind == "extra_forbidden":
        return "不是企业画像的字段（见 docs/enterprise-profile.md）"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").replace(", ", "、")
        return f"{value}不是可选值（可选：{expected}）"
    if kind == "decimal_max_places":
        return f"{value}最多 {ctx.get('decimal_places')} 位小数（金额精确到分，单位是否有误？）"
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"{value}不能为负数" if bound == 0 else f"{value}应不小于 {bound}"
    if kind in ("less_than_equal", "less_than"):
        return f"{value}应不大于 {ctx.get('le', ctx.get('lt'))}"
    if kind.startswith("int_"):
        return f"{value}不是整数"
    if kind.startswith(("decimal_", "float_")) or kind == "finite_number":
        return f"{value}不是有限的数字"
    if kind.startswith("bool_"):
        return f"{value}不是 true/false（是/否）"
    if kind.startswith(("date_", "datetime_")):
        return f"{value}不是日期（应为 YYYY-MM-DD）"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_too_long":
        return f"过长（最多 {ctx.get('max_length')} 个字符）"
    if kind.startswith("string_"):
        return f"{value}应为文字"
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return f"{value}应为 JSON 对象"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"{value}应为 JSON 列表"
    if kind.startswith("union_tag"):
        return "缺少或无法识别 type（事件类型）"
    return f"{value}取值无效（{kind}）"


def rejects(exc: ValidationError, show, whole: str) -> list[tuple[str, Any, str]]:
    """(field as the profile names it, ``show(value)``, Chinese reason) per error; ``whole`` names
    an error of the whole profile."""
    return [(".".join(str(p) for p in error["loc"]) or whole, show(error.get("input")),
             sentence(label(tuple(error["loc"])), why(error))) for error in exc.errors(include_url=False)]
