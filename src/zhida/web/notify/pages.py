"""消息 pages: the inbox (/inbox: newest first, unread marked, mark read), one message
(/inbox/{id}: opening it marks it read) and the subscription settings (/inbox/settings)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from zhida import notify
from zhida.errors import ZhidaError
from zhida.notify.subscriptions import NEEDS_VALUE, Topic
from zhida.rules.vocabulary import KIND_ZH
from zhida.web.deps import Principal, require
from zhida.web.errors import NotFound
from zhida.web.ids import RowId
from zhida.web.library import Page
from zhida.web.notify import service
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
reader = require("notifications", "read")
writer = require("notifications", "write")
PER_PAGE = 20


@router.get("/inbox")
def inbox_page(request: Request, page: int = Query(1, ge=1, le=10000), unread: int = Query(0, ge=0, le=1),
               principal: Principal = Depends(reader)):
    with request.app.state.store.sessions() as session:
        total, items = notify.inbox(session, principal, unread_only=bool(unread), offset=(page - 1) * PER_PAGE,
                                    limit=PER_PAGE)
        unread_total = notify.unread_count(session, principal)
    return render(request, "notify/inbox.html", {
        "title": "消息", "items": items, "result": Page(items, total, page, PER_PAGE), "unread_only": bool(unread),
        "unread_total": unread_total,
    }, active="inbox")


@router.post("/inbox/read")
async def mark_read(request: Request, principal: Principal = Depends(writer)):
    form = await request.form()
    raw = form.getlist("id")
    ids = None if form.get("all") == "1" else [int(v) for v in raw if isinstance(v, str) and v.isdigit() and len(v) < 19]
    request.app.state.store.retrying(lambda session: notify.mark_read(session, principal, ids))
    back = form.get("back")
    return RedirectResponse(back if isinstance(back, str) and back.startswith("/inbox") else "/inbox", status_code=303)


@router.get("/inbox/settings")
def settings_page(request: Request, principal: Principal = Depends(reader)):
    return _settings(request, principal, done="设置已保存" if request.query_params.get("saved") == "1" else None)


def _settings(request, principal, *, error=None, done=None, status_code=200):
    return render(request, "notify/settings.html", {
        "title": "通知设置", "settings": service.settings(request.app.state.store, principal), "error": error,
        "done": done, "needs_value": NEEDS_VALUE, "kinds": KIND_ZH,
    }, status_code=status_code, active="inbox")


@router.post("/inbox/settings")
async def save_settings(request: Request, principal: Principal = Depends(writer)):
    form = await request.form()
    topics = []
    for topic in form.getlist("topic"):
        if not isinstance(topic, str):
            continue
        if topic == "measure_kind":
            values = [v for v in form.getlist("value_measure_kind") if isinstance(v, str)]
        else:
            value = form.get(f"value_{topic}", "")
            values = [v.strip() for v in str(value).replace("，", ",").replace("、", ",").split(",") if v.strip()]
        if topic in NEEDS_VALUE:
            topics += [Topic(topic, v) for v in values] or [Topic(topic, "")]
        else:
            topics.append(Topic(topic))
    chosen = set(form.getlist("email"))
    email = {code: code in chosen for code in notify.EVENTS}
    from zhida.notify.subscriptions import topics_for

    try:
        service.save(request.app.state.store, principal, topics if topics_for(principal.role) else None, email)
    except ZhidaError as exc:
        return _settings(request, principal, error=exc, status_code=422)
    return RedirectResponse("/inbox/settings?saved=1", status_code=303)


@router.get("/inbox/{message_id}")
def message_page(request: Request, message_id: RowId, principal: Principal = Depends(reader)):
    def work(session):
        item = notify.message(session, principal, message_id)
        if item is not None and item.unread:
            notify.mark_read(session, principal, [message_id])
        return item

    item = request.app.state.store.retrying(work)
    if item is None:
        raise NotFound(f"没有编号为 {message_id} 的消息", "message_id")
    return render(request, "notify/message.html", {"title": item.title, "item": item}, active="inbox")
