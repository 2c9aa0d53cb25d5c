"""An enterprise (忻州 manufacturer of the worked example: 首台套 subsidy 28万元, routed to 市工信局,
paid by 市财政局) and one person per role for the application tests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from zhida import config
from zhida.enterprises.profile import EnterpriseProfile
from zhida.web.deps import Principal

AS_OF = date(2022, 12, 31)
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Beijing
MEASURE = "xz2022.first-set-equipment-subsidy"
RULE_AMOUNT = "280000.00"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def person(user_id: int, username: str, role: str, *, units: tuple[str, ...] = (), region: str | None = None,
           uscc: str | None = None) -> Principal:
    return Principal(user_id, username, role, None, units, region, uscc)


def profile() -> EnterpriseProfile:
    path = config.PROJECT_ROOT / "docs" / "examples" / "profiles" / "xinzhou_manufacturer_first_set.json"
    return EnterpriseProfile.model_validate(json.loads(path.read_text(encoding="utf-8")))


def people(uscc: str) -> dict[str, Principal]:
    """One person for each role on the application, and outsiders who hold none."""
    return {
        "applicant": person(1, "ent", "enterprise", uscc=uscc),
        "acceptor": person(2, "gxj", "staff", units=("市工信局",)),
        "reviewer": person(2, "gxj", "staff", units=("市工信局",)),
        "payer": person(3, "czj", "staff", units=("市财政局",)),
        "supervisor": person(4, "admin", "admin"),
        "other_enterprise": person(5, "other", "enterprise", uscc="91110108MA02WXY1K0"),
        "other_unit": person(6, "tax", "staff", units=("市税务局",)),
        "other_district": person(7, "cy", "staff", units=("市工信局",), region="朝阳区"),
    }
