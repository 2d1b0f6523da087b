"""The canonical email key: one person, one key, so one signature per appeal.

The key is never used to send mail (the address as typed is); it only decides what counts as
"the same person". Steps: trim, Unicode NFKC (fullwidth and mathematical letters become plain
ones), casefold, fold common Cyrillic/Greek look-alikes of Latin letters, then the provider's
own rules for the local part:

- gmail.com and googlemail.com are one provider that ignores dots and everything after `+`;
  both become gmail.com.
- These providers deliver `name+tag@` to `name@`, so the `+tag` is removed:
  outlook.com, hotmail.com, live.com, msn.com (Microsoft); icloud.com, me.com, mac.com
  (Apple); fastmail.com, fastmail.fm; proton.me, protonmail.com, protonmail.ch, pm.me;
  yandex.ru, yandex.com, ya.ru; zoho.com.

Other domains keep dots and tags: many servers treat them as different mailboxes.
"""

from __future__ import annotations

import contextlib
import unicodedata

#: Provider domains folded to one name (the same mailboxes under two domains).
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
#: Providers whose local part ignores dots.
IGNORE_DOTS = frozenset({"gmail.com"})
#: Providers that deliver `local+tag@` to `local@`.
IGNORE_PLUS_TAGS = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "fastmail.com",
        "fastmail.fm",
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
        "yandex.ru",
        "yandex.com",
        "ya.ru",
        "zoho.com",
    }
)

#: Cyrillic and Greek letters that look like Latin ones (after casefolding). An address that
#: only differs from another by these looks identical to a person, so it is the same key.
LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        # Greek
        "α": "a",
        "ο": "o",
        "ρ": "p",
        "ν": "v",
        "ι": "i",
        "κ": "k",
        "τ": "t",
        "χ": "x",
        "υ": "u",
        "ε": "e",
    }
)


def canonical_email(address: str) -> str:
    """The duplicate key of an email address (see the module docstring)."""
    value = unicodedata.normalize("NFKC", address.strip()).casefold().translate(LOOKALIKES)
    local, _, domain = value.rpartition("@")
    domain = domain.rstrip(".")
    with contextlib.suppress(UnicodeError):  # else keep the Unicode form (validated before)
        domain = domain.encode("idna").decode("ascii")
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in IGNORE_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in IGNORE_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"
