"""Input values of the project library and the map: money, areas, districts — each bad value a
one-line Chinese error naming its field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from zhida.errors import ZhidaError

MAX_MONEY = Decimal("1e16")


def money(value, field: str, *, required: bool = False) -> Decimal | None:
    """Yuan (or US dollars) as Decimal to the fen; '' / None → None (unknown, never 0)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ZhidaError(field, "请填写金额")
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ZhidaError(field, f"金额应为数字，而不是 {str(value)[:20]!r}") from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_MONEY:
        raise ZhidaError(field, "金额应为不小于 0 的数字")
    return amount.quantize(Decimal("0.01"))


def area(value, field: str, *, required: bool = False) -> Decimal | None:
    found = money(value, field, required=required)
    if found is not None and found <= 0 and required:
        raise ZhidaError(field, "面积应大于 0")
    return found


def district(value, field: str = "region_code") -> str:
    """A Beijing district (GB/T 2260 code or name) → its six-digit code."""
    from zhida.enterprises import regions

    code = regions.scope_code_or_none(str(value or "").strip())
    if code == "bda":
        code = "110115"  # 经开区 projects are hosted by 大兴区 on the map (its main part)
    if not code or not code.startswith("11") or code.endswith("0000"):
        raise ZhidaError(field, f"应为北京市的区（代码或名称），而不是 {str(value or '')[:20]!r}")
    return code


def boolean(value, field: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "是", "y"):
        return True
    if text in ("false", "0", "no", "否", "n"):
        return False
    raise ZhidaError(field, "应为“是”或“否”")


def uscc(value, field: str = "owner_uscc") -> str | None:
    if value is None or not str(value).strip():
        return None
    from zhida.enterprises.uscc import USCCError, check_normalized

    try:
        return check_normalized(str(value).strip().upper())
    except USCCError as exc:
        raise ZhidaError(field, f"统一社会信用代码有误：{exc.zh}") from None


def text(value, field: str, *, limit: int = 255, required: bool = False) -> str | None:
    found = str(value or "").strip()
    if not found:
        if required:
            raise ZhidaError(field, "必填")
        return None
    if len(found) > limit:
        raise ZhidaError(field, f"不超过 {limit} 字")
    return found
