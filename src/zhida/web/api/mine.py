"""我的政策 API: the enterprise user's own page as JSON (the same visit as /my: recorded, and
compared with the last one)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from zhida.web.deps import Principal, require
from zhida.web.errors import LOOKUP_ERRORS
from zhida.web.my_policies import visit

router = APIRouter(prefix="/api/v1", tags=["我的政策"])


class MyPolicies(BaseModel):
    page: dict[str, Any] = Field(description="as_of, enterprise, totals, now, one_fact, one_fact_single, one_change, "
                                             "deadlines (docs/web.md#我的政策-my)")
    changes: list[dict[str, Any]] = Field(description="自上次访问以来的变化: kind (new / ended / status / money), "
                                                      "measure_id, title, text")
    first_visit: bool
    last_seen_at: datetime | None = Field(description="the previous visit (UTC); null on the first")


@router.get("/my", response_model=MyPolicies, responses=LOOKUP_ERRORS,
            summary="我的政策（企业用户）：现在可得、补充信息即可判定、一项改变即可享受、即将截止、自上次访问以来的变化")
def my_policies(request: Request, principal: Principal = Depends(require("mine", "read"))) -> MyPolicies:
    v = visit(request, principal)
    return MyPolicies(page=v.page, changes=v.changes, first_visit=v.first_visit, last_seen_at=v.last_seen_at)
