"""Honest totals: what an enterprise's money is, split by kind (issue 9 §4).

Adding a cap (最高3000万), a tax-deduction base, a deferred tax and a result that still waits for a
responsible unit's judgement into one number overstates what an enterprise gets. Every counted
result is put in exactly ONE bucket:

- ``certain``   确定可得: an exact (or 不低于 floor) sum of money, all conditions decided, in force;
- ``up_to``     最高可达: a cap or a range (最高/不超过 …) — what it can reach, not what it gets;
- ``relief``    减免: taxes and fees reduced or exempted (money not paid, not money received);
- ``deduction`` 抵扣: a pre-tax deduction base (税前扣除额): the tax saved is a fraction of it;
- ``deferral``  递延: taxes or contributions paid later, not forgiven;
- ``refund``    退还: the enterprise's own tax credit or premiums returned (留抵退税, 稳岗返还);
- ``pending``   待认定: eligible only if an open criterion is met (a responsible unit judges it), or
  the amount needs a fact the profile lacks (a known part of a sum is reported as a floor);
- ``unquantified`` 金额未量化: the source states no amount (services, qualifications …), whether or
  not an open criterion is still to be judged (there is no money to wait for).

Only ``eligible``, ``in_force``, enterprise-benefit results in CNY are counted; a result of a draft
document (征求意见稿, ``draft``) is listed apart and never counted. A benefit restated by several
measures is counted once, by its best result (bucket order, then the larger amount). Money is
``Decimal`` (yuan, to the fen), never float; the batch engines compute the same split
(``zhida.batch.summary``), checked to agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from zhida.money_format import PENDING
from zhida.money_format import money as money_text

BUCKETS = ("certain", "up_to", "relief", "deduction", "deferral", "refund", "pending", "unquantified")
TAX_BUCKETS = ("relief", "deduction", "deferral", "refund")
LABEL_ZH = {"certain": "确定可得", "up_to": "最高可达", "relief": "减免", "deduction": "抵扣（税前扣除额）",
            "deferral": "递延（缓缴）", "refund": "退还（留抵退税、返还）", "pending": "待认定",
            "unquantified": "金额未量化", "draft": "征求意见稿（不计入合计）"}
GROUP_ZH = {"certain": "确定可得", "up_to": "最高可达", "relief": "减免·抵扣·递延", "deduction": "减免·抵扣·递延",
            "deferral": "减免·抵扣·递延", "refund": "减免·抵扣·递延", "pending": "待认定",
            "unquantified": "金额未量化"}
# measure kind → tax bucket (other kinds are money or services)
KIND_BUCKET = {"tax_exemption": "relief", "tax_reduction": "relief", "fee_reduction": "relief",
               "tax_deduction": "deduction", "deferral": "deferral", "refund": "refund"}
_RANK = {b: i for i, b in enumerate(BUCKETS)}
CENT = Decimal("0.01")


def bucket(kind: str, amount_kind: str | None, value_known: bool, least_known: bool, open_: bool) -> str:
    """The bucket of an eligible, in-force result. ``kind``: the measure's kind; ``amount_kind``:
    exact | maximum | minimum | range | not_stated | None; ``value_known``: its amount was computed;
    ``least_known``: a floor (known part of a sum) was; ``open_``: it depends on an open criterion."""
    if amount_kind in (None, "not_stated"):  # no money to count, judged or not
        return "unquantified"
    if open_ or not value_known:
        return "pending"
    if kind in KIND_BUCKET:
        return KIND_BUCKET[kind]
    return "up_to" if amount_kind in ("maximum", "range") else "certain"


@dataclass
class Item:
    """One counted benefit: the measure giving it, its bucket and the amount counted."""

    benefit: str
    measure_id: str
    bucket: str
    amount: Decimal | None  # None: unknown (pending without a floor, unquantified)
    floor: bool = False  # the amount is only the known part of a sum (at least this much)


@dataclass
class Bucket:
    total: Decimal = Decimal("0.00")
    items: list[Item] = field(default_factory=list)

    @property
    def unknown(self) -> int:
        """Benefits in this bucket whose amount is unknown or only a floor."""
        return sum(1 for i in self.items if i.amount is None or i.floor)


@dataclass
class Totals:
    buckets: dict[str, Bucket]
    draft: list[Item]  # results of draft documents: labelled, never counted

    @property
    def certain(self) -> Decimal:
        return self.buckets["certain"].total

    def to_json(self) -> dict:
        out = {}
        for name in BUCKETS:
            b = self.buckets[name]
            out[name] = {"label": LABEL_ZH[name], "group": GROUP_ZH[name], "total": money(b.total),
                         "benefits": len(b.items), "amount_unknown": b.unknown,
                         "measures": [i.measure_id for i in b.items]}
        out["draft"] = {"label": LABEL_ZH["draft"], "benefits": len(self.draft),
                        "measures": [i.measure_id for i in self.draft]}
        return out


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(CENT, ROUND_HALF_UP):.2f}"


def split(entries) -> Totals:
    """``entries``: (benefit, measure_id, bucket, amount, floor, draft) for every counted result
    (eligible, in force, enterprise benefit, CNY). One item per benefit: the best bucket, then
    the larger amount."""
    best: dict[str, Item] = {}
    drafts: dict[str, Item] = {}
    for benefit, measure_id, name, amount, floor, draft in entries:
        item = Item(benefit, measure_id, name, amount, floor)
        target = drafts if draft else best
        old = target.get(benefit)
        if old is None or _key(item) < _key(old):
            target[benefit] = item
    buckets = {b: Bucket() for b in BUCKETS}
    for item in best.values():
        if item.benefit in drafts:  # a final version counts; its draft twin is not listed apart
            drafts.pop(item.benefit)
        b = buckets[item.bucket]
        b.items.append(item)
        if item.amount is not None:
            b.total += item.amount
    for b in buckets.values():
        b.total = b.total.quantize(CENT)
    return Totals(buckets, list(drafts.values()))


def _key(item: Item) -> tuple:
    return (_RANK[item.bucket], item.floor, -(item.amount if item.amount is not None else Decimal(-1)),
            item.measure_id)


def payer_split(amount: Decimal, payers: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal, Decimal]]:
    """``amount`` split among ``payers`` (name, part) in proportion to their parts, to the fen; the
    last payer takes the rounding remainder so the shares add up to the amount exactly.
    Returns (name, share of the amount, amount)."""
    whole = sum((p for _, p in payers), Decimal(0))
    out, given = [], Decimal(0)
    for i, (name, part) in enumerate(payers):
        share = part / whole
        value = amount - given if i == len(payers) - 1 else (amount * share).quantize(CENT, ROUND_HALF_UP)
        given += value
        out.append((name, share, value))
    return out


# --- words: the same split in every output (CLI, web, XLSX, PDF) ---------------------------------
SHOWN = ("certain", "up_to", "tax", "pending", "unquantified", "draft")
SHOWN_ZH = {"certain": "确定可得", "up_to": "最高可达", "tax": "减免·抵扣·递延", "pending": "待认定",
            "unquantified": "金额未量化", "draft": "征求意见稿（不计入合计）"}


def _sum_text(b: dict) -> str:
    """A kind's total as read (``zhida.money_format``): 金额待核定 when none of its amounts is known,
    at least the known part when some are not — never 0 for money that is only unknown."""
    if b["benefits"] and b["amount_unknown"] == b["benefits"] and Decimal(b["total"]) == 0:
        return PENDING
    if b["amount_unknown"]:
        return f"至少 {money_text(b['total'])}"
    return money_text(b["total"])


def totals_rows(t: dict) -> list[dict]:
    """From the JSON split (``Totals.to_json``): one row per line shown — ``key``, ``label``,
    ``total`` (decimal string or None), ``text`` (the Chinese line after the label)."""
    rows = []
    for key in ("certain", "up_to"):
        b = t[key]
        note = "，上限，不一定全额获得" if key == "up_to" else ""
        rows.append({"key": key, "label": SHOWN_ZH[key], "total": b["total"],
                     "text": f"{_sum_text(b)}（{b['benefits']} 项{note}）" if b["benefits"] else "无"})
    parts = [f"{t[k]['label']} {_sum_text(t[k])}" for k in TAX_BUCKETS if t[k]["benefits"]]
    tax_total = sum((Decimal(t[k]["total"]) for k in TAX_BUCKETS), Decimal(0))
    rows.append({"key": "tax", "label": SHOWN_ZH["tax"], "total": None,
                 "text": ("；".join(parts) + "（按类分列，税基与缓缴不是到手金额）") if parts else "无",
                 "by_kind": {k: t[k]["total"] for k in TAX_BUCKETS}, "sum": f"{tax_total:.2f}"})
    p = t["pending"]
    unknown = (f"，其中 {p['amount_unknown']} 项金额待核定或仅知下限"
               if p["amount_unknown"] and p["amount_unknown"] != p["benefits"] else "")
    rows.append({"key": "pending", "label": SHOWN_ZH["pending"], "total": p["total"],
                 "text": f"{_sum_text(p)}（{p['benefits']} 项，待责任单位认定或补充信息{unknown}）" if p["benefits"] else "无"})
    rows.append({"key": "unquantified", "label": SHOWN_ZH["unquantified"], "total": None,
                 "text": f"{t['unquantified']['benefits']} 项（服务、资格等，原文未给金额）"})
    if t["draft"]["benefits"]:
        rows.append({"key": "draft", "label": SHOWN_ZH["draft"], "total": None,
                     "text": f"{t['draft']['benefits']} 项（征求意见稿，定稿前不计入）"})
    return rows


def totals_lines(t: dict) -> list[str]:
    return [f"{r['label']}：{r['text']}" for r in totals_rows(t)]


def split_for_lines(split: dict) -> dict:
    """A batch run's split (``zhida.batch.summary.split_totals``: no measure lists) in the shape
    ``totals_rows`` reads."""
    return {k: {"measures": [], **v} for k, v in split.items()}
