"""Communication channels from the links of the README and the contributing guide.

Each link is sorted by what it is (a Slack channel, a mailing list, GitHub
Discussions, a meeting, a blog...) and by who it is for: the team itself
(internal), people reaching the team (inbound), or the team reaching its
users (outbound). A link that is none of these is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from tssa.prefill.readme import FoundLink

INTERNAL, INBOUND, OUTBOUND = "internal", "inbound", "outbound"
_TEAM_WORDS = re.compile(
    r"maintainer|private|\bdev\b|-dev\b|developers?\b|contributors?\b|steering|core[- ]team", re.IGNORECASE
)
_ANNOUNCE = re.compile(r"announce", re.IGNORECASE)
_SOCIAL_HOSTS = re.compile(
    r"(?:^|\.)(?:twitter\.com|x\.com|fosstodon\.org|hachyderm\.io|mastodon\.social|bsky\.app|linkedin\.com|youtube\.com)$"
)
MAX_PER_KIND = 6


@dataclass(frozen=True)
class Channel:
    """A channel: who it serves, what it is ("Slack", "mailing list"...), its name when known, and its link."""

    audience: str
    kind: str
    name: str
    link: FoundLink


def find_channels(links: list[FoundLink], owner: str | None, repository: str | None, keys: list[str]) -> list[Channel]:
    """The channels among `links`; `owner`/`repository` are the GitHub path of the project, when known."""
    letters = [re.sub(r"[^a-z0-9]", "", key.lower()) for key in keys]
    letters = [key for key in letters if len(key) >= 3]
    found: list[Channel] = []
    seen: set[str] = set()
    for link in links:
        channel = _classify(link, owner, repository, letters)
        if channel is None:
            continue
        key = channel.link.href.rstrip("/").lower()
        if key in seen:
            continue
        seen.add(key)
        if sum(1 for other in found if other.audience == channel.audience) < MAX_PER_KIND:
            found.append(channel)
    return found


def _classify(link: FoundLink, owner: str | None, repository: str | None, letters: list[str]) -> Channel | None:
    href = link.href
    words = f"{link.text} {href}"
    if href.startswith("mailto:"):
        address = href.removeprefix("mailto:")
        local = address.split("@", 1)[0]
        if re.search(r"security|psirt|vuln|conduct|privacy|legal", local, re.IGNORECASE):
            return None  # reporting and conduct addresses are not channels
        if not re.search(
            r"lists\.|googlegroups|groups\.io|-(?:dev|users?|announce|maintainers|discuss|community)@",
            address,
            re.IGNORECASE,
        ):
            return None
        return _list(link, local)
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    path = unquote(parts.path).rstrip("/")
    segments = [segment for segment in path.split("/") if segment]
    if (
        host.endswith("slack.com")
        or host in ("slack.k8s.io", "slack.cncf.io", "communityinviter.com")
        or host.startswith("slack.")
    ):
        name = _slack_channel(link.text, segments)
        audience = INTERNAL if _TEAM_WORDS.search(name or link.text) else INBOUND
        return Channel(audience, "Slack", name, link)
    if host in (
        "discord.gg",
        "discord.com",
        "gitter.im",
        "app.gitter.im",
        "matrix.to",
        "zulipchat.com",
    ) or host.endswith(".zulipchat.com"):
        kind = (
            "Discord"
            if "discord" in host
            else "Gitter"
            if "gitter" in host
            else "Matrix"
            if "matrix" in host
            else "Zulip"
        )
        return Channel(INBOUND, kind, "", link)
    if host == "groups.google.com" or host.startswith("lists.") or host.endswith(".groups.io") or host == "groups.io":
        name = next(
            (segment for segment in reversed(segments) if segment not in ("g", "forum", "topics", "topic", "a")), ""
        )
        name = name.removeprefix("#!forum/")
        return _list(link, name or link.text)
    if host == "github.com" and owner and len(segments) >= 3 and segments[0].lower() == owner.lower():
        same_repository = repository is not None and segments[1].lower() == repository.lower()
        if segments[2] == "discussions" and len(segments) <= 4:
            return Channel(INBOUND, "GitHub Discussions", "", link)
        if segments[2] == "issues" and same_repository and (len(segments) == 3 or segments[3] in ("new", "new/choose")):
            return Channel(INBOUND, "GitHub issues", "", link)
    if host in ("stackoverflow.com",) and "tagged" in segments:
        return Channel(INBOUND, "Stack Overflow", segments[-1] if segments else "", link)
    if host.startswith(("discuss.", "forum.", "community.", "discourse.")) and _named(host, letters):
        return Channel(INBOUND, "forum", "", link)
    if re.search(r"\bmeeting|office hours|community call", words, re.IGNORECASE) and (
        host.endswith(("zoom.us", "meet.google.com", "calendar.google.com", "docs.google.com", "hackmd.io"))
        or "meeting" in link.text.lower()
    ):
        audience = INTERNAL if _TEAM_WORDS.search(link.text) else INBOUND
        return Channel(audience, "meeting", "", link)
    if (
        _SOCIAL_HOSTS.search(host)
        and segments
        and (link.in_community or _named(segments[-1], letters) or _named(segments[0], letters))
    ):
        kind = {
            "x.com": "X",
            "twitter.com": "X",
            "linkedin.com": "LinkedIn",
            "youtube.com": "YouTube",
            "bsky.app": "Bluesky",
        }.get(host.removeprefix("www."), "Mastodon")
        return Channel(OUTBOUND, kind, "", link)
    if (host.startswith("blog.") or "blog" in segments[:1] or host == "medium.com") and (
        link.in_community or _named(host + path, letters)
    ):
        return Channel(OUTBOUND, "blog", "", link)
    return None


def _list(link: FoundLink, name: str) -> Channel:
    if _ANNOUNCE.search(name) or _ANNOUNCE.search(link.text):
        return Channel(OUTBOUND, "mailing list", name, link)
    audience = INTERNAL if _TEAM_WORDS.search(name) or _TEAM_WORDS.search(link.text) else INBOUND
    return Channel(audience, "mailing list", name, link)


def _slack_channel(text: str, segments: list[str]) -> str:
    match = re.search(r"#[\w.-]{1,80}", text)
    if match:
        return match.group(0)
    if len(segments) >= 2 and segments[0] in ("messages", "channels", "archives"):
        return segments[1] if segments[1].startswith("C") and segments[1].isupper() else f"#{segments[1]}"
    return ""


def _named(text: str, letters: list[str]) -> bool:
    plain = re.sub(r"[^a-z0-9]", "", text.lower())
    return any(key in plain for key in letters)
