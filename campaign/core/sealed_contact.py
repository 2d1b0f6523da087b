"""A contact address kept on a row of one appeal (an endorsement's, an issuer's): sealed with
the appeal's data key (campaign.core.datakeys), so a shred of the key makes it unreadable,
beside a keyed hash of the lower-cased address for matching without unsealing."""

from __future__ import annotations

from typing import ClassVar

from campaign.core.datakeys import appeal_hash, seal, unseal


def sealed_contact_columns(
    appeal_id: int, email: str | None, seal_purpose: str, hash_purpose: str
) -> dict:
    """The stored columns (`sealed_contact_email`, `contact_key`) for a contact address."""
    email = (email or "").strip() or None
    if email is None:
        return {"sealed_contact_email": None, "contact_key": None}
    return {
        "sealed_contact_email": seal(appeal_id, seal_purpose, email),
        "contact_key": appeal_hash(appeal_id, hash_purpose, email.lower()),
    }


class SealedContactMixin:
    """`contact_email` read and written through the sealed columns. The model declares
    `appeal_id`, `appeal`, `sealed_contact_email` and `contact_key`, and names its purposes:
    a sealed value or hash made for one kind of row never opens or matches another's."""

    SEAL_PURPOSE: ClassVar[str]
    HASH_PURPOSE: ClassVar[str]

    def __init__(self, **values):
        contact = values.pop("contact_email", ...)
        super().__init__(**values)
        if contact is not ...:
            self.contact_email = contact

    @property
    def contact_email(self) -> str | None:
        return unseal(self.appeal_id, self.SEAL_PURPOSE, self.sealed_contact_email)

    @contact_email.setter
    def contact_email(self, value: str | None) -> None:
        if self.appeal_id is None and self.appeal is not None:
            self.appeal_id = self.appeal.id
        columns = sealed_contact_columns(
            self.appeal_id, value, self.SEAL_PURPOSE, self.HASH_PURPOSE
        )
        for key, stored in columns.items():
            setattr(self, key, stored)
