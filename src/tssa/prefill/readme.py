"""What a README says about its project: the name, the badges, the web site, the first paragraph, the
community section, and every link with the line it is on.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tssa.prefill.model import Evidence
from tssa.prefill.sources import Sources
from tssa.reading.facts import without_tags
from tssa.reading.markdown import Heading, MarkdownDocument, inline_text, lines_of, parse
from tssa.reading.validators import is_email, is_https_url

_URL = re.compile(r"https?://[^\s<>()\[\]\"'`|{}\\]{1,2000}")
_MAILTO = re.compile(r"mailto:([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})")
_BEST_PRACTICES = re.compile(
    r"(?:bestpractices\.dev|bestpractices\.coreinfrastructure\.org)/(?:[a-z]{2}(?:-[A-Za-z]+)?/)?projects/(\d+)(/badge)?"
)
_SCORECARD = re.compile(
    r"(?:api\.securityscorecards\.dev|api\.scorecard\.dev)/projects/([\w.-]+/[\w.-]+/[\w.-]+)/badge"
)
_HTML_H1 = re.compile(r"<h1\b[^>]{0,500}>(.{0,500}?)</h1>", re.IGNORECASE | re.DOTALL)
_SEPARATORS = (" - ", " \u2013 ", " \u2014 ", ": ", " | ", " \u00b7 ")
_GENERIC_TITLES = frozenset(
    {
        "overview",
        "introduction",
        "readme",
        "about",
        "contents",
        "table of contents",
        "getting started",
        "welcome",
        "documentation",
        "description",
        "summary",
        "project",
        "home",
    }
)
# From the start of a run of white space only, so each run is read once.
_VERSION = re.compile(r"(?<!\s)\s+(?:version|v)\.?\s*\d+(?:\.\d+)*\s*$", re.IGNORECASE)
# Words a community heading is made of; it must hold one of the first group.
_COMMUNITY_CORE = frozenset(
    {
        "community",
        "communication",
        "communications",
        "contact",
        "contacts",
        "support",
        "help",
        "involved",
        "touch",
        "chat",
        "slack",
        "discussion",
        "discussions",
        "questions",
        "channels",
        "connect",
        "feedback",
    }
)
_COMMUNITY_OTHER = frozenset(
    {
        "the",
        "and",
        "or",
        "us",
        "get",
        "getting",
        "join",
        "our",
        "to",
        "with",
        "in",
        "reach",
        "out",
        "talk",
        "where",
        "how",
        "ask",
        "mailing",
        "list",
        "lists",
        "meetings",
        "meeting",
        "forum",
        "forums",
        "&",
        "a",
        "find",
        "resources",
        "contributing",
        "contribute",
        "contributions",
        "more",
        "information",
        "social",
        "media",
        "stay",
        "up",
        "date",
    }
)
# Hosts that hold code or badges, never a project's web site.
_NOT_WEBSITES = re.compile(
    r"(?:^|\.)(?:github\.com|githubusercontent\.com|github\.io|gitlab\.com|bitbucket\.org|shields\.io|badgen\.net"
    r"|bestpractices\.dev|coreinfrastructure\.org|scorecard\.dev|securityscorecards\.dev|codecov\.io|goreportcard\.com"
    r"|pkg\.go\.dev|godoc\.org|artifacthub\.io|hub\.docker\.com|quay\.io|ghcr\.io|twitter\.com|x\.com|slack\.com"
    r"|youtube\.com|linkedin\.com|cncf\.io|landscape\.cncf\.io|fossa\.com|app\.fossa\.com|clomonitor\.io"
    r"|googleapis\.com|google\.com|medium\.com|discord\.gg|discord\.com|readthedocs\.org|npmjs\.com|pypi\.org"
    r"|crates\.io|opensource\.org|apache\.org|creativecommons\.org|gitpod\.io|codespaces\.new|deepwiki\.com)$"
)


@dataclass(frozen=True)
class FoundLink:
    """A web address or e-mail link in a document, on its own line; `text` is the link's words when it has any."""

    path: str
    href: str
    line: int
    text: str = ""
    in_community: bool = False

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.path, self.line)


@dataclass
class Readme:
    path: str | None = None
    title: str | None = None
    title_line: int = 0
    name: str | None = None
    subtitle: str | None = None
    best_practices: tuple[str, int] | None = None
    scorecard: str | None = None
    community: Heading | None = None
    first_paragraph: tuple[str, int] | None = None
    links: list[FoundLink] = field(default_factory=list)


def find_readme(files: set[str]) -> str | None:
    readmes = [path for path in files if "/" not in path and path.lower().startswith("readme")]
    readmes.sort(key=lambda name: (not name.lower().endswith((".md", ".markdown")), name))
    return readmes[0] if readmes else None


def read_readme(sources: Sources, files: set[str]) -> Readme:
    readme = Readme(find_readme(files))
    if readme.path is None:
        return readme
    text = sources.text(readme.path)
    if text is None:
        return readme
    _badges(readme, sources)
    if readme.path.lower().endswith((".md", ".markdown")):
        document = parse(text)
        first = next((heading for heading in document.headings if heading.level == 1), None)
        if first is not None:
            readme.title, readme.title_line = _heading_words(text, first.line), first.line
        elif html := _HTML_H1.search(text[:20000]):
            readme.title = without_tags(html.group(1))
            readme.title_line = text[: html.start()].count("\n") + 1
        readme.community = community_heading(document.headings)
        readme.first_paragraph = _first_paragraph(document, readme.path)
        end = _section_end(document.headings, readme.community)
        start = readme.community.line if readme.community else 0
        readme.links = scan_links(sources, readme.path, start, end, document)
    else:
        lines = text.splitlines()[:50]
        for number, (line, under) in enumerate(itertools.pairwise(lines), 1):
            if line.strip() and re.fullmatch(r"[=#*-]{3,}", under.strip()):
                readme.title, readme.title_line = line, number
                break
        readme.links = scan_links(sources, readme.path)
    title = " ".join((readme.title or "").split())
    readme.title = title if title and len(title) <= 200 and title.isprintable() else None
    if readme.title:
        readme.name, readme.subtitle = name_from_title(readme.title)
    return readme


def name_from_title(title: str) -> tuple[str | None, str | None]:
    """The project's name in a README title, and what follows it: `Lima: Linux Machines` is Lima."""
    name, subtitle = title, None
    for separator in _SEPARATORS:
        if separator in name:
            name, rest = name.split(separator, 1)
            subtitle = rest if subtitle is None else f"{rest} {subtitle}"
    name = _undecorated(re.sub(r"^(?:welcome to|about)\s+", "", _undecorated(name), flags=re.IGNORECASE))
    name = _undecorated(_VERSION.sub("", name))
    if name.lower() in _GENERIC_TITLES:
        return None, None
    return (name or None), (subtitle.strip() if subtitle else None)


def _undecorated(name: str) -> str:
    """A name without the emoji, symbols and punctuation around it."""
    name = name.strip(" -\u2013\u2014:|\u00b7!")
    while name and unicodedata.category(name[0])[0] in "SPZC" and name[0] not in "([":
        name = name[1:].lstrip()
    while name and unicodedata.category(name[-1])[0] in "SZC":
        name = name[:-1].rstrip()
    return name


def community_heading(headings: list[Heading]) -> Heading | None:
    """The first heading about the community: made of community words, one of them a core one."""
    for heading in headings:
        words = re.findall(r"[a-z&]+", heading.text.lower())
        core = any(word in _COMMUNITY_CORE for word in words)
        if core and all(word in _COMMUNITY_CORE or word in _COMMUNITY_OTHER for word in words):
            return heading
    return None


def _section_end(headings: list[Heading], start: Heading | None) -> int:
    if start is None:
        return 0
    later = [heading.line for heading in headings if heading.line > start.line and heading.level <= start.level]
    return min(later) - 1 if later else 10**9


def scan_links(
    sources: Sources,
    path: str,
    community_start: int = 0,
    community_end: int = 0,
    document: MarkdownDocument | None = None,
) -> list[FoundLink]:
    """Every web address and `mailto:` link of a file with its line, and the words of the Markdown link it is in.

    Lines are found in the text itself, so each is the line the address is on; `community_start` to
    `community_end` (lines, inclusive) is the community section. `document` is the file parsed, if it was.
    """
    text = sources.text(path) or ""
    link_words: dict[str, str] = {}
    if document is None and path.lower().endswith((".md", ".markdown")):
        document = parse(text)
    for link in document.links if document is not None else []:
        link_words.setdefault(link.href, link.text)
    found: list[FoundLink] = []
    for number, line in enumerate(lines_of(text), 1):
        inside = community_start <= number <= community_end and community_start > 0
        for match in _URL.finditer(line):
            href = match.group(0).rstrip(".,;:!?*_'")
            if is_https_url(href):
                found.append(FoundLink(path, href, number, link_words.get(href, ""), inside))
        for match in _MAILTO.finditer(line):
            if is_email(match.group(1)):
                found.append(FoundLink(path, match.group(0), number, link_words.get(match.group(0), ""), inside))
        if len(found) > 2000:
            break
    return found


def website(readme: Readme, keys: list[str]) -> FoundLink | None:
    """The project's own web site among the README's links: a host named after the project, not a code host.

    A host is named after the project when one of its names (below the top level) starts with one of
    `keys` (letters and digits only): `fluxcd.io` for Flux, `lima-vm.io` for Lima, not `climate.org`.
    """
    letters = [re.sub(r"[^a-z0-9]", "", key.lower()) for key in keys]
    letters = [key for key in letters if len(key) >= 4]
    if not letters:
        return None
    by_host: dict[str, list[FoundLink]] = {}
    for link in readme.links:
        if not link.href.startswith("https://"):
            continue
        host = (urlsplit(link.href).hostname or "").lower()
        labels = [re.sub(r"[^a-z0-9]", "", label) for label in host.split(".")[:-1]]
        named = any(label.startswith(key) for label in labels for key in letters)
        if host and named and not _NOT_WEBSITES.search(host):
            by_host.setdefault(host, []).append(link)
    if not by_host:
        return None
    # The bare domain (or www.) of the project wins over its docs or blog subdomains, then the most linked.
    host = min(by_host, key=lambda host: (host.removeprefix("www.").count(".") != 1, -len(by_host[host]), host))
    return by_host[host][0]


def _badges(readme: Readme, sources: Sources) -> None:
    """The OpenSSF badges, by the link's project (an image may show another project's badge)."""
    assert readme.path is not None
    candidates: list[tuple[bool, int, str]] = []
    for number, line in enumerate(sources.lines(readme.path), 1):
        for match in _BEST_PRACTICES.finditer(line):
            candidates.append((match.group(2) is not None, number, match.group(1)))
        if readme.scorecard is None and (scorecard := _SCORECARD.search(line)):
            readme.scorecard = scorecard.group(1)
    if candidates:
        _, number, project = min(candidates)
        readme.best_practices = (project, number)


def _first_paragraph(document: MarkdownDocument, path: str) -> tuple[str, int] | None:
    """The first paragraph of prose (eight words or more, not only badges), and its line."""
    for block in document.blocks:
        if block.line > 150:
            break
        if block.kind == "paragraph":
            source = re.sub(r"!\[[^\]]{0,500}\]\([^)]{0,2000}\)", "", block.source)
            words = re.sub(r"\[\s*\]\([^)]{0,2000}\)", "", source)
            text = block.text
        elif block.kind == "html":
            words = text = without_tags(block.source, " ")
        else:
            continue
        if len(re.findall(r"[A-Za-z]{2,}", _URL.sub("", words))) >= 8:
            return " ".join(text.split())[:1000], block.line
    return None


def _heading_words(text: str, line: int) -> str:
    """The words of a heading line, without its badges (images and links that hold only images)."""
    lines = lines_of(text)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return inline_text(source)
