"""Response/request models of the enterprise, checkup, job, push and simulation API."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from zhida.web.api.schemas import PageMeta


class EnterpriseSummary(BaseModel):
    uscc: str
    name: str
    region_code: str
    region: str
    industry_code: str
    industry: str
    entity_type: str
    size_class: str | None


class EnterpriseList(BaseModel):
    items: list[EnterpriseSummary]
    meta: PageMeta


class EnterpriseDetail(BaseModel):
    enterprise: EnterpriseSummary
    profile: dict[str, Any] = Field(description="一户一档（docs/enterprise-profile.md）")
    revision: str = Field(description="画像版本（与响应头 ETag 相同）；修改时作为 If-Match 发送可防止覆盖他人的修改")


class CheckupSummary(BaseModel):
    counts: dict[str, int]
    eligible_total: str = Field(description="确定可得金额合计（元，字符串，精确到分）；上限、税基、缓缴、待认定另列于 totals")
    benefits_counted: int
    shared_benefits: list[str]
    totals: dict[str, dict[str, Any]] = Field(
        description="金额分类合计（docs/match-json.md）：certain 确定可得、up_to 最高可达、relief/deduction/deferral/refund "
                    "减免·抵扣·递延、pending 待认定、unquantified 金额未量化、draft 征求意见稿（不计入）")


class CheckupReport(BaseModel):
    """docs/match-json.md: per measure status, amount, reasons, missing facts, near-miss, sources."""

    model_config = {"extra": "allow"}
    schema_: str = Field(alias="schema")
    as_of: str
    enterprise: dict[str, Any]
    summary: CheckupSummary
    results: list[dict[str, Any]]


class FactInput(BaseModel):
    fact: str = Field(min_length=1, max_length=128, description="事实目录中的名称，如 employees、ownership")
    value: str = Field(max_length=200, description="值（文本）：金额按元，百分数写 35 表示 35%，是/否，日期 YYYY-MM-DD")


class FactResult(BaseModel):
    uscc: str
    fact: str
    revision: str = Field(description="修改后的画像版本（与响应头 ETag 相同）")
    summary: CheckupSummary


class JudgementInput(BaseModel):
    met: bool = Field(description="认定满足 (true) / 不满足 (false)")
    by: str | None = Field(None, max_length=200, description="认定单位（默认：当前用户及其单位）")
    on: date | None = Field(None, description="认定日期（默认：今天）")
    note: str | None = Field(None, max_length=2000, description="依据或说明")


class JudgementResult(BaseModel):
    uscc: str
    criterion: str = Field(description="未量化标准的 id（open.<id>）")
    met: bool
    by: str
    on: date | None
    note: str | None
    revision: str = Field(description="修改后的画像版本（与响应头 ETag 相同）")
    summary: CheckupSummary


class ImportSummary(BaseModel):
    import_id: int
    file: str
    rows_read: int
    stored: int
    rejected_rows: int
    already_imported: bool
    warnings: list[str]


class ImportJobView(BaseModel):
    """An import running in the background (POST /api/v1/enterprises/import answers 202 with it)."""

    id: str
    status: Literal["queued", "running", "completed", "failed", "cancelled", "interrupted"]
    stage: str
    done: int = Field(description="已读取的行数")
    total: int = Field(description="预计行数（导入前统计）")
    progress: float
    file: str
    created_by: str
    created_at: str
    finished_at: str | None
    error: str | None = Field(description="失败原因（中文一句话）")
    import_id: int | None
    stored: int
    rejected_rows: int
    summary: ImportSummary | None = Field(description="完成后的导入结果")


class JobView(BaseModel):
    id: str
    kind: str
    status: Literal["queued", "running", "completed", "failed", "cancelled", "interrupted"]
    stage: str
    done: int
    total: int
    progress: float
    params: dict[str, Any]
    created_by: str
    created_at: str
    finished_at: str | None
    error: str | None
    summary: dict[str, Any]
    cancel_requested: bool = Field(False, description="已请求取消，运行任务的进程将在下一次进度更新时停止")


class JobList(BaseModel):
    items: list[JobView]


class BatchStart(BaseModel):
    as_of: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="评估日，默认服务器设定")


class MeasureCounts(BaseModel):
    measure_id: str
    eligible: int
    undetermined: int
    ineligible: int


class JobResults(BaseModel):
    job_id: str
    as_of: str
    enterprises: int
    measures: list[MeasureCounts]


class PushEnterprise(BaseModel):
    uscc: str
    name: str
    region: str
    industry: str
    amount: str | None


class PushMeasure(BaseModel):
    measure_id: str
    title: str
    units: list[str]
    count: int
    total: str
    enterprises: list[PushEnterprise]


class PushGroup(BaseModel):
    unit: str
    measures: list[PushMeasure]


class PushLists(BaseModel):
    as_of: str
    groups: list[PushGroup]


class PushMeasureLine(BaseModel):
    """One measure once, its units listed; money of its decided results in the column of its kind."""
    measure_id: str
    title: str
    document: str
    document_label: str = Field(description="文件标题（文号）")
    units: list[str]
    count: int = Field(description="符合条件的企业数")
    kind: str = Field(description="certain 确定可得 | up_to 最高可达 | relief/deduction/deferral/refund 减免·抵扣·递延 | unquantified 金额未量化")
    kind_label: str
    decided: int = Field(description="金额已知且无须责任单位认定的企业数")
    total: str | None = Field(description="这些企业的金额合计（元，精确到分）；无已知金额为 null，从不为 0 代替")
    pending: int = Field(description="待认定的企业数")
    pending_known: str | None = Field(description="待认定企业中已知部分的金额合计（元）")


class PushMeasurePage(BaseModel):
    as_of: str
    district: str | None = Field(description="地区代码；null 为全市")
    population: int = Field(description="该地区的企业数")
    items: list[PushMeasureLine]
    meta: PageMeta


class PushEnterpriseRow(BaseModel):
    uscc: str
    name: str
    region: str
    industry: str
    kind: str = Field(description="certain | up_to | relief | deduction | deferral | refund | pending | unquantified")
    kind_label: str
    amount: str | None = Field(description="元，精确到分；null：未明确或待核定")
    floor: bool = Field(description="金额仅为已知部分（至少此数）")


class PushEnterprisePage(BaseModel):
    measure: PushMeasureLine
    items: list[PushEnterpriseRow]
    meta: PageMeta


class SimulationParameter(BaseModel):
    id: str
    where: str
    context: str
    value: str


class SimulationInput(BaseModel):
    measure: str = Field(min_length=1, max_length=128)
    parameter: str = Field(min_length=1, max_length=128, description="参数编号，见 GET /simulations/parameters")
    value: str = Field(min_length=1, max_length=40, description="新值（数字）")


class SimulationCell(BaseModel):
    key: str
    label: str | None = None
    baseline_count: int
    reform_count: int
    baseline_cost: str
    reform_cost: str


class SimulationResult(BaseModel):
    measure_id: str
    title: str
    parameter: str
    where: str
    baseline_value: str | None
    reform_value: str
    as_of: str
    enterprises: int
    totals: dict[str, Any]
    by_district: list[SimulationCell]
    by_industry: list[SimulationCell]
    gainers: dict[str, Any]
    losers: dict[str, Any]
