"""Accounts and sessions, independent of HTTP: create users, log in and out, change passwords.

Every change to an account is audited in the same transaction (see audit.record).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, select

from zhida.enterprises import regions
from zhida.errors import ZhidaError
from zhida.store.database import Store
from zhida import audit
from zhida.web import password_policy
from zhida.web.security import (
    burn_verify_time,
    hash_password,
    new_token,
    token_hash,
    verify_password,
)
from zhida.web.tables import ROLES, User, WebSession
from zhida.web.uscc import normalize_uscc

SESSION_LIFETIME = timedelta(hours=12)
# Session → user lookups are memoized this long (seconds): every API request needs one, and the
# DB round trip was a large share of a memoized checkup. A logout, deactivation or password
# change in this process drops the memo at once; another server process sees it within the TTL.
SESSION_MEMO_SECONDS = 5.0
SESSION_MEMO_MAX = 10_000
_session_memo: dict[tuple[int, str], tuple[float, dict[str, Any]]] = {}
_session_memo_lock = threading.Lock()
USERNAME = re.compile(r"[A-Za-z0-9_.\-@]{2,64}")


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a logged-in user, or the command line."""

    name: str
    user_id: int | None = None


def user_json(user: User) -> dict[str, Any]:
    """The audited, API-visible form of a user (never the password hash)."""
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "units": list(user.units or []),
        "region": user.region,
        "uscc": user.uscc,
        "email": user.email,
        "active": user.active,
    }


def _clean_scope(role: str, units: list[str] | None, region: str | None, uscc: str | None):
    if role not in ROLES:
        raise ZhidaError("role", f"未知角色 {role!r}，应为 admin、staff 或 enterprise")
    units = [u.strip() for u in (units or []) if u and u.strip()]
    region = (region or "").strip() or None
    uscc = (uscc or "").strip() or None
    if role == "enterprise":
        if not uscc:
            raise ZhidaError("uscc", "企业用户必须指定统一社会信用代码 (--uscc)")
        if units or region:
            raise ZhidaError("role", "企业用户只按统一社会信用代码限定范围，不能指定责任单位或地区")
        uscc = normalize_uscc(uscc)
    elif role == "staff":
        if not units and not region:
            raise ZhidaError("unit", "部门用户必须指定至少一个责任单位 (--unit) 或地区 (--region)")
        if uscc:
            raise ZhidaError("uscc", "只有企业用户可以指定统一社会信用代码")
        if region:
            # Stored as its code, whichever way it was given (110105, 朝阳区, 北京市朝阳区): the
            # scope of every staff read compares codes.
            code = regions.scope_code_or_none(region)
            if code is None:
                raise ZhidaError("region", f"未知地区 {region}：请填写行政区划代码（如 110105）或名称（如 朝阳区）")
            region = code
    else:
        if units or region or uscc:
            raise ZhidaError("role", "管理员不限范围，不能指定责任单位、地区或信用代码")
    return units, region, uscc


def create_user(
    store: Store,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    units: list[str] | None = None,
    region: str | None = None,
    uscc: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
) -> dict[str, Any]:
    username = (username or "").strip()
    email = clean_email(email)
    if not USERNAME.fullmatch(username):
        raise ZhidaError("username", "用户名应为2-64位字母、数字或 _ . - @")
    if (problem := password_policy.check(password)) is not None:
        raise ZhidaError("password", problem)
    units, region, uscc = _clean_scope(role, units, region, uscc)
    with store.transaction() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise ZhidaError("username", f"用户名 {username} 已存在")
        user = User(
            username=username,
            password_hash=hash_password(password),
            role=role,
            display_name=(display_name or "").strip() or None,
            units=units,
            region=region,
            uscc=uscc,
            email=email,
            active=True,
            created_at=datetime.now(timezone.utc),
        )
        session.add(user)
        session.flush()
        after = user_json(user)
        audit.record(session, actor=actor.name, actor_id=actor.user_id, action="create", entity="user",
                     entity_id=str(user.id), before=None, after=after)
        return after


def set_active(store: Store, actor: Actor, user_id: int, active: bool) -> dict[str, Any]:
    with store.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise ZhidaError("user", f"没有编号为 {user_id} 的用户")
        if actor.user_id == user_id and not active:
            raise ZhidaError("active", "不能停用自己的账户")
        before = user_json(user)
        user.active = active
        if not active:
            session.execute(delete(WebSession).where(WebSession.user_id == user_id))
        session.flush()
        after = user_json(user)
        audit.record(session, actor=actor.name, actor_id=actor.user_id, action="update", entity="user",
                     entity_id=str(user_id), before=before, after=after)
    forget_sessions()  # after the commit, so no request re-memoizes the old state
    return after


EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


def clean_email(email: str | None) -> str | None:
    """A plain address (name@host.tld) or None for blank; anything else is a one-line error."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not EMAIL.fullmatch(email):
        raise ZhidaError("email", f"邮箱地址格式不正确：{email[:80]}")
    return email


def set_email(store: Store, actor: Actor, user_id: int, email: str | None) -> dict[str, Any]:
    """The address notifications are e-mailed to (zhida.notify); blank removes it. Audited."""
    email = clean_email(email)
    with store.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise ZhidaError("user", f"没有编号为 {user_id} 的用户")
        before = user_json(user)
        user.email = email
        session.flush()
        after = user_json(user)
        if before != after:
            audit.record(session, actor=actor.name, actor_id=actor.user_id, action="update", entity="user",
                         entity_id=str(user_id), before=before, after=after, detail="通知邮箱")
        return after


def change_password(store: Store, actor: Actor, user_id: int, current: str, new: str) -> None:
    if (problem := password_policy.check(new)) is not None:
        raise ZhidaError("new_password", f"新{problem}" if problem.startswith("密码至少") else problem)
    with store.transaction() as session:
        user = session.get(User, user_id)
        if user is None or not verify_password(user.password_hash, current or ""):
            raise ZhidaError("current_password", "当前密码不正确")
        user.password_hash = hash_password(new)
        # The password changed: every other session of this user ends.
        session.execute(delete(WebSession).where(WebSession.user_id == user_id))
        audit.record(session, actor=actor.name, actor_id=actor.user_id, action="change_password",
                     entity="user", entity_id=str(user_id), before=None, after=None,
                     detail="密码已修改，原有会话全部失效")
    forget_sessions()


def reset_password(store: Store, actor: Actor, username: str, new: str) -> dict[str, Any]:
    """An administrator's reset (`zhida users passwd`): no current password; every session ends."""
    if (problem := password_policy.check(new)) is not None:
        raise ZhidaError("password", problem)
    with store.transaction() as session:
        user = session.scalar(select(User).where(User.username == (username or "").strip()))
        if user is None:
            raise ZhidaError("username", f"没有用户 {username}")
        user.password_hash = hash_password(new)
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        audit.record(session, actor=actor.name, actor_id=actor.user_id, action="reset_password",
                     entity="user", entity_id=str(user.id), before=None, after=None,
                     detail="密码已重设，原有会话全部失效")
        result = user_json(user)
    forget_sessions()
    return result


def list_users(store: Store) -> list[dict[str, Any]]:
    with store.sessions() as session:
        return [user_json(u) for u in session.scalars(select(User).order_by(User.username)).all()]


def authenticate(store: Store, username: str, password: str) -> dict[str, Any] | None:
    with store.sessions() as session:
        user = session.scalars(select(User).where(User.username == (username or "").strip())).one_or_none()
        if user is None:
            burn_verify_time(password or "")
            return None
        if not verify_password(user.password_hash, password or "") or not user.active:
            return None
        return user_json(user)


def open_session(store: Store, user_id: int) -> str:
    """A new session for the user; returns the cookie value (only its hash is stored)."""
    token = new_token()
    now = datetime.now(timezone.utc)
    with store.transaction() as session:
        session.execute(delete(WebSession).where(WebSession.expires_at < now))
        session.add(WebSession(token_hash=token_hash(token), user_id=user_id, created_at=now,
                               expires_at=now + SESSION_LIFETIME))
    return token


def close_session(store: Store, token: str) -> None:
    with store.transaction() as session:
        session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
    forget_sessions()


def forget_sessions() -> None:
    """Drop every memoized session lookup (called when any session or account may have changed)."""
    with _session_memo_lock:
        _session_memo.clear()


def memoized_session_user(store: Store, token: str) -> dict[str, Any] | None:
    """The memoized live user of this session, or None when not memoized (no DB access)."""
    found = _session_memo.get((id(store), token_hash(token)))
    return found[1] if found is not None and found[0] > time.monotonic() else None


def memo_session_user(store: Store, token: str) -> dict[str, Any] | None:
    """``session_user`` memoized briefly per (store, token); only live sessions are memoized."""
    if (found := memoized_session_user(store, token)) is not None:
        return found
    key = (id(store), token_hash(token))
    now = time.monotonic()
    user = session_user(store, token)
    if user is not None:
        with _session_memo_lock:
            if len(_session_memo) >= SESSION_MEMO_MAX:
                _session_memo.clear()
            _session_memo[key] = (now + SESSION_MEMO_SECONDS, user)
    return user


def session_user(store: Store, token: str) -> dict[str, Any] | None:
    """The active user of a live session, or None (unknown, expired, or user deactivated)."""
    now = datetime.now(timezone.utc)
    with store.sessions() as session:
        row = session.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == token_hash(token))
        ).one_or_none()
        if row is None:
            return None
        web_session, user = row
        expires = web_session.expires_at
        if expires.tzinfo is None:  # SQLite returns naive datetimes (stored as UTC)
            expires = expires.replace(tzinfo=timezone.utc)
        if expires <= now or not user.active:
            return None
        return user_json(user)
