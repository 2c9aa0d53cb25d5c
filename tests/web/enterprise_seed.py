"""Enterprises for the web feature tests: the enterprise users' own companies (from the worked
example profiles) and a small synthetic population, stored in the test server's store."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import insert

from zhida import config
from zhida.enterprises.generate import generate, store_population
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.web.enterprise_data import lifted_columns

from .conftest import USCC_A, USCC_B, make_uscc

USCC_C = make_uscc("91110105MA0BRW5R0")  # the browser test's own enterprise (朝阳区)

AS_OF = dt.date(2022, 12, 31)
EXAMPLES = config.PROJECT_ROOT / "docs" / "examples" / "profiles"
POPULATION = 300


def example(file: str, **changes) -> EnterpriseProfile:
    data = json.loads((EXAMPLES / file).read_text(encoding="utf-8"))
    data.update(changes)
    return EnterpriseProfile.model_validate(data)


def seed(app) -> dict:
    """Idempotent: store A (朝阳, manufacturer) and B (海淀), then a synthetic population."""
    if getattr(app.state, "test_seeded", None):
        return app.state.test_seeded
    app.state.as_of = AS_OF
    a = example("industrial_sme_equipment_2022.json", uscc=USCC_A, region_code="110105",
                name="北京朝阳博远精密机械有限公司")
    b = example("chaoyang_service_micro_rent.json", uscc=USCC_B, region_code="110108", name="北京海淀星辰商务咨询有限公司")
    c = example("industrial_sme_equipment_2022.json", uscc=USCC_C, region_code="110105",
                name="北京朝阳浏览器测试机械有限公司")
    now = dt.datetime.now(dt.UTC)
    with app.state.store.transaction() as session:
        session.execute(insert(Enterprise), [{**lifted_columns(p), "uscc": p.uscc, "created_at": now}
                                             for p in (a, b, c)])
    stored, _ = store_population(generate(POPULATION, 7, AS_OF), app.state.store)
    app.state.test_seeded = {"a": a, "b": b, "population": stored}
    return app.state.test_seeded


def add_example(app, uscc: str, name: str, file: str = "industrial_sme_equipment_2022.json",
                region_code: str = "110105") -> str:
    """A test module's own enterprise (from a worked example), stored once: tests that edit facts
    edit their own, so the seeded enterprises stay as other tests expect them."""
    from zhida.web import enterprise_data

    seed(app)
    if enterprise_data.get(app.state.store, uscc) is None:
        profile = example(file, uscc=uscc, region_code=region_code, name=name)
        with app.state.store.transaction() as session:
            session.execute(insert(Enterprise), [{**lifted_columns(profile), "uscc": uscc,
                                                  "created_at": dt.datetime.now(dt.UTC)}])
    return uscc
