"""Header values built from data: one line each, whatever the data holds.

A subject carries an appeal's title, To an address someone typed, List-Unsubscribe a URL. A line
break in any of them would end the header and start another one (header injection), or make
the email package refuse the whole message; every header value the worker writes therefore
goes through one_line() (campaign.mail.message.compose), and so does the subject stored by
render_mail()."""

from __future__ import annotations

import re

#: What ends a line for the email package (str.splitlines()) or for some mail software:
#: CR, LF, VT, FF, the file/group/record separators, NEL, LINE and PARAGRAPH SEPARATOR; also
#: the other C0 controls and DEL, which have no business in a header (tab stays: it is
#: folding whitespace).
_BREAKS = re.compile(r"\s*[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]+\s*")


def one_line(value: str) -> str:
    """`value` with every run of line breaks or control characters (and the spaces around
    them) made one space, trimmed."""
    return _BREAKS.sub(" ", value).strip()


def fit(value: str, length: int) -> str:
    """`value` cut to `length` characters, with an ellipsis when it was longer (a subject
    must fit its column: PostgreSQL refuses a longer one, and with it the whole row)."""
    return value if len(value) <= length else value[: length - 1].rstrip() + "…"
