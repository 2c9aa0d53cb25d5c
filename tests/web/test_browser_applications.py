"""政策兑现 at a browser (Playwright + Debian chromium, headless), three people in three browser
contexts: the enterprise applies from its checkup (申请兑现 beside the eligible measure), attaches
its materials, declares and submits; the 市工信局 reviewer accepts and asks for a correction with a
deadline; the enterprise corrects and resubmits; the reviewer approves and starts publicity; the
clock (injected: the tick with a later ``now``) ends the 5 working days of publicity; the 市财政局
payer records the payment; the enterprise sees 已兑现, its inbox holds each step, and the e-mails
of the steps arrive at a real local SMTP server (aiosmtpd). Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from sqlalchemy import update

from zhida.payouts.applications import service
from zhida.web.tables import User

from .application_seed import MEASURE, applicant
from .conftest import PASSWORD
from .test_browser import ARGS, CHROMIUM, SHOTS

from notify.test_mailer import smtp  # noqa: E402,F401 - the notify tests' local SMTP server (tests/ is on sys.path)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ADDRESS = "caiwu@xinzhou-zhuangbei.example.cn"


def login(browser, server, username: str):
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(60_000)
    page.goto(server.url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()
    return page


def attach_all(page, tmp_path: Path, label: str) -> None:
    rows = page.locator("#materials tr[data-material]")
    for i in range(rows.count()):
        row = page.locator("#materials tr[data-material]").nth(i)
        if row.locator("a[href*='/files/']").count():
            continue
        file = tmp_path / f"{label}-{i}.pdf"
        file.write_bytes(PDF)
        row.locator("input[type=file]").set_input_files(str(file))
        row.get_by_role("button", name="上传").click()
        expect(page.locator("#page-notice")).to_have_text("已上传附件")


def act(page, transition: str, **fields) -> None:
    form = page.locator(f"form[data-transition='{transition}']")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()


def test_apply_correct_approve_publicise_pay_and_follow(server, smtp, tmp_path):
    assert Path(CHROMIUM).exists(), "chromium is not installed: apt-get install -y chromium"
    uscc = applicant(server.app, "xz_browser", "91140902MA0BRWX80", "浏览器",
                     gxj_browser={"units": ["市工信局"]}, czj_browser={"units": ["市财政局"]})
    with server.app.state.store.transaction() as session:
        session.execute(update(User).where(User.username == "xz_browser").values(email=ADDRESS))
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        ent = login(browser, server, "xz_browser")
        # the checkup: 申请兑现 beside the eligible measure
        ent.goto(f"{server.url}/enterprises/{uscc}")
        row = ent.locator(f"#eligible tr[data-measure='{MEASURE}']")
        row.get_by_role("link", name="申请兑现").click()
        expect(ent.locator("#preview-amount")).to_have_text("28.00 万元")
        expect(ent.locator("#preview-unit")).to_contain_text("市工信局（市级）")
        ent.get_by_role("button", name="创建申请草稿").click()
        expect(ent.locator("#state-label")).to_have_text("草稿")
        application_id = int(re.search(r"/applications/(\d+)", ent.url).group(1))
        attach_all(ent, tmp_path, "first")
        ent.locator("#declared").check()
        ent.get_by_role("button", name="保存承诺").click()
        act(ent, "submit")
        expect(ent.locator("#state-label")).to_have_text("已提交")
        expect(ent.locator("#due-day")).to_be_visible()
        expect(ent.locator("#next-step")).to_contain_text("市工信局受理")
        ent.screenshot(path=SHOTS / "60-application-submitted.png", full_page=True)

        # the reviewer: the queue, accept, ask for a correction with a deadline
        reviewer = login(browser, server, "gxj_browser")
        reviewer.goto(server.url + "/applications")
        expect(reviewer.locator(f"#measure-figures tr[data-measure='{MEASURE}']")).to_be_visible()
        reviewer.locator(f"#applications tr[data-id='{application_id}'] a").click()
        act(reviewer, "accept")
        expect(reviewer.locator("#state-label")).to_have_text("审核中")
        deadline = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
        act(reviewer, "request_correction", reason="请补充首台套装备购置发票", deadline=deadline)
        expect(reviewer.locator("#state-label")).to_have_text("补正")
        reviewer.screenshot(path=SHOTS / "61-application-correction.png", full_page=True)

        # the enterprise sees why and by when, corrects and resubmits
        ent.reload()
        expect(ent.locator("#state-label")).to_have_text("补正")
        expect(ent.locator("#history")).to_contain_text("请补充首台套装备购置发票")
        ent.locator("#materials form[action$='/delete'] button").first.click()
        expect(ent.locator("#page-notice")).to_have_text("已删除附件")
        attach_all(ent, tmp_path, "corrected")
        act(ent, "resubmit")
        expect(ent.locator("#state-label")).to_have_text("审核中")

        # the reviewer approves (the rule's amount; more would be refused) and starts publicity
        reviewer.reload()
        act(reviewer, "approve", amount="280000.01")
        expect(reviewer.locator("#page-error")).to_contain_text("不能多于规则")
        reviewer.reload()
        act(reviewer, "approve")
        expect(reviewer.locator("#state-label")).to_have_text("审核通过")
        act(reviewer, "publish")
        expect(reviewer.locator("#state-label")).to_have_text("公示")

        # the clock, injected: publicity ends after 5 working days, not before
        with server.app.state.store.transaction() as session:
            assert service.tick(session, datetime.now(UTC) + timedelta(hours=1)).fired == []
        with server.app.state.store.transaction() as session:
            fired = service.tick(session, datetime.now(UTC) + timedelta(days=21)).fired
            assert [int(c.subject_id) for c, _ in fired] == [application_id]

        payer = login(browser, server, "czj_browser")
        payer.goto(f"{server.url}/applications/{application_id}")
        expect(payer.locator("#state-label")).to_have_text("拨付")
        act(payer, "pay", reference="忻财拨〔2026〕8号")
        expect(payer.locator("#state-label")).to_have_text("已兑现")

        # the enterprise follows its money to the end, and its inbox has every step
        ent.goto(f"{server.url}/applications/{application_id}")
        expect(ent.locator("#state-label")).to_have_text("已兑现")
        expect(ent.locator("#approved-amount")).to_contain_text("28.00 万元")
        expect(ent.locator("#paid-at")).to_contain_text("忻财拨〔2026〕8号")
        steps = ent.locator("#history li strong").all_inner_texts()
        assert steps == ["创建申请", "提交申请", "受理", "要求补正", "补正后重新提交", "审核通过", "开始公示", "公示期满",
                         "拨付到账"]
        ent.screenshot(path=SHOTS / "62-application-paid.png", full_page=True)
        ent.goto(server.url + "/inbox")  # zhida.notify's inbox: every step told, newest first
        inbox = ent.locator("main").inner_text()
        for label in ("提交申请", "受理", "要求补正", "补正后重新提交", "审核通过", "开始公示", "公示期满", "拨付到账"):
            assert f"首台套重大技术装备首购首用补贴：{label}" in inbox, label
        ent.screenshot(path=SHOTS / "63-application-inbox.png", full_page=True)
        browser.close()

    from zhida import notify
    from zhida.notify import mailer

    with server.app.state.store.transaction() as session:
        reader = notify.reader_of(session, session.query(User.id).filter(User.username == "xz_browser").scalar())
        titles = [item.title for item in notify.inbox(session, reader)[1]]
    assert sum("首台套" in t for t in titles) == 8, titles
    controller, box = smtp
    report = mailer.send_due(server.app.state.store, now=datetime.now(UTC) + timedelta(days=30),
                             settings={"host": "127.0.0.1", "port": controller.port, "user": None, "password": None,
                                       "sender": "政策直达 <noreply@zhida.example.cn>", "starttls": False})
    assert report.claimed >= 1, report
    received = [email.message_from_bytes(content, policy=policy.default) for _, _, content in box.received]
    subjects = [m["Subject"] for m in received if m["To"] == ADDRESS]
    assert any("拨付到账" in s for s in subjects) and any("要求补正" in s for s in subjects), subjects
    paid = next(m for m in received if "拨付到账" in m["Subject"])
    assert f"/applications/{application_id}" in paid.get_body(preferencelist=("plain",)).get_content()
