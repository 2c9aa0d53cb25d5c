from __future__ import annotations

from types import SimpleNamespace

import pytest

from zhida.errors import ZhidaError
from zhida.notify import subscriptions
from zhida.notify.subscriptions import Topic

from .conftest import make_user


def test_defaults_replace_and_bad_values(store):
    e = make_user(store, "e1", "enterprise", uscc="91110105MA01ABCD5F")
    s = make_user(store, "s1", "staff", units=["区科委"])
    with store.transaction() as session:
        assert subscriptions.of(session, e, "enterprise") == [Topic("all")]
        assert subscriptions.of(session, s, "staff") == [Topic("my_measures")]
        before, after = subscriptions.replace(session, e, "enterprise", [
            Topic("measure_kind", "cash_subsidy"), Topic("district", "朝阳区"), Topic("industry", "c39"),
            Topic("measure_kind", "cash_subsidy")])
        assert before == [Topic("all")]
        assert after == [Topic("measure_kind", "cash_subsidy"), Topic("district", "110105"), Topic("industry", "C39")]
        for bad, field in (([Topic("measure", "x")], "subscriptions[0].topic"),
                           ([Topic("measure_kind", "money")], "subscriptions[0].value"),
                           ([Topic("district", "火星")], "subscriptions[0].value"),
                           ([Topic("all"), Topic("none")], "subscriptions")):
            with pytest.raises(ZhidaError) as caught:
                subscriptions.replace(session, e, "enterprise", bad)
            assert caught.value.where == field
        assert subscriptions.of(session, e, "enterprise")[0] == Topic("measure_kind", "cash_subsidy")
        subscriptions.replace(session, e, "enterprise", [])
        assert subscriptions.of(session, e, "enterprise") == [Topic("all")]


def test_measure_matching():
    m = SimpleNamespace(id="x.m1", kind="cash_subsidy", jurisdiction=["110105"], responsible_units=["区科委"],
                        conditions=[SimpleNamespace(expr="LEFT(industry_code, 2) IN ('39', '40')")])
    assert subscriptions.measure_matches([Topic("all")], m)
    assert subscriptions.measure_matches([Topic("measure_kind", "cash_subsidy")], m)
    assert not subscriptions.measure_matches([Topic("measure_kind", "service")], m)
    assert subscriptions.measure_matches([Topic("district", "110105")], m)
    assert not subscriptions.measure_matches([Topic("district", "110108")], m)
    assert subscriptions.measure_matches([Topic("industry", "3911")], m)
    assert not subscriptions.measure_matches([Topic("industry", "52")], m)
    assert subscriptions.measure_matches([Topic("my_measures")], m, units=("区科委",))
    assert not subscriptions.measure_matches([Topic("my_measures")], m, units=("区商务局",))
    assert subscriptions.measure_matches([Topic("measure", "x.m1")], m)
    assert not subscriptions.measure_matches([Topic("none")], m)
