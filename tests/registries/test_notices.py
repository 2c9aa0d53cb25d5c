"""动态管理 tells people through zhida.notify, in the transaction of the change: the keeping unit at
each batch run that flags members, the enterprise when its flag asks for facts it can supply and
when the unit removes it; a rolled-back run leaves neither a flag nor a message."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from zhida import notify
from zhida.notify.tables import Message
from zhida.registries import criteria, dynamic, membership, service
from zhida.registries.definition import registries
from zhida.registries.tables import Flag

from .conftest import AS_OF
from .test_lifecycle import GIANT, _pick, _set_facts, store  # noqa: F401 - the fixture

LATER = dt.date(2023, 12, 31)
UNIT = notify.Reader(user_id=10_001, role="staff", units=("市经济和信息化局",))
OTHER_UNIT = notify.Reader(user_id=10_002, role="staff", units=("区发展改革委",))


def _enterprise(uscc: str) -> notify.Reader:
    return notify.Reader(user_id=10_003, role="enterprise", uscc=uscc)


def _inbox(store, reader) -> list:
    with store.transaction() as s:
        return notify.inbox(s, reader)[1]


def _members(store, *usccs):
    reg = registries()["srdi-ladder"]
    with store.transaction() as s:
        for u in usccs:
            membership.enter(s, reg, uscc=u, name="", tier="little_giant", on=AS_OF, way="recommendation",
                             actor="市经信局")
    return reg


def test_lapsed_members_are_told_to_the_unit_and_the_enterprise_that_can_answer(store):
    a, b, c = _pick(store, 3)
    for u in (a, b, c):
        _set_facts(store, u, GIANT)
    reg = _members(store, a, b, c)
    _set_facts(store, a, {"main_business_growth_2y": "0.01"})  # no longer meets a criterion
    _set_facts(store, b, {"niche_market_years": None})  # the facts to decide are missing
    run = service.run(store, reg, LATER, actor="市经信局")
    assert run.flagged == 2

    (unit_msg,) = _inbox(store, UNIT)
    assert unit_msg.event == "registry.lapsed" and unit_msg.event_label == "企业库动态管理提示"
    assert "2 家在库企业不再符合" in unit_msg.title and unit_msg.link == "/registries/srdi-ladder?tab=flags"
    assert "近2年主营业务收入平均增长率不低于5%" in unit_msg.body and "从事特定细分市场时间" in unit_msg.body
    assert _inbox(store, OTHER_UNIT) == []  # another unit does not keep this list

    # b can supply the missing facts: told; a (a criterion failed) waits for the unit's decision; c still qualifies
    (ask,) = _inbox(store, _enterprise(b))
    assert ask.event == "registry.missing_facts" and "从事特定细分市场时间" in ask.body
    assert _inbox(store, _enterprise(a)) == [] and _inbox(store, _enterprise(c)) == []

    # a second run flags nobody new and tells nobody again
    assert service.run(store, reg, LATER, actor="市经信局").flagged == 0
    assert len(_inbox(store, UNIT)) == 1

    # the unit removes a: a is told, with the reason
    with store.transaction() as s:
        flag = s.scalar(select(Flag).where(Flag.uscc == a))
        dynamic.resolve(s, reg, flag.id, keep=False, reason="复核不再符合小巨人条件", on=LATER, actor="市经信局")
    (gone,) = _inbox(store, _enterprise(a))
    assert gone.event == "registry.removed" and "复核不再符合小巨人条件" in gone.body and LATER.isoformat() in gone.body


def test_a_rolled_back_run_leaves_no_flag_and_no_message(store):
    a, b = _pick(store, 2)
    for u in (a, b):
        _set_facts(store, u, GIANT)
    reg = _members(store, a, b)
    _set_facts(store, a, {"main_business_growth_2y": "0.01"})
    done = criteria.execute(reg, LATER, service.population(store, LATER), _policies())
    verdicts = done.verdicts([a, b])
    with pytest.raises(RuntimeError):
        with store.transaction() as s:
            assert len(dynamic.flag_lapsed(s, reg, verdicts, LATER, "市经信局")) == 1
            assert s.scalar(select(func.count()).select_from(Message)) == 1  # written in this transaction …
            raise RuntimeError("the batch fails after flagging")
    with store.transaction() as s:  # … and gone with it
        assert s.scalar(select(func.count()).select_from(Flag)) == 0
        assert s.scalar(select(func.count()).select_from(Message)) == 0


def _policies():
    from zhida.matching.match import load_default_policies

    return load_default_policies()
