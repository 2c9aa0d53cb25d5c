"""政策咨询 drafts: every line is a template frame whose slots are clause quotes, citations, unit
names or checkup results — never a sentence from elsewhere; marked as a draft."""

from __future__ import annotations

import re
from string import Formatter

import pytest

from zhida.desk import consult
from zhida.desk.consult import FRAMES, answer
from zhida.errors import ZhidaError
from zhida.matching.match import load_default_policies
from zhida.money_format import money

from .conftest import AS_OF, USCC

QUESTIONS = ["留抵退税什么时候到账", "今年新买的设备能一次性税前扣除吗", "社保能缓缴吗", "上市有什么奖励",
             "公积金可以晚点交吗", "火星移民签证怎么办"]


def _allowed_slot(name: str, value: str, draft) -> bool:
    quotes = {c.quote for c in draft.clauses}
    citations = {c.citation for c in draft.clauses}
    titles = {m.title for m in load_default_policies().measures.values()}
    if name == "quote":
        return value in quotes and any(value in c.text for c in draft.clauses)
    if name == "citation":
        return value in citations
    if name == "question":
        return value == draft.question
    if name == "units":
        return set(value.split("、")) <= {u.unit for u in draft.route.units}
    if name == "measure":
        return value in titles
    if name == "n":
        return value.isdigit()
    return name in {"name", "as_of", "amount", "missing", "uscc"}  # checked by the checkup test


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_line_is_a_filled_frame(store, question):
    draft = answer(store, question, uscc=USCC, as_of=AS_OF)
    assert draft.lines[0].frame == "draft" and "草稿" in draft.text.splitlines()[0]
    assert draft.text.splitlines() == [line.text for line in draft.lines]
    for line in draft.lines:
        assert line.frame in FRAMES
        names = {field for _, field, _, _ in Formatter().parse(FRAMES[line.frame]) if field}
        assert set(line.slots) == names
        for name, value in line.slots.items():
            assert _allowed_slot(name, value, draft), (line.frame, name, value)


def test_tax_refund_question_quotes_the_refund_clause_for_the_tax_unit(store):
    draft = answer(store, "留抵退税什么时候到账")
    assert draft.is_question
    assert draft.route.units[0].unit == "市税务局"
    assert "《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）第三条（六）：“" in draft.text
    assert any("留抵退税" in c.quote for c in draft.clauses)


def test_checkup_of_the_measures_concerned(store):
    draft = answer(store, "今年新买的设备能一次性税前扣除吗", uscc=USCC, as_of=AS_OF)
    rows = {row["title"]: row for row in draft.checkup}
    row = rows["中小微企业设备器具一次性（减半）税前扣除"]
    assert row["status"] == "eligible"
    # the example profile bought equipment worth 600万元: 50% deductible at once
    assert row["amount"] == money(3000000)
    assert f"· 中小微企业设备器具一次性（减半）税前扣除：可享受，金额 {money(3000000)}。" in draft.text
    # only the measures resting on the quoted sentences, not every measure of 000 第三条（七）
    assert "“六税两费”减半征收（扩大至小型微利企业和个体工商户）" not in rows


def test_undetermined_names_what_is_missing(store):
    draft = answer(store, "留抵退税什么时候到账", uscc=USCC, as_of=AS_OF)
    undetermined = [row for row in draft.checkup if row["status"] == "undetermined"]
    assert undetermined and all(row["missing"] for row in undetermined)
    for row in undetermined:
        assert f"· {row['title']}：待确认，尚需补充：{'、'.join(row['missing'])}。" in draft.text


def test_unknown_enterprise_and_bad_uscc(store):
    body = "91110105MA09XYWK0"
    from zhida.enterprises.uscc import check_char

    unknown = body + check_char(body)
    draft = answer(store, "社保能缓缴吗", uscc=unknown, as_of=AS_OF)
    assert FRAMES["unknown_enterprise"].format(uscc=unknown) in draft.text and not draft.checkup
    with pytest.raises(ZhidaError) as caught:
        answer(store, "社保能缓缴吗", uscc="123", as_of=AS_OF)
    assert caught.value.where == "统一社会信用代码"


def test_question_detection():
    assert consult.is_policy_question("留抵退税什么时候到账")
    assert consult.is_policy_question("公积金可以晚点交吗")
    assert not consult.is_policy_question("门口井盖坏了")


def test_frames_are_chinese_sentences():
    for frame in FRAMES.values():
        assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\{[a-z_]+\}", "", frame))
