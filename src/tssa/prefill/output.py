"""Turn what prefill found into copier answers, draft references per section, and a summary table.

Each finding becomes an answer (a link built as `<repo>/blob/<branch>/<path>`)
or a `reference:` line under the self-assessment section it informs. Values
from the Security Insights file come before guesses from file names.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from tssa.prefill.detect import Facts
from tssa.reading.outline import SELF_ASSESSMENT
from tssa.reading.validators import is_contact, is_email, is_https_url, is_line, is_slug, slug_of

# Sections by their titles from the top; titles are the outline's, so renamed keys do not matter here.
TOP = ()
OVERVIEW = ("Overview",)
ACTORS = ("Overview", "Actors")
GOALS = ("Overview", "Goals")
FEATURES = ("Security functions and features",)
SECURITY_RELEVANT = ("Security functions and features", "Security Relevant")
COMPLIANCE = ("Project compliance",)
PIPELINE = ("Secure development practices", "Development Pipeline")
CHANNELS = ("Secure development practices", "Communication Channels")
ECOSYSTEM = ("Secure development practices", "Ecosystem")
DISCLOSURE = ("Security issue resolution", "Responsible Disclosures Process")
INCIDENTS = ("Security issue resolution", "Incident Response")
KNOWN_ISSUES = ("Appendix", "Known Issues Over Time")
BEST_PRACTICES = ("Appendix", "OpenSSF Best Practices")
CASE_STUDIES = ("Appendix", "Case Studies")

DOCUMENT_SECTIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "security policy": (DISCLOSURE, CHANNELS),
    "contributing guide": (PIPELINE,),
    "code of conduct": (CHANNELS,),
    "governance": (CHANNELS,),
    "maintainers": (PIPELINE,),
    "adopters": (ECOSYSTEM, CASE_STUDIES),
    "roadmap": (GOALS,),
    "changelog": (KNOWN_ISSUES,),
    "license": (COMPLIANCE,),
    "threat model": (FEATURES,),
    "architecture": (ACTORS,),
    "incident response": (INCIDENTS,),
    "earlier self-assessment": (TOP,),
}
INSIGHTS_DOCUMENT_SECTIONS: dict[str, tuple[str, ...]] = {
    "Quickstart guide": OVERVIEW,
    "Detailed guide": OVERVIEW,
    "Documentation": OVERVIEW,
    "Code of conduct": CHANNELS,
    "Release process": PIPELINE,
    "Support policy": INCIDENTS,
    "Signature verification": SECURITY_RELEVANT,
    "Contributing guide": PIPELINE,
    "Review policy": PIPELINE,
    "Governance": CHANNELS,
    "Dependency management policy": PIPELINE,
    "Roadmap": GOALS,
    "Changelog": KNOWN_ISSUES,
}
MAX_WORKFLOW_REFERENCES = 10
# Documents that also go into the Security links table, under these names.
LINKED_DOCUMENTS = {"security policy": "Security policy", "threat model": "Threat model"}


@dataclass
class Draft:
    """The answers, the reference lines per section, and the summary rows (what, where, becomes)."""

    project_name: str
    answers: dict[str, Any] = field(default_factory=dict)
    references: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def refer(self, section: tuple[str, ...], value: str) -> None:
        lines = self.references.setdefault(section, [])
        if value not in lines:
            lines.append(value)

    def row(self, what: str, where: str, becomes: str) -> None:
        self.rows.append((what, where, becomes))


def build_draft(facts: Facts) -> Draft:
    """Decide, for every finding, the answer or the reference line it becomes."""
    draft = Draft(facts.project_name)
    insights = facts.insights
    repository = facts.repository
    if repository.url is None and insights and is_https_url(insights.repository_url):
        repository = dataclasses.replace(repository, url=insights.repository_url)
    link = repository.link
    _project(draft, facts)
    _software(draft, facts, repository.url)
    _languages(draft, facts)
    security_links: dict[str, str] = {}
    _documents(draft, facts, link, security_links)
    _contacts(draft, facts, link)
    _sbom(draft, facts, link)
    _pipeline(draft, facts, link)
    _badges(draft, facts)
    _insights(draft, facts, link, security_links)
    if security_links:
        order = ["Security policy", "Threat model", "Security Insights"]
        draft.answers["security_links"] = dict(sorted(security_links.items(), key=lambda item: order.index(item[0])))
    _skipped(draft, facts)
    return draft


def _project(draft: Draft, facts: Facts) -> None:
    name = next((candidate for candidate in (facts.project_name, facts.root.name) if is_line(candidate)), None)
    if name is None:
        draft.row("Project name", "not found", "copier asks for project_name")
        return
    draft.answers["project_name"] = name
    slug = slug_of(name) or slug_of(facts.root.name) or "project"
    if is_slug(slug):
        draft.answers["project_slug"] = slug
    source = facts.project_name_source if name == facts.project_name else "the folder name"
    draft.row("Project name", source, "project_name, project_slug")


def _software(draft: Draft, facts: Facts, url: str | None) -> None:
    insights = facts.insights
    chosen = insights.repository_url if insights and is_https_url(insights.repository_url) else url
    repository = facts.repository
    if chosen and is_https_url(chosen):
        draft.answers["software_url"] = chosen
        source = insights.path if insights and chosen == insights.repository_url else f"git remote {repository.remote}"
        draft.row("Repository", source, "software_url")
    else:
        draft.row("Repository", repository.note or "not found", "not found: copier asks for software_url")
    draft.row("Default branch", f"{repository.branch} ({repository.branch_source})", "the branch in every link")
    if insights and is_https_url(insights.homepage):
        draft.answers["website_url"] = insights.homepage
        draft.row("Web site", insights.path, "website_url")
    else:
        draft.row("Web site", "not found", "copier asks for website_url")


def _languages(draft: Draft, facts: Facts) -> None:
    total = sum(facts.language_counts.values())
    if not facts.languages:
        draft.row("Languages", "no source files found", "copier asks for languages")
        return
    draft.answers["languages"] = list(facts.languages)
    shares = ", ".join(f"{language} {facts.language_counts[language] * 100 // total}%" for language in facts.languages)
    left_out = f"; {facts.languages_left_out:,} vendored or generated left out" if facts.languages_left_out else ""
    draft.row("Languages", f"{total:,} source files: {shares}{left_out}", "languages")


def _documents(draft: Draft, facts: Facts, link: Any, security_links: dict[str, str]) -> None:
    insights = facts.insights
    preferred = {  # the Security Insights file's own links win over the files found
        name
        for name, values in (
            ("Security policy", [insights.policy] if insights else []),
            ("Threat model", insights.threat_models if insights else []),
        )
        if any(is_https_url(value) for value in values)
    }
    for kind, paths in facts.documents.items():
        sections = DOCUMENT_SECTIONS[kind]
        if not paths:
            draft.row(kind.capitalize(), "not found", "")
            continue
        for path in paths:
            for section in sections:
                draft.refer(section, link(path))
        becomes = "references under " + ", ".join(section[-1] if section else "the title" for section in sections)
        name = LINKED_DOCUMENTS.get(kind)
        if name and name not in preferred and is_https_url(link(paths[0])):
            security_links[name] = link(paths[0])
            becomes = "security_links; " + becomes
        draft.row(kind.capitalize(), ", ".join(paths), becomes)
    if facts.readme and facts.community_anchor:
        draft.refer(CHANNELS, f"{link(facts.readme)}#{facts.community_anchor}")
        draft.row(
            "Community section", f"{facts.readme}#{facts.community_anchor}", "reference under Communication Channels"
        )


def _contacts(draft: Draft, facts: Facts, link: Any) -> None:
    insights = facts.insights
    from_insights = [contact for contact in (insights.contacts if insights else []) if is_contact(contact)]
    emails = [contact for contact in facts.security_contacts if is_email(contact)]
    urls = [contact for contact in facts.security_contacts if is_https_url(contact)]
    reporting = [url for url in urls if re.search(r"security|advisor|vulnerab|report", url, re.IGNORECASE)]
    candidates = [*from_insights, *emails, *reporting, *urls]
    if not candidates:
        draft.row("Security contact", "not found", "copier asks for security_contact")
        return
    chosen = candidates[0]
    draft.answers["security_contact"] = chosen
    for contact in dict.fromkeys(candidates):
        if contact != chosen:
            draft.refer(DISCLOSURE, contact if is_https_url(contact) else f"mailto:{contact}")
    policy = facts.documents.get("security policy") or ["the security policy"]
    source = insights.path if insights and chosen in from_insights else policy[0]
    others = len(dict.fromkeys(candidates)) - 1
    more = f"; {others} more as references under Responsible Disclosures Process" if others else ""
    draft.row("Security contact", f"{chosen} ({source})", f"security_contact{more}")


def _sbom(draft: Draft, facts: Facts, link: Any) -> None:
    insights = facts.insights
    candidates = [url for url in (insights.sboms if insights else []) if is_https_url(url)]
    candidates += [link(path) for path in facts.sboms if is_https_url(link(path))]
    if candidates:
        draft.answers["sbom_url"] = candidates[0]
        for url in candidates[1:]:
            draft.refer(("Metadata",), url)
    where = ", ".join([*(insights.sboms if insights else []), *facts.sboms]) or "not found"
    draft.row("SBOM", where, "sbom_url" if candidates else "")


def _pipeline(draft: Draft, facts: Facts, link: Any) -> None:
    for path in facts.dependency_updates:
        draft.refer(PIPELINE, link(path))
    draft.row(
        "Dependency updates",
        ", ".join(facts.dependency_updates) or "not found",
        "reference under Development Pipeline" if facts.dependency_updates else "",
    )
    for path in facts.workflows[:MAX_WORKFLOW_REFERENCES]:
        draft.refer(PIPELINE, link(path))
    if len(facts.workflows) > MAX_WORKFLOW_REFERENCES:
        draft.refer(PIPELINE, link(".github/workflows", folder=True))
    shown = ", ".join(facts.workflows[:3]) + (
        f" and {len(facts.workflows) - 3} more" if len(facts.workflows) > 3 else ""
    )
    draft.row("CI workflows", shown or "not found", "references under Development Pipeline" if shown else "")
    for tool, paths in facts.tools.items():
        for path in paths:
            draft.refer(PIPELINE, link(path))
        draft.row(
            f"CI: {tool}", ", ".join(paths) or "not found", "reference under Development Pipeline" if paths else ""
        )
    for path in facts.dco:
        draft.refer(PIPELINE, link(path))
    draft.row(
        "DCO sign-off", ", ".join(facts.dco) or "not found", "reference under Development Pipeline" if facts.dco else ""
    )


def _badges(draft: Draft, facts: Facts) -> None:
    if facts.best_practices_id:
        draft.refer(BEST_PRACTICES, f"https://www.bestpractices.dev/projects/{facts.best_practices_id}")
        draft.row(
            "OpenSSF Best Practices badge",
            f"{facts.readme}: project {facts.best_practices_id}",
            "reference under OpenSSF Best Practices",
        )
    else:
        draft.row("OpenSSF Best Practices badge", "not found", "")
    if facts.scorecard:
        draft.refer(BEST_PRACTICES, f"https://scorecard.dev/viewer/?uri={facts.scorecard}")
        draft.row(
            "OpenSSF Scorecard badge", f"{facts.readme}: {facts.scorecard}", "reference under OpenSSF Best Practices"
        )
    else:
        draft.row("OpenSSF Scorecard badge", "not found", "")


def _insights(draft: Draft, facts: Facts, link: Any, security_links: dict[str, str]) -> None:
    insights = facts.insights
    if insights is None:
        draft.row("Security Insights", "not found", "")
        return
    version = {"1": "version 1", "2": "version 2", "mixed": "version 1 and 2 keys mixed"}.get(
        insights.version, "unknown version"
    )
    note = f"; {insights.note}" if insights.note else ""
    if is_https_url(link(insights.path)):
        security_links["Security Insights"] = link(insights.path)
    draft.row("Security Insights", f"{insights.path} ({version}{note})", "preferred over guesses; security_links")
    if insights.policy:
        draft.refer(DISCLOSURE, insights.policy)
        if is_https_url(insights.policy):
            security_links["Security policy"] = insights.policy
    for url in insights.threat_models:
        draft.refer(FEATURES, url)
        if is_https_url(url) and "Threat model" not in security_links:
            security_links["Threat model"] = url
    for url in insights.self_assessments:
        draft.refer(TOP, url)
    for url in insights.third_party_assessments:
        draft.refer(KNOWN_ISSUES, url)
    for label, url in insights.documents:
        draft.refer(INSIGHTS_DOCUMENT_SECTIONS.get(label, OVERVIEW), url)
    if insights.tools:
        draft.row("Security tools (Security Insights)", ", ".join(insights.tools), "listed here only")
    champion = next((name for name in insights.champions if is_line(name, 500)), None)
    if champion:
        draft.answers["security_lead"] = champion
        draft.row("Security champion", insights.path, "security_lead")


def _skipped(draft: Draft, facts: Facts) -> None:
    tree = facts.tree
    if tree.skipped_folders:
        shown = ", ".join(tree.skipped_folders[:5]) + (" ..." if len(tree.skipped_folders) > 5 else "")
        draft.row("Not scanned: vendored and tool folders", shown, _count(len(tree.skipped_folders), "folder"))
    if tree.links:
        draft.row(
            "Not followed: links",
            ", ".join(tree.links[:5]) + (" ..." if len(tree.links) > 5 else ""),
            _count(len(tree.links), "link"),
        )
    if tree.unreadable_folders:
        draft.row(
            "Unreadable folders", ", ".join(tree.unreadable_folders[:5]), _count(len(tree.unreadable_folders), "folder")
        )
    for problem in facts.unread:
        draft.row("Not read", problem, "")
    if tree.stopped:
        draft.row("Scan stopped early", tree.stopped, "")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def section_order() -> list[tuple[str, ...]]:
    """Every self-assessment section as its path of titles, in document order."""
    paths: list[tuple[str, ...]] = []
    stack: list[str] = []
    for walked in SELF_ASSESSMENT.walk():
        del stack[walked.level - 2 :]
        stack.append(walked.section.title)
        paths.append(tuple(stack))
    return paths


def answers_yaml(draft: Draft, checkout_name: str) -> str:
    """The copier data file: a comment on how to use it, then the answers."""
    header = (
        f"# Answers tssa prefill found in the files of {checkout_name}. Check each value, then:\n"
        "#   copier copy --data-file answers.yml TEMPLATE DESTINATION\n"
        "# Questions not answered here are asked as usual.\n"
    )
    body = yaml.safe_dump(draft.answers, sort_keys=False, allow_unicode=True, width=10_000)
    return header + body


def draft_markdown(draft: Draft) -> str:
    """The draft: reference lines under the sections they inform, in document order, then the summary."""
    title = f"# {_inline(draft.project_name)} self-assessment: draft references"
    blocks = [title, 'todo: delete every "reference:" line when you move this text into self-assessment.md']
    if draft.references.get(TOP):
        blocks.append("\n".join(_reference(value) for value in draft.references[TOP]))
    written: set[tuple[str, ...]] = set()
    for path in section_order():
        values = draft.references.get(path)
        if not values:
            continue
        for depth in range(1, len(path) + 1):
            if path[:depth] not in written:
                written.add(path[:depth])
                blocks.append(f"{'#' * (depth + 1)} {path[depth - 1]}")
        blocks.append("\n".join(_reference(value) for value in values))
    blocks += ["## What prefill found", summary_table(draft)]
    return "\n\n".join(blocks) + "\n"


def summary_table(draft: Draft) -> str:
    """A Markdown table: what was looked for, where it was found (or not), what it became."""
    out = ["| found | where | becomes |", "| --- | --- | --- |"]
    for what, where, becomes in draft.rows:
        shown = where if where == "not found" else _code(where)
        out.append(f"| {what} | {shown} | {becomes or '-'} |")
    return "\n".join(out)


def _reference(value: str) -> str:
    # An autolink, so the draft passes markdownlint (no bare URLs).
    if is_https_url(value) or (value.startswith("mailto:") and is_email(value.removeprefix("mailto:"))):
        return f"reference: <{value}>"
    return f"reference: {_code(value)}"


def _code(text: str) -> str:
    """Text from the checkout as a code span: one line, pipes escaped, control characters shown as \ufffd."""
    text = "".join(char if char.isprintable() else "\ufffd" for char in " ".join(text.split()))
    text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#{}])", r"\\\1", " ".join(text.split()))
