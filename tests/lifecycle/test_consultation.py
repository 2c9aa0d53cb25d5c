"""政策征集 (zhida.consultation): open for at least 5 working days, comments per clause by
enterprises and the public, answers by the drafting unit only, publication within 30 days by the
clock, and what became of each commented clause in the final version."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from zhida.consultation import service
from zhida.consultation.service import Person
from zhida.documents.pipeline import parse_text
from zhida.errors import ZhidaError
from zhida.store import open_store
from zhida.store.ingest import ingest_document
from zhida.workflow import NotAllowed

DRAFT = """关于支持小微企业发展的若干措施（征求意见稿）
一、对小微企业给予房租补贴，最高10万元。
二、对新认定的专精特新企业给予奖励。
三、优化政务服务。
"""
FINAL = """关于支持小微企业发展的若干措施
一、对小微企业给予房租补贴，最高20万元。
二、对新认定的专精特新企业给予奖励。
"""
UNIT = "市经济和信息化局"
OFFICER = Person("staff", "经信局张三", 7, (UNIT,))
OTHER_STAFF = Person("staff", "财政局李四", 8, ("市财政局",))
FIRM = Person("enterprise", "某科技公司", 21, (), "91110108MA0123456G")
VISITOR = Person(None, "visitor")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


@pytest.fixture
def store(tmp_path):
    made = open_store(f"sqlite:///{tmp_path / 'z.db'}")
    ingest_document(made, parse_text(DRAFT, name="draft.txt"), "smb", update_index=False)
    return made


def _open(store, closes=date(2026, 12, 14)):
    with store.transaction() as s:
        return service.open_consultation(s, document="smb", unit=UNIT, opens_on=date(2026, 12, 7), closes_on=closes,
                                         person=OFFICER, now=at("2026-12-07", 9)).id


def test_the_period_is_at_least_five_working_days(store):
    with pytest.raises(ZhidaError, match="5个工作日以上（现为4个工作日）"):
        _open(store, closes=date(2026, 12, 10))  # Mon–Thu
    with store.transaction() as s, pytest.raises(NotAllowed):
        service.open_consultation(s, document="smb", unit=UNIT, opens_on=date(2026, 12, 7),
                                  closes_on=date(2026, 12, 14), person=OTHER_STAFF, now=at("2026-12-07"))


def test_comment_answer_publish_and_outcome(store):
    cid = _open(store)
    with store.transaction() as s:
        service.comment(s, cid, clause_id="1", text="建议把房租补贴上限提高到20万元", person=FIRM, author_name=None,
                        now=at("2026-12-08"))
        service.comment(s, cid, clause_id="3", text="希望增加线上办理", person=VISITOR, author_name="王先生",
                        now=at("2026-12-09"))
    with store.transaction() as s, pytest.raises(ZhidaError, match="没有条款"):
        service.comment(s, cid, clause_id="9", text="意见", person=FIRM, author_name=None, now=at("2026-12-09"))
    with store.transaction() as s, pytest.raises(ZhidaError, match="署名"):
        service.comment(s, cid, clause_id="1", text="意见内容", person=VISITOR, author_name="", now=at("2026-12-09"))
    with store.transaction() as s, pytest.raises(NotAllowed, match="不在征集期内"):
        service.comment(s, cid, clause_id="1", text="晚了的意见", person=FIRM, author_name=None, now=at("2026-12-15"))
    # before publication: the enterprise sees its own comment only, a visitor none, the unit all
    with store.sessions() as s:
        mine = service.detail(s, cid, FIRM, at("2026-12-09"))
        assert [c["text"] for cl in mine["clauses"] for c in cl["comments"]] == ["建议把房租补贴上限提高到20万元"]
        assert sum(len(cl["comments"]) for cl in service.detail(s, cid, VISITOR, at("2026-12-09"))["clauses"]) == 0
        assert service.detail(s, cid, OFFICER, at("2026-12-09"))["total_comments"] == 2

    # answers only after the period, and only by the drafting unit
    with store.transaction() as s:
        first = s.scalars(service.select(service.ConsultationComment).order_by(service.ConsultationComment.id)).first()
        with pytest.raises(NotAllowed, match="不能答复"):
            service.answer(s, first.id, decision="adopted", text="采纳", person=OFFICER, now=at("2026-12-10"))
    with store.transaction() as s:
        assert service.tick(s, at("2026-12-15", 0)) == {"closed": 1, "escalated": 0}
    with store.transaction() as s:
        comments = list(s.scalars(service.select(service.ConsultationComment).order_by(service.ConsultationComment.id)))
        with pytest.raises(NotAllowed):
            service.answer(s, comments[0].id, decision="adopted", text="采纳", person=OTHER_STAFF, now=at("2026-12-16"))
        with pytest.raises(ZhidaError, match="不予采纳须说明理由"):
            service.answer(s, comments[1].id, decision="not_adopted", text="", person=OFFICER, now=at("2026-12-16"))
        service.answer(s, comments[0].id, decision="adopted", text="已将上限提高至20万元", person=OFFICER,
                       now=at("2026-12-16"))
    with store.transaction() as s, pytest.raises(ZhidaError, match="还有 1 条意见未答复"):
        service.publish(s, cid, summary="主要观点：提高补贴上限", person=OFFICER, now=at("2026-12-17"))
    # the deadline passes (14日 + 30 days = 2027-01-13): escalated once to the supervisor
    with store.transaction() as s:
        assert service.tick(s, at("2027-01-14", 1))["escalated"] == 1
        assert service.tick(s, at("2027-01-15", 1))["escalated"] == 0
    with store.transaction() as s:
        comments = list(s.scalars(service.select(service.ConsultationComment).order_by(service.ConsultationComment.id)))
        service.answer(s, comments[1].id, decision="not_adopted", text="线上办理已另有规定", person=OFFICER,
                       now=at("2027-01-15"))
        service.publish(s, cid, summary="主要观点：提高补贴上限、线上办理", person=OFFICER, now=at("2027-01-15"))
    with store.sessions() as s:
        public = service.detail(s, cid, VISITOR, at("2027-01-16"))
        assert public["state"] == "published" and public["summary"].startswith("主要观点")
        shown = {c["text"]: c for cl in public["clauses"] for c in cl["comments"]}
        assert shown["希望增加线上办理"]["decision_zh"] == "不予采纳"
        assert shown["希望增加线上办理"]["answer"] == "线上办理已另有规定"
        assert public["final_version"] is None  # no final version yet

    # the final version arrives: each comment shows what became of its clause
    ingest_document(store, parse_text(FINAL, name="draft.txt"), "smb", update_index=False)
    with store.sessions() as s:
        after = service.detail(s, cid, VISITOR, at("2027-02-01"))
        assert after["final_version"] == 2
        shown = {c["text"]: c["clause_outcome"] for cl in after["clauses"] for c in cl["comments"]}
        assert shown["建议把房租补贴上限提高到20万元"]["change_zh"] == "修改"
        assert ["insert", "2"] in shown["建议把房租补贴上限提高到20万元"]["segments"]
        assert shown["希望增加线上办理"]["change_zh"] == "删除"


@pytest.mark.parametrize("closes", [date(9999, 12, 31), date(2101, 1, 1)])
def test_a_closing_date_off_the_calendar_is_refused_and_nothing_is_opened(store, closes):
    # found by the examiner's walk: 9999-12-31 overflowed the publication due date (500) after
    # counting 2.9 million days one by one
    with pytest.raises(ZhidaError, match=f"日期 {closes.isoformat()} 超出支持范围") as refused:
        _open(store, closes=closes)
    assert refused.value.where == "closes_on"
    with store.transaction() as s:
        assert service.listing(s) == []
