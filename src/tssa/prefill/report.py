"""Turn what prefill found into answers, facts, notes and references: the `Report`.

An answer is written only when the repository settles it; where prefill is
unsure, the answer stays out (copier asks) and a note in the draft says why.
Values from the Security Insights file come before what files show.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tssa.prefill.channels import INBOUND, INTERNAL, OUTBOUND, Channel
from tssa.prefill.detect import Scan
from tssa.prefill.model import (
    ACTORS,
    BEST_PRACTICES,
    CASE_STUDIES,
    CHANNELS,
    COMPLIANCE,
    DISCLOSURE,
    ECOSYSTEM,
    FEATURES,
    GOALS,
    INCIDENTS,
    KNOWN_ISSUES,
    METADATA,
    OVERVIEW,
    PIPELINE,
    SECURITY_LINKS,
    SECURITY_RELEVANT,
    TOP,
    Fact,
    Part,
    Report,
    Section,
    code,
    listing,
    sentence,
    url,
)
from tssa.reading.validators import is_contact, is_email, is_https_url, is_line, is_slug, slug_of

DOCUMENT_SECTIONS: dict[str, tuple[Section, ...]] = {
    "security policy": (DISCLOSURE,),
    "contributing guide": (PIPELINE,),
    "code of conduct": (CHANNELS,),
    "governance": (CHANNELS,),
    "maintainers": (PIPELINE,),
    "adopters": (ECOSYSTEM, CASE_STUDIES),
    "roadmap": (GOALS,),
    "changelog": (KNOWN_ISSUES,),
    "license": (COMPLIANCE,),
    "community guide": (CHANNELS,),
    "threat model": (FEATURES,),
    "architecture": (ACTORS,),
    "incident response": (INCIDENTS,),
    "earlier self-assessment": (TOP,),
}
INSIGHTS_DOCUMENT_SECTIONS: dict[str, Section] = {
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
# The Security links table's rows, in this order; "Security file" is the name the template gives the policy.
LINK_NAMES = ("Security file", "Threat model", "Security Insights", "Default configuration", "Optional configuration")
CHANNEL_FIELDS = {INTERNAL: "channel_internal", INBOUND: "channel_inbound", OUTBOUND: "channel_outbound"}
CHANNEL_WORDS = {
    INTERNAL: "The team talks among itself through",
    INBOUND: "Users reach the team through",
    OUTBOUND: "The team reaches its users through",
}
MAX_NAME_WORDS = 4


def build_report(found: Scan) -> Report:
    """Decide, for every finding, the answer, fact, note or reference it becomes."""
    repository = found.repository
    report = Report(_name(found)[0] or found.root.name, repository.url, repository.commit, repository.branch)
    report.evidence_base = repository.line_base()
    report.problems.extend(found.problems)
    links: dict[str, str] = {}
    _project(report, found)
    _software(report, found)
    _languages(report, found)
    _provider(report, found)
    _documents(report, found)
    _policy(report, found, links)
    _sbom(report, found)
    _insights(report, found, links)
    _configurations(report, found, links)
    _channels(report, found)
    for fact in found.facts:
        report.add(fact)
    _pipeline_rows(report, found)
    _badges(report, found)
    report.answers["security_links"] = {name: links[name] for name in LINK_NAMES if name in links}
    if not links:
        report.row("Security links", "none found", "security_links: {} (copier derives none)")
    _skipped(report, found)
    return report


def _name(found: Scan) -> tuple[str | None, str]:
    """The project's name and where it came from; None when no source is sure."""
    insights = found.insights
    if insights and is_line(insights.project_name, 100):
        return insights.project_name, insights.path
    readme = found.readme
    url = found.repository.url
    repository_name = url.rstrip("/").rsplit("/", 1)[-1] if url else None
    if readme.name and is_line(readme.name, 100):
        # A title unlike the repository's name may be a slogan; without a repository, a short one is taken.
        owner = url.rstrip("/").rsplit("/", 2)[-2] if url else ""
        if _related(readme.name, [repository_name or found.root.name, owner]):
            return readme.name, f"{readme.path} title"
        if repository_name is None and len(readme.name.split()) <= MAX_NAME_WORDS:
            return readme.name, f"{readme.path} title"
        return None, f"the {readme.path} title is unlike the repository's name, so it may not be the project's name"
    if repository_name and is_line(repository_name, 100):
        return repository_name, f"the repository's name ({found.repository.url})"
    if is_line(found.root.name, 100):
        return found.root.name, "the folder name"
    return None, "no title, repository or folder name"


def _related(name: str, others: list[str]) -> bool:
    letters = re.sub(r"[^a-z0-9]", "", name.lower())
    for other in others:
        plain = re.sub(r"[^a-z0-9]", "", other.lower())
        if letters and plain and (letters in plain or plain in letters or letters[:4] == plain[:4]):
            return True
    return False


def _project(report: Report, found: Scan) -> None:
    name, source = _name(found)
    if name is None:
        report.row("Project name", source, "copier asks for project_name")
        report.note(METADATA, "The project's name is not clear: ", source, ". Copier asks for it.")
        return
    report.project_name = name
    report.answers["project_name"] = name
    slug = slug_of(name) or slug_of(found.root.name) or "project"
    if is_slug(slug):
        report.answers["project_slug"] = slug
    report.row("Project name", source, "project_name, project_slug")


def _software(report: Report, found: Scan) -> None:
    repository = found.repository
    insights = found.insights
    chosen = insights.repository_url if insights and is_https_url(insights.repository_url) else repository.url
    if chosen and is_https_url(chosen):
        report.answers["software_url"] = chosen
        source = insights.path if insights and chosen == insights.repository_url else f"git remote {repository.remote}"
        report.row("Repository", source, "software_url")
    else:
        report.row("Repository", repository.note or "not found", "not found: copier asks for software_url")
    report.row("Default branch", f"{repository.branch} ({repository.branch_source})", "the branch in every link")
    commit = repository.commit[:12] if repository.commit else "none (evidence is given as file:line)"
    report.row("Commit", commit, "evidence links point at it")
    if insights and is_https_url(insights.homepage):
        report.answers["website_url"] = insights.homepage
        report.row("Web site", insights.path, "website_url")
        return
    link = found.website
    if link is not None:
        host = urlsplit(link.href).hostname or ""
        site = f"https://{host}"
        if is_https_url(site):
            report.answers["website_url"] = site
            parts = sentence("The project's web site is ", url(site), ", linked from the README.")
            report.add(Fact(METADATA, "website", parts, (link.evidence,), "website_url", site, True))
            report.row("Web site", f"{link.path}:{link.line}", "website_url")
            return
    report.row("Web site", "not found", "copier asks for website_url")


def _languages(report: Report, found: Scan) -> None:
    total = sum(found.language_counts.values())
    if not found.languages:
        report.row("Languages", "no source files found", "copier asks for languages")
        return
    report.answers["languages"] = list(found.languages)
    shares = ", ".join(f"{language} {found.language_counts[language] * 100 // total}%" for language in found.languages)
    left_out = f"; {found.languages_left_out:,} vendored or generated left out" if found.languages_left_out else ""
    report.row("Languages", f"{total:,} source files: {shares}{left_out}", "languages")


def _provider(report: Report, found: Scan) -> None:
    proposal = found.provider
    if proposal is None:
        report.row("Security Provider", "no description found", "copier asks for security_provider")
        report.note(METADATA, "Security Provider: no description of the project was found to propose Yes or No from.")
        return
    report.answers["security_provider"] = proposal.provider
    read = ", ".join(proposal.read)
    if proposal.provider:
        parts = sentence(
            "Security Provider: Yes, proposed. The project describes itself with ",
            *listing(list(proposal.words), "quote"),
            ". Confirm that supporting the security of other systems is its primary function.",
        )
    else:
        parts = sentence(
            f"Security Provider: No, proposed. Its descriptions ({read}) name no security function. "
            "Say Yes if supporting the security of other systems is its primary function.",
        )
    report.add(
        Fact(METADATA, "security provider", parts, proposal.evidence, "security_provider", proposal.provider, True)
    )
    report.row(
        "Security Provider", f"{'Yes' if proposal.provider else 'No'} from {read}", "security_provider (a proposal)"
    )


def _documents(report: Report, found: Scan) -> None:
    link = found.repository.link
    for kind, paths in found.documents.items():
        sections = DOCUMENT_SECTIONS[kind]
        if not paths:
            report.row(kind.capitalize(), "not found", "")
            continue
        for path in paths:
            for section in sections:
                report.refer(section, link(path))
        becomes = "references under " + ", ".join(section[-1] if section else "the title" for section in sections)
        report.row(kind.capitalize(), ", ".join(paths), becomes)
    readme = found.readme
    if readme.path and readme.community:
        report.refer(CHANNELS, f"{link(readme.path)}#{readme.community.anchor}")
        report.row(
            "Community section", f"{readme.path}#{readme.community.anchor}", "reference under Communication Channels"
        )


def _policy(report: Report, found: Scan, links: dict[str, str]) -> None:
    """The Security file link and the security contact, from Security Insights first, then the policy."""
    policy = found.policy
    insights = found.insights
    link = found.repository.link
    if insights and is_https_url(insights.policy):
        links["Security file"] = insights.policy or ""
        report.refer(DISCLOSURE, insights.policy or "")
    elif policy.pointer and is_https_url(policy.pointer):
        links["Security file"] = policy.pointer
        report.row("Security policy points to", policy.pointer, "security_links: Security file")
    elif policy.path and is_https_url(link(policy.path)):
        links["Security file"] = link(policy.path)
    if policy.path is None and not (insights and insights.policy):
        where = f"{found.repository.url}/security/policy" if _on_github(found.repository.url) else None
        pieces: list[str | Part] = ["The repository has no SECURITY.md (looked for in the root, .github/ and docs/)."]
        if where:
            pieces += [
                " If your organization's .github repository has one, GitHub shows it at ",
                url(where),
                ": check it, then",
            ]
        else:
            pieces.append(" Write your policy, then")
        pieces.append(" add its link to the Security links table. Prefill wrote no Security file link.")
        report.note(SECURITY_LINKS, *pieces)
    # The contact: Insights, then an e-mail address of the policy, then its private reporting link.
    from_insights = [contact for contact in (insights.contacts if insights else []) if is_contact(contact)]
    emails = [address for address, _ in policy.emails if is_email(address)]
    private = [policy.private_reporting[0]] if policy.private_reporting else []
    candidates = list(dict.fromkeys([*from_insights, *emails, *private]))
    if not candidates:
        becomes = "copier asks for security_contact"
        if policy.pointer:
            report.note(
                DISCLOSURE,
                "The security contact is in the policy ",
                code(policy.path or ""),
                " points to; prefill does not fetch it.",
            )
        report.row("Security contact", "not found", becomes)
        return
    chosen = candidates[0]
    report.answers["security_contact"] = chosen
    for other in candidates[1:]:
        report.refer(DISCLOSURE, other if is_https_url(other) else f"mailto:{other}")
    source = insights.path if insights and chosen in from_insights else policy.path or ""
    others = len(candidates) - 1
    more = f"; {others} more as references under Responsible Disclosures Process" if others else ""
    report.row("Security contact", f"{chosen} ({source})", f"security_contact{more}")


def _on_github(repository_url: str | None) -> bool:
    return bool(repository_url and re.match(r"^https://github\.com/[^/]+/[^/]+$", repository_url))


def _sbom(report: Report, found: Scan) -> None:
    insights = found.insights
    from_insights = [address for address in (insights.sboms if insights else []) if is_https_url(address)]
    releases = _releases_page(found.repository.url)
    if from_insights:
        report.answers["sbom_url"] = from_insights[0]
        report.row("SBOM", insights.path if insights else "", "sbom_url")
        for other in from_insights[1:]:
            report.refer(METADATA, other)
        return
    evidence = found.release_sbom
    if evidence is not None and releases:
        report.answers["sbom_url"] = releases
        parts = sentence("SBOM: every release publishes SBOMs on the release page, ", url(releases), ".")
        report.add(Fact(METADATA, "SBOM", parts, (evidence,), "sbom_url", releases, True))
        report.row("SBOM", f"{evidence.path}:{evidence.line}", "sbom_url (the release page)")
        return
    files = [found.repository.link(path) for path in found.sboms if is_https_url(found.repository.link(path))]
    if files:
        report.answers["sbom_url"] = files[0]
        for other in files[1:]:
            report.refer(METADATA, other)
        report.row("SBOM", ", ".join(found.sboms), "sbom_url")
        return
    report.row("SBOM", "not found", "")


def _releases_page(repository_url: str | None) -> str | None:
    if not repository_url:
        return None
    host = urlsplit(repository_url).hostname or ""
    if host == "github.com":
        return f"{repository_url}/releases/latest"
    if "gitlab" in host:
        return f"{repository_url}/-/releases"
    return None


def _insights(report: Report, found: Scan, links: dict[str, str]) -> None:
    insights = found.insights
    link = found.repository.link
    if insights is None:
        report.row("Security Insights", "not found", "")
        return
    version = {"1": "version 1", "2": "version 2", "mixed": "version 1 and 2 keys mixed"}.get(
        insights.version, "unknown version"
    )
    note = f"; {insights.note}" if insights.note else ""
    if is_https_url(link(insights.path)):
        links["Security Insights"] = link(insights.path)
    report.row("Security Insights", f"{insights.path} ({version}{note})", "preferred over guesses; security_links")
    if insights.note:
        report.note(METADATA, code(insights.path), ": ", insights.note, ".")
    for address in insights.threat_models:
        report.refer(FEATURES, address)
        if is_https_url(address) and "Threat model" not in links:
            links["Threat model"] = address
    for address in insights.self_assessments:
        report.refer(TOP, address)
    for address in insights.third_party_assessments:
        report.refer(KNOWN_ISSUES, address)
    for label, address in insights.documents:
        report.refer(INSIGHTS_DOCUMENT_SECTIONS.get(label, OVERVIEW), address)
    if insights.tools:
        report.row("Security tools (Security Insights)", ", ".join(insights.tools), "listed here only")
    champion = next((name for name in insights.champions if is_line(name, 500)), None)
    if champion:
        report.answers["security_lead"] = champion
        report.row("Security champion", insights.path, "security_lead")


def _configurations(report: Report, found: Scan, links: dict[str, str]) -> None:
    link = found.repository.link
    threat_models = found.documents.get("threat model", [])
    if threat_models and "Threat model" not in links and is_https_url(link(threat_models[0])):
        links["Threat model"] = link(threat_models[0])
    default = found.default_config
    if default is not None and is_https_url(link(default.path)):
        links["Default configuration"] = link(default.path)
        report.row("Default configuration", f"{default.path} ({default.why})", "security_links")
    else:
        report.row("Default configuration", "not found", "")
    optional = found.security_config
    if optional is not None:
        target, from_link = optional
        address = target if from_link is not None else link(target)
        if is_https_url(address):
            links["Optional configuration"] = address
            where = f"{from_link.path}:{from_link.line}" if from_link else target
            report.row("Security configuration docs", where, "security_links: Optional configuration")
    if "Default configuration" not in links and "Optional configuration" not in links:
        report.note(
            SECURITY_LINKS,
            "No default configuration file or security configuration page was found for certain; "
            "add their links to the Security links table if the project has them.",
        )


def _channels(report: Report, found: Scan) -> None:
    by_audience: dict[str, list[Channel]] = {}
    for channel in found.channels:
        by_audience.setdefault(channel.audience, []).append(channel)
    for audience in (INTERNAL, INBOUND, OUTBOUND):
        channels = by_audience.get(audience, [])
        field_name = CHANNEL_FIELDS[audience]
        if not channels:
            report.row(f"Channels, {audience}", "not found", f"copier asks for {field_name}")
            report.note(
                CHANNELS, f"{audience.capitalize()} channels: none found in the README or the contributing guide."
            )
            continue
        value = f"{CHANNEL_WORDS[audience]} {_join([_describe(channel) for channel in channels])}."
        if is_line(value, 5000):
            report.answers[field_name] = value
        for channel in channels:
            pieces: list[str | Part] = [f"{audience.capitalize()}: {channel.kind}"]
            if _channel_name(channel):
                pieces += [" ", code(_channel_name(channel))]
            href = channel.link.href
            pieces += [" ", code(href.removeprefix("mailto:")) if href.startswith("mailto:") else url(href), "."]
            parts = sentence(*pieces)
            report.add(Fact(CHANNELS, f"{audience} channel", parts, (channel.link.evidence,), field_name, value, True))
        shown = ", ".join(f"{channel.link.path}:{channel.link.line}" for channel in channels[:4])
        report.row(f"Channels, {audience}", shown, f"{field_name} (a proposal)")


def _channel_name(channel: Channel) -> str:
    name = " ".join(channel.name.split())
    return name if len(name) <= 60 and name.isprintable() else ""


def _describe(channel: Channel) -> tuple[str, str]:
    """A channel in words (kind and name) and its address (empty for a mailing list's e-mail address)."""
    name = _channel_name(channel)
    words = f"{channel.kind} {name}" if name else channel.kind
    href = channel.link.href
    if href.startswith("mailto:"):
        return f"{words} ({href.removeprefix('mailto:')})", ""
    return words, href


def _join(described: list[tuple[str, str]]) -> str:
    items = [f"{words} ({href})" if href else words for words, href in described]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pipeline_rows(report: Report, found: Scan) -> None:
    practices: dict[str, int] = {}
    for fact in report.facts:
        if fact.section == PIPELINE:
            practices[fact.practice] = practices.get(fact.practice, 0) + 1
    shown = ", ".join(f"{practice} ({count})" for practice, count in practices.items())
    report.row("Development Pipeline facts", shown or "none", "facts under Development Pipeline" if shown else "")
    workflows = found.workflows
    listed = ", ".join(workflows[:3]) + (f" and {len(workflows) - 3} more" if len(workflows) > 3 else "")
    report.row("CI workflows", listed or "not found", f"{len(workflows)} read" if workflows else "")


def _badges(report: Report, found: Scan) -> None:
    readme = found.readme
    if readme.best_practices:
        report.refer(BEST_PRACTICES, f"https://www.bestpractices.dev/projects/{readme.best_practices[0]}")
        report.row(
            "OpenSSF Best Practices badge",
            f"{readme.path}: project {readme.best_practices[0]}",
            "reference under OpenSSF Best Practices",
        )
    else:
        report.row("OpenSSF Best Practices badge", "not found", "")
    if readme.scorecard:
        report.refer(BEST_PRACTICES, f"https://scorecard.dev/viewer/?uri={readme.scorecard}")
        report.row(
            "OpenSSF Scorecard badge", f"{readme.path}: {readme.scorecard}", "reference under OpenSSF Best Practices"
        )
    else:
        report.row("OpenSSF Scorecard badge", "not found", "")


def _skipped(report: Report, found: Scan) -> None:
    tree = found.tree
    if tree.skipped_folders:
        shown = ", ".join(tree.skipped_folders[:5]) + (" ..." if len(tree.skipped_folders) > 5 else "")
        report.row("Not scanned: vendored and tool folders", shown, _count(len(tree.skipped_folders), "folder"))
    if tree.links:
        report.row(
            "Not followed: links",
            ", ".join(tree.links[:5]) + (" ..." if len(tree.links) > 5 else ""),
            _count(len(tree.links), "link"),
        )
    if tree.unreadable_folders:
        report.row(
            "Unreadable folders", ", ".join(tree.unreadable_folders[:5]), _count(len(tree.unreadable_folders), "folder")
        )
    for problem in found.unread:
        report.row("Not read", problem, "")
    for problem in found.problems:
        report.row("Not used", problem, "")
    if tree.stopped:
        report.row("Scan stopped early", tree.stopped, "")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
