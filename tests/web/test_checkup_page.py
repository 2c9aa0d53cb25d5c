"""The enterprise's checkup page (issue 11 §5): the chips count exactly the rows of the sections
they link to; every result shows its reasons beside it; measures that cannot apply are folded
behind a count; yes/no answers start at 请选择; a supplied fact is announced with what changed."""

from __future__ import annotations

import re

from lxml import html

from .conftest import USCC_A, make_uscc
from .enterprise_seed import add_example

OWN = make_uscc("91110105MA0CHKUP1")  # this module's own enterprise: its facts are edited here

ROWS = "//table[@id='{}']/tbody/tr[@data-measure]"
SECTIONS = {"count-eligible": ROWS.format("eligible"), "count-near-miss": ROWS.format("near-miss"),
            "count-undetermined": ROWS.format("undetermined"), "count-ineligible": ROWS.format("ineligible"),
            "count-not-applicable": "//ul[@id='not-applicable']/li[@data-measure]"}
TABLE_ROWS = " | ".join(ROWS.format(t) for t in ("eligible", "near-miss", "undetermined", "ineligible"))


def _id(doc, ident: str):
    found = doc.xpath(f"//*[@id='{ident}']")
    assert len(found) == 1, ident
    return found[0]


def _page(client, uscc=USCC_A):
    response = client.get(f"/enterprises/{uscc}")
    assert response.status_code == 200
    return html.fromstring(response.text)


def test_chips_count_the_rows_of_the_sections_they_link_to(seeded, clients):
    doc = _page(clients["ent_a"])
    shown = set()
    for chip_id, rows in SECTIONS.items():
        chip = _id(doc, chip_id)
        measures = [r.get("data-measure") for r in doc.xpath(rows)]
        assert int(chip.text_content()) == len(measures), chip_id
        target = chip.getparent().get("href")
        assert _id(doc, target.removeprefix("#")) is not None  # the chip links to its section
        assert not shown & set(measures)  # every result in one section only
        shown |= set(measures)
    report = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup").json()
    assert shown == {r["measure_id"] for r in report["results"]}


def test_measures_that_cannot_apply_are_folded_behind_a_count(seeded, clients):
    doc = _page(clients["ent_a"])
    report = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup").json()
    not_applicable = [r for r in report["results"] if r["status"] == "not_applicable"]
    assert not_applicable  # the seeds include 忻州 measures: not for a 朝阳区 firm
    folded = _id(doc, "sec-not-applicable")
    assert folded.tag == "details" and folded.get("open") is None
    assert folded.xpath("./summary")[0].text_content() == f"另有 {len(not_applicable)} 项不适用，展开"
    for row in folded.xpath(".//li[@data-measure]"):  # each says why (another district, another beneficiary)
        assert "：" in row.text_content() and row.text_content().split("：", 1)[1].strip()


def test_each_result_shows_its_reasons_beside_it(seeded, clients):
    doc = _page(clients["ent_a"])
    report = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup").json()
    outcome = {"eligible": True, "ineligible": False, "undetermined": None}
    by_id = {r["measure_id"]: r for r in report["results"]}
    rows = doc.xpath(TABLE_ROWS)
    assert rows
    with_reasons = 0
    for row in rows:
        result = by_id[row.get("data-measure")]
        expected = [x["text"] for x in result["reasons"] if x["outcome"] is outcome[result["status"]]]
        assert [li.text_content() for li in row.xpath(".//ul[@class='why small']/li")] == expected
        assert not row.xpath(".//*[@title]//ul")  # in the page, not a tooltip
        with_reasons += bool(expected)
    assert with_reasons >= len(rows) * 0.9


def test_yes_no_answers_start_at_please_choose(seeded, clients):
    doc = _page(clients["admin"])
    selects = doc.xpath("//form[contains(@class, 'fact-form')]//select[@name='value']")
    assert selects
    for select in selects:
        first = select.xpath("./option")[0]
        assert first.get("value") == "" and first.text_content() == "请选择" and select.get("required") is not None
        assert not [o for o in select.xpath("./option")[1:] if o.get("selected") is not None]


def test_a_supplied_fact_is_announced_with_what_changed(server, clients):
    add_example(server.app, OWN, "北京朝阳体检页测试机械有限公司")
    client = clients["admin"]
    token = client.headers["X-CSRF-Token"]
    doc = _page(client, OWN)
    before = int(_id(doc, "count-eligible").text_content())
    # a fact form posts to the result's anchor: without JS the new page opens where the user was
    forms = doc.xpath("//form[contains(@class, 'fact-form')]")
    assert forms and all(f.get("action").endswith("/facts#fact-result") for f in forms)
    response = client.post(f"/enterprises/{OWN}/facts", headers={"HX-Request": "true"},
                           data={"fact": "epidemic_control_commitment", "value": "true", "csrf_token": token})
    assert response.status_code == 200
    after = html.fromstring(response.text)
    notice = after.xpath("//*[@id='fact-result']/*[@id='fact-notice']")[0].text_content()
    gained = int(_id(after, "count-eligible").text_content()) - before
    assert gained >= 1 and f"+{gained} 项可享受" in notice, notice
    assert "epidemic_control_commitment" not in notice and re.search(r"已保存并重新体检（[^a-z]+）", notice)


def test_a_stored_profile_that_no_longer_validates_is_one_line_not_a_500(server, clients):
    """QA stored 10^20 人 through a form before numbers were bounded; every visit of the enterprise
    then failed with a 500. The page and the API now name the field in one Chinese line."""
    from sqlalchemy import delete, select, update

    from zhida.enterprises.tables import Enterprise

    bad = add_example(server.app, make_uscc("91110105MA0BADPRF"), "画像损坏测试企业")
    with server.app.state.store.transaction() as session:
        profile = session.scalar(select(Enterprise.profile_json).where(Enterprise.uscc == bad))
        figures = {**profile["figures"], "2021": {**profile["figures"]["2021"], "employees": 10**20}}
        session.execute(update(Enterprise).where(Enterprise.uscc == bad).values(profile_json={**profile, "figures": figures}))
    try:
        page = clients["admin"].get(f"/enterprises/{bad}")
        assert page.status_code == 422, page.text[:300]
        assert f"企业 {bad} 已存储的画像未通过校验（从业人员_2021“1e+20”不是整数）" in page.text
        api = clients["admin"].get(f"/api/v1/enterprises/{bad}/checkup")
        assert api.status_code == 422
        error = api.json()["error"]
        assert error["field"] == "profile" and "重新导入" in error["message"] and "2021" in error["message"]
    finally:  # the server is shared by the session: a batch over its store must not meet this profile
        with server.app.state.store.transaction() as session:
            session.execute(delete(Enterprise).where(Enterprise.uscc == bad))
