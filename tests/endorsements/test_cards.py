"""An endorser's card: without a logo, a tidy box with the name's initials holds the logo's
place, so the name keeps its own column instead of wrapping one word per line."""

from __future__ import annotations

import re

from campaign.endorsements.inputs import EndorsementInput
from campaign.endorsements.services import add_endorsement_by_campaigner


def _cards(html: str) -> list[str]:
    return re.findall(r'<li class="endorser">(.*?)</li>', html, re.S)


def test_an_endorser_without_a_logo_gets_its_initials_in_a_box(app, client, db, demo_appeal):
    with app.test_request_context():
        for name in ("Media Policy Institute", "Бир Дуйно", "Kloop"):
            add_endorsement_by_campaigner(
                None, demo_appeal, EndorsementInput(organization_name=name, signatory_name="A")
            )
    db.session.commit()
    html = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    placeholders = {
        re.search(r'class="org-name"[^>]*>([^<]*)<', card).group(1): re.search(
            r'<span class="logo logo-placeholder" aria-hidden="true">([^<]*)</span>', card
        ).group(1)
        for card in _cards(html)
    }
    assert placeholders == {"Media Policy Institute": "MP", "Бир Дуйно": "БД", "Kloop": "K"}
    with client.get("/static/css/endorsements.css") as response:
        css = response.get_data(as_text=True)
    assert ".endorser .org-name, .endorser .verified { grid-column: 2;" in css
