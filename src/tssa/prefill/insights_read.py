"""Read an OpenSSF Security Insights file of version 1, version 2, or a mix of both.

The file is looked for in every place and spelling the specification and
CLOMonitor accept. It is read with the bounded YAML reader: a value it
refuses (an alias bomb, a date that does not exist, a number of thousands of
digits, nesting without end) is one line naming the file and the field, and
the file is then not used. Values are taken as data: only strings are used,
each to one line, and lists are capped. The version is told by the keys
the file uses; a header that says otherwise is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tssa.reading import untrusted_yaml
from tssa.reading.filehead import read_head

# Folders in the order they are looked in; in each, any case of these names.
FOLDERS = ("", ".github/", "docs/")
NAMES = ("security-insights.yml", "security-insights.yaml")
MAX_BYTES = 1024 * 1024
MAX_ITEMS = 20
V1_KEYS = (
    "project-lifecycle",
    "contribution-policy",
    "distribution-points",
    "documentation",
    "security-artifacts",
    "security-testing",
    "security-contacts",
    "vulnerability-reporting",
    "dependencies",
)
V2_KEYS = ("project", "repository")
# v2 documentation keys, with the name a reader of the draft knows them by.
V2_DOCUMENTS = {
    "project.documentation.quickstart-guide": "Quickstart guide",
    "project.documentation.detailed-guide": "Detailed guide",
    "project.documentation.code-of-conduct": "Code of conduct",
    "project.documentation.release-process": "Release process",
    "project.documentation.support-policy": "Support policy",
    "project.documentation.signature-verification": "Signature verification",
    "repository.documentation.contributing-guide": "Contributing guide",
    "repository.documentation.review-policy": "Review policy",
    "repository.documentation.governance": "Governance",
    "repository.documentation.dependency-management-policy": "Dependency management policy",
    "project.roadmap": "Roadmap",
    "repository.release.changelog": "Changelog",
}


@dataclass
class Insights:
    """The values of a Security Insights file that feed a self-assessment."""

    path: str
    version: str = "unknown"
    note: str | None = None
    project_name: str | None = None
    homepage: str | None = None
    repository_url: str | None = None
    policy: str | None = None
    contacts: list[str] = field(default_factory=list)
    sboms: list[str] = field(default_factory=list)
    self_assessments: list[str] = field(default_factory=list)
    third_party_assessments: list[str] = field(default_factory=list)
    threat_models: list[str] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    champions: list[str] = field(default_factory=list)
    problem: str | None = None  # one line: why the file was not used at all
    unread: list[str] = field(default_factory=list)  # keys of the wrong shape, named


def find_insights(files: set[str]) -> str | None:
    """The Security Insights file of a checkout: root, then `.github/`, then `docs/`; lower case first."""
    candidates = []
    for path in files:
        folder, _, name = path.rpartition("/")
        prefix = folder + "/" if folder else ""
        if prefix in FOLDERS and name.lower() in NAMES:
            candidates.append((FOLDERS.index(prefix), NAMES.index(name.lower()), name != name.lower(), path))
    return min(candidates)[3] if candidates else None


def read_insights(root: Path, path: str) -> Insights:
    """Read one file; a file that cannot be read or parsed gives an `Insights` with only a note."""
    found = Insights(path)
    content = read_head(root / path, MAX_BYTES)
    if content.text is None:
        found.note = f"{path} {content.problem}"
        return found
    if content.truncated:
        found.note = f"{path} is larger than {MAX_BYTES // 1024} KiB; not read"
        return found
    try:
        data = untrusted_yaml.load(content.text)
    except untrusted_yaml.YamlProblem as problem:
        found.problem = found.note = f"{problem.describe(path)}; the file is not used"
        return found
    if not isinstance(data, dict):
        found.note = f"{path} does not hold a mapping of keys"
        return found
    _read_version(found, data)
    _read_v2(found, data)
    _read_v1(found, data)
    if found.unread:
        shown = "; ".join(found.unread[:5])
        found.note = f"{found.note}; {shown}" if found.note else shown
    return found


def _read_version(found: Insights, data: dict[Any, Any]) -> None:
    """The version by the keys used; the header's `schema-version` only when the keys do not tell."""
    v1 = [key for key in V1_KEYS if key in data]
    v2 = [key for key in V2_KEYS if key in data]
    declared = (_text(_get(data, "header.schema-version")) or "")[:20]
    if v1 and v2:
        found.version = "mixed"
        found.note = f"mixes version 1 keys ({', '.join(v1)}) with version 2 keys ({', '.join(v2)})"
    elif v2:
        found.version = "2"
    elif v1:
        found.version = "1"
    elif declared[:1] in ("1", "2"):
        found.version = declared[:1]
    if declared and found.version in ("1", "2") and not declared.startswith(found.version):
        found.note = (
            f"declares schema-version {declared} but uses version {found.version} keys; read as version {found.version}"
        )


def _read_v2(found: Insights, data: dict[Any, Any]) -> None:
    _items = _Lists(found)
    found.project_name = _text(_get(data, "project.name"))
    found.homepage = _text(_get(data, "project.homepage"))
    found.repository_url = _repository(_text(_get(data, "repository.url")))
    found.policy = _text(_get(data, "project.vulnerability-reporting.policy")) or _text(
        _get(data, "repository.documentation.security-policy")
    )
    contact = _get(data, "project.vulnerability-reporting.contact")
    if isinstance(contact, dict):
        _add(found.contacts, _text(contact.get("email")))
    for attestation in _items(_get(data, "repository.release.attestations"), "repository.release.attestations"):
        if isinstance(attestation, dict):
            kind = " ".join(_text(attestation.get(key)) or "" for key in ("name", "predicate-uri")).lower()
            if any(word in kind for word in ("sbom", "spdx", "cyclonedx")):
                _add(found.sboms, _text(attestation.get("location")))
    assessments = _get(data, "repository.security.assessments")
    if isinstance(assessments, dict):
        own = assessments.get("self")
        if isinstance(own, dict):
            _add(found.self_assessments, _text(own.get("evidence")))
        for other in _items(assessments.get("third-party"), "repository.security.assessments.third-party"):
            if isinstance(other, dict):
                _add(found.third_party_assessments, _text(other.get("evidence")))
    for key, label in V2_DOCUMENTS.items():
        url = _text(_get(data, key))
        if url:
            found.documents.append((label, url))
    for tool in _items(_get(data, "repository.security.tools"), "repository.security.tools"):
        if isinstance(tool, dict):
            _add(found.tools, _text(tool.get("name")))
    for champion in _items(_get(data, "repository.security.champions"), "repository.security.champions"):
        if isinstance(champion, dict):
            _add(found.champions, _text(champion.get("name")))


def _read_v1(found: Insights, data: dict[Any, Any]) -> None:
    """Version 1 values fill only what version 2 keys left empty (and add to lists)."""
    _items = _Lists(found)
    found.repository_url = found.repository_url or _repository(_text(_get(data, "header.project-url")))
    found.policy = found.policy or _text(_get(data, "vulnerability-reporting.security-policy"))
    contacts = [item for item in _items(data.get("security-contacts"), "security-contacts") if isinstance(item, dict)]
    contacts.sort(key=lambda item: item.get("primary") is not True)
    for contact in contacts:
        if (_text(contact.get("type")) or "").lower() in ("email", "url", "website"):
            _add(found.contacts, _text(contact.get("value")))
    _add(found.contacts, _text(_get(data, "vulnerability-reporting.email-contact")))
    for sbom in _items(_get(data, "dependencies.sbom"), "dependencies.sbom"):
        if isinstance(sbom, dict):
            _add(found.sboms, _text(sbom.get("sbom-url")) or _text(sbom.get("sbom-file")))
    for url in _items(
        _get(data, "security-artifacts.self-assessment.evidence-url"), "security-artifacts.self-assessment.evidence-url"
    ):
        _add(found.self_assessments, _text(url))
    for url in _items(
        _get(data, "security-artifacts.threat-model.evidence-url"), "security-artifacts.threat-model.evidence-url"
    ):
        _add(found.threat_models, _text(url))
    for key, label in (
        ("contribution-policy.contributing-policy", "Contributing guide"),
        ("contribution-policy.code-of-conduct", "Code of conduct"),
        ("header.changelog", "Changelog"),
    ):
        url = _text(_get(data, key))
        if url and all(url != known for _, known in found.documents):
            found.documents.append((label, url))
    documentation = data.get("documentation")
    for key, url in documentation.items() if isinstance(documentation, dict) else []:
        # A mapping where a list is expected: its addresses are read, an SBOM's as an SBOM.
        text = _text(url)
        if text and "sbom" in str(key).lower():
            _add(found.sboms, text)
    for url in _items(documentation, "documentation"):
        text = _text(url)
        if text:
            found.documents.append(("Documentation", text))
    for tool in _items(data.get("security-testing"), "security-testing"):
        if isinstance(tool, dict):
            _add(found.tools, _text(tool.get("tool-name")))


def _get(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


class _Lists:
    """Reads lists, and a mapping where a list is expected as its values, naming the key it read that way."""

    def __init__(self, found: Insights) -> None:
        self.found = found

    def __call__(self, value: Any, key: str) -> list[Any]:
        if isinstance(value, list):
            return list(value[:MAX_ITEMS])
        if isinstance(value, dict):
            message = f"{key} is a mapping where a list is expected; read its values ({', '.join(list(value)[:5])})"
            if message not in self.found.unread:
                self.found.unread.append(message)
            return list(value.values())[:MAX_ITEMS]
        return []


def _text(value: Any) -> str | None:
    """A string (or number) value as one line (at most 500 characters), or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    line = " ".join("".join(char if char.isprintable() else " " for char in value).split())
    return line[:500] or None


def _add(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def _repository(url: str | None) -> str | None:
    """A repository address without trailing slashes or `.git`, so links built on it have no `//`."""
    if url is None:
        return None
    url = url.rstrip("/")
    return (url[:-4] if url.endswith(".git") else url) or None
