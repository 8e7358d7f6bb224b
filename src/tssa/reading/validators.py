"""The answer rules of copier.yml's validators, so prefill writes only answers the questionnaire accepts.

These mirror extensions/validators.jinja; a test runs `copier copy` with the
written answers to prove the two agree.
"""

from __future__ import annotations

import re

_HTTPS = re.compile(r'^https://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?([/?#][^\s<>|`"\\]*)?$')
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def is_https_url(value: object) -> bool:
    return isinstance(value, str) and bool(_HTTPS.match(value.strip()))


def is_line(value: object, max_length: int = 100) -> bool:
    """One line of text, not empty, no control characters, at most `max_length` characters."""
    return (
        isinstance(value, str)
        and bool(value.strip())
        and "\n" not in value
        and "\r" not in value
        and not _CONTROL.search(value)
        and len(value) <= max_length
    )


def is_contact(value: object) -> bool:
    return isinstance(value, str) and (is_https_url(value) or bool(_EMAIL.match(value.strip())))


def is_email(value: object) -> bool:
    return isinstance(value, str) and bool(_EMAIL.match(value.strip()))


def is_slug(value: object) -> bool:
    return isinstance(value, str) and bool(_SLUG.match(value)) and len(value) <= 64


def slug_of(name: str) -> str:
    """The slug copier.yml's default makes of a name; empty when nothing usable is left."""
    return re.sub(r"^-+|-+$", "", re.sub(r"[^a-z0-9]+", "-", name.lower()))[:64].rstrip("-")
