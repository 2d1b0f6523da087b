"""Reading one inbound message (hostile input) into what Answerable stores: never raises.

The stdlib `email` package with policy.default decodes headers and charsets (a Windows-1251
body reads as Russian); whatever it cannot read is recorded as a problem, and the raw
message is kept for a human. HTML is only ever kept after nh3: no scripts, no styles, no
remote images, links that leak no referrer."""

from __future__ import annotations

import datetime as dt
import email
import email.utils
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message

#: Tags kept in a message's HTML; everything else is stripped, scripts and styles with
#: their content.
HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
HTML_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
MAX_HEADER = 998
MAX_TEXT = 1_000_000
AUTO_PRECEDENCE = {"auto_reply"}


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Parsed:
    sender: str = ""
    subject: str = ""
    sent_at: dt.datetime | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    #: To, Cc, Delivered-To and X-Original-To addresses.
    recipients: list[str] = field(default_factory=list)
    text: str = ""
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    auto_reply: bool = False
    #: A delivery status notification (RFC 3464): its status, diagnostic and whether the
    #: delivery failed for good.
    is_dsn: bool = False
    dsn_failed: bool = False
    dsn_reason: str | None = None
    #: Message-IDs named by a DSN's returned message: the delivery email it is about.
    dsn_original_ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def sanitize_html(html: str) -> str:
    """HTML safe to show a campaigner: no scripts, styles, event handlers or remote loads
    (an img keeps its alt text but never its src)."""
    import nh3  # imported here: web workers never parse mail

    return nh3.clean(
        html,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(markup: str) -> str:
    import nh3

    block = re.sub(r"(?i)<\s*(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", "\n", markup)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(nh3.clean(block, tags=set()))).strip()


def _header(message: Message, name: str, problems: list[str]) -> str:
    try:
        value = message.get(name)
    except Exception as exc:  # noqa: BLE001 - a malformed header is one problem, not a crash
        problems.append(f"{name}: {exc}")
        return ""
    if value is None:
        return ""
    return " ".join(str(value).replace("\x00", "").split())[:MAX_HEADER]


def _addresses(message: Message, names: tuple[str, ...], problems: list[str]) -> list[str]:
    found = []
    for name in names:
        try:
            values = message.get_all(name) or []
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{name}: {exc}")
            continue
        for _, address in email.utils.getaddresses([str(v) for v in values]):
            if address and address not in found:
                found.append(address)
    return found


def _ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]{1,500}>", value or "")


def _content(part: Message, problems: list[str]) -> str:
    try:
        content = part.get_content()
    except Exception as exc:  # noqa: BLE001 - unknown charset, broken transfer encoding
        problems.append(f"part {part.get_content_type()}: {exc}")
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return str(content).replace("\x00", "")[:MAX_TEXT]


def _dsn(message: EmailMessage, parsed: Parsed) -> None:
    parsed.is_dsn = True
    statuses, diagnostics, failed = [], [], False
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            blocks = part.get_payload()
            if not isinstance(blocks, list):
                blocks = [email.message_from_string(str(blocks), policy=policy.default)]
            for block in blocks:
                action = str(block.get("Action", "")).strip().lower()
                status = str(block.get("Status", "")).strip()
                diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
                if status:
                    statuses.append(status)
                if diagnostic:
                    diagnostics.append(diagnostic)
                if action == "failed" or status.startswith("5"):
                    failed = True
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            returned = payload[0] if isinstance(payload, list) and payload else None
            if returned is None:
                returned = email.message_from_string(str(payload), policy=policy.default)
            parsed.dsn_original_ids += _ids(_header(returned, "Message-ID", parsed.problems))
    parsed.dsn_failed = failed
    reason = "; ".join(statuses + diagnostics)
    parsed.dsn_reason = reason[:2000] or None


def is_auto_reply(message: Message) -> bool:
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and not auto.startswith("no"):
        return True
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        return True
    return str(message.get("Precedence", "")).strip().lower() in AUTO_PRECEDENCE


def parse_message(raw: bytes) -> Parsed:
    """What a message says, as far as it can be read. Never raises: what cannot be read
    becomes a line of `problems`."""
    parsed = Parsed()
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # noqa: BLE001
        parsed.problems.append(f"unreadable message: {exc}")
        parsed.text = raw[:MAX_TEXT].decode("utf-8", "replace")
        return parsed
    try:
        _read(message, parsed)
    except Exception as exc:  # noqa: BLE001 - whatever else MIME throws at us
        parsed.problems.append(f"unreadable MIME structure: {type(exc).__name__}: {exc}")
    for part in _safe_walk(message):
        for defect in getattr(part, "defects", []):
            parsed.problems.append(f"{part.get_content_type()}: {type(defect).__name__}")
    parsed.problems = list(dict.fromkeys(parsed.problems))[:50]
    return parsed


def _safe_walk(message: Message):
    try:
        yield from message.walk()
    except Exception:  # noqa: BLE001
        yield message


def _read(message: EmailMessage, parsed: Parsed) -> None:
    problems = parsed.problems
    senders = _addresses(message, ("From",), problems)
    parsed.sender = (senders[0] if senders else _header(message, "From", problems))[:320]
    parsed.subject = _header(message, "Subject", problems)
    date = _header(message, "Date", problems)
    if date:
        try:
            sent = email.utils.parsedate_to_datetime(date)
            parsed.sent_at = sent if sent.tzinfo else sent.replace(tzinfo=dt.UTC)
        except (TypeError, ValueError, IndexError):
            problems.append(f"Date: cannot read {date!r}")
    message_ids = _ids(_header(message, "Message-ID", problems))
    parsed.message_id = message_ids[0] if message_ids else None
    in_reply_to = _ids(_header(message, "In-Reply-To", problems))
    parsed.in_reply_to = in_reply_to[0] if in_reply_to else None
    parsed.references = _ids(_header(message, "References", problems))[:100]
    parsed.recipients = _addresses(message, ("To", "Cc", "Delivered-To", "X-Original-To"), problems)
    parsed.auto_reply = is_auto_reply(message)
    if message.get_content_type() == "multipart/report" and (
        str(message.get_param("report-type", "")).lower() == "delivery-status"
    ):
        _dsn(message, parsed)

    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    if rich is not None:
        parsed.html = sanitize_html(_content(rich, problems))
    if plain is not None:
        parsed.text = _content(plain, problems)
    elif parsed.html is not None:
        parsed.text = html_to_text(parsed.html)
    elif not message.is_multipart():
        parsed.text = _content(message, problems)
    if message.is_multipart():
        for part in message.iter_attachments():
            _attachment(part, parsed)


def _attachment(part: Message, parsed: Parsed) -> None:
    if part.is_multipart() or part.get_content_maintype() == "message":
        return
    try:
        data = part.get_payload(decode=True) or b""
    except Exception as exc:  # noqa: BLE001
        parsed.problems.append(f"attachment: {exc}")
        return
    name = part.get_filename() or ""
    parsed.attachments.append(
        Attachment(
            filename=" ".join(str(name).split())[:255],
            content_type=part.get_content_type()[:255],
            data=data,
        )
    )
