"""Find what a checkout already says about its security: files, their names, and the lines that prove a practice.

Nothing is fetched. The files read (the security policy, the README, the
contributing guide, CI workflows, the release and dependency configurations,
the Security Insights file, test files for fuzz tests) are each capped in
size and read once; everything else is judged by its path.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tssa.prefill.channels import Channel, find_channels
from tssa.prefill.configs import ConfigFile, default_configuration, security_configuration_doc
from tssa.prefill.gitinfo import Repository, read_repository
from tssa.prefill.insights_read import Insights, find_insights, read_insights
from tssa.prefill.languages import count_languages, main_languages
from tssa.prefill.model import Evidence, Fact
from tssa.prefill.pipeline import TOOLS, pipeline_facts, release_sbom
from tssa.prefill.policy import Policy, find_policy, read_policy
from tssa.prefill.provider import (
    Description,
    ProviderProposal,
    chart_description,
    propose_provider,
    settings_description,
)
from tssa.prefill.readme import FoundLink, Readme, read_readme, scan_links, website
from tssa.prefill.release import Release, read_release
from tssa.prefill.repofacts import badge_facts, other_ci_facts, repository_facts
from tssa.prefill.sources import Sources
from tssa.prefill.walk import Tree, scan
from tssa.prefill.workflows import read_workflows
from tssa.reading.validators import is_https_url, slug_of

# Project documents, looked for in the root, .github/, .gitlab/ and docs/, by file name without extension.
# (The security policy is found by `policy.find_policy`, by its exact name only.)
DOCUMENT_KINDS: dict[str, tuple[str, ...]] = {
    "contributing guide": ("contributing",),
    "code of conduct": ("code_of_conduct", "code-of-conduct", "codeofconduct"),
    "governance": ("governance",),
    "maintainers": ("maintainers", "owners", "codeowners"),
    "adopters": ("adopters",),
    "roadmap": ("roadmap",),
    "changelog": ("changelog", "changes", "history"),
    "license": ("license", "licence", "copying"),
    "community guide": ("community", "support"),
}
# Documents found anywhere outside vendored and test folders, by a word in the file name.
DESIGN_KINDS: dict[str, tuple[str, ...]] = {
    "threat model": ("threat-model", "threat_model", "threatmodel", "threat model"),
    "architecture": ("architecture",),
    "incident response": ("incident",),
    "earlier self-assessment": ("self-assessment", "self_assessment", "selfassessment"),
}
_DOCUMENT_FOLDERS = ("", ".github/", ".gitlab/", "docs/")
_TEXT_EXTENSIONS = ("", ".md", ".markdown", ".rst", ".txt", ".adoc")
_DESIGN_EXTENSIONS = (".md", ".markdown", ".rst", ".txt", ".adoc", ".pdf", ".html")
_EXAMPLE_FOLDERS = frozenset({"test", "tests", "testdata", "fixtures", "examples", "example", "samples"})
_SBOM_SUFFIXES = (
    ".spdx",
    ".spdx.json",
    ".spdx.yaml",
    ".spdx.yml",
    ".spdx.xml",
    ".spdx.rdf",
    ".cdx.json",
    ".cdx.xml",
    ".cyclonedx.json",
    ".cyclonedx.xml",
)
_SBOM_NAMES = frozenset({"bom.json", "bom.xml", "sbom.json", "sbom.xml", "sbom.spdx"})
MAX_LISTED = 10
MAX_WORKFLOWS_READ = 200


@dataclass
class Scan:
    """Everything prefill found in a checkout, with the paths it found it in (relative, with `/`)."""

    root: Path
    repository: Repository
    tree: Tree
    sources: Sources
    insights: Insights | None = None
    readme: Readme = field(default_factory=Readme)
    policy: Policy = field(default_factory=Policy)
    language_counts: Counter[str] = field(default_factory=Counter)
    languages: list[str] = field(default_factory=list)
    languages_left_out: int = 0
    documents: dict[str, list[str]] = field(default_factory=dict)
    sboms: list[str] = field(default_factory=list)
    workflows: list[str] = field(default_factory=list)
    release: Release = field(default_factory=Release)
    release_sbom: Evidence | None = None  # the line that proves SBOMs are published with each release
    facts: list[Fact] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    provider: ProviderProposal | None = None
    website: FoundLink | None = None
    default_config: ConfigFile | None = None
    security_config: tuple[str, FoundLink | None] | None = None
    notes: list[str] = field(default_factory=list)  # files or parts skipped, one line each
    problems: list[str] = field(default_factory=list)  # hostile or broken input, one line each, also printed

    @property
    def unread(self) -> list[str]:
        return [*self.sources.unread, *self.notes]


def detect(checkout: Path) -> Scan:
    """Scan a checkout and collect what it says; only `checkout` itself may be a link."""
    root = checkout.resolve()
    tree = scan(root)
    files = set(tree.files)
    sources = Sources(root, files)
    repository = read_repository(root)
    found = Scan(root, repository, tree, sources)
    if repository.problem:
        found.problems.append(repository.problem)
    insights_path = find_insights(files)
    if insights_path:
        found.insights = read_insights(root, insights_path)
        if found.insights.problem:
            found.problems.append(found.insights.problem)
            found.insights = None
    if found.repository.url is None and found.insights and is_https_url(found.insights.repository_url):
        found.repository = dataclasses.replace(found.repository, url=found.insights.repository_url)
    found.language_counts, found.languages_left_out = count_languages(root, tree.files)
    found.languages = main_languages(found.language_counts)
    _find_documents(found)
    found.readme = read_readme(sources, files)
    found.policy = read_policy(sources, files, found.repository.url)
    _pipeline(found, files)
    _proposals(found, files)
    return found


def _find_documents(found: Scan) -> None:
    documents: dict[str, list[str]] = {kind: [] for kind in ("security policy", *DOCUMENT_KINDS, *DESIGN_KINDS)}
    stems = {stem: kind for kind, names in DOCUMENT_KINDS.items() for stem in names}
    example_folders: dict[str, bool] = {}
    for path in found.tree.files:
        folder, _, name = path.rpartition("/")
        lower = name.lower()
        stem, extension = _split_extension(lower)
        if folder + "/" in _DOCUMENT_FOLDERS or not folder:
            kind = stems.get(stem) or stems.get(stem.split("-")[0])
            if kind and extension in _TEXT_EXTENSIONS:
                documents[kind].append(path)
                continue
        in_examples = example_folders.get(folder)
        if in_examples is None:
            in_examples = example_folders[folder] = bool(_EXAMPLE_FOLDERS.intersection(folder.lower().split("/")))
        if in_examples:
            continue
        if lower.endswith(_SBOM_SUFFIXES) or lower in _SBOM_NAMES:
            found.sboms.append(path)
        elif extension in _DESIGN_EXTENSIONS:
            for kind, words in DESIGN_KINDS.items():
                if any(word in lower for word in words):
                    documents[kind].append(path)
                    break
        if folder == ".github/workflows" and extension in (".yml", ".yaml"):
            found.workflows.append(path)
    policy = find_policy(set(found.tree.files))
    documents["security policy"] = [policy] if policy else []
    for paths in documents.values():
        paths.sort(key=_shallow_first)
        del paths[MAX_LISTED:]
    found.sboms = sorted(found.sboms, key=_shallow_first)[:MAX_LISTED]
    found.documents = documents


def _split_extension(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    return (name, "") if dot <= 0 else (name[:dot], name[dot:])


def _shallow_first(path: str) -> tuple[int, str]:
    # Root before .github/ before docs/, then deeper paths.
    order = {".github": 1, ".gitlab": 1, "docs": 2}
    return (path.count("/") * 10 + order.get(path.split("/")[0], 0) if "/" in path else 0, path)


def _pipeline(found: Scan, files: set[str]) -> None:
    workflows = read_workflows(found.sources, found.workflows[:MAX_WORKFLOWS_READ], found.notes)
    facts = pipeline_facts(workflows, found.sources)
    found.release = read_release(found.sources, files)
    found.release_sbom = found.release.sbom_evidence or release_sbom(workflows, found.sources)
    found.notes.extend(found.release.notes)
    facts.extend(found.release.facts)
    facts.extend(repository_facts(found.sources, files, found.documents, found.notes))
    known = {tool.name for tool in TOOLS if any(fact.sentence.startswith(tool.name + " ") for fact in facts)}
    facts.extend(other_ci_facts(found.sources, files, known))
    facts.extend(badge_facts(found.sources, found.readme.path, found.readme.best_practices))
    facts.extend(found.policy.facts)
    found.facts = facts


def project_keys(found: Scan, owner: bool = True) -> list[str]:
    """Names the project goes by: its name, the repository's name, and (with `owner`) the owner's."""
    keys = [found.readme.name or "", (found.insights.project_name if found.insights else None) or ""]
    path = _github_path(found.repository.url)
    if path:
        keys += [path[1], path[0]] if owner else [path[1]]
    return [key for key in dict.fromkeys(keys) if key]


def _github_path(url: str | None) -> tuple[str, str] | None:
    match = re.match(r"^https://(?:www\.)?github\.com/([^/]+)/([^/?#]+)", url or "")
    return (match.group(1), match.group(2)) if match else None


def _proposals(found: Scan, files: set[str]) -> None:
    keys = project_keys(found)
    links = list(found.readme.links)
    for kind in ("contributing guide", "community guide"):
        for path in found.documents.get(kind, [])[:1]:
            links.extend(scan_links(found.sources, path, 1, 10**9))
    owner_repository = _github_path(found.repository.url)
    owner, repository = owner_repository if owner_repository else (None, None)
    found.channels = find_channels(links, owner, repository, keys)
    found.website = website(found.readme, project_keys(found, owner=False))
    descriptions = settings_description(found.sources, files)
    slug = slug_of(keys[0]) if keys else ""
    descriptions += chart_description(found.sources, files, slug)
    if found.readme.subtitle and found.readme.path:
        evidence = found.sources.evidence(found.readme.path, found.readme.subtitle[:40], found.readme.title_line)
        if evidence:
            descriptions.append(Description("README title", found.readme.subtitle, evidence))
    if found.readme.first_paragraph and found.readme.path:
        text, line = found.readme.first_paragraph
        descriptions.append(Description("README's first paragraph", text, Evidence(found.readme.path, line)))
    found.provider = propose_provider(descriptions, found.sources)
    found.default_config = default_configuration(files, slug)
    own_hosts = {found.website.href.split("/")[2].lower()} if found.website else set()
    found.security_config = security_configuration_doc(files, found.readme.links, own_hosts)
