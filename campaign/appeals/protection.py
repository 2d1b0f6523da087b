"""What an appeal's protection level means, in one place: pages, the API, signing, the
figures and `privacy purge` ask here.

- `standard`: a signer's name is shown unless they sign anonymously; recent signers are
  listed; a city may be given; countries with fewer than 10 signers are "other" in public
  figures; personal data is kept DATA_RETENTION_DAYS after closing.
- `at_risk` (appeals against the state, whose signers may be summoned for it): a name is shown
  only when the signer ticks a box that is never pre-ticked; no public list of signers
  anywhere; no city is taken; countries with fewer than AT_RISK_COUNTRY_MIN_SIGNATURES
  signers are "other"; personal data is kept AT_RISK_RETENTION_DAYS after closing (30 by
  default) unless the appeal sets its own retention_days."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.appeals.models import PROTECTION_LEVELS

#: Countries under this many signers are folded into "other" on a standard appeal's figures.
STANDARD_COUNTRY_MINIMUM = 10
#: The longest retention an appeal may set (ten years).
MAX_RETENTION_DAYS = 3650


def is_at_risk(protection: str | None) -> bool:
    return protection == "at_risk"


def retention_days(appeal) -> int:
    """Days after closing before the appeal's signers' personal data is erased."""
    if appeal.retention_days is not None:
        return appeal.retention_days
    if is_at_risk(appeal.protection):
        return int(current_app.config["AT_RISK_RETENTION_DAYS"])
    return int(current_app.config["DATA_RETENTION_DAYS"])


def country_minimum(appeal) -> int:
    """Signers a country needs to be named in the appeal's public figures."""
    if is_at_risk(appeal.protection):
        return at_risk_country_minimum()
    return STANDARD_COUNTRY_MINIMUM


def at_risk_country_minimum() -> int:
    """Never below the standard threshold, whatever the setting says."""
    configured = int(current_app.config["AT_RISK_COUNTRY_MIN_SIGNATURES"])
    return max(configured, STANDARD_COUNTRY_MINIMUM)


def shows_signer_list(appeal) -> bool:
    return not is_at_risk(appeal.protection)


def takes_city(protection: str | None) -> bool:
    return not is_at_risk(protection)


def public_name_choice(protection: str | None, asked: bool | None) -> bool:
    """Whether a signer's name is shown: on an at_risk appeal only when they explicitly said
    so (`asked` is True); elsewhere unless they asked to sign anonymously (`asked` False)."""
    if is_at_risk(protection):
        return asked is True
    return asked is not False


def check_protection_fields(protection: str | None, retention: int | None) -> dict[str, str]:
    """Field errors for the protection settings an appeal is given (empty when fine)."""
    errors: dict[str, str] = {}
    if protection is not None and protection not in PROTECTION_LEVELS:
        errors["protection"] = str(_l("Choose standard or at risk."))
    if retention is not None and not 0 <= retention <= MAX_RETENTION_DAYS:
        errors["retention_days"] = str(
            _l("Give a number of days from 0 to %(max)d.", max=MAX_RETENTION_DAYS)
        )
    return errors


def check_lowering(user, current: str, wanted: str | None) -> dict[str, str]:
    """Only an admin (or the system: no user) lowers an at_risk appeal to standard: it brings
    back the list of signers and smaller countries in the figures, so an editor's account
    alone cannot expose signers."""
    lowering = is_at_risk(current) and wanted is not None and not is_at_risk(wanted)
    if lowering and user is not None and not user.has_role("admin"):
        return {"protection": str(_l("Only an admin can lower an appeal's protection."))}
    return {}
