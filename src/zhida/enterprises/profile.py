"""一户一档: the enterprise profile, versioned (``schema_version``). See docs/enterprise-profile.md.

A profile records what is known; anything absent is *unknown* (None), never zero or false.
``events`` = None means "not reported"; [] means "reported: none". ``qualifications``: a type
not listed is unknown unless ``qualifications_complete`` is true (then it is "none"); an entry
with ``held: false`` states that one type is not held.
Money is Decimal yuan. The size class (大/中/小/微) is never stored here: it is derived.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator

from zhida.enterprises import industries, regions, streets, uscc

SCHEMA_VERSION = "1.0"

EntityType = Literal["enterprise", "individual_business", "individual", "institution",
                     "social_organization", "government"]
Ownership = Literal["state", "collective", "private", "foreign", "hmt", "other"]
TaxpayerType = Literal["general", "small_scale"]
ListingStatus = Literal["unlisted", "listed_domestic", "listed_overseas", "neeq"]
Board = Literal["main", "star", "chinext", "bse", "neeq", "overseas"]
QualificationType = Literal["zjtx_sme", "little_giant", "high_tech", "tech_sme", "innovative_sme",
                            "single_champion"]
# 北京市级 counts as provincial (省级), as in the fact catalogue.
Level = Literal["national", "provincial", "municipal"]
LEVEL_WORDS = {"国家级": "national", "国家": "national", "國家級": "national",
               "北京市级": "provincial", "市级": "provincial", "省级": "provincial", "省": "provincial",
               "北京市級": "provincial", "市級": "provincial", "省級": "provincial",
               "区级": "municipal", "區級": "municipal", "地市级": "municipal", "地级": "municipal"}

# Yuan, exact to the fen: more than two decimals is a unit mistake, not a value.
Money = Annotated[Decimal, Field(decimal_places=2)]
NonNegativeMoney = Annotated[Decimal, Field(ge=0, decimal_places=2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class YearFigures(_Strict):
    """Figures of one calendar year (year-end stocks, full-year flows)."""

    employees: int | None = Field(None, ge=0, description="从业人员 (year end)")
    revenue: NonNegativeMoney | None = Field(None, description="营业收入, yuan")
    total_assets: NonNegativeMoney | None = Field(None, description="资产总额, yuan")
    taxable_income: Money | None = Field(None, description="应纳税所得额, yuan (may be negative)")
    rd_expense: NonNegativeMoney | None = Field(None, description="研发费用, yuan")
    unemployment_insurance_paid: NonNegativeMoney | None = Field(None, description="实际缴纳失业保险费, yuan")
    graduates_hired: int | None = Field(None, ge=0, description="招用高校毕业生人数")
    above_designated_size: bool | None = Field(None, description="规模以上工业企业 (统计认定)")
    other: dict[str, Any] = Field(default_factory=dict, description="other yearly catalogue facts by name")

    @field_validator("other")
    @classmethod
    def _other(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _catalogue_values(value, "yearly")


class Qualification(_Strict):
    type: QualificationType
    level: Level | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    certificate_no: str | None = None
    held: bool | None = Field(None, description="false: stated as not held (e.g. a CSV 否), the type is "
                                                "'none'; absent (or true): held")

    @field_validator("level", mode="before")
    @classmethod
    def _level_words(cls, value: Any) -> Any:
        # What a Beijing user writes; the mapping to the catalogue's tiers is the code's job:
        # 北京市级 (a province-level city) is provincial, 区级 the tier below (municipal).
        if isinstance(value, str):
            return LEVEL_WORDS.get(value.strip(), value)
        return value

    def valid_on(self, day: dt.date) -> bool:
        # An unknown bound is open: a certificate with no recorded end has not been seen to expire.
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


SizeClass = Literal["large", "medium", "small", "micro"]
SIZE_WORDS = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro",
              "大": "large", "中": "medium", "小": "small", "微": "micro"}


class DeclaredSize(_Strict):
    """A size class stated by someone (统计局划型, the enterprise's declaration), with its source.
    Used only where the figures cannot decide the class (300号); the derived class wins."""

    size_class: SizeClass
    source: str = Field(min_length=1, max_length=200, description="来源，如 统计局2022年划型、企业自行申报")

    @field_validator("size_class", mode="before")
    @classmethod
    def _words(cls, value: Any) -> Any:
        return SIZE_WORDS.get(value.strip(), value) if isinstance(value, str) else value


class Judgement(_Strict):
    """A responsible unit's judgement of an open criterion (docs/measures.md "Judgements")."""

    met: bool = Field(description="认定满足 (true) / 不满足 (false)")
    by: str = Field(min_length=1, max_length=200, description="认定单位或人员，如 市经信局")
    on: dt.date | None = Field(None, description="认定日期")
    note: str | None = Field(None, max_length=2000, description="依据或说明")


class RegistryEntry(_Strict):
    """A stay on a registry (名单/企业库) as the registry keeps it (zhida.registries writes these):
    the registry's name, the tier or category held, and its validity."""

    registry: str = Field(min_length=1, max_length=64)
    tier: str | None = Field(None, max_length=64)
    valid_from: dt.date
    valid_to: dt.date | None = Field(None, description="last day on the list; none: still on it")

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class EquipmentPurchase(_Strict):
    type: Literal["equipment_purchase"]
    date: dt.date
    unit_value: NonNegativeMoney
    min_depreciation_years: int | None = Field(None, ge=1)
    description: str | None = None


class FirstSetPurchase(_Strict):
    type: Literal["first_set_purchase"]
    date: dt.date
    price: NonNegativeMoney
    product: str | None = None


class RentRelief(_Strict):
    type: Literal["rent_relief"]
    date: dt.date
    amount: NonNegativeMoney | None = None
    months: int | None = Field(None, ge=0)


class Listing(_Strict):
    type: Literal["listing"]
    date: dt.date
    board: Board


class GraduatesHired(_Strict):
    type: Literal["graduates_hired"]
    date: dt.date
    count: int = Field(ge=0)


class CatalogueEvent(BaseModel):
    """Any other event the fact catalogue defines (loan, investment_project, …): its attributes
    by their catalogue names, checked against the catalogue."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    type: str
    date: dt.date

    @model_validator(mode="after")
    def _known(self) -> CatalogueEvent:
        from zhida.enterprises.facts import catalogue

        cat = catalogue()
        if self.type not in cat.events:
            raise ValueError(f"“{self.type}”不是事实目录中的事件类型")
        for name, value in (self.model_extra or {}).items():
            fact = cat.get(f"{self.type}.{name}")
            if fact is None:
                raise ValueError(f"事件 {self.type} 在事实目录中没有属性“{name}”")
            setattr(self, name, _coerce(fact.name, value))
        return self


_MODELLED = ("equipment_purchase", "first_set_purchase", "rent_relief", "listing", "graduates_hired")


def _event_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in _MODELLED else "other"


Event = Annotated[
    Annotated[EquipmentPurchase, Tag("equipment_purchase")] | Annotated[FirstSetPurchase, Tag("first_set_purchase")]
    | Annotated[RentRelief, Tag("rent_relief")] | Annotated[Listing, Tag("listing")]
    | Annotated[GraduatesHired, Tag("graduates_hired")] | Annotated[CatalogueEvent, Tag("other")],
    Discriminator(_event_tag),
]


def _coerce(name: str, value: Any) -> Any:
    from zhida.enterprises.facts import catalogue
    from zhida.errors import RuleError

    try:
        return catalogue().check_value(name, value)
    except RuleError:
        raise ValueError(value_reason(catalogue().get(name), value)) from None


def value_reason(fact, value: Any) -> str:
    """Why ``value`` does not fit catalogue fact ``fact``, in Chinese (starting with the value)."""
    shown = value if isinstance(value, str) else str(value)
    if fact is None:
        return f"“{shown}”：不是事实目录中的事实"
    if fact.type == "code" and fact.values:
        labels = dict(fact.value_labels)
        choices = "、".join(f"{c}（{labels[c]}）" if c in labels else c for c in fact.values)
        return f"“{shown}”不是可选值（可填代码：{choices}）"
    if fact.pattern:
        return f"“{shown}”格式不符（应匹配 {fact.pattern}）"
    kind = {"money": "金额（元）", "integer": "整数", "decimal": "数字", "percent": "数字（百分比）",
            "boolean": "是/否", "date": "日期（YYYY-MM-DD）"}.get(fact.type, "有效值")
    return f"“{shown}”应为{kind}"


_TEMPORAL_ZH = {"yearly": "按年", "point_in_time": "时点", "period": "按期间", "event": "事件"}


def _catalogue_values(values: dict[str, Any], temporal: str) -> dict[str, Any]:
    """Check a name → value map against the catalogue: the fact exists, has this temporal kind,
    and the value fits its type (money → exact Decimal)."""
    from zhida.enterprises.facts import catalogue

    checked = {}
    for name, value in values.items():
        fact = catalogue().get(name)
        if fact is None or fact.event:
            raise ValueError(f"“{name}”不是事实目录中的事实")
        if fact.temporal != temporal:
            raise ValueError(f"“{name}”是{_TEMPORAL_ZH.get(fact.temporal, fact.temporal)}事实，"
                             f"不能写在{_TEMPORAL_ZH.get(temporal, temporal)}事实中")
        checked[name] = _coerce(name, value)
    return checked


class EnterpriseProfile(_Strict):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    uscc: str
    name: str = Field(min_length=1)
    region_code: str = Field(description="GB/T 2260 code; a name is accepted on input")
    special_zone: str | None = Field(None, description="zone code, e.g. bda 北京经济技术开发区")
    subdistrict_code: str | None = Field(None, description="街道（乡镇）: 9-digit code within region_code, e.g. "
                                                             "110105001 建外街道; a name is accepted on input")
    industry_code: str = Field(description="GB/T 4754-2017, canonical with 门类 letter, e.g. C3911")
    entity_type: EntityType
    ownership: Ownership | None = None
    taxpayer_type: TaxpayerType | None = None
    established: dt.date | None = None
    listing_status: ListingStatus | None = None
    restricted_industry: bool | None = None
    core_ip: bool | None = None
    other_facts: dict[str, Any] = Field(default_factory=dict,
                                        description="other point-in-time catalogue facts by name")
    figures: dict[int | str, YearFigures] = Field(
        default_factory=dict,
        description="figures by period: a year (2021), a quarter (2022Q2), a month (2022-04) or a date "
                    "range (2022-04-01..2022-12-31); years are int keys, the others canonical strings")
    qualifications: list[Qualification] | None = None
    qualifications_complete: bool = Field(
        False, description="true: the list names every qualification held, a type not listed is 'none'; "
                           "false (default): a type not listed is unknown")
    events: list[Event] | None = None
    declared_size: DeclaredSize | None = Field(None, description="企业规模 as declared, with its source")
    registries: list[RegistryEntry] | None = Field(
        None, description="stays on registries (企业库/名单) with their validity; kept by zhida.registries")
    judgements: dict[str, Judgement] | None = Field(
        None,
        description="open criterion id (rd_standard, or open.rd_standard) → a responsible unit's judgement")

    @field_validator("judgements", mode="before")
    @classmethod
    def _judgement_ids(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out = {}
        for key, judged in value.items():  # (None and {} both: nothing judged)
            ident = str(key).removeprefix("open.")
            if not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
                raise ValueError(f"“{key}”不是未量化标准的标识（小写字母、数字和下划线，如 rd_standard）")
            out[ident] = judged
        return out

    @model_validator(mode="before")
    @classmethod
    def _zone_as_region(cls, data: Any) -> Any:
        # "北京经济技术开发区" given as the region means: host district + the zone code.
        if isinstance(data, dict) and isinstance(data.get("region_code"), str):
            try:
                location = regions.resolve(data["region_code"])
            except KeyError:
                return data  # reported by the field validator with its reason
            data = {**data, "region_code": location.region_code}
            if location.zone_code and not data.get("special_zone"):
                data["special_zone"] = location.zone_code
        return data

    @field_validator("figures", mode="before")
    @classmethod
    def _figure_periods(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        from zhida.rules.periods import parse_period

        out: dict = {}
        for key, figures in value.items():
            try:
                period = parse_period(key)
            except ValueError as exc:
                raise ValueError(str(exc)) from None
            canonical = int(period.key) if period.kind == "year" else period.key
            if canonical in out:
                raise ValueError(f"期间“{key}”重复（即 {period.key}）")
            out[canonical] = figures
        return out

    @field_validator("other_facts")
    @classmethod
    def _other_facts(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _catalogue_values(value, "point_in_time")

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str) -> str:
        try:
            return uscc.validate(value)
        except uscc.USCCError as exc:
            raise ValueError(f"“{value}”{exc.why}") from None

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str) -> str:
        try:
            return regions.resolve(value).region_code
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None

    @field_validator("special_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value in (None, "none"):
            return None
        try:
            return regions.zone_code(value)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None

    @field_validator("subdistrict_code")
    @classmethod
    def _subdistrict(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value in (None, ""):
            return None
        district = info.data.get("region_code")
        if district is None:  # the region itself was refused: that error says enough
            return None
        try:
            return streets.resolve(value, district)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None

    @field_validator("industry_code")
    @classmethod
    def _industry(cls, value: str) -> str:
        try:
            return industries.normalize(value)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> EnterpriseProfile:
        return cls.model_validate_json(text)
