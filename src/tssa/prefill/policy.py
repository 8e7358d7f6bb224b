"""The security policy: which file it is, whether it only points at the organization's, and what it states.

Only a file named SECURITY (any case; Markdown, reStructuredText, text or no
extension) in the root, `.github/` or `docs/` is the policy, as on GitHub.
A policy whose only content is a link to another policy (an organization's
`.github` repository, a project page) is followed to that link, never read
further: the checkout does not hold it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tssa.prefill.model import DISCLOSURE, Evidence, Fact, code, listing, quote, sentence, url
from tssa.prefill.sources import Sources, clean_line
from tssa.reading.markdown import parse
from tssa.reading.validators import is_email, is_https_url

# GitHub looks in .github/ first, then the root, then docs/.
POLICY_FOLDERS = (".github/", "", "docs/")
POLICY_EXTENSIONS = ("", ".md", ".markdown", ".rst", ".txt", ".adoc")
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}")
_URL = re.compile(r"https://[^\s<>()\[\]\"'`|{}]{1,2000}")
_PRIVATE_REPORT = re.compile(
    r"security/advisories/new|private(?:ly)? (?:vulnerability )?report|report a vulnerability", re.IGNORECASE
)
_TIME = re.compile(
    r"\b(?:\d{1,3}(?:\s*(?:-|to|\u2013)\s*\d{1,3})?|one|two|three|four|five|seven|ten|fourteen|thirty|ninety)\s+"
    r"(?:business |working |calendar )?(?:hours?|days?|weeks?|months?)\b",
    re.IGNORECASE,
)
_RESPONSE_WORDS = re.compile(
    r"acknowledg|respon|reply|replies|triage|confirm|contact you|get back|update|fix|patch|release", re.IGNORECASE
)
_DISCLOSURE = re.compile(
    r"embargo|coordinated (?:vulnerability )?disclosure|responsible disclosure|public(?:ly)? disclos"
    r"|disclosure (?:policy|process|timeline)",
    re.IGNORECASE,
)
_SUPPORTED_HEADING = re.compile(r"supported versions?|version support|supported releases?", re.IGNORECASE)
_YES = re.compile(r"✅|✔|:white_check_mark:|:heavy_check_mark:|^\s*yes\b|^\s*supported\b", re.IGNORECASE)
_CONTACT_WORDS = re.compile(r"security|psirt|vuln|cve|disclos|report", re.IGNORECASE)
MAX_POINTER_WORDS = 80
MAX_QUOTED = 2


@dataclass
class Policy:
    """The security policy file, what it points to, its contacts (with their lines) and its facts."""

    path: str | None = None
    pointer: str | None = None
    pointer_evidence: Evidence | None = None
    emails: list[tuple[str, Evidence]] = field(default_factory=list)
    private_reporting: tuple[str, Evidence] | None = None
    urls: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


def find_policy(files: set[str]) -> str | None:
    """The security policy among the checkout's files, in GitHub's order of folders."""
    by_folder: dict[str, list[str]] = {}
    for path in files:
        if path.count("/") > 1 or "security" not in path.lower():
            continue
        folder, _, name = path.rpartition("/")
        prefix = folder + "/" if folder else ""
        stem, dot, extension = name.lower().partition(".")
        if prefix in POLICY_FOLDERS and stem == "security" and (dot + extension) in POLICY_EXTENSIONS:
            by_folder.setdefault(prefix, []).append(path)
    for folder in POLICY_FOLDERS:
        if folder in by_folder:
            return sorted(by_folder[folder], key=lambda path: (not path.lower().endswith(".md"), path))[0]
    return None


def read_policy(sources: Sources, files: set[str], repository_url: str | None) -> Policy:
    policy = Policy(find_policy(files))
    if policy.path is None:
        return policy
    text = sources.text(policy.path)
    if text is None:
        return policy
    _contacts(policy, sources, policy.path)
    pointer = _pointer(text, repository_url)
    if pointer is not None:
        policy.pointer = pointer
        policy.pointer_evidence = sources.evidence(policy.path, pointer)
    _facts(policy, sources, text)
    return policy


def _contacts(policy: Policy, sources: Sources, path: str) -> None:
    for number, line in enumerate(sources.lines(path), 1):
        for match in _EMAIL.finditer(line):
            address = match.group(0).rstrip(".")
            if is_email(address) and all(address != known for known, _ in policy.emails) and len(policy.emails) < 20:
                policy.emails.append((address, Evidence(path, number)))
        for match in _URL.finditer(line):
            address = match.group(0).rstrip(".,;:!?*_")
            if address not in policy.urls and len(policy.urls) < 20:
                policy.urls.append(address)
            if policy.private_reporting is None and "security/advisories/new" in address and is_https_url(address):
                policy.private_reporting = (address, Evidence(path, number))
    # A contact whose own line says it is for reports comes first.
    policy.emails.sort(
        key=lambda item: not (_CONTACT_WORDS.search(item[0]) or _CONTACT_WORDS.search(sources.line(item[1])))
    )


def _pointer(text: str, repository_url: str | None) -> str | None:
    """The one policy a stub points to: short, no address to write to, one link elsewhere."""
    document = parse(text)
    words = " ".join(block.text for block in document.blocks if block.kind == "paragraph").split()
    if len(words) > MAX_POINTER_WORDS or _EMAIL.search(text) or len(document.headings) > 2:
        return None
    links = [link.href for link in document.links if is_https_url(link.href)]
    links += [match.group(0).rstrip(".,;:!?*_") for match in _URL.finditer(text)]
    own = (repository_url or "").rstrip("/").lower()
    targets = list(dict.fromkeys(link for link in links if "/security/advisories" not in link.lower()))
    if len(targets) != 1:
        return None
    target = targets[0]
    if own and target.lower().startswith(own + "/"):
        return None  # a link into the same repository is no other policy
    return target if re.search(r"security|policy|vulnerab|disclos", target, re.IGNORECASE) else None


def _facts(policy: Policy, sources: Sources, text: str) -> None:
    path = policy.path
    assert path is not None
    if policy.pointer is not None and policy.pointer_evidence is not None:
        parts = sentence(
            "The security policy is kept elsewhere, and ", code(path), " points to it: ", url(policy.pointer), "."
        )
        policy.facts.append(Fact(DISCLOSURE, "security policy", parts, (policy.pointer_evidence,)))
        return
    if policy.emails:
        address, evidence = policy.emails[0]
        parts = sentence("Vulnerabilities are reported privately to ", code(address), " (", code(path), ").")
        policy.facts.append(Fact(DISCLOSURE, "reporting address", parts, (evidence,)))
    private = sources.evidence(path, _PRIVATE_REPORT)
    if private is not None:
        parts = sentence(
            "Vulnerabilities can be reported through GitHub's private vulnerability reporting (", code(path), ")."
        )
        policy.facts.append(Fact(DISCLOSURE, "private reporting", parts, (private,)))
    quoted = 0
    for number, line in enumerate(sources.lines(path), 1):
        if quoted < MAX_QUOTED and _TIME.search(line) and _RESPONSE_WORDS.search(line):
            parts = sentence(code(path), " states a response time: ", quote(clean_line(line)), ".")
            policy.facts.append(Fact(DISCLOSURE, "response times", parts, (Evidence(path, number),)))
            quoted += 1
    supported = _supported_versions(sources, path, text)
    if supported is not None:
        policy.facts.append(supported)
    quoted = 0
    for number, line in enumerate(sources.lines(path), 1):
        if quoted < MAX_QUOTED and _DISCLOSURE.search(line):
            parts = sentence(code(path), " states its disclosure policy: ", quote(clean_line(line)), ".")
            policy.facts.append(Fact(DISCLOSURE, "disclosure policy", parts, (Evidence(path, number),)))
            quoted += 1


def _supported_versions(sources: Sources, path: str, text: str) -> Fact | None:
    document = parse(text)
    heading = next((item for item in document.headings if _SUPPORTED_HEADING.search(item.text)), None)
    if heading is None:
        return None
    later = [item.line for item in document.headings if item.line > heading.line]
    end = min(later) if later else len(sources.lines(path)) + 1
    table = next((item for item in document.tables if heading.line < item.line < end), None)
    if table is not None:
        versions: list[str] = []
        evidence: list[Evidence] = []
        for row, line in zip(table.rows, table.row_lines, strict=False):
            version = " ".join(row[0].split())[:40] if row else ""
            if (
                version
                and any(_YES.search(cell) for cell in row[1:])
                and sources.line_holds(Evidence(path, line), version)
            ):
                versions.append(version)
                evidence.append(Evidence(path, line))
        if versions:
            parts = sentence("Supported versions: ", *listing(versions[:6]), " (", code(path), ").")
            return Fact(DISCLOSURE, "supported versions", parts, tuple(evidence[:4]))
        return None
    for number in range(heading.line + 1, end):
        text = sources.lines(path)[number - 1]
        if clean_line(text) and not text.lstrip().startswith(("<!--", "|")):
            said = sentence(code(path), " on supported versions: ", quote(clean_line(text)), ".")
            return Fact(DISCLOSURE, "supported versions", said, (Evidence(path, number),))
    return None
