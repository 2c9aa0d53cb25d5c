"""Response and request models of the REST API (they are its OpenAPI documentation)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class PageMeta(BaseModel):
    page: int
    per_page: int
    total: int = Field(description="匹配总数（检索结果达到上限时为下限估计）")
    pages: int


class DocumentSummary(BaseModel):
    key: str
    title: str | None
    doc_number: str | None
    issuer: str | None
    version: int
    versions: int
    clauses: int
    script: str
    source_name: str
    sha256: str
    ingested_at: str


class DocumentList(BaseModel):
    items: list[DocumentSummary]
    meta: PageMeta


Coverage = Literal["encoded", "not_encoded", "open", "unknown"]


class ClauseNode(BaseModel):
    id: str
    labels: list[str]
    kind: str
    heading: str | None
    text: str
    start: int
    end: int
    coverage: Coverage
    rules: int = Field(description="引用本条款的已编码措施数")
    children: list[ClauseNode] = []


class DocumentDetail(BaseModel):
    key: str
    version: int
    current_version: int
    source: dict[str, Any]
    metadata: dict[str, Any]
    preamble: ClauseNode | None
    clauses: list[ClauseNode]
    closing: ClauseNode | None
    original: str


class RuleCondition(BaseModel):
    id: str
    label: str
    rule: str = Field(description="条件的中文表述")
    quote: str | None


class RuleView(BaseModel):
    id: str
    title: str
    kind: str
    kind_zh: str
    beneficiary_zh: str
    application: str
    responsible_units: list[str]
    jurisdiction: str
    conditions: list[RuleCondition]
    open_criteria: list[dict[str, Any]]
    amount: dict[str, Any] | None
    period: dict[str, Any]
    review: dict[str, Any]
    sources: list[dict[str, Any]]


class ClauseRef(BaseModel):
    id: str
    labels: list[str]
    heading: str | None


class NotEncodedNote(BaseModel):
    reason: str
    reason_zh: str
    note: str


class ClauseDetail(BaseModel):
    document: str
    title: str | None
    clause: dict[str, Any] = Field(description="条款字段（含抽取的金额、比例、日期、责任单位、受益对象），不含子条款")
    path: list[ClauseRef] = Field(description="从顶层到本条款的上级条款")
    children: list[ClauseRef]
    source_text: str = Field(description="原文中本条款所在的片段 original[start:end]")
    coverage: Coverage
    rules: list[RuleView]
    not_encoded: NotEncodedNote | None


class Highlight(BaseModel):
    text: str
    hit: bool


class SearchHitOut(BaseModel):
    document: str
    title: str | None
    version: int
    clause_id: str
    kind: str
    heading: str | None
    labels: list[str]
    text: str
    start: int
    end: int
    score: float | None
    snippet: list[Highlight] = Field(description="摘要，按命中/非命中切分，便于安全地高亮显示")
    responsible_units: list[str]
    beneficiaries: list[str]
    url: str


class SearchResults(BaseModel):
    query: str
    items: list[SearchHitOut]
    meta: PageMeta


class UserOut(BaseModel):
    id: int
    username: str
    role: Literal["admin", "staff", "enterprise"]
    display_name: str | None
    units: list[str]
    region: str | None
    uscc: str | None
    email: str | None = Field(default=None, description="通知邮箱（空：只在站内通知）")
    active: bool


class UserList(BaseModel):
    items: list[UserOut]
    meta: PageMeta


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(max_length=256, description="至少 10 位，且不是常见密码")
    role: Literal["admin", "staff", "enterprise"]
    display_name: str | None = Field(default=None, max_length=255)
    units: list[str] = []
    region: str | None = Field(default=None, max_length=64)
    uscc: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254, description="通知邮箱（可选）")


class UserActive(BaseModel):
    active: bool


class UserEmail(BaseModel):
    email: str | None = Field(default=None, max_length=254, description="通知邮箱；空值表示删除")


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class LoginOut(BaseModel):
    user: UserOut
    csrf_token: str = Field(description="之后的修改类请求放在 X-CSRF-Token 头中")


class CsrfOut(BaseModel):
    csrf_token: str


class AuditOut(BaseModel):
    id: int
    at: str
    actor: str
    actor_id: int | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    detail: str | None
    client: str | None = None


class AuditList(BaseModel):
    items: list[AuditOut]
    meta: PageMeta


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256, description="至少 10 位，且不是常见密码")


class Message(BaseModel):
    message: str
