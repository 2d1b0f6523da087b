"""In Chromium with a Russian browser: the demo appeal reads in Russian, the visitor switches
to Kyrgyz with the switcher, signs, and the signing email arrives in Kyrgyz."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from campaign.appeals.demo import TRANSLATIONS
from campaign.mail.worker import drain
from tests.signatures.helpers import body

RU_TITLE, _RU_SUMMARY, RU_DEMANDS = TRANSLATIONS["ru"]
KY_TITLE, _KY_SUMMARY, KY_DEMANDS = TRANSLATIONS["ky"]


@pytest.mark.browser
def test_a_russian_reader_switches_to_kyrgyz_and_signs(
    browser, live_server, demo_appeal, smtp, db, artifacts_dir
):
    slug = demo_appeal.slug
    db.session.commit()  # hold no read transaction while the server thread writes
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    try:
        page.goto(live_server + "/")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.get_by_role("heading", level=2, name="Обращения")).to_be_visible()
        page.get_by_role("link", name=RU_TITLE).click()

        expect(page.get_by_role("heading", level=1)).to_have_text(RU_TITLE)
        expect(page.locator(".demands h2")).to_have_text("Требования")
        expect(page.locator(".demand-text")).to_have_text(list(RU_DEMANDS))
        expect(page.locator(".demand-status").first).to_have_text("Ожидает ответа")
        expect(page.locator(".progress-summary").first).to_have_text("Выполнено 0 из 4 требований")
        expect(page.locator(".translation-note")).to_contain_text("Это перевод обращения.")
        expect(page.locator(".translation-note a")).to_have_attribute(
            "href", f"/appeals/{slug}?lang=en"
        )
        expect(page.locator("header time").first).to_have_text("30 мая 2025 г.")
        page.screenshot(path=os.path.join(artifacts_dir, "i18n-demo-ru.png"), full_page=True)

        page.select_option("#lang-select", "ky")
        page.get_by_role("button", name="Сменить").click()
        expect(page.locator("html")).to_have_attribute("lang", "ky")
        expect(page.get_by_role("heading", level=1)).to_have_text(KY_TITLE)
        expect(page.locator(".demand-text")).to_have_text(list(KY_DEMANDS))
        expect(page.locator(".demands h2")).to_have_text("Талаптар")

        page.fill("#name", "Айгүл Бекова")
        page.fill("#email", "aigul@example.org")
        page.select_option("#country", "KG")
        page.click("#sign button[type=submit]")
        expect(page.get_by_text("Почтаңызды текшериңиз").first).to_be_visible()
        page.screenshot(path=os.path.join(artifacts_dir, "i18n-signed-ky.png"), full_page=True)
    finally:
        context.close()

    drain()
    [message] = smtp.wait_for(1)
    assert message["To"] == "aigul@example.org"
    assert message["Subject"] == f"Колуңузду тастыктаңыз: {KY_TITLE}"
    text = body(message)
    assert "Саламатсызбы, Айгүл Бекова!" in text
    assert "Колуңуз тастыкталгандан кийин гана эсептелет." in text
