"""The addresses a delivery email carries, and reading them back from inbound mail.

- Reply-To `reply+<appeal id>-<authority id>-<tag>@REPLY_TO_DOMAIN`: one per appeal and
  authority, so a reply files itself under the right target even years later.
- Return-Path (envelope sender) `bounce+<delivery id>-<tag>@REPLY_TO_DOMAIN`: one per delivery,
  so a delivery status notification marks the right delivery.

The tag is a keyed hash (campaign.core.security.keyed_hash) of what the address names, so a
sender cannot forge an address for another appeal or authority by changing the numbers."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from flask import current_app

from campaign.core.security import keyed_hash

TAG_LENGTH = 16
_ADDRESS = re.compile(
    r"^(?P<kind>reply|bounce)\+(?P<ids>\d{1,18}(?:-\d{1,18})?)-(?P<tag>[0-9a-f]{16})@(?P<domain>.+)$"
)


@dataclass(frozen=True)
class ReplyAddress:
    appeal_id: int
    authority_id: int


@dataclass(frozen=True)
class BounceAddress:
    delivery_id: int


class NoReplyDomain(RuntimeError):
    """REPLY_TO_DOMAIN is not set: delivery emails cannot carry their reply addresses."""


def reply_domain() -> str:
    domain = (current_app.config.get("REPLY_TO_DOMAIN") or "").strip().lower()
    if not domain:
        raise NoReplyDomain("Set REPLY_TO_DOMAIN to deliver appeals by email.")
    return domain


def _tag(kind: str, ids: str) -> str:
    return keyed_hash(f"{kind}:{ids}", purpose="delivery-address")[:TAG_LENGTH]


def reply_address(appeal_id: int, authority_id: int) -> str:
    ids = f"{appeal_id}-{authority_id}"
    return f"reply+{ids}-{_tag('reply', ids)}@{reply_domain()}"


def bounce_address(delivery_id: int) -> str:
    ids = str(delivery_id)
    return f"bounce+{ids}-{_tag('bounce', ids)}@{reply_domain()}"


def parse_address(address: str) -> ReplyAddress | BounceAddress | None:
    """What one recipient address names, or None when it is not one of ours (wrong shape,
    wrong domain or a forged tag)."""
    match = _ADDRESS.match((address or "").strip().strip("<>").lower())
    if not match or match["domain"] != (current_app.config.get("REPLY_TO_DOMAIN") or "").lower():
        return None
    kind, ids = match["kind"], match["ids"]
    if not hmac.compare_digest(match["tag"], _tag(kind, ids)):
        return None
    numbers = [int(n) for n in ids.split("-")]
    if kind == "reply" and len(numbers) == 2:
        return ReplyAddress(*numbers)
    if kind == "bounce" and len(numbers) == 1:
        return BounceAddress(numbers[0])
    return None
