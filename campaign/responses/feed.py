"""An appeal's timeline as an Atom feed (RFC 4287), built with ElementTree so every value is
escaped."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask_babel import gettext as _

from campaign.appeals.models import Appeal
from campaign.appeals.status import MIXED
from campaign.core.labels import label
from campaign.names.localize import local_name_text
from campaign.responses.timeline import TimelineEntry

ATOM = "http://www.w3.org/2005/Atom"
#: Characters XML 1.0 does not allow, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(appeal: Appeal, base_url: str, key: str) -> str:
    """A tag: URI (RFC 4151) that never changes for an entry."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{appeal.created_at:%Y-%m-%d}:appeal-{appeal.id}/{key}"


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    attrs = {k: _INVALID_XML.sub("", v) for k, v in attrs.items()}
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = _INVALID_XML.sub("", text)
    return element


def _summary(item: TimelineEntry) -> str:
    """The entry's text; for a status change, followed by its demand's state then: the
    summary, and each authority's status when they differ (`mixed`)."""
    text = item.text or item.title
    if not item.demand_status:
        return text
    state = _("Demand %(num)d: %(status)s", num=item.demand_positions[0],
              status=label(item.demand_status))  # fmt: skip
    if item.demand_status == MIXED:
        state += " (" + "; ".join(
            f"{local_name_text(authority)}: {label(status)}"
            for authority, status in item.target_statuses
        ) + ")"  # fmt: skip
    return f"{text}\n{state}"


def atom_feed(
    appeal: Appeal,
    entries: list[TimelineEntry],
    *,
    base_url: str,
    appeal_url: str,
    feed_url: str,
    tracker_url: str,
    entry_urls: dict[str, str],
    title: str,
) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", entry_id(appeal, base_url, "feed"))
    _sub(feed, "title", title)
    if appeal.summary:
        _sub(feed, "subtitle", appeal.summary)
    newest = max((e.recorded for e in entries), default=appeal.updated_at or appeal.created_at)
    _sub(feed, "updated", _iso(newest))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=appeal_url)
    for name in [org.name for org in appeal.issuer_organizations] or ["Answerable"]:
        author = _sub(feed, "author")  # each issuer is an author
        _sub(author, "name", name)
    for item in reversed(entries):  # newest first, as feed readers expect
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(appeal, base_url, item.key))
        _sub(entry, "title", item.title)
        _sub(entry, "published", _iso(item.at))
        _sub(entry, "updated", _iso(max(item.recorded, item.at)))
        _sub(entry, "link", rel="alternate", type="text/html",
             href=entry_urls.get(item.key, f"{tracker_url}#{item.key}"))  # fmt: skip
        if item.source_url:
            _sub(entry, "link", rel="related", href=item.source_url)
        _sub(entry, "category", term=item.kind)
        if item.to_status:
            _sub(entry, "category", term=f"status:{item.to_status}")
        if item.demand_status:
            _sub(entry, "category", term=f"demand-status:{item.demand_status}")
        _sub(entry, "summary", _summary(item), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
