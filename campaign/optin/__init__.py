"""Double opt-in, one kit for signers and endorsers: a submission is stored pending, and a
mailed link confirms it. What both areas share lives here, so they cannot drift apart:

- `NotAccepting` / `require_accepting`: the one rule for an appeal that takes no more
  signatures or endorsements, and its one error;
- `mail.py`: the confirmation mail capped by one atomic UPDATE, and the links in opt-in mail,
  whose tokens are signed when the worker sends the mail and read back by purpose;
- `addresses.py`: the one normalizer of the address a confirmation goes to;
- `abuse.py`: the abuse rules (a submission that trips one is flagged, never refused).

Countries are in campaign.core.countries (dashboards and the API name them too)."""

from __future__ import annotations


class NotAccepting(Exception):
    """The appeal takes no signatures or endorsements now (closed, archived, past its
    closing time)."""


def require_accepting(appeal) -> None:
    """NotAccepting unless `appeal` (an Appeal, or the AppealFacts signing reads) is open."""
    if not appeal.accepts_signatures:
        raise NotAccepting(appeal.slug)
