"""Where a `next=` parameter may send a browser: a path of this site, nothing else.

Every door that redirects to a place the request names (the language switches, staff sign-in and
re-authentication, the staff forms' "back to where I was") asks `safe_next`. The check parses the
value as a browser would read it rather than testing prefixes: a browser drops tab, CR and LF anywhere
in a URL, strips leading spaces and control characters and reads a backslash as a slash, so
"\\t//evil", "/\\tevil" or "/\\evil" all lead off-site although none of them starts with "//".
Values that a browser would have to repair are refused, not repaired: a real link of ours never needs it.
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2048  # a longer value is no link of ours


def _has_control_or_backslash(text: str) -> bool:
    return "\\" in text or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)


def is_local_path(target: object) -> bool:
    """Whether target is a path of this site ("/…", one slash, no scheme, no host), in every reading."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return False
    if _has_control_or_backslash(target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    # A proxy or a second redirect may decode the path once: "/%2F%2Fevil" and "/%5Cevil" would
    # then lead off-site, and "/%09/evil" would hide a tab.
    decoded = unquote(parts.path)
    return not (decoded.startswith("//") or _has_control_or_backslash(decoded))


def safe_next(target: object, default: str) -> str:
    """target when it is a local path, else default (itself a path of ours)."""
    return target if is_local_path(target) else default  # type: ignore[return-value]
