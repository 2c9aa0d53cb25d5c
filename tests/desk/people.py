"""People of the desk tests: one per role the chain knows (Person is what zhida.desk.roles reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from web.conftest import USCC_A, USCC_B  # tests/ is on sys.path (rootdir), as for every test package


@dataclass(frozen=True)
class Person:
    user_id: int
    username: str
    role: str
    units: tuple[str, ...] = ()
    uscc: str | None = None
    region: str | None = None


ENT_A = Person(11, "ent_a", "enterprise", uscc=USCC_A)
ENT_B = Person(12, "ent_b", "enterprise", uscc=USCC_B)
LINE = Person(21, "line", "staff", ("涉企专席",))  # 首接: the enterprise line
TAX = Person(22, "tax", "staff", ("市税务局",))
FIN = Person(23, "fin", "staff", ("市财政局",))
OTHER = Person(24, "other", "staff", ("市商务局",))
SUPER = Person(25, "super", "staff", ("市政务服务局",))
ADMIN = Person(1, "admin", "admin")

# Monday 2026-11-30, 10:00 Beijing
MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
