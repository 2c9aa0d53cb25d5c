"""Money as Chinese readers read it: ONE formatter for pages, the PDF report, the CLI and XLSX.

The rule (docs/web.md#money):

- ``money(v)`` — for reading: 1万元 and more in 万元, two decimals, thousands separators
  (13350862.00 → ``1,335.09 万元``); less than 1万元 in 元 to the fen (8500 → ``8,500.00 元``);
  0 → ``0 元``. Rounding is ROUND_HALF_UP at the last digit shown (万元: to the hundred yuan).
- ``yuan(v)`` — where precision matters (ledgers, payer shares adding up, a checked total):
  元 to the fen with separators (``13,350,862.00 元``).
- XLSX cells hold the exact amount in 元 as a number, formatted ``XLSX_YUAN`` (the same
  separators and fen as ``yuan``); the header says （元）.
- An amount that cannot be computed is never 0: ``pending(why)`` → ``金额待核定（缺少：营业收入）``.

Only ``Decimal``, ``int`` or a decimal string is accepted (a float is refused: it is not exact).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10000)
CENT = Decimal("0.01")
XLSX_YUAN = "#,##0.00"  # number format of 元 columns in every XLSX export
PENDING = "金额待核定"


def exact(value: Decimal | int | str) -> Decimal:
    """``value`` as a Decimal; floats are refused (money is never binary floating point)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money must be Decimal, int or a decimal string, not {type(value).__name__}")
    return value if isinstance(value, Decimal) else Decimal(value)


def money(value: Decimal | int | str | None) -> str:
    """For reading: ``1,335.09 万元`` (≥ 1万元) or ``8,500.00 元``; None → 金额待核定."""
    if value is None:
        return PENDING
    amount = exact(value)
    if amount == 0:
        return "0 元"
    if abs(amount) >= WAN:
        return f"{(amount / WAN).quantize(CENT, ROUND_HALF_UP):,} 万元"
    return f"{amount.quantize(CENT, ROUND_HALF_UP):,} 元"


def yuan(value: Decimal | int | str | None) -> str:
    """Exact, to the fen: ``13,350,862.00 元``; None → 金额待核定."""
    if value is None:
        return PENDING
    return f"{exact(value).quantize(CENT, ROUND_HALF_UP):,} 元"


def pending(why: str | None = None) -> str:
    """An amount that cannot be computed, saying why: ``金额待核定（缺少：营业收入）``."""
    return f"{PENDING}（{why}）" if why else PENDING
