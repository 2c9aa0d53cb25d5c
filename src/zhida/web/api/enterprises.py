"""企业 API — the access guard is final; the data arrives with the enterprises domain.

Every route keyed by a USCC goes through ``deps.enterprise_access``: an enterprise user only
ever reaches its own USCC, staff only enterprises of their region, whatever the URL says.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from zhida.web.api.schemas import Message
from zhida.web.deps import Principal, enterprise_access
from zhida.web.errors import LOOKUP_ERRORS, NotFound

router = APIRouter(prefix="/api/v1/enterprises", tags=["企业"])


@router.get("/{uscc}", response_model=Message, responses=LOOKUP_ERRORS, summary="企业画像（占位：企业数据导入后提供）")
def get_enterprise(access: tuple[Principal, str] = Depends(enterprise_access("enterprises", "read"))) -> Message:
    _, uscc = access
    raise NotFound(f"企业 {uscc} 的数据尚未导入", field="uscc")
