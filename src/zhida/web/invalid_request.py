"""One Chinese line for a request FastAPI could not validate (the 422 ``invalid`` error).

pydantic's messages are English ("Field required", "JSON decode error"); users see the field and a
Chinese reason instead. A body that is not JSON at all (bad syntax, not UTF-8) gets the same 422
and message whether FastAPI reports it as a validation error or as its 400 "error parsing the body".
"""

from __future__ import annotations

from typing import Any

BODY_NOT_JSON = "请求体不是有效的 JSON（应为 UTF-8 编码的 JSON 文本）"
FASTAPI_BODY_PARSE_DETAIL = "There was an error parsing the body"
_CONTAINERS = ("query", "path", "body", "form", "header", "cookie")

_REASONS = {
    "missing": "缺少此项",
    "extra_forbidden": "不允许此项",
    "string_type": "应为文本",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_type": "应为时间",
    "datetime_parsing": "应为时间",
    "greater_than": "数值太小",
    "greater_than_equal": "数值太小",
    "less_than": "数值太大",
    "less_than_equal": "数值太大",
    "too_short": "项数太少",
    "too_long": "项数太多",
    "list_type": "应为列表",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "literal_error": "不是允许的取值",
    "enum": "不是允许的取值",
    "uuid_parsing": "格式不正确",
    "url_parsing": "格式不正确",
}


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "value_error":  # our own validators raise Chinese messages
        return str(error.get("msg", "")).removeprefix("Value error, ") or "取值无效"
    reason = _REASONS.get(kind, "取值无效")
    ctx = error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than") and ("ge" in ctx or "gt" in ctx):
        reason += f"（应{'≥' if 'ge' in ctx else '>'} {ctx.get('ge', ctx.get('gt'))}）"
    elif kind in ("less_than_equal", "less_than") and ("le" in ctx or "lt" in ctx):
        reason += f"（应{'≤' if 'le' in ctx else '<'} {ctx.get('le', ctx.get('lt'))}）"
    return reason


def describe(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    """(message, field) for the first error of a RequestValidationError."""
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return BODY_NOT_JSON, None
    location = [str(part) for part in first.get("loc", ()) if part not in _CONTAINERS]
    field = ".".join(location) or None
    if field is None and first.get("type") == "missing":
        return "缺少请求体", None
    if field is None:
        return f"请求无效：{_reason(first)}", None
    return f"{field_word(location)}无效：{_reason(first)}", field


def field_word(location: list[str]) -> str:
    """'per_page' → 每页条数; a list index → the nearest named field; a name the vocabulary does not
    know is shown as it is in the address (参数“after”), so the user sees which one to correct."""
    from zhida.rules.vocabulary import FIELD_ZH

    for part in reversed(location):
        if part in FIELD_ZH:
            return FIELD_ZH[part]
    named = [part for part in location if not part.isdigit()]
    return f"参数“{named[-1]}”" if named else "参数"
