"""Reading ids from query strings and forms without trusting them."""

from __future__ import annotations

# Larger than any id the database hands out, smaller than a 64-bit integer.
MAX_ID_DIGITS = 18


def parse_id(value) -> int | None:
    """The positive integer `value` spells in ASCII digits, or None (for "", "²", "-1",
    forty nines or anything else that is not a plausible primary key)."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > MAX_ID_DIGITS:
        return None
    return int(value)
