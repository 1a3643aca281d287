"""A newcomer signs up, confirms the address, asks to join an organisation found in another script, staff
approve, and the newcomer reads the notice; then takes part in a matchmaking session, from registration
to an outcome that starts a draft agreement (``take_part``): in each language, at 1280 and 375 px."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "harbour-lights-917"
WORDS = {
    "en": {"sent": "Check your e-mail", "join": "Join your organisation", "approved": "now acts for"},
    "zh-hant": {"sent": "請查看電郵", "join": "加入你的機構", "approved": "現在代表"},
    "zh-hans": {"sent": "请查看电子邮件", "join": "加入你的机构", "approved": "现在代表"},
}


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_sign_up_join_and_approval(flow, take_part, lang):
    page, words = flow.page, WORDS[lang]
    email = f"newcomer-{lang}@example.com"
    mail.outbox.clear()

    flow.open(f"/{lang}/accounts/sign-up/")
    page.fill("#id_full_name", "Dana Lee")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    flow.step(f"{lang}-sign-up")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == words["sent"]
    flow.step(f"{lang}-sent")

    [message] = [m for m in mail.outbox if m.to == [email]]
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    flow.open(link)
    assert page.url.endswith(f"/{lang}/join/")
    assert page.locator("h1").inner_text() == words["join"]
    assert page.locator("header .who").inner_text() == email

    # Found in Traditional characters whatever the page's script.
    page.fill("#join-q", "華魯")
    with page.expect_navigation():
        page.click("main form[role=search] button")
    with page.expect_navigation():
        page.click("a[href='?organisation=hualu-holdings']")
    page.fill("#id_role_in_organisation", "Partnerships manager")
    page.fill("#id_message", "I run partnerships with Hong Kong.")
    flow.step(f"{lang}-claim")
    with page.expect_navigation():
        page.click("main form.narrow button[type=submit] >> nth=-1")
    assert page.locator("ul.messages li.success").count() == 1
    flow.step(f"{lang}-requested")

    page.context.clear_cookies()
    flow.login("alice")
    flow.open(f"/{lang}/join/requests/")
    row = page.locator("tr", has_text=email)
    row.locator("input[name=note]").fill("Welcome aboard")
    flow.step(f"{lang}-staff-review")
    with page.expect_navigation():
        row.locator("button[value=approve]").click()
    assert words["approved"] in page.locator("ul.messages li.success").inner_text()

    page.context.clear_cookies()
    flow.open(f"/{lang}/accounts/login/")
    page.fill("#id_username", email.upper())
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("header .bell .badge").inner_text() == "1"
    with page.expect_navigation():
        page.click("header .bell")
    assert page.locator("main ul.results li").first.locator("div").last.inner_text() == "Welcome aboard"
    flow.step(f"{lang}-notice")

    def sign_in() -> None:
        flow.open(f"/{lang}/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")

    take_part(flow, lang, sign_in, "hualu-holdings")
