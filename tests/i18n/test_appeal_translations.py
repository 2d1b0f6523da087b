"""Campaigners translate an appeal in /admin; visitors read their language when it exists,
with a note and a link to the original. Demands keep their identity and status."""

from __future__ import annotations

import re

import sqlalchemy as sa

from campaign.appeals.models import AppealTranslation, DemandTranslation
from campaign.appeals.translations import localized
from campaign.audit.models import AuditEntry
from campaign.responses.services import change_demand_status

KY = {
    "title": "Журналисттерди бошоткула",
    "summary": "Кыскача мазмуну.",
    "body": "Кайрылуунун **тексти**.",
}
KY_DEMANDS = ["Биринчи талап", "Экинчи талап", "Үчүнчү талап"]


def _form(appeal, texts=KY_DEMANDS, **fields) -> dict:
    data = {**KY, **fields}
    for demand, text in zip(appeal.demands, texts, strict=False):
        data[f"demand_{demand.id}"] = text
    return data


def _translate(client, appeal, language="ky", **kw):
    return client.post(
        f"/admin/appeals/{appeal.slug}/translations/{language}", data=_form(appeal, **kw)
    )


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_editor_translates_and_a_kyrgyz_reader_sees_it(client, db, login, make_appeal):
    appeal = make_appeal(title="Free the journalists", demands=["First", "Second", "Third"])
    login("editor")
    listing = client.get(f"/admin/appeals/{appeal.slug}/translations").get_data(as_text=True)
    assert "Кыргызча" in listing and "Русский" in listing and "Not translated" in listing
    response = _translate(client, appeal)
    assert response.status_code == 302
    assert "Журналисттерди бошоткула" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    client.post("/admin/logout")

    page = client.get(f"/appeals/{appeal.slug}", headers={"Accept-Language": "ky"})
    text = page.get_data(as_text=True)
    assert '<h1 lang="ky">Журналисттерди бошоткула</h1>' in text
    assert "Кайрылуунун <strong>тексти</strong>" in text
    demands = re.findall(r'<p class="demand-text" lang="ky">(.*?)</p>', text)
    assert demands == KY_DEMANDS  # in the demands' order
    assert "Бул кайрылуунун котормосу." in text
    assert f'href="/appeals/{appeal.slug}?lang=en"' in text

    original = client.get(f"/appeals/{appeal.slug}?lang=en", headers={"Accept-Language": "ky"})
    original_text = original.get_data(as_text=True)
    assert '<h1 lang="en">Free the journalists</h1>' in original_text
    assert f'href="/appeals/{appeal.slug}?lang=ky"' in original_text  # "Also available in"

    # Readers of a language without a translation get the original.
    russian = client.get(f"/appeals/{appeal.slug}", headers={"Accept-Language": "ru"})
    assert '<h1 lang="en">Free the journalists</h1>' in russian.get_data(as_text=True)
    assert "Это перевод" not in russian.get_data(as_text=True)


def test_demands_keep_identity_and_status_across_languages(db, make_appeal, make_user):
    appeal = make_appeal(demands=["First", "Second"])
    editor = make_user("editor")
    from campaign.appeals.translations import save_translation

    save_translation(
        editor, appeal, "ru", title="Заголовок",
        demands={appeal.demands[0].id: "Первое", appeal.demands[1].id: "Второе"},
    )  # fmt: skip
    target = appeal.demands[1].targets[0]
    change_demand_status(editor, target, "met", note="Done")
    db.session.commit()

    russian, english = localized(appeal, "ru"), localized(appeal, "en")
    assert russian.is_translation and not english.is_translation
    assert [russian.demand(d) for d in appeal.demands] == ["Первое", "Второе"]
    assert [english.demand(d) for d in appeal.demands] == ["First", "Second"]
    assert set(russian.demand_texts) == set(english.demand_texts) == {d.id for d in appeal.demands}
    assert appeal.demands[1].targets[0].status == "met"


def test_a_translation_missing_a_demand_is_refused_naming_it(client, db, login, make_appeal):
    appeal = make_appeal(demands=["Release the reporters", "Return their equipment"])
    login("editor")
    response = _translate(client, appeal, texts=["Кабарчыларды бошотуу", "  "])
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "2-талап" not in text  # the interface is English here
    assert "Demand 2 (“Return their equipment”) has no translation." in text
    assert _count(db, AppealTranslation) == 0 and _count(db, DemandTranslation) == 0

    missing_title = _translate(client, appeal, title="", texts=["А", "Б"])
    assert missing_title.status_code == 400
    assert "The translated title is required." in missing_title.get_data(as_text=True)
    assert _count(db, AppealTranslation) == 0


def test_editing_and_removing_a_translation(client, db, login, make_appeal):
    appeal = make_appeal(demands=["One"])
    login("editor")
    assert _translate(client, appeal, "ru", title="Первый", texts=["Одно"]).status_code == 302
    form = client.get(f"/admin/appeals/{appeal.slug}/translations/ru").get_data(as_text=True)
    assert 'value="Первый"' in form and "Одно</textarea>" in form
    db.session.expire_all()
    version = appeal.updated_at
    assert _translate(client, appeal, "ru", title="Второй", texts=["Одно!"]).status_code == 302
    db.session.expire_all()
    assert appeal.updated_at > version  # page caches keyed on the appeal's version renew
    assert localized(appeal, "ru").title == "Второй"
    assert _count(db, AppealTranslation) == 1

    removed = client.post(f"/admin/appeals/{appeal.slug}/translations/ru/remove")
    assert removed.status_code == 302
    assert _count(db, AppealTranslation) == 0 and _count(db, DemandTranslation) == 0
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == [
        "appeal.translation_add",
        "appeal.translation_edit",
        "appeal.translation_remove",
    ]
    assert client.post(f"/admin/appeals/{appeal.slug}/translations/ru/remove").status_code == 404


def test_only_editors_translate_and_only_into_other_site_languages(client, db, login, make_appeal):
    appeal = make_appeal()
    login("moderator")
    assert client.get(f"/admin/appeals/{appeal.slug}/translations").status_code == 403
    assert _translate(client, appeal).status_code == 403
    client.post("/admin/logout")
    login("editor")
    assert client.get(f"/admin/appeals/{appeal.slug}/translations/en").status_code == 404
    assert client.get(f"/admin/appeals/{appeal.slug}/translations/xx").status_code == 404
    assert _count(db, AppealTranslation) == 0


def test_the_embed_and_the_meta_tags_use_the_translation(client, db, login, make_appeal):
    appeal = make_appeal(title="Free the journalists", demands=["First", "Second", "Third"])
    login("editor")
    _translate(client, appeal)
    client.post("/admin/logout")
    embed = client.get(f"/appeals/{appeal.slug}/embed", headers={"Accept-Language": "ky"})
    assert "Журналисттерди бошоткула" in embed.get_data(as_text=True)
    assert "Экинчи талап" in embed.get_data(as_text=True)
    page = client.get(f"/appeals/{appeal.slug}", headers={"Accept-Language": "ky"})
    assert 'property="og:title" content="Журналисттерди бошоткула"' in page.get_data(as_text=True)
    home = client.get("/", headers={"Accept-Language": "ky"}).get_data(as_text=True)
    assert "Журналисттерди бошоткула" in home and "Free the journalists" not in home
