"""Each appeal's own navigation on its admin pages (templates/admin/_appeal_nav.html): its
sections, only those the campaigner's role may open, with cheap counts beside some. The page
marks the section it belongs to: the one whose address is the longest prefix of its own, so
a new page under /admin/appeals/<slug>/responses/... belongs to Responses without a list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaign.admin import bp
from campaign.deliveries.queries import delivery_count
from campaign.endorsements.queries import waiting_count
from campaign.inbox.queries import appeal_inbox_counts
from campaign.signatures.counting import signature_count

#: (name, endpoint, label, minimum role), in menu order.
SECTIONS = (
    ("overview", "admin.appeal", _l("Overview"), "moderator"),
    ("issuers", "admin.appeal_issuers", _l("Issuers"), "editor"),
    ("signatures", "admin.signatures", _l("Signatures"), "moderator"),
    ("paper", "admin.appeal_paper", _l("Paper signatures"), "moderator"),
    ("endorsements", "admin.appeal_endorsements", _l("Endorsements"), "moderator"),
    ("responses", "admin.appeal_responses", _l("Responses"), "editor"),
    ("translations", "admin.translations", _l("Translations"), "editor"),
    ("figures", "admin.appeal_stats_page", _l("Figures"), "moderator"),
    ("channels", "admin.appeal_channels", _l("Share channels"), "moderator"),
    ("deliveries", "admin.deliveries", _l("Deliveries"), "editor"),
    ("inbox", "admin.appeal_inbox", _l("Inbox"), "editor"),
)

#: Appeals in these states can be delivered, so Deliveries is where to start even before
#: the first delivery (campaign.deliveries.services refuses drafts).
DELIVERABLE = ("published", "closed")


@dataclass
class Section:
    name: str
    url: str
    label: str
    #: A figure beside the label (None: none shown), and what it counts, for screen readers.
    count: int | None = None
    count_label: str = ""
    current: bool = False


def _counts(appeal, names: set[str]) -> dict[str, tuple[int, str]]:
    """The figures beside the sections shown: one small query each, only for those shown."""
    counts: dict[str, tuple[int, str]] = {}
    if "signatures" in names:
        counts["signatures"] = (signature_count(appeal.id), str(_l("signatures")))
    if "endorsements" in names:
        counts["endorsements"] = (waiting_count(appeal.id), str(_l("to moderate")))
    if "deliveries" in names:
        counts["deliveries"] = (delivery_count(appeal.id), str(_l("deliveries")))
    if "inbox" in names:
        total, waiting = appeal_inbox_counts(appeal.id)
        counts["inbox"] = (waiting, str(_l("replies waiting")))
        counts["inbox_total"] = (total, "")
    return counts


def appeal_sections(appeal) -> list[Section]:
    allowed = [s for s in SECTIONS if current_user.has_role(s[3])]
    counts = _counts(appeal, {s[0] for s in allowed})
    deliveries = counts.get("deliveries", (0, ""))[0]
    sections = []
    for name, endpoint, label, _role in allowed:
        if name == "deliveries" and not (deliveries or appeal.state in DELIVERABLE):
            continue
        if name == "paper" and appeal.state == "draft":
            continue  # paper is counted once the appeal is out (campaign.paper.services)
        if name == "inbox" and not (deliveries or counts["inbox_total"][0]):
            continue
        count, count_label = counts.get(name, (None, ""))
        if name == "endorsements" and not count:
            count = None  # only a queue waiting is worth a figure
        sections.append(
            Section(name, url_for(endpoint, slug=appeal.slug), str(label), count, count_label)
        )
    _mark_current(sections, request.path)
    return sections


def _mark_current(sections: list[Section], path: str) -> None:
    within = [s for s in sections if path == s.url or path.startswith(s.url + "/")]
    if within:
        max(within, key=lambda s: len(s.url)).current = True


@bp.app_context_processor
def _appeal_nav():
    return {"appeal_sections": appeal_sections}
