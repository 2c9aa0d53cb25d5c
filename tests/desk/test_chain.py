"""The request chain for every role, allowed and refused: 受理 → 派单 (会商 with two units) → 签收
→ 办理 → 反馈 with cited clauses → 回访评价 (不满意 reopens) → 办结; 派单异议 decided by the
supervisor; lost updates refused; 重复诉求并单 with every requester answered; 督办 on an injected clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from zhida.audit.tables import AuditEntry
from zhida.desk import merging, requests
from zhida.desk.tables import DeskCitation, DeskObjection
from zhida.errors import ZhidaError
from zhida.workflow import NotAllowed, StaleCase

from .people import ADMIN, ENT_A, ENT_B, FIN, LINE, MONDAY, OTHER, SUPER, TAX


@pytest.fixture
def store(chain_store):  # an empty store per test on SQLite and PostgreSQL, not the module's seeded one
    return chain_store

CLAUSE = {"document": "000_094af80e03a20c8c", "clause_id": "3.6",
          "cite": "《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）第三条（六）",
          "quote": "实施增值税期末留抵退税。"}


def _state(store, rid):
    with store.sessions() as s:
        loaded = requests.load(s, ADMIN, rid)
        return loaded.case.state, loaded.case.version, loaded.request


def _do(store, person, rid, transition, at, **kw):
    with store.transaction() as s:
        return requests.act(s, person, rid, transition, now=at, **kw).id


def _submit(store, person=ENT_A, text="留抵退税什么时候到账", at=MONDAY, **kw):
    with store.transaction() as s:
        return requests.submit(s, person, text=text, now=at, **kw).id


def test_the_whole_chain_for_every_role(store):
    rid = _submit(store)
    state, version, request = _state(store, rid)
    assert (state, request.receiving_unit, request.unit, request.line, request.category) == \
        ("submitted", "涉企专席", "涉企专席", "enterprise", "tax")

    # 受理: only the first receiving unit (or the supervisor); others do not even see it
    with pytest.raises(NotAllowed), store.transaction() as s:
        requests.act(s, ENT_A, rid, "accept", now=MONDAY)
    for who in (TAX, OTHER, ENT_B):
        with pytest.raises(requests.NotFoundOrHidden), store.transaction() as s:
            requests.act(s, who, rid, "accept", now=MONDAY)
    at = MONDAY + timedelta(hours=1)
    _do(store, LINE, rid, "accept", at)
    # 派单 to the tax unit with 会商 of the finance unit: a unit must be named
    with pytest.raises(ZhidaError) as missing, store.transaction() as s:
        requests.act(s, LINE, rid, "dispatch", now=at)
    assert missing.value.where == "unit"
    with pytest.raises(requests.NotFoundOrHidden), store.transaction() as s:  # 首接负责: not the tax unit's yet
        requests.act(s, TAX, rid, "dispatch", now=at, unit="市税务局")
    _do(store, LINE, rid, "dispatch", at + timedelta(hours=1), unit="北京市税务局", co_units=["市财政局"])
    state, _, request = _state(store, rid)
    assert (state, request.unit, request.co_units) == ("dispatched", "市税务局", ["市财政局"])  # canonical name

    # the co-unit may give its opinion but may not sign or answer; the receiving unit no longer may
    with pytest.raises(NotAllowed), store.transaction() as s:
        requests.act(s, FIN, rid, "sign", now=at)
    with pytest.raises(NotAllowed), store.transaction() as s:
        requests.act(s, LINE, rid, "sign", now=at)
    _do(store, TAX, rid, "sign", at + timedelta(hours=2))
    with store.transaction() as s:
        requests.give_opinion(s, FIN, rid, "财政资金已拨付到位，退税按月办理。", at + timedelta(hours=3))
    with pytest.raises(NotAllowed), store.transaction() as s:
        requests.give_opinion(s, LINE, rid, "首接单位不是会商单位", at)
    with pytest.raises(requests.NotFoundOrHidden), store.transaction() as s:
        requests.give_opinion(s, OTHER, rid, "无关", at)
    with pytest.raises(NotAllowed), store.transaction() as s:
        requests.act(s, FIN, rid, "answer", now=at, answer="不是我们答")
    with pytest.raises(ZhidaError), store.transaction() as s:  # an answer needs text
        requests.act(s, TAX, rid, "answer", now=at, answer="  ")

    answered_at = MONDAY + timedelta(days=1)
    _do(store, TAX, rid, "answer", answered_at, answer="您的留抵退税申请已审核，预计5个工作日内到账。", citations=[CLAUSE])
    state, _, request = _state(store, rid)
    assert state == "answered" and request.citations[0]["cite"].startswith("《关于应对新冠肺炎")
    assert request.responded_in_time is True and request.days_accept == 0 and request.days_handle == 1
    with store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(DeskCitation).where(DeskCitation.request_id == rid)) == 1

    # 回访评价: only the requester (or 回访人员); 不满意 reopens to the handling unit
    with pytest.raises(NotAllowed), store.transaction() as s:
        requests.act(s, TAX, rid, "rate_ok", now=answered_at, rating="satisfied")
    with pytest.raises(ZhidaError), store.transaction() as s:  # 不满意 needs a reason
        requests.act(s, ENT_A, rid, "rate_bad", now=answered_at)
    _do(store, ENT_A, rid, "rate_bad", answered_at, reason="还没到账", solved=False)
    state, _, request = _state(store, rid)
    assert (state, request.reopened, request.rating) == ("handling", 1, "unsatisfied")
    _do(store, TAX, rid, "answer", answered_at + timedelta(hours=2), answer="已到账，请查收。", citations=[CLAUSE])
    _do(store, ENT_A, rid, "rate_ok", answered_at + timedelta(hours=3), rating="satisfied", solved=True)
    state, _, request = _state(store, rid)
    assert (state, request.rating, request.solved, request.closed_at is not None) == ("closed", "satisfied", True, True)
    with pytest.raises(NotAllowed), store.transaction() as s:  # closed: nothing more
        requests.act(s, ENT_A, rid, "rate_bad", now=answered_at, reason="x")
    with store.sessions() as s:
        actions = [a for (a,) in s.execute(select(AuditEntry.action).where(AuditEntry.entity_id == str(rid),
                                                                           AuditEntry.entity == "desk_request"))]
    for step in ("desk_request_submit", "workflow:accept", "workflow:dispatch", "workflow:sign", "workflow:answer",
                 "workflow:rate_bad", "workflow:rate_ok", "desk_consult_opinion"):
        assert step in actions


def test_objection_is_decided_by_the_supervisor(store):
    rid = _submit(store, text="厂房租金减免怎么申请")
    _do(store, LINE, rid, "accept", MONDAY)
    _do(store, LINE, rid, "dispatch", MONDAY, unit="市税务局")
    with pytest.raises(ZhidaError), store.transaction() as s:  # an objection needs a reason
        requests.act(s, TAX, rid, "object", now=MONDAY)
    _do(store, TAX, rid, "object", MONDAY, reason="房租减免不属于税务部门职责", unit="市住房城乡建设委")
    for who in (TAX, LINE):
        with pytest.raises(NotAllowed), store.transaction() as s:
            requests.act(s, who, rid, "redispatch", now=MONDAY, unit="市商务局")
    _do(store, SUPER, rid, "redispatch", MONDAY, unit="市商务局")
    state, _, request = _state(store, rid)
    assert (state, request.unit) == ("dispatched", "市商务局")
    with store.sessions() as s:
        objection = s.scalar(select(DeskObjection).where(DeskObjection.request_id == rid))
        assert (objection.decision, objection.decided_by, objection.new_unit) == ("upheld", "super", "市商务局")
    _do(store, OTHER, rid, "sign", MONDAY)  # the new unit now handles it; the objecting one no longer sees it
    with pytest.raises(requests.NotFoundOrHidden), store.transaction() as s:
        requests.act(s, TAX, rid, "answer", now=MONDAY, answer="x")


def test_no_lost_update_when_two_act_on_what_they_saw(store):
    rid = _submit(store)
    _do(store, LINE, rid, "accept", MONDAY)
    _do(store, LINE, rid, "dispatch", MONDAY, unit="市税务局")
    _do(store, TAX, rid, "sign", MONDAY)
    _do(store, TAX, rid, "answer", MONDAY, answer="答复")
    _, seen, _ = _state(store, rid)
    _do(store, ENT_A, rid, "rate_ok", MONDAY, rating="basic", version=seen)  # the enterprise rates
    with pytest.raises(StaleCase), store.transaction() as s:  # the officer's 回访 form was loaded before
        requests.act(s, LINE, rid, "rate_bad", now=MONDAY, reason="电话回访不满意", version=seen)
    state, _, request = _state(store, rid)
    assert (state, request.rating, request.reopened) == ("closed", "basic", 0)


def test_duplicates_are_merged_and_every_requester_answered(store):
    main = _submit(store, ENT_A)
    duplicate = _submit(store, ENT_B, text="我们的留抵退税也还没到账")
    with pytest.raises(requests.NotFoundOrHidden), store.transaction() as s:  # not its request to merge into
        merging.merge(s, ENT_B, duplicate, main, now=MONDAY)
    with store.transaction() as s:
        merging.merge(s, LINE, duplicate, main, now=MONDAY)
    assert _state(store, duplicate)[0] == "merged"
    _do(store, LINE, main, "accept", MONDAY)
    _do(store, LINE, main, "answer_direct", MONDAY, answer="留抵退税一般在审核通过后10个工作日内到账。", citations=[CLAUSE])
    for rid, who in ((main, ENT_A), (duplicate, ENT_B)):
        state, _, request = _state(store, rid)
        assert state == "answered" and request.answer.startswith("留抵退税")
        _do(store, who, rid, "rate_ok", MONDAY, rating="satisfied", solved=True)
        assert _state(store, rid)[0] == "closed"


def test_overdue_steps_escalate_to_the_supervisor_once(store):
    friday = MONDAY - timedelta(days=3)  # Friday 2026-11-27: the 1-working-day limit ends Monday 24:00
    rid = _submit(store, at=friday)
    with store.transaction() as s:
        assert requests.tick(s, MONDAY).escalated == []  # Saturday and Sunday do not count
    with store.transaction() as s:
        escalated = requests.tick(s, MONDAY + timedelta(days=1))
        assert [int(c.subject_id) for c in escalated.escalated] == [rid]
    with store.transaction() as s:
        assert requests.tick(s, MONDAY + timedelta(days=2)).escalated == []  # once per step
    assert _state(store, rid)[2].overdue == 1
    _do(store, SUPER, rid, "accept", MONDAY + timedelta(days=2))  # the supervisor may act on it
    _, _, request = _state(store, rid)
    assert request.overdue == 1 and request.days_accept == 3
    with store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "workflow_escalate")) == 1


def test_answers_not_rated_in_time_close(store):
    rid = _submit(store)
    _do(store, LINE, rid, "accept", MONDAY)
    _do(store, LINE, rid, "answer_direct", MONDAY, answer="答复")
    with store.transaction() as s:
        result = requests.tick(s, MONDAY + timedelta(days=10))
    assert [c.subject_id for c, _ in result.fired] == [str(rid)]
    state, _, request = _state(store, rid)
    assert state == "closed" and request.rating is None and request.closed_at is not None


def test_notifications_reach_the_units_the_enterprise_and_the_supervisor(store):
    from zhida.notify.tables import Message, MessageRecipient

    rid = _submit(store)
    _do(store, LINE, rid, "accept", MONDAY)
    _do(store, LINE, rid, "dispatch", MONDAY, unit="市税务局", co_units=["市财政局"])
    with store.transaction() as s:  # not signed in time: 督办
        requests.tick(s, MONDAY + timedelta(days=3))
    _do(store, TAX, rid, "sign", MONDAY + timedelta(days=3))
    _do(store, TAX, rid, "answer", MONDAY + timedelta(days=3), answer="已退还。", citations=[CLAUSE])
    with store.sessions() as s:
        sent = {}
        for event, kind, key in s.execute(select(Message.event, MessageRecipient.kind, MessageRecipient.key)
                                          .join(MessageRecipient, MessageRecipient.message_id == Message.id)):
            sent.setdefault(event, set()).add((kind, key))
    assert sent["desk.request"] == {("unit", "涉企专席")}
    assert sent["desk.dispatch"] == {("unit", "市税务局"), ("unit", "市财政局")}
    assert ("unit", "市政务服务局") in sent["desk.escalate"]
    assert sent["desk.answer"] == {("enterprise", ENT_A.uscc)}


def test_officer_and_enterprise_at_once_one_wins(store):
    import threading

    rid = _submit(store)
    _do(store, LINE, rid, "accept", MONDAY)
    _do(store, LINE, rid, "answer_direct", MONDAY, answer="答复")
    _, seen, _ = _state(store, rid)
    barrier, outcomes = threading.Barrier(2), []

    def attempt(person, transition, **kw):
        barrier.wait()
        try:
            store.retrying(lambda s: requests.act(s, person, rid, transition, now=MONDAY, version=seen, **kw))
            outcomes.append(transition)
        except StaleCase:
            outcomes.append("stale")

    threads = [threading.Thread(target=attempt, args=(ENT_A, "rate_ok"), kwargs={"rating": "satisfied"}),
               threading.Thread(target=attempt, args=(LINE, "rate_bad"), kwargs={"reason": "电话回访不满意"})]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) in (["rate_ok", "stale"], ["rate_bad", "stale"])
    state, version, request = _state(store, rid)
    assert version == seen + 1 and state == ("closed" if "rate_ok" in outcomes else "handling")
    assert request.reopened == (1 if "rate_bad" in outcomes else 0)
