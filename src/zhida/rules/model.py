"""A measure as loaded and validated: the YAML format of docs/measures.md, with parsed ASTs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlglot import exp

KINDS = ("cash_subsidy", "reward", "tax_deduction", "tax_exemption", "tax_reduction", "deferral", "refund",
         "loan_interest_subsidy", "fee_reduction", "guarantee", "qualification", "service")
# beneficiary → entity_type values it admits (empty: never an enterprise benefit)
BENEFICIARIES: dict[str, tuple[str, ...]] = {
    "enterprise": ("enterprise",),
    "individual_business": ("individual_business",),
    "enterprise_or_individual_business": ("enterprise", "individual_business"),
    "organization": ("enterprise", "institution", "social_organization"),
    "intermediary": ("enterprise", "institution", "social_organization"),
    "individual": ("individual",),
    "government_internal": (),
}
APPLICATION = ("免申即享", "申报", "unknown")
DOCUMENT_STATUS = ("final", "draft")  # draft = 征求意见稿: every result labelled, none counted in totals
DOCUMENT_STATUS_ZH = {"final": "正式文件", "draft": "征求意见稿"}
# jurisdiction_basis → the region fact it is matched on ('在京注册或在京纳税' = [registration, tax])
# served_project: where the project an intermediary served lands ('由所在区对…第三方机构给予奖励')
JURISDICTION_BASES = {"registration": "region_code", "tax": "tax_region_code", "premises": "premises_region_code",
                      "served_project": "served_project.region_code"}
BASIS_ZH = {"registration": "注册地", "tax": "纳税地", "premises": "经营场所所在地", "served_project": "所服务项目落地地"}
AMOUNT_KINDS = ("exact", "maximum", "minimum", "range", "not_stated")
REVIEW_STATUS = ("draft", "reviewed")
NOT_ENCODED_REASONS = ("no_enterprise_beneficiary", "government_internal", "individual_beneficiary",
                       "no_determinable_condition", "not_a_measure", "encoded_elsewhere")
KIND_ZH = {"cash_subsidy": "资金补贴", "reward": "奖励", "tax_deduction": "税前扣除", "tax_exemption": "免税",
           "tax_reduction": "减税", "deferral": "缓缴", "refund": "退还", "loan_interest_subsidy": "贷款贴息",
           "fee_reduction": "降费", "guarantee": "担保", "qualification": "资格认定", "service": "服务"}
BENEFICIARY_ZH = {"enterprise": "企业", "individual_business": "个体工商户",
                  "enterprise_or_individual_business": "企业或个体工商户", "organization": "企业、事业单位或社会组织",
                  "intermediary": "第三方机构", "individual": "个人", "government_internal": "政府内部任务"}


@dataclass
class Source:
    document: str  # full document key
    clause: str
    quote: str


@dataclass
class Condition:
    id: str
    expr: str  # as written
    ast: exp.Expression  # as written (concept names kept, for display)
    expanded: exp.Expression  # concepts replaced by definitions (for back ends)
    label: str
    quote: str | None
    clause: str | None = None


@dataclass
class OpenCriterion:
    id: str
    label: str
    quote: str


@dataclass
class Amount:
    kind: str
    expr: exp.Expression | None = None  # expanded
    cap: exp.Expression | None = None
    floor: exp.Expression | None = None
    upper: exp.Expression | None = None  # range: the high end
    unit: str = "元"
    quote: str | None = None
    text: dict[str, str] = field(default_factory=dict)  # field → expression as written
    payers: list["Payer"] = field(default_factory=list)  # who pays which part (市级20% + 区级30%)
    parts: list[exp.Expression] = field(default_factory=list)  # sum_of_parts: the addends of expr (expanded)


@dataclass
class Payer:
    """A payer of part of an amount: ``part`` is its weight (0.20 of 0.50 → 40% of the amount)."""

    payer: str
    part: object  # Decimal
    quote: str | None = None


@dataclass(frozen=True)
class PeriodChange:
    """Another document changed this measure's period: repealed it, or extended it (zhida.lifecycle)."""

    kind: str  # repeals | extends
    last_day: date  # the last day in force after the change
    document: str  # the changing document's key
    title: str | None
    clause: str | None
    quote: str  # the changing sentence, verbatim


@dataclass
class Period:
    start: date | None = None
    end: date | None = None  # as the measure's own text states it (checked against ``quote``)
    quote: str | None = None
    clause: str | None = None
    changed_by: PeriodChange | None = None

    @property
    def last_day(self) -> date | None:
        """The last day in force: the text's own end, unless another document repealed or extended it."""
        return self.changed_by.last_day if self.changed_by else self.end

    def label(self, as_of: date) -> str:
        if self.start and as_of < self.start:
            return "not_yet_effective"
        if self.last_day and as_of > self.last_day:
            return "expired"
        return "in_force"


@dataclass
class Measure:
    id: str
    title: str
    document: str
    benefit: str
    kind: str
    beneficiary: str
    sources: list[Source]
    jurisdiction: list[str]
    period: Period
    application: str
    responsible_units: list[str]
    review: dict
    conditions: list[Condition] = field(default_factory=list)
    open_criteria: list[OpenCriterion] = field(default_factory=list)
    amount: Amount | None = None
    uses: list[str] = field(default_factory=list)
    note: str | None = None
    file: str = ""
    jurisdiction_basis: list[str] = field(default_factory=lambda: ["registration"])  # OR over these bases
    application_quote: str | None = None  # the words saying 申报 / 免申即享 (required unless application is unknown)
    document_status: str = "final"  # draft: the source is a 征求意见稿 (labelled, never counted in totals)

    @property
    def enterprise_benefit(self) -> bool:
        return self.beneficiary not in ("individual", "government_internal")


@dataclass
class NotEncoded:
    document: str
    clause: str
    reason: str
    note: str | None = None
    file: str = ""
    span: str | None = None  # the words of one benefit sentence it explains; None = the whole clause
