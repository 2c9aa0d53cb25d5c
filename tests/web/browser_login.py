"""Signing in through the real login form, as every browser test starts."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import PASSWORD


def sign_in(page, url: str, username: str, *, lands_on: str | None = None):
    """Fill the login form at ``url``/login as ``username``; wait until the browser has left the
    login page (for ``lands_on``, until it is exactly there). Returns the page."""
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if lands_on is None:
        expect(page).not_to_have_url(url + "/login")
    else:
        expect(page).to_have_url(url + lands_on)
    return page
