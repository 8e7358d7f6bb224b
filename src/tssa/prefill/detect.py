"""Find what a checkout already says about its security: files, their names and a few of their lines.

Nothing is fetched. A handful of small files are read (the security policy,
the README, the contributing guide, CI workflows, the Security Insights
file), each capped in size; everything else is judged by its path.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tssa.prefill.gitinfo import Repository, read_repository
from tssa.prefill.insights_read import Insights, find_insights, read_insights
from tssa.prefill.languages import count_languages, main_languages
from tssa.prefill.walk import Tree, scan
from tssa.reading.filehead import read_head
from tssa.reading.markdown import inline_text, lines_of, parse

# Project documents, looked for in the root, .github/, .gitlab/ and docs/, by file name without extension.
DOCUMENT_KINDS: dict[str, tuple[str, ...]] = {
    "security policy": ("security",),
    "contributing guide": ("contributing",),
    "code of conduct": ("code_of_conduct", "code-of-conduct", "codeofconduct"),
    "governance": ("governance",),
    "maintainers": ("maintainers", "owners", "codeowners"),
    "adopters": ("adopters",),
    "roadmap": ("roadmap",),
    "changelog": ("changelog", "changes", "history"),
    "license": ("license", "licence", "copying"),
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
DEPENDENCY_UPDATE_FILES = frozenset(
    {
        ".github/dependabot.yml",
        ".github/dependabot.yaml",
        "renovate.json",
        "renovate.json5",
        ".renovaterc",
        ".renovaterc.json",
        ".github/renovate.json",
        ".github/renovate.json5",
        ".gitlab/renovate.json",
    }
)
CI_FILES = frozenset(
    {
        ".gitlab-ci.yml",
        ".circleci/config.yml",
        ".travis.yml",
        "Jenkinsfile",
        "azure-pipelines.yml",
        ".cirrus.yml",
        ".drone.yml",
        "cloudbuild.yaml",
        ".buildkite/pipeline.yml",
        ".prow.yaml",
    }
)
RELEASE_FILES = (".goreleaser.yml", ".goreleaser.yaml")
# The security tools a CI file runs, by words in it (lowercase).
TOOL_MARKERS: dict[str, re.Pattern[str]] = {
    "code scanning": re.compile(r"codeql|semgrep|gosec|bandit|sonarcloud|sonarqube"),
    "vulnerability scanning": re.compile(r"govulncheck|trivy|grype|osv-scanner|snyk|dependency-review-action"),
    "OpenSSF Scorecard": re.compile(r"scorecard"),
    "fuzzing": re.compile(r"oss-fuzz|cifuzz|clusterfuzzlite|\bgo test\b[^\n]*-fuzz"),
    "signing": re.compile(r"cosign|sigstore|gitsign"),
    "SBOM generation": re.compile(r"sbom|syft|cyclonedx"),
    "SLSA provenance": re.compile(r"slsa|attest-build-provenance"),
}
_DCO = re.compile(r"\bdco\b|signed-off-by|developer certificate of origin", re.IGNORECASE)
# Bounded repeats: a long run of letters must not make every start position scan to its end.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}")
_URL = re.compile(r"https://[^\s<>()\[\]\"'`|{}]{1,2000}")
_BEST_PRACTICES = re.compile(
    r"(?:bestpractices\.dev|bestpractices\.coreinfrastructure\.org)/(?:[a-z]{2}(?:-[A-Za-z]+)?/)?projects/(\d+)"
)
_SCORECARD = re.compile(
    r"(?:api\.securityscorecards\.dev|api\.scorecard\.dev)/projects/([\w.-]+/[\w.-]+/[\w.-]+)/badge"
)
_HTML_H1 = re.compile(r"<h1\b[^>]{0,500}>(.{0,500}?)</h1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_COMMUNITY_WORDS = ("community", "contact", "getting help", "get help", "support", "communication")
MAX_LISTED = 10
MAX_WORKFLOWS_READ = 200


@dataclass
class Facts:
    """Everything prefill found in a checkout, with the paths it found it in (relative, with `/`)."""

    root: Path
    repository: Repository
    tree: Tree
    project_name: str
    project_name_source: str
    language_counts: Counter[str] = field(default_factory=Counter)
    languages: list[str] = field(default_factory=list)
    languages_left_out: int = 0
    documents: dict[str, list[str]] = field(default_factory=dict)
    readme: str | None = None
    community_anchor: str | None = None
    security_contacts: list[str] = field(default_factory=list)
    sboms: list[str] = field(default_factory=list)
    dependency_updates: list[str] = field(default_factory=list)
    workflows: list[str] = field(default_factory=list)
    tools: dict[str, list[str]] = field(default_factory=dict)
    dco: list[str] = field(default_factory=list)
    best_practices_id: str | None = None
    scorecard: str | None = None
    insights: Insights | None = None
    unread: list[str] = field(default_factory=list)


def detect(checkout: Path) -> Facts:
    """Scan a checkout and collect what it says; only `checkout` itself may be a link."""
    root = checkout.resolve()
    tree = scan(root)
    files = set(tree.files)
    insights_path = find_insights(files)
    insights = read_insights(root, insights_path) if insights_path else None
    facts = Facts(root, read_repository(root), tree, root.name or "project", "the folder name", insights=insights)
    facts.language_counts, facts.languages_left_out = count_languages(root, tree.files)
    facts.languages = main_languages(facts.language_counts)
    _find_documents(facts)
    _read_readme(facts)
    _read_security_policy(facts)
    _read_ci(facts, files)
    _read_contributing(facts, files)
    if insights and insights.project_name and 0 < len(insights.project_name) <= 100:
        facts.project_name, facts.project_name_source = insights.project_name, insights.path
    return facts


def _find_documents(facts: Facts) -> None:
    documents: dict[str, list[str]] = {kind: [] for kind in (*DOCUMENT_KINDS, *DESIGN_KINDS)}
    stems = {stem: kind for kind, names in DOCUMENT_KINDS.items() for stem in names}
    example_folders: dict[str, bool] = {}
    for path in facts.tree.files:
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
            facts.sboms.append(path)
        elif extension in _DESIGN_EXTENSIONS:
            for kind, words in DESIGN_KINDS.items():
                if any(word in lower for word in words):
                    documents[kind].append(path)
                    break
        if path in DEPENDENCY_UPDATE_FILES:
            facts.dependency_updates.append(path)
        elif (folder == ".github/workflows" and extension in (".yml", ".yaml")) or path in CI_FILES:
            facts.workflows.append(path)
    for paths in documents.values():
        paths.sort(key=_shallow_first)
        del paths[MAX_LISTED:]
    facts.sboms = sorted(facts.sboms, key=_shallow_first)[:MAX_LISTED]
    facts.documents = documents


def _split_extension(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    return (name, "") if dot <= 0 else (name[:dot], name[dot:])


def _shallow_first(path: str) -> tuple[int, str]:
    # Root before .github/ before docs/, then deeper paths.
    order = {".github": 1, ".gitlab": 1, "docs": 2}
    return (path.count("/") * 10 + order.get(path.split("/")[0], 0) if "/" in path else 0, path)


def _read_readme(facts: Facts) -> None:
    readmes = [path for path in facts.tree.files if "/" not in path and path.lower().startswith("readme")]
    readmes.sort(key=lambda name: (not name.lower().endswith((".md", ".markdown")), name))
    if not readmes:
        return
    facts.readme = readmes[0]
    content = read_head(facts.root / facts.readme)
    if content.text is None:
        facts.unread.append(f"{facts.readme} {content.problem}")
        return
    text = content.text
    if match := _BEST_PRACTICES.search(text):
        facts.best_practices_id = match.group(1)
    if match := _SCORECARD.search(text):
        facts.scorecard = match.group(1)
    title = None
    if facts.readme.lower().endswith((".md", ".markdown")):
        document = parse(text)
        first = next((heading for heading in document.headings if heading.level == 1), None)
        title = _heading_words(text, first.line) if first else None
        community = next(
            (
                heading
                for heading in document.headings
                if any(word in heading.text.lower() for word in _COMMUNITY_WORDS)
            ),
            None,
        )
        facts.community_anchor = community.anchor if community else None
        if title is None and (html := _HTML_H1.search(text[:20000])):
            title = _TAG.sub("", html.group(1))
    else:
        lines = text.splitlines()[:50]
        title = next(
            (
                line
                for line, under in itertools.pairwise(lines)
                if line.strip() and re.fullmatch(r"[=#*-]{3,}", under.strip())
            ),
            None,
        )
    title = " ".join((title or "").split())
    if title and len(title) <= 100 and title.isprintable():
        facts.project_name, facts.project_name_source = title, f"{facts.readme} title"


def _heading_words(text: str, line: int) -> str:
    """The words of a heading line, without its badges (images and links that hold only images)."""
    lines = lines_of(text)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return inline_text(source)


def _read_security_policy(facts: Facts) -> None:
    policies = facts.documents.get("security policy", [])
    if not policies:
        return
    content = read_head(facts.root / policies[0])
    if content.text is None:
        facts.unread.append(f"{policies[0]} {content.problem}")
        return
    found: list[str] = []
    for match in _EMAIL.finditer(content.text):
        found.append(match.group(0).rstrip("."))
    for match in _URL.finditer(content.text):
        found.append(match.group(0).rstrip(".,;:!?*_"))
    for contact in found:
        if contact not in facts.security_contacts and len(facts.security_contacts) < 20:
            facts.security_contacts.append(contact)


def _read_ci(facts: Facts, files: set[str]) -> None:
    tools: dict[str, list[str]] = {tool: [] for tool in TOOL_MARKERS}
    readable = [*facts.workflows[:MAX_WORKFLOWS_READ], *(path for path in RELEASE_FILES if path in files)]
    for path in readable:
        content = read_head(facts.root / path)
        if content.text is None:
            facts.unread.append(f"{path} {content.problem}")
            continue
        text = content.text.lower()
        for tool, marker in TOOL_MARKERS.items():
            if marker.search(text):
                tools[tool].append(path)
        if _DCO.search(text):
            facts.dco.append(path)
    # ClusterFuzzLite is set up by a folder of files; its project file stands for it.
    fuzz_files = [path for path in (".clusterfuzzlite/project.yaml", ".clusterfuzzlite/Dockerfile") if path in files]
    tools["fuzzing"].extend(fuzz_files[:1])
    facts.tools = tools
    for path in (".github/dco.yml", "DCO"):
        if path in files:
            facts.dco.insert(0, path)


def _read_contributing(facts: Facts, files: set[str]) -> None:
    guides = facts.documents.get("contributing guide", [])
    if not guides:
        return
    content = read_head(facts.root / guides[0])
    if content.text is not None and _DCO.search(content.text):
        facts.dco.append(guides[0])
