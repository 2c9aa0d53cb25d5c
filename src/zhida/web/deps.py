"""Who is asking, and may they: the ONE place where roles are checked, for pages and API alike.

- ``current_principal``: the logged-in user from the session cookie (or NotLoggedIn).
- ``require(family, action)``: a dependency that checks the role matrix ``PERMISSIONS``.
- ``enterprise_access``: the row-level guard for anything keyed by a USCC in the URL — an
  enterprise user only ever reaches its own USCC; staff only enterprises of their region.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from zhida.enterprises import regions
from zhida.errors import DataError
from zhida.rules.vocabulary import ROLE_ZH
from zhida.web import auth
from zhida.web.errors import Forbidden, Invalid, NotLoggedIn
from zhida.web.security import SESSION_COOKIE
from zhida.web.uscc import normalize_uscc

ALL = frozenset({"admin", "staff", "enterprise"})
# Not logged in: read-only public families (政策库, 政策解读, 政策计算器), rate-limited per client
# address and with nothing stored about the visitor (web/public_access.py).
ANONYMOUS = "anonymous"
ANYONE = ALL | {ANONYMOUS}
OFFICIALS = frozenset({"admin", "staff"})
ADMIN = frozenset({"admin"})

# (endpoint family, action) → roles allowed. Row-level scope (own USCC, own region/units)
# is applied on top by the guards below and by the queries of each family.
PERMISSIONS: dict[tuple[str, str], frozenset[str]] = {
    ("policies", "read"): ANYONE,  # 政策库: documents, clauses, search, 政策解读
    ("calculator", "run"): ANYONE,  # 政策计算器: answers in the request, nothing stored
    ("policies", "write"): ADMIN,  # ingest / edit documents
    ("lifecycle", "read"): OFFICIALS,
    # 政策征集 (zhida.consultation): enterprises and the public comment without an account too
    ("consultations", "read"): ANYONE,
    ("consultations", "comment"): ANYONE,
    ("consultations", "manage"): OFFICIALS,  # open one; answer and publish: the drafting unit (domain check)  # version diffs with the measures to re-review; what ends within N days
    ("rules", "read"): ALL,  # encoded measures in plain Chinese
    ("rule_drafts", "review"): OFFICIALS,  # 措施草稿审核 (not a lender family): edit, cases, impact, publish (zhida.drafting)
    ("coverage", "read"): ALL,  # 覆盖度
    ("enterprises", "read"): ALL,  # 企业画像 — scoped by enterprise_access
    ("enterprises", "write"): ALL,  # supply facts — scoped by enterprise_access
    ("enterprises", "import"): OFFICIALS,  # bulk import
    ("judgements", "write"): OFFICIALS,  # a responsible unit's judgement of an open criterion — scoped
    ("mine", "read"): frozenset({"enterprise"}),  # 我的政策: the enterprise user's own landing page
    ("checkup", "read"): ALL,  # 政策体检 — scoped by enterprise_access
    ("dashboard", "read"): OFFICIALS,  # 工作台 — staff see their district and units
    ("push", "read"): OFFICIALS,  # 精准推送 — staff see their units' measures
    ("simulations", "run"): OFFICIALS,  # 模拟测算
    ("exports", "read"): ALL,  # each export also passes its family's guard
    ("accounts", "self"): ALL,  # 账户: own profile and password
    ("accounts", "admin"): ADMIN,  # manage users
    ("audit", "read"): ADMIN,
    ("notifications", "read"): ALL,  # 消息: own inbox only (user, own enterprise, own units)
    ("notifications", "write"): ALL,  # mark read, own subscriptions and e-mail preferences
    ("routing", "suggest"): OFFICIALS,  # 派单建议 and 答复草稿 for a request's text (desk.routing, desk.consult)
    # 接诉即办 (zhida.desk): row scope by the requester's USCC, the units on the request, the supervisor
    ("desk", "read"): ALL,
    ("desk", "submit"): ALL,  # an enterprise for itself; staff record calls, findings, tickets
    ("desk", "act"): ALL,  # the workflow checks the role held on the request
    ("desk", "figures"): OFFICIALS,  # 三率: staff see their units', the admin all
    ("desk", "import"): OFFICIALS,  # 12345 import/export
    ("packages", "read"): ALL,  # 服务包: an enterprise sees the packages it is in
    ("packages", "write"): OFFICIALS,
    ("visits", "read"): OFFICIALS,
    ("visits", "write"): OFFICIALS,
    # 政策兑现申请: row-level by the roles a person holds on each application (payouts.applications.roles)
    ("applications", "read"): ALL,
    ("applications", "write"): ALL,
    ("applications", "report"): OFFICIALS,  # per-measure figures, exports, the monthly 兑现 report
    # 政策兑现 ledger (web/payouts): records scoped by payouts_scope (own USCC; units' measures, district)
    ("payments", "read"): ALL,
    ("payments", "confirm"): frozenset({"enterprise"}),  # 我的兑现, 意愿确认 with the receiving account
    ("exempt", "read"): OFFICIALS,  # 免申即享 lists of the user's units' measures
    ("exempt", "write"): OFFICIALS,  # build, bulk confirm with exclusions, 拨付到账
    # 督办 (zhida.supervision): a unit's staff see and report on what their units owe; the office
    # (admin, or staff of the supervising unit in supervision/data/supervision.yaml) sees all and reviews
    ("tasks", "read"): OFFICIALS,
    ("tasks", "write"): OFFICIALS,
    # 企业库与名单 (zhida.registries): the keeping unit's staff manage a registry (checked per registry)
    ("registries", "read"): ALL,  # the lists, their criteria and legal references
    ("registries", "apply"): ALL,  # an enterprise applies for itself; district staff recommend
    ("registries", "manage"): OFFICIALS,  # members, candidates, review, flags, figures, imports
    # 高精尖产业项目库 (zhida.projects): row scope by district / city units / 项目管家 / own USCC
    ("projects", "read"): ALL,
    ("projects", "write"): OFFICIALS,  # the domain checks the role held on each project
    ("map", "read"): ALL,  # 产业地图 is published (001 “发布各区产业布局…”)
    ("map", "write"): OFFICIALS,  # parcels of the staff's own district (city units: all)
    # 融资对接 (zhida.finance): lenders are staff accounts of declared lender units (finance/lenders.py)
    ("finance", "read"): ALL,
    ("finance", "write"): ALL,  # enterprises post needs, lenders answer, staff enter products
    ("finance", "figures"): OFFICIALS,
    # 运行监测 (zhida.monitoring): indicators and 亩均 grades — own USCC / own district / all;
    # alerts — the units they are routed to, the admin all
    ("indicators", "read"): ALL,
    ("alerts", "read"): OFFICIALS,
    ("alerts", "write"): OFFICIALS,
    ("evaluations", "read"): ALL,
    ("monitoring", "read"): OFFICIALS,  # 运行监测 pages: figures by district (district staff: their own)
    ("analysis", "read"): OFFICIALS,  # 工业经济运行分析 and the key-enterprise list
    ("analysis", "write"): OFFICIALS,  # generate, edit, release; keep the list (checked in monitoring.analysis)
}
# A lender account (staff whose units are all declared lenders) reaches these families only.
LENDER_FAMILIES = frozenset({"finance", "map", "notifications", "accounts", "policies", "calculator", "rules"})


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: str
    display_name: str | None
    units: tuple[str, ...]
    region: str | None
    uscc: str | None

    @property
    def actor(self) -> auth.Actor:
        return auth.Actor(self.username, self.user_id)

    @property
    def role_label(self) -> str:
        return ROLE_ZH[self.role]

    @property
    def region_code(self) -> str | None:
        """The staff user's district as the code it is compared by (stored names of older
        accounts included); "—" for a region that is no longer known: it matches nothing."""
        if not self.region:
            return None
        return regions.scope_code_or_none(self.region) or "—"

    @property
    def region_label(self) -> str | None:
        return regions.label(self.region_code) if self.region else None

    @property
    def district_scoped(self) -> bool:
        """A staff user limited to a district (staff scoped by units only see the whole city)."""
        return self.role == "staff" and bool(self.region)

    def can(self, family: str, action: str = "read") -> bool:
        if family not in LENDER_FAMILIES and self.is_lender:
            return False
        return allowed(self.role, family, action)

    @property
    def is_lender(self) -> bool:
        from zhida.finance.lenders import is_lender

        return is_lender(self)


def allowed(role: str, family: str, action: str = "read") -> bool:
    roles = PERMISSIONS.get((family, action))
    if roles is None:  # an unknown pair is a programming error: deny rather than guess
        return False
    return role in roles


def principal_from(user: dict) -> Principal:
    return Principal(
        user_id=user["id"],
        username=user["username"],
        role=user["role"],
        display_name=user["display_name"],
        units=tuple(user["units"]),
        region=user["region"],
        uscc=user["uscc"],
    )


def optional_principal(request: Request) -> Principal | None:
    cached = getattr(request.state, "principal", False)
    if cached is not False:
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    user = auth.memo_session_user(request.app.state.store, token) if token else None
    principal = principal_from(user) if user else None
    request.state.principal = principal
    return principal


# The dependencies below are ``async``: FastAPI runs a plain ``def`` dependency in the thread
# pool, and each hop cost more than the work itself on a memoized checkup. Only a lookup that
# may reach the database is sent to the pool.
async def _principal(request: Request) -> Principal | None:
    cached = getattr(request.state, "principal", False)
    if cached is not False:
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    user = auth.memoized_session_user(request.app.state.store, token) if token else None
    if user is not None:
        request.state.principal = principal_from(user)
        return request.state.principal
    return await run_in_threadpool(optional_principal, request)


async def current_principal(principal: Principal | None = Depends(_principal)) -> Principal:
    if principal is None:
        raise NotLoggedIn()
    return principal


def is_public(family: str, action: str = "read") -> bool:
    return ANONYMOUS in PERMISSIONS.get((family, action), ())


def require(family: str, action: str = "read") -> Callable[..., Principal]:
    """Dependency: the logged-in principal, if their role may do ``action`` on ``family``.
    For a public family a visitor not logged in passes too (as None), counted against the
    per-address limit of anonymous reads."""
    if (family, action) not in PERMISSIONS:
        raise KeyError(f"no permission entry for {(family, action)}")
    if is_public(family, action):
        return _public(family, action)

    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.can(family, action):
            raise Forbidden(f"{principal.role_label}无权进行此操作")
        return principal

    dependency.__name__ = f"require_{family}_{action}"
    return dependency


def _public(family: str, action: str) -> Callable[..., Principal | None]:
    async def dependency(request: Request, principal: Principal | None = Depends(_principal)) -> Principal | None:
        if principal is None:
            client = request.client
            request.app.state.public_limit.hit(client.host if client else None)
            return None
        if not principal.can(family, action):
            raise Forbidden(f"{principal.role_label}无权进行此操作")
        return principal

    dependency.__name__ = f"public_{family}_{action}"
    return dependency


def check_enterprise_scope(principal: Principal, uscc: str,
                           enterprise_region: str | tuple[str | None, ...] | None = None) -> None:
    """Raise Forbidden unless the principal may see the enterprise with this (normalized) USCC.

    The decision never depends on whether the enterprise exists, so a refusal reveals nothing.
    ``enterprise_region`` is the enterprise's district (and special zone) when known, as codes or
    names; staff with a region only reach enterprises known to be in it (compared as codes).
    """
    if principal.role == "admin":
        return
    if principal.role == "enterprise":
        if principal.uscc != uscc:
            raise Forbidden("企业用户只能查看本企业的信息")
        return
    if principal.role == "staff":
        if principal.region:
            places = enterprise_region if isinstance(enterprise_region, tuple) else (enterprise_region,)
            if principal.region_code not in {regions.scope_code_or_none(p) for p in places}:
                raise Forbidden(f"该企业不在您负责的地区（{principal.region_label}）")
        return
    raise Forbidden()


def needs_region(principal: Principal) -> bool:
    """Only a staff user limited to a region needs the enterprise's district (a DB lookup)."""
    return principal.role == "staff" and bool(principal.region)


# The enterprises domain plugs in a function uscc → region (None when unknown) as
# app.state.enterprise_region; until then no enterprise has a known region.
def _enterprise_region(request: Request, uscc: str) -> str | None:
    lookup = getattr(request.app.state, "enterprise_region", None)
    return lookup(uscc) if lookup else None


def enterprise_access(family: str, action: str = "read") -> Callable[..., tuple[Principal, str]]:
    """Dependency for routes with ``{uscc}`` in the path: role check, USCC check, scope check."""
    role_check = require(family, action)

    async def dependency(
        request: Request,
        uscc: str = Path(..., description="统一社会信用代码 (18位)"),
        principal: Principal = Depends(role_check),
    ) -> tuple[Principal, str]:
        return principal, await scoped_uscc(request, principal, uscc)

    dependency.__name__ = f"enterprise_{family}_{action}"
    return dependency


async def scoped_uscc(request: Request, principal: Principal, value: str, field: str = "uscc") -> str:
    """A USCC given in a path or a body → its normalized form, if the principal may reach that
    enterprise (Invalid naming ``field`` when malformed, Forbidden when out of scope)."""
    try:
        code = normalize_uscc(value)
    except DataError as exc:
        raise Invalid(exc.reason, field=field) from exc
    region = await run_in_threadpool(_enterprise_region, request, code) if needs_region(principal) else None
    check_enterprise_scope(principal, code, region)
    return code
