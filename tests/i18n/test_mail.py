"""Emails go out in the language the person used when signing or endorsing."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.signatures.models import Signature
from tests.signatures.helpers import body, deliver, form


def test_a_kyrgyz_signer_gets_the_confirmation_in_kyrgyz(client, db, smtp, demo_appeal):
    client.post("/language", data={"lang": "ky", "next": "/"})
    # The demo appeal is at risk: it asks for no city.
    response = client.post(f"/appeals/{demo_appeal.slug}/sign", data=form(city=""))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Signature.language)) == "ky"

    [message] = deliver(smtp, 1)
    assert message["Subject"] == (
        "Колуңузду тастыктаңыз: Kloop жана анын кызматкерлерине кысымды токтоткула"
    )
    text = body(message)
    assert "Саламатсызбы, Aida Bekova!" in text
    assert "Колуңуз тастыкталгандан кийин гана эсептелет." in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Kloop жана анын кызматкерлерине кысымды токтоткула" in html


def test_the_language_is_the_signers_not_the_next_visitors(client, db, smtp, make_appeal):
    appeal = make_appeal(title="Free the journalists")
    client.post(
        f"/appeals/{appeal.slug}/sign", data=form(), headers={"Accept-Language": "ru-RU,ru"}
    )
    [message] = deliver(smtp, 1)
    # No Russian translation of this appeal: its original title, in a Russian sentence.
    assert message["Subject"] == "Пожалуйста, подтвердите подпись: Free the journalists"


def test_an_organization_endorsing_in_russian_is_written_to_in_russian(
    client, db, smtp, demo_appeal
):
    data = {
        "organization_name": "Kloop Media",
        "kind": "media",
        "country": "KG",
        "website": "",
        "signatory_name": "Aida Bekova",
        "signatory_role": "Editor",
        "contact_email": "aida@kloop.example",
        "comment": "",
        "homepage": "",
    }
    response = client.post(
        f"/appeals/{demo_appeal.slug}/endorse", data=data, headers={"Accept-Language": "ru"}
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    [message] = deliver(smtp, 1)
    assert "Подтвердите поддержку «Прекратить давление на Kloop" in message["Subject"]
