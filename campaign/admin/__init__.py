"""Campaigners' pages under /admin. An edge blueprint: every view calls services only, and
every view is guarded by require_role."""

from __future__ import annotations

from importlib import import_module

from flask import Blueprint
from flask_login import current_user

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: (endpoint, label, minimum role) of each admin section, in menu order.
NAV: list[tuple[str, object, str]] = []


def add_nav(endpoint: str, text, role: str) -> None:
    NAV.append((endpoint, text, role))


@bp.app_context_processor
def _admin_nav():
    def admin_nav():
        if not current_user.is_authenticated:
            return []
        return [(e, t) for e, t, role in NAV if current_user.has_role(role)]

    return {"admin_nav": admin_nav}


#: Modules that register their routes and menu entries on bp, in menu order.
MODULES = (
    "dashboard",
    "appeals",
    "issuers",
    "authorities",
    "countries",
    "signatures",
    "paper",
    "sealing",
    "endorsements",
    "responses",
    "mailshots",
    "inbox",
    "deliveries",
    "sharing",
    "users",
    "audit",
    "translations",
    "shred",
    "erase",
    "appeal_nav",
)
for _module in MODULES:
    import_module(f"campaign.admin.{_module}")
