"""What a failed background job tells its user: one Chinese line, never SQL or a traceback.

The full error (with its trace) goes to the server log; the job keeps only this message."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from zhida.errors import ZhidaError
from zhida.store.database import is_busy

log = logging.getLogger("zhida.jobs.batch")

STATUS_ZH = {"queued": "排队中", "running": "运行中", "completed": "已完成", "failed": "失败",
             "cancelled": "已取消", "interrupted": "已中断"}


def user_message(exc: BaseException, what: str = "任务") -> str:
    """One Chinese line for ``exc``; the details are logged, not shown."""
    log.error("%s failed", what, exc_info=exc)
    if isinstance(exc, DBAPIError) and is_busy(exc):
        return f"{what}失败：数据库繁忙，请稍后重试"
    if isinstance(exc, SQLAlchemyError):
        return f"{what}失败：数据库暂时不可用，请稍后重试（详情见服务器日志）"
    if isinstance(exc, MemoryError):
        return f"{what}失败：服务器内存不足"
    if isinstance(exc, OSError):
        return f"{what}失败：读写文件出错（{exc.strerror or '详情见服务器日志'}）"
    if isinstance(exc, ZhidaError):
        return f"{what}失败：{_no_sql(exc.reason)}"
    return f"{what}失败：内部错误（详情见服务器日志）"


def _no_sql(text: str) -> str:
    return "数据错误（详情见服务器日志）" if "[SQL" in text or "SELECT " in text or "UPDATE " in text else text[:300]
