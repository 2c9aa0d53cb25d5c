"""免申即享 at a browser (Playwright + Debian chromium): the unit reviews a list, excludes one
enterprise with a reason and confirms the rest in bulk; the enterprise sees its money on 我的兑现,
confirms its receiving account and sees the expected date; the unit pays; the enterprise sees
已拨付到账 and its inbox has each step. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from playwright.sync_api import expect, sync_playwright

from zhida.payouts import exempt
from zhida.payouts.ledger import Approver

from .browser_login import sign_in
from .conftest import USCC_A, make_uscc
from .test_browser_flows import ARGS, CHROMIUM, SHOTS

OTHER = make_uscc("91140902MA04XHCW2")
THIRD = make_uscc("91140902MA05AQDF3")


@pytest.fixture(scope="module")
def listing(server, tmp_path_factory):
    rows = [(USCC_A, "甲企业", "12345.67"), (OTHER, "乙企业", "1000.00"), (THIRD, "丙企业", "2000.00")]
    path = tmp_path_factory.mktemp("exempt-browser") / "facts.parquet"
    pq.write_table(pa.table({
        "uscc": [r[0] for r in rows], "name": [r[1] for r in rows], "region_code": ["140902"] * 3,
        "entity_type": ["enterprise"] * 3, "industry_code": ["3411"] * 3,
        "employees": pa.array([40] * 3, pa.int64()),
        "revenue": pa.array([Decimal("9000000")] * 3, pa.decimal128(20, 2)),
        "unemployment_insurance_paid_last_year": pa.array([Decimal(r[2]) for r in rows], pa.decimal128(20, 2))}), path)
    return server.app.state.store.retrying(lambda s: exempt.build(
        s, measure_id="xz2022.stable-employment-refund-sme", year=2024, as_of=date(2024, 6, 30),
        actor=Approver("人社局经办"), input_path=path).id)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "chromium is not installed: apt-get install -y chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _tab(browser, server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.external = []
    tab.on("request", lambda r: tab.external.append(r.url) if not r.url.startswith(server.url) else None)
    return sign_in(tab, server.url, username)


def test_exempt_list_from_review_to_money_received(server, browser, listing):
    staff = _tab(browser, server, "staff_units")
    staff.goto(server.url + "/payouts/exempt")
    staff.locator(f"tr[data-list='{listing}'] a").click()
    expect(staff.locator("h1")).to_contain_text(f"免申即享名单 #{listing}")
    row = staff.locator(f"tr[data-uscc='{OTHER}']")
    row.get_by_role("checkbox").check()
    row.get_by_role("textbox").fill("企业已迁出本市")
    staff.screenshot(path=SHOTS / "40-exempt-review.png", full_page=True)
    staff.get_by_role("button", name="确认名单").click()
    expect(staff.locator("#done")).to_contain_text("2 家确认，1 家排除")
    expect(staff.locator(f"tr[data-uscc='{OTHER}']")).to_contain_text("企业已迁出本市")
    expect(staff.locator(f"tr[data-uscc='{USCC_A}']")).to_contain_text("单位已确认（待企业意愿确认）")

    ent = _tab(browser, server, "ent_a")
    ent.goto(server.url + "/my/payouts")
    waiting = ent.locator("tr[data-state='confirmed']")
    expect(waiting).to_contain_text("11,111.10 元")  # 12345.67 × 90% = 11111.103 → to the fen
    waiting.get_by_label("收款户名").fill("甲企业")
    waiting.get_by_label("开户银行").fill("工商银行忻州分行")
    waiting.get_by_label("银行账号").fill("abc")
    waiting.get_by_role("button", name="确认领取并提交收款账户").click()
    expect(ent.locator(".form-error")).to_contain_text("银行账号须为8至32位数字")
    waiting = ent.locator("tr[data-state='confirmed']")
    waiting.get_by_label("收款户名").fill("甲企业")
    waiting.get_by_label("开户银行").fill("工商银行忻州分行")
    waiting.get_by_label("银行账号").fill("6222 0000 1234 5678")
    waiting.get_by_role("button", name="确认领取并提交收款账户").click()
    expect(ent.locator("p.notice")).to_contain_text("已确认收款信息")
    row = ent.locator("tr[data-state='willing']")
    expect(row).to_contain_text("已核准，等待拨付")
    expected = row.locator("td").nth(5).inner_text()
    assert date.fromisoformat(expected) > date.today()  # pay_within working days after the confirmation
    ent.screenshot(path=SHOTS / "41-my-payouts-expected.png", full_page=True)

    staff.locator("input[name=reference]").fill("国库2026-07")
    staff.get_by_role("button", name="拨付已确认收款信息的企业").click()
    expect(staff.locator("#done")).to_contain_text("已拨付 1 家")
    ent.reload()
    expect(ent.locator("tr[data-state='paid']").first).to_contain_text("已拨付到账")
    ent.goto(server.url + "/inbox")
    expect(ent.locator("body")).to_contain_text("资金已拨付")
    expect(ent.locator("body")).to_contain_text("免申即享")
    ent.screenshot(path=SHOTS / "42-inbox.png", full_page=True)
    assert staff.external == [] and ent.external == []
