"""我的政策 assembled from a real match report, and 自上次访问以来的变化 from two snapshots."""

import copy
import json
from datetime import date

import pytest

from zhida import config
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import match_enterprise
from zhida.matching.report import report_json
from zhida.mypolicies import snapshot
from zhida.mypolicies.mine import assemble, plausible_change

AS_OF = date(2022, 12, 31)
EXAMPLES = config.PROJECT_ROOT / "docs" / "examples" / "profiles"


def _report(policies, **changes):
    data = json.loads((EXAMPLES / "industrial_sme_equipment_2022.json").read_text(encoding="utf-8"))
    data.update(changes)
    profile = EnterpriseProfile.model_validate(data)
    return json.loads(json.dumps(report_json(match_enterprise(profile, AS_OF, policies=policies), AS_OF, policies),
                                 default=str))


@pytest.fixture(scope="module")
def report(policies):
    return _report(policies)


def test_now_lists_every_eligible_result_in_force_with_quote_clause_units_and_how(report, policies):
    mine = assemble(report, policies)
    eligible = {r["measure_id"] for r in report["results"] if r["status"] == "eligible" and r["period"] == "in_force"
                and r["enterprise_benefit"]}
    assert {i["measure_id"] for i in mine["now"]} == eligible and eligible
    by_id = {r["measure_id"]: r for r in report["results"]}
    for item in mine["now"]:
        source = by_id[item["measure_id"]]["sources"][0]
        assert (item["quote"], item["document"], item["clause"]) == (source["quote"], source["document"],
                                                                   source["clause"])
        assert item["responsible_units"] == by_id[item["measure_id"]]["responsible_units"]
        assert [h["label"] for h in item["how"]] == ["申报方式", "申报时间", "申报材料", "受理部门", "咨询电话"]
    assert [r["label"] for r in mine["totals"]][:2] == ["确定可得", "最高可达"]


def test_one_fact_names_the_facts_that_decide_each_undetermined_result(report, policies):
    mine = assemble(report, policies)
    undetermined = [r for r in report["results"] if r["status"] == "undetermined" and r["missing"]
                    and r["period"] == "in_force"]
    assert len(mine["one_fact"]) == len(undetermined)
    transport = next(i for i in mine["one_fact"] if i["measure_id"] == "bj2022mfg.key-material-transport-pass")
    assert [f["fact"] for f in transport["facts"]] == ["epidemic_control_commitment"]
    assert [len(i["facts"]) for i in mine["one_fact"]] == sorted(len(i["facts"]) for i in mine["one_fact"])
    assert mine["one_fact_single"] == sum(1 for r in undetermined if len(r["missing"]) == 1) > 0


def test_deadlines_are_periods_ending_within_the_horizon_with_their_quote(report, policies):
    mine = assemble(report, policies)
    assert mine["deadlines"], "the 2022 documents end on 2022-12-31: due on the evaluation date"
    for d in mine["deadlines"]:
        end = policies.measure(d["measure_id"]).period.end
        assert d["date"] == end.isoformat() and d["days_left"] == (end - AS_OF).days
        assert d["quote"] == policies.measure(d["measure_id"]).period.quote
    assert assemble(report | {"as_of": "2022-09-01"}, policies, horizon_days=30)["deadlines"] == []


def _near(kind, current, relative, text="x", more=()):
    change = {"fact": "employees", "label": "从业人员", "kind": kind, "current": current, "target": 1,
              "requirement": "", "relative_change": relative}
    return {"near_miss": [{"kind": "change", "change": [change, *more], "text": text, "amount_after": None,
                           "alternatives": []}]}


def test_one_change_is_a_single_set_with_nothing_to_supply():
    one = plausible_change(_near("set", "100", 0.1, "从业人员需低于91人（现100人）"))
    assert one["text"] == "从业人员需低于91人（现100人）" and one["fact"] == "employees"
    assert plausible_change(_near("set", "100", 0.1, more=[{"kind": "supply", "current": None,
                                                               "relative_change": 0}])) is None  # and supply a fact
    assert plausible_change(_near("judge", None, 1.0)) is None  # a responsible unit's judgement is no change
    worthless = _near("set", False, 1.0, "拥有核心知识产权需为是（现否），可获0元")
    worthless["near_miss"][0]["amount_after"] = "0.00"
    assert plausible_change(worthless) is None  # eligible then, but for 0 元


def test_diff_status_money_new_and_ended(report):
    before = snapshot.take(report)
    names = snapshot.titles(report)
    assert snapshot.diff(None, before, names) == [] and snapshot.diff(before, before, names) == []
    assert snapshot.diff({**before, "v": 1}, before, names) == []  # an older format is not compared
    after = copy.deepcopy(before)
    mid = "bj2022mfg.key-material-transport-pass"
    after["measures"][mid][0] = "eligible"
    money_id = next(k for k, v in before["measures"].items() if v[3] is not None)
    after["measures"][money_id][3] = "123.45"
    gone = next(k for k in before["measures"] if k not in (mid, money_id))
    del after["measures"][gone]
    after["measures"]["new.measure"] = ["eligible", "in_force", "certain", "1000.00"]
    changes = {c["measure_id"]: c for c in snapshot.diff(before, after, names | {"new.measure": "新政策"})}
    assert changes[mid]["kind"] == "status" and changes[mid]["text"].startswith("待确认 → 可享受")
    assert changes[money_id]["kind"] == "money" and "123.45 元" in changes[money_id]["text"]
    assert changes[gone]["kind"] == "ended" and changes["new.measure"]["kind"] == "new"
    assert changes[mid]["title"] == names[mid] and changes["new.measure"]["title"] == "新政策"
    assert [c["kind"] for c in snapshot.diff(before, after, names)] == ["status", "new", "money", "ended"]
    removed = snapshot.diff(before, {**before, "measures": {}}, {})  # measures the policies no longer have
    assert {c["title"] for c in removed} == {snapshot.GONE}


def test_snapshot_is_compact(report):
    assert len(json.dumps(snapshot.take(report), ensure_ascii=False).encode()) < 10_000


def test_seen_results_round_trip(database_url):
    from zhida.store import open_store
    from zhida.mypolicies import seen

    from zhida.web.auth import Actor, create_user

    from zhida.enterprises.uscc import check_char

    USCC = "91110105MA01ABCD0" + check_char("91110105MA01ABCD0")

    store = open_store(database_url)
    try:
        uid = create_user(store, Actor("cli:test"), username="ent", password="correct-horse-9", role="enterprise",
                          uscc=USCC)["id"]
        first = {"v": 2, "as_of": "2022-12-31", "measures": {"a": ["eligible", "in_force", "certain", "1.00"]}}
        assert seen.visit(store, uid, USCC, first) == (None, None)
        before, at = seen.visit(store, uid, USCC, {**first, "measures": {}})
        assert before == first and at is not None
        assert seen.last_seen(store, uid)["snapshot"]["measures"] == {}
        assert seen.visit(store, uid, "U2", first) == (None, None)  # another enterprise: nothing to compare
    finally:
        store.close()


def test_an_application_window_stated_in_the_text_is_a_deadline(report, policies, monkeypatch):
    from zhida.mypolicies import how_to_apply, mine
    from zhida.mypolicies.how_to_apply import Found

    window = Found("每年1月1日至1月20日", "每年1月1日至1月20日，企业通过平台提交申报材料。", "doc", "6.1")
    real = how_to_apply.for_measure
    monkeypatch.setattr(how_to_apply, "for_measure", lambda m, p: {**real(m, p), "window": window})
    results = [r for r in report["results"] if r["status"] == "eligible"][:1]
    found = mine.deadlines(results, policies, AS_OF, horizon_days=30)
    closes = [d for d in found if d["kind"] == "window"]
    assert [(d["date"], d["days_left"], d["label"], d["clause"]) for d in closes] == [("2023-01-20", 20, "申报截止", "6.1")]
    assert mine.deadlines(results, policies, AS_OF, horizon_days=10) == [d for d in found if d["kind"] == "period"]
