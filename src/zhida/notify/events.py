"""Event kinds and their Chinese labels. Any ``[a-z0-9_.]`` code may be published; the ones
listed here have a label (others show as 通知) and appear in the e-mail preferences."""

from __future__ import annotations

import re

from zhida.errors import ZhidaError

EVENTS: dict[str, str] = {
    "eligible.new": "新符合条件的政策",
    "window.opening": "申报即将开始",
    "window.closing": "申报即将截止",
    "document.new": "新发布或修订的政策文件",
    "application.step": "申报进度",
    "application.correction": "补正材料通知",
    "application.decided": "申报审核结果",
    "payment.made": "资金拨付",
    "exemption.listed": "免申即享名单",
    "desk.request": "新诉求待受理",
    "desk.answer": "诉求答复",
    "desk.dispatch": "派单",
    "desk.objection": "派单异议",
    "desk.reopen": "诉求重办",
    "desk.consult": "会商意见",
    "desk.escalate": "督办",
    "deadline.near": "截止日期临近",
    "staff.summary": "工作提醒",
    "supervision.report": "督办任务报送",
    "supervision.escalate": "督办提醒",
    "project.shoutan_overdue": "首谈项目超期待统筹",
    "finance.response": "融资对接答复",
    "consultation.published": "意见征集情况说明",
    "registry.lapsed": "企业库动态管理提示",
    "registry.missing_facts": "企业库复核待补充信息",
    "registry.removed": "移出企业库",
}

_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


def label(event: str) -> str:
    return EVENTS.get(event, "通知")


def check(event: str) -> str:
    if not isinstance(event, str) or not _CODE.match(event) or len(event) > 64:
        raise ZhidaError("event", f"事件类型应为小写英文代码（如 eligible.new），而不是 {event!r}")
    return event
