"""Redaction rules: what is hidden in the public copy of a message.

Patterns run on RE2 (google-re2), whose matching time is linear in the text: a pattern such
as `(a+)+$` cannot hang a worker, whatever the message holds. RE2 has no backreferences or
lookaround; a pattern using them is refused when it is saved. Email addresses are always
hidden, whatever the rules say."""

from __future__ import annotations

from functools import cache

MAX_PATTERN = 500
MAX_REPLACEMENT = 100
#: Every email address, in any published copy.
EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"
EMAIL_REPLACEMENT = "[email address]"


class BadPattern(ValueError):
    pass


def compile_rule(pattern: str, is_regex: bool):
    """The compiled rule; BadPattern when it is empty, too long or not a valid RE2 pattern."""
    import re2  # imported here: only publishing and saving a rule need it

    if not pattern or len(pattern) > MAX_PATTERN:
        raise BadPattern(f"A pattern has 1 to {MAX_PATTERN} characters.")
    source = pattern if is_regex else re2.escape(pattern)
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = 8 << 20
    options.log_errors = False
    try:
        return re2.compile(source, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise BadPattern(f"Not a pattern RE2 accepts: {detail}") from exc


def redact(text: str, rules) -> str:
    """`text` with every email address, then every rule's matches, replaced."""
    text = _email().sub(EMAIL_REPLACEMENT, text)
    for rule in rules:
        # A rule that no longer compiles raises: better no publication than an unredacted one.
        compiled = compile_rule(rule.pattern, rule.is_regex)
        text = compiled.sub(_literal(rule.replacement), text)
    return text


@cache
def _email():
    import re2

    return re2.compile(EMAIL)


def _literal(replacement: str) -> str:
    return replacement.replace("\\", "\\\\")
