"""消息 API: the logged-in user's own notifications (list, one, mark read, unread count) and their
subscription and e-mail settings. Nobody reads another account's messages: every query is
scoped by the caller (their account, their enterprise's USCC, their 责任单位)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from zhida import notify
from zhida.notify.subscriptions import Topic
from zhida.web.api.common import Pagination, pagination
from zhida.web.api.schemas import PageMeta
from zhida.web.deps import Principal, require
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, NotFound
from zhida.web.ids import RowId
from zhida.web.notify import service

router = APIRouter(prefix="/api/v1/notifications", tags=["消息"])
reader = require("notifications", "read")
writer = require("notifications", "write")


class NotificationOut(BaseModel):
    id: int
    event: str = Field(description="事件类型代码，如 eligible.new、window.closing、application.step")
    event_label: str
    title: str
    body: str
    link: str | None = Field(description="站内链接（以 / 开头）")
    created_at: datetime
    read_at: datetime | None
    unread: bool


class NotificationList(BaseModel):
    items: list[NotificationOut]
    meta: PageMeta
    unread: int = Field(description="未读消息总数")


class UnreadCount(BaseModel):
    unread: int


class MarkRead(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=2**62)]] | None = Field(default=None, max_length=1000, description="要标为已读的消息编号；省略或 null 表示全部")


class Marked(BaseModel):
    marked: list[int] = Field(description="本次新标为已读的消息编号（不属于本人的编号被忽略）")
    unread: int


class TopicIn(BaseModel):
    topic: str = Field(max_length=32, description="all / measure_kind / industry / district / none（企业）；"
                                                  "my_measures / measure / none（部门）")
    value: str = Field(default="", max_length=255)


class TopicOut(TopicIn):
    label: str


class TopicChoice(BaseModel):
    topic: str
    label: str


class EmailChoice(BaseModel):
    event: str
    label: str
    email: bool


class SettingsOut(BaseModel):
    subscriptions: list[TopicOut]
    available_topics: list[TopicChoice]
    email: list[EmailChoice] = Field(description="每类通知是否同时发邮件（站内消息总会送达）")
    email_address: str | None = Field(description="通知邮箱（在账户中设置）")


class SettingsIn(BaseModel):
    subscriptions: list[TopicIn] | None = Field(default=None, max_length=50, description="替换全部订阅；空列表恢复默认；省略不变")
    email: dict[str, bool] | None = Field(default=None, description="事件类型 → 是否发邮件；省略不变")


def _page_meta(total: int, paging: Pagination) -> PageMeta:
    return PageMeta(page=paging.page, per_page=paging.per_page, total=total, pages=max(1, -(-total // paging.per_page)))


@router.get("", response_model=NotificationList, responses=READ_ERRORS, summary="本人的消息（最新在前）")
def list_notifications(request: Request, paging: Pagination = Depends(pagination),
                       unread_only: bool = Query(False, description="只列未读"),
                       principal: Principal = Depends(reader)) -> NotificationList:
    with request.app.state.store.sessions() as session:
        total, items = notify.inbox(session, principal, unread_only=unread_only, offset=paging.offset,
                                    limit=paging.per_page)
        unread = notify.unread_count(session, principal)
    return NotificationList(items=[NotificationOut(**i.as_json()) for i in items], meta=_page_meta(total, paging),
                            unread=unread)


@router.get("/unread-count", response_model=UnreadCount, responses=READ_ERRORS, summary="本人的未读消息数")
def unread_count(request: Request, principal: Principal = Depends(reader)) -> UnreadCount:
    with request.app.state.store.sessions() as session:
        return UnreadCount(unread=notify.unread_count(session, principal))


@router.post("/read", response_model=Marked, responses=WRITE_ERRORS, summary="标为已读（省略 ids：全部）")
def mark_read(body: MarkRead, request: Request, principal: Principal = Depends(writer)) -> Marked:
    def work(session):
        return notify.mark_read(session, principal, body.ids), notify.unread_count(session, principal)

    marked, unread = request.app.state.store.retrying(work)
    return Marked(marked=marked, unread=unread)


@router.get("/subscriptions", response_model=SettingsOut, responses=READ_ERRORS, summary="本人的订阅与邮件设置")
def get_settings(request: Request, principal: Principal = Depends(reader)) -> SettingsOut:
    return SettingsOut(**service.settings(request.app.state.store, principal).as_json())


@router.put("/subscriptions", response_model=SettingsOut, responses=WRITE_ERRORS, summary="修改本人的订阅与邮件设置")
def put_settings(body: SettingsIn, request: Request, principal: Principal = Depends(writer)) -> SettingsOut:
    topics = None if body.subscriptions is None else [Topic(t.topic, t.value) for t in body.subscriptions]
    return SettingsOut(**service.save(request.app.state.store, principal, topics, body.email).as_json())


@router.get("/{message_id}", response_model=NotificationOut, responses=LOOKUP_ERRORS, summary="一条本人的消息")
def one(message_id: RowId, request: Request, principal: Principal = Depends(reader)) -> NotificationOut:
    with request.app.state.store.sessions() as session:
        item = notify.message(session, principal, message_id)
    if item is None:
        raise NotFound(f"没有编号为 {message_id} 的消息", "message_id")
    return NotificationOut(**item.as_json())
