"""Sample data for the layout walk (tests/test_layout_browser.py): the demo appeal with what
makes pages long and wide (endorsers with and without a logo, responses with a document, status
changes, an update, signers, a delivery, a message from an authority) and the mailed links'
tokens, so every page in the URL map has something to show."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from campaign.appeals.issuers import IssuerInput, link_payload, set_issuers
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.security import make_token
from campaign.endorsements.inputs import EndorsementInput
from campaign.endorsements.models import Endorsement
from campaign.endorsements.services import add_endorsement_by_campaigner, submit_endorsement
from campaign.paper.services import correct_paper_batch, record_paper_batch
from campaign.responses import mailshots
from campaign.responses.services import (
    change_demand_status,
    draft_update,
    post_update,
    record_response,
)
from campaign.signatures.counting import bump_signature_count
from campaign.signatures.models import Signature
from campaign.signatures.rollup import record_signature
from tests.factories import make_user, markdown

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: A long unbroken word, as people paste them (an address, a hashtag): it must wrap, not widen.
LONG_WORD = "https://example.org/" + "very-long-path-segment-without-spaces" * 3


def build_sample(demo_appeal) -> dict:
    """The values the URL templates of the walk take; commits."""
    appeal = demo_appeal
    authority = appeal.demands[0].targets[0].authority
    for name in (
        "Общественное объединение «Правозащитное движение Бир Дуйно Кыргызстан»",
        "Media Policy Institute",
    ):
        add_endorsement_by_campaigner(
            None, appeal, EndorsementInput(organization_name=name, signatory_name="A. Person",
                                           comment=f"We support this. {LONG_WORD}")
        )  # fmt: skip
    submit_endorsement(
        appeal,
        EndorsementInput(
            organization_name="Waiting Organization",
            signatory_name="B. Person",
            contact_email="b.person@example.org",
        ),
        address="127.0.0.1",
    )
    response = record_response(
        None,
        appeal,
        authority=authority,
        occurred_on=dt.date.today(),
        kind="official_letter",
        summary=f"The committee answered that it acts within the law. {LONG_WORD}",
        source_url=LONG_WORD,
        document=PDF,
        demands=[appeal.demands[0]],
    )
    change_demand_status(
        None, appeal.demands[1].targets[0], "met", note="The summons were withdrawn."
    )
    update = post_update(None, appeal, "The appeal was delivered", markdown(f"News. {LONG_WORD}"))
    mailing = mailshots.start_update_mailing(None, update)
    draft = draft_update(None, appeal, f"Next steps {LONG_WORD}", markdown(f"Soon. {LONG_WORD}"))
    signatures = []
    for number, (name, country) in enumerate(
        [("Aida Bekova", "KG"), ("Нурлан Асанов", "KG"), ("Jane Doe", "DE")]
    ):
        signature = Signature(
            appeal_id=appeal.id, name=name, email=f"s{number}@example.org",
            email_key=f"s{number}@example.org", country=country, state="confirmed",
            confirmed_at=utcnow() - dt.timedelta(days=number), wants_updates=True, public_name=True,
        )  # fmt: skip
        db.session.add(signature)
        signatures.append(signature)
    db.session.flush()
    for signature in signatures:
        record_signature(signature, 1)  # the growth chart's rows
    bump_signature_count(appeal.id, 1234)
    batch = record_paper_batch(
        None, appeal, count=350, collected_by=f"Volunteers of the platform {LONG_WORD}",
        place="Naryn region", collected_from=dt.date.today() - dt.timedelta(days=3),
        collected_to=dt.date.today() - dt.timedelta(days=1), scan=PDF,
    )  # fmt: skip
    correct_paper_batch(None, batch, count=340, reason=f"Ten lines were repeated. {LONG_WORD}")
    db.session.commit()
    submitted = db.session.execute(
        sa.select(Endorsement).where(Endorsement.appeal_id == appeal.id)
    ).scalars()
    endorsement = next(e for e in submitted if e.organization.name == "Waiting Organization")
    signature = signatures[0]
    issuer = _co_issuer(appeal)
    return {
        "slug": appeal.slug,
        "authority": authority.slug,
        "organization": endorsement.organization.slug,
        "update": update.id,
        "draft_update": draft.id,
        "mailing": mailing.id,
        "document": response.document,
        "demand": appeal.demands[0].id,
        "endorsement": endorsement.id,
        "user": make_user("admin", email="walker@example.org").id,
        "confirm": make_token("signature-confirm", signature.id),
        "withdraw": make_token("signature-withdraw", signature.id),
        "my_data": make_token("signature-data", signature.id),
        "unsubscribe": make_token("unsubscribe", {"a": appeal.id, "t": "s", "i": signature.id}),
        "endorsement_confirm": make_token(
            "endorsement-confirm", {"e": endorsement.id, "m": _address_check(endorsement)}
        ),
        "endorsement_withdraw": make_token("endorsement-withdraw", {"e": endorsement.id}),
        "issuer_approval": make_token("issuer-approval", link_payload(issuer)),
    }


def _co_issuer(appeal):
    """A second issuer, with a long name and a contact (its approval page), beside the demo's."""
    from campaign.endorsements.organizations import get_or_create_organization

    kept = [IssuerInput(org) for org in appeal.issuer_organizations]
    partner = get_or_create_organization("Общественный фонд «Институт медиа полиси» Кыргызстана")
    set_issuers(appeal, [*kept, IssuerInput(partner, "partner@example.org")])
    db.session.commit()
    return appeal.issuers[-1]


def _address_check(endorsement):
    from campaign.endorsements.queries import address_check

    return address_check(endorsement)
