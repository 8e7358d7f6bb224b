"""A link's target in one written form, whatever way the document wrote it.

The reader compares and reports targets in this form: an e-mail autolink
(`<security@example.org>`) is a `mailto:` link; characters a URL cannot hold
as they are (spaces, `[`, non-ASCII letters) are percent-encoded, escapes
already there are kept; a web address's non-ASCII host name is written in
punycode (`xn--...`). A target that would run code or read a local file
(`javascript:`, `vbscript:`, `file:`, `data:` other than an image) is no
link at all: the reader keeps it as the text it is.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# Everything but letters, digits, the characters a URL holds as they are, and `%` opening an escape.
_TO_ENCODE = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]")
_WEB_HOST = r"(?i)^(?:https?:)?//(?:[^/?#@]*@)?(?P<host>[^/?#:]*)"  # compiled when first used: few targets need it
_UNSAFE = re.compile(r"^(?:vbscript|javascript|file|data):")
_IMAGE_DATA = re.compile(r"^data:image/(?:gif|png|jpeg|webp);")


def _punycode(host: str) -> str:
    labels = host.split(".")
    return ".".join(label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii") for label in labels)


def normalize_href(target: str, email: bool = False) -> str:
    """The target in the reader's form (`email`: it was written as an e-mail autolink)."""
    if email:
        target = f"mailto:{target}"
    if target.isascii() and _TO_ENCODE.search(target) is None:
        return target
    host = re.match(_WEB_HOST, target)
    if host is not None and not host.group("host").isascii():
        import contextlib  # here, not above: the start of `tssa check` does without it

        with contextlib.suppress(UnicodeError):  # a name punycode cannot write is encoded as the rest is
            target = target[: host.start("host")] + _punycode(host.group("host")) + target[host.end("host") :]
    return _TO_ENCODE.sub(lambda match: quote(match.group(0), safe=""), target)


def is_safe_href(target: str) -> bool:
    """Whether a target is a link GitHub shows and a reader may follow (no script, no local file)."""
    folded = target.strip().lower()
    return _UNSAFE.match(folded) is None or _IMAGE_DATA.match(folded) is not None
