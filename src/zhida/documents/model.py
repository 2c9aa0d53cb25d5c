"""The parsed form of one policy document: metadata and a clause tree.

This is the contract between the reading stages (readers → cleaning → structure →
extraction) and everything downstream (store, search, rules). Every ``start``/``end``
is a character offset into ``ParsedDocument.original`` — the text exactly as the
source gave it, which stays the authority. Cleaned clause text may differ from the
original slice only where page furniture was cut out or a word split across a page
break was rejoined.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

AmountRole = Literal[
    "cap",  # 最高 / 不超过 / 不高于 / 以内: the most that can be given
    "floor",  # 不低于 / 不少于 / 至少: the least that will be given
    "threshold_min",  # a condition on the beneficiary: ... 以上 / 达到 / 超过
    "threshold_max",  # a condition on the beneficiary: ... 以下 / 以内 (as a limit on size)
    "exact",  # a stated sum: 给予500万元
    "per_unit",  # 1500元/人, 1万元/台, 每人1500元
    "total",  # a programme total, not per beneficiary: 2000亿元再贷款
    "instalment",  # a part of an award stated before it: 给予300万元，分三年拨付，首年拨付100万元
]
DateKind = Literal["date", "deadline", "period", "start"]
PercentRole = Literal["rate", "cap", "floor", "threshold_min", "threshold_max", "share", "ratio"]


@dataclass
class Amount:
    text: str
    value: Decimal | None  # in the currency's base unit (yuan for CNY), exact
    currency: str  # ISO 4217: CNY, or as named — USD (亿美元), HKD (港币/港元), TWD (新台币), EUR, JPY, GBP, MOP
    role: AmountRole
    start: int
    end: int
    unit: str | None = None  # what the sum is counted by: 台, 人, 户, 家 … (每人每月 → 人)
    upper: Decimal | None = None  # for a range of money: 100万元至300万元
    period: str | None = None  # how often: 年 or 月 (每人每月3000元 → 月, 1万元/年 → 年)


@dataclass
class Percentage:
    text: str
    value: Decimal  # percent points: 30% → 30; a ratio 1：1 → value 1, upper None, kind ratio
    role: PercentRole
    start: int
    end: int
    upper: Decimal | None = None  # ranges: 10%-20% → value 10, upper 20
    kind: Literal["percent", "ratio", "points"] = "percent"  # points: ５个百分点
    ratio: tuple[Decimal, Decimal] | None = None  # 1：1 → (1, 1)


@dataclass
class DateMention:
    text: str
    kind: DateKind
    start: int
    end: int
    start_date: date | None = None  # periods and starts
    end_date: date | None = None  # deadlines and period ends (inclusive)
    on: date | None = None  # a single date


@dataclass
class ResponsibleUnits:
    text: str  # the whole label or bracket, e.g. （责任单位：市税务局、市财政局）
    units: list[str]  # each unit, in simplified script
    labelled: bool  # True for 责任单位/责任部门 labels, False for bare bracket lists
    start: int
    end: int
    sentence_start: int  # the sentence(s) the list is attached to
    sentence_end: int


@dataclass
class Beneficiary:
    text: str
    type: str  # canonical code, e.g. small_micro_enterprise, individual_business
    label: str  # canonical Chinese label, e.g. 小微企业
    start: int
    end: int


@dataclass
class Reference:
    text: str
    start: int
    end: int
    doc_number: str | None = None  # 文号, e.g. 发改产业〔2022〕273号
    title: str | None = None  # 《title》 without the brackets


@dataclass
class Clause:
    id: str  # stable within its document: label tokens joined by '.', e.g. "3.7", "1.3.4"
    labels: list[str]  # the label path as printed, e.g. ["三", "（七）"]
    kind: str  # chapter, section, subsection, measure, item, subitem, article, paragraph (款), preamble, closing
    text: str  # this clause's own text (label included), original script, furniture removed
    normalized: str  # simplified-script form of ``text``, for search and extraction
    start: int
    end: int
    heading: str | None = None  # the short title, e.g. 保障物资运输畅通高效
    responsible_units: list[ResponsibleUnits] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    percentages: list[Percentage] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    beneficiaries: list[Beneficiary] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    children: list[Clause] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class DocumentMetadata:
    title: str | None = None
    doc_number: str | None = None  # 文号
    issuer: str | None = None
    written_on: date | None = None  # 成文日期
    issued_on: date | None = None  # 印发 / 发布日期
    effective_on: date | None = None  # 实施 / 施行日期
    valid_until: date | None = None  # 有效期至 …
    validity_text: str | None = None  # the sentence that states validity
    extra: dict[str, str] = field(default_factory=dict)  # other labelled header fields


@dataclass(frozen=True)
class Removed:
    """A line of page furniture cut out of the text (running header, page number, web chrome …)."""

    kind: str  # gazette, page_number, web_chrome, web_meta, web_footer, breadcrumb, print, publication,
    # repeated, running_header, header_field, toc
    text: str
    start: int
    end: int


@dataclass
class ParsedDocument:
    source_name: str  # file name as given
    source_format: str  # txt, md, docx, pdf, html
    sha256: str  # of the source bytes
    encoding: str | None  # detected text encoding (None for docx/pdf)
    script: Literal["simplified", "traditional", "mixed"]
    original: str  # the authority: decoded text exactly as read
    metadata: DocumentMetadata
    clauses: list[Clause]  # the numbered body only: top level = the document's first numbering level
    # Unnumbered text before the first / after the last numbered clause of the body
    # (为…特制定以下措施 / 本方案自发布之日起施行…). Citable as ids "preamble" / "closing",
    # but not part of the numbered tree, so they never count as sections or measures.
    preamble: Clause | None = None
    closing: Clause | None = None
    # Furniture cut out of the text, with offsets into ``original``: together with
    # whitespace and inline markup it is all that differs between a clause's text and
    # ``original[clause.start:clause.end]``.
    removed: list[Removed] = field(default_factory=list)

    def walk(self):
        """Every clause of the numbered tree, depth first (not preamble/closing)."""
        for clause in self.clauses:
            yield from clause.walk()

    def clause(self, clause_id: str) -> Clause:
        for clause in [*self.walk(), self.preamble, self.closing]:
            if clause is not None and clause.id == clause_id:
                return clause
        raise KeyError(clause_id)

    def find(self, *labels: str) -> Clause:
        """The clause whose label path ends with ``labels`` (e.g. find("（七）"))."""
        wanted = list(labels)
        for clause in self.walk():
            if clause.labels[-len(wanted):] == wanted:
                return clause
        raise KeyError("/".join(labels))


def to_jsonable(value: Any) -> Any:
    """dataclasses → plain JSON types: Decimal as string (exact), dates ISO."""
    if hasattr(value, "__dataclass_fields__"):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
